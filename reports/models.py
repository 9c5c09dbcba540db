"""The stored record of every generated PDF report.

A report is an artefact with a life cycle (queued, running, done, failed), written by
`reports.services` only. Its file lives on a private storage that has no URL: it is
served by `reports.views.report_download` after a permission check, never by the web server.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.jobs import Job
from core.storage import private_storage


class ReportKind(models.TextChoices):
    CASE_FILE = "case_file", _("Case file")
    ENFORCEMENT_SUMMARY = "enforcement_summary", _("Enforcement summary")
    COMPLIANCE_AUDIT = "compliance_audit", _("Compliance audit")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def report_upload_to(instance: "GeneratedReport", filename: str) -> str:
    return f"reports/{instance.created_at:%Y/%m}/{filename}"


class GeneratedReport(Job):
    # The job lifecycle (core.jobs): claimed from queued, or again from running when its worker
    # died; a failure is final (the user asks for the report again).
    JOB_CLAIMABLE = (ReportStatus.QUEUED, ReportStatus.RUNNING)
    JOB_RUNNING = ReportStatus.RUNNING
    JOB_DONE = ReportStatus.DONE
    JOB_FAILED = ReportStatus.FAILED

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=40, choices=ReportKind.choices)
    # What the report was made from, as the user gave it: e.g. {"query": "country=NL&status=decided"}
    # for a summary, {"case": "<uuid>"} for a case file. Printed in the footer and by verify_report.
    parameters = models.JSONField(default=dict, blank=True)
    title = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The requester as printed in the footer, kept even if the account is later deleted.
    requested_by_label = models.CharField(max_length=150, blank=True)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    # attempts, last_error and claim_token: core.jobs.Job.
    file = models.FileField(storage=private_storage, upload_to=report_upload_to, max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    pdf_variant = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table kept its name when the model moved here from `config` (issue 13): the move
        # changed no row (reports/migrations/0001_initial.py).
        db_table = "config_generatedreport"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ReportStatus.values), name="report_status_valid"),
            models.CheckConstraint(condition=models.Q(kind__in=ReportKind.values), name="report_kind_valid"),
            models.CheckConstraint(
                condition=~models.Q(status=ReportStatus.DONE) | (~models.Q(sha256="") & ~models.Q(file="")),
                name="report_done_has_file_and_hash",
            ),
        ]
        indexes = [
            # verify_report: "which report has this SHA-256?"
            models.Index(fields=["sha256"], name="report_sha256_idx"),
            # The reports list: the latest done reports of a kind.
            models.Index(fields=["kind", "status", "-created_at"], name="report_kind_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.public_id}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)

    @property
    def download_name(self) -> str:
        return f"{self.kind.replace('_', '-')}-{str(self.public_id)[:8]}.pdf"
