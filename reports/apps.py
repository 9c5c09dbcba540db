from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The report pipeline: stored reports, their generation, pages and `verify_report`.

    The domain apps register their kinds of report from their own `ready()`
    (`reports.services.report_kind_register`); this app imports only `core`."""

    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from core.sweep import sweep_register
        from reports.tasks import requeue_stalled

        sweep_register(name="reports", sweep=requeue_stalled)
