from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"

    def ready(self) -> None:
        from compliance import checks  # noqa: F401 - registers the system checks
        from compliance.emails import register_outbox_renderers

        register_outbox_renderers()
