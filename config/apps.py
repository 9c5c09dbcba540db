from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project's wiring (settings, urls, the Celery app) and the admin site's titles.

    It has no models: it stays an installed app for its migrations, which are history (the
    report model they created moved to `reports`, issue 13) and for `config/admin.py`."""

    name = "config"
    verbose_name = "Project"
