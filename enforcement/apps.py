from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "enforcement"

    def ready(self) -> None:
        # config, reports and core import no domain app (pyproject.toml): the app hands them its
        # API resources, report kinds and demo data here, once the app registry is ready (Django's
        # idiom).
        from config.api_urls import router
        from core.pdf import ARCHIVAL_VARIANT
        from core.services import demo_loader_register
        from enforcement import api, demo, reports
        from reports.models import ReportKind
        from reports.services import ReportKindSpec, report_kind_register

        api.register(router)
        # A case file is a record that must stay readable and provable for years: PDF/A-3b. The
        # enforcement summary is a working document (tagged PDF), large, so made by a worker.
        report_kind_register(
            ReportKindSpec(
                kind=ReportKind.CASE_FILE,
                clean=reports.case_file_clean,
                build=reports.case_file_build,
                pdf_variant=ARCHIVAL_VARIANT,
                background=False,
            )
        )
        report_kind_register(
            ReportKindSpec(
                kind=ReportKind.ENFORCEMENT_SUMMARY,
                clean=reports.summary_clean,
                build=reports.summary_build,
                pdf_variant=None,
                background=True,
            )
        )
        demo_loader_register(name="enforcement", order=10, load=demo.load)  # order: see core.services
