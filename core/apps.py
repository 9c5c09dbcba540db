from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    """The shared mechanisms every app uses: audit trail, outbox, queueing, the sweep, roles, PDFs,
    health."""

    name = "core"
    verbose_name = "Shared mechanisms"

    def ready(self):
        # Django's idiom: modules that use models and other apps load once the registry is ready.
        from core.outbox import outbox_sweep
        from core.security import proxy_settings_check
        from core.sweep import sweep_register

        checks.register(proxy_settings_check, checks.Tags.security)
        sweep_register(name="outbox", sweep=outbox_sweep)
