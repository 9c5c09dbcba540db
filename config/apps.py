from django.apps import AppConfig
from django.core import checks


class ConfigConfig(AppConfig):
    """Project-wide pieces that belong to no domain: roles, health, demo set-up, base pages."""

    name = "config"
    verbose_name = "Project"

    def ready(self):
        # Django's idiom: modules that use models and other apps load once the registry is ready.
        from config.security import proxy_settings_check

        checks.register(proxy_settings_check, checks.Tags.security)
