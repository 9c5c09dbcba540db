from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """Project-wide pieces that belong to no domain: roles, health, demo set-up, base pages."""

    name = "config"
    verbose_name = "Project"
