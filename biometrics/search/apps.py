from django.apps import AppConfig


class SearchConfig(AppConfig):
    """The face search index (a sub-app of biometrics with its own tables and triggers)."""

    name = "biometrics.search"
    label = "biometrics_search"
    verbose_name = "Biometric search index"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from biometrics.search.triggers import triggers_install_after_migrate

        # Re-installed after every migrate: on SQLite a later migration that rebuilds the face
        # table (ALTER on SQLite copies it) drops the triggers with the old table.
        post_migrate.connect(triggers_install_after_migrate, sender=self)
