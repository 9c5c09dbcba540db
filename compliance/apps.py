from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"

    def ready(self) -> None:
        from compliance import (
            api,
            checks,  # noqa: F401 - registers the system checks
            reports,
        )
        from compliance.emails import register_outbox_renderers
        from compliance.workflow.sweep import workflow_sweep
        from config.api_urls import router
        from core.pdf import ARCHIVAL_VARIANT
        from core.sweep import sweep_register
        from reports.models import ReportKind
        from reports.services import ReportKindSpec, report_kind_register

        register_outbox_renderers()
        sweep_register(name="workflow", sweep=workflow_sweep)
        api.register(router)
        # The audit is a record kept to show accountability (GDPR Art. 5(2)): PDF/A-3b; it covers
        # a whole period, so a worker makes it.
        report_kind_register(
            ReportKindSpec(
                kind=ReportKind.COMPLIANCE_AUDIT,
                clean=reports.audit_clean,
                build=reports.audit_build,
                pdf_variant=ARCHIVAL_VARIANT,
                background=True,
            )
        )
        # No demo data of its own yet, so no demo loader (core.services names the order it would take).
