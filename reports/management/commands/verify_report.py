"""`manage.py verify_report FILE`: is this PDF a report this system produced, unchanged?

Steps:
1. hash the file (SHA-256);
2. find the GeneratedReport recorded with that hash; none means the file is not one this
   system produced, or it was altered (if its metadata names a report id, that report is shown
   so the reader knows which document the copy pretends to be);
3. find the "report.generated" audit record for that report and check that it names the same
   hash and that the record itself is intact (its stored hash matches its content);
4. check the whole audit chain (`audit_verify`), since a broken chain weakens every record;
5. print who asked for it, when, from which parameters.
Exit status 0 when verified, 1 otherwise (with the reason on stderr).
"""

import re

from django.core.management.base import BaseCommand, CommandError

from core.audit import audit_verify, event_hash
from core.models import AuditEvent
from core.pdf import file_sha256
from reports.models import GeneratedReport, ReportStatus
from reports.services import AUDIT_ACTION_GENERATED, AUDIT_OBJECT_TYPE, report_parameters_text

REPORT_ID_PATTERN = re.compile(r"report-id:([0-9a-f-]{36})")


def claimed_report_id(path: str) -> str | None:
    """The report id written into the PDF's keywords, if the file can still be read as a PDF."""
    try:
        from pypdf import PdfReader

        metadata = PdfReader(path).metadata or {}
        match = REPORT_ID_PATTERN.search(str(metadata.get("/Keywords", "")))
    except Exception:  # a damaged or foreign file simply claims nothing
        return None
    return match.group(1) if match else None


class Command(BaseCommand):
    help = "Check that a PDF file is a report this system produced and that it has not been changed."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the PDF to check")

    def handle(self, *args, file: str, **options):

        try:
            sha256 = file_sha256(file)
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror or error}") from None
        self.stdout.write(f"File:    {file}")
        self.stdout.write(f"SHA-256: {sha256}")

        report = (
            GeneratedReport.objects.filter(sha256=sha256, status=ReportStatus.DONE)
            .select_related("requested_by")
            .first()
        )
        if report is None:
            claimed = claimed_report_id(file)
            if claimed:
                original = GeneratedReport.objects.filter(public_id=claimed).first()
                if original is not None:
                    self.stdout.write(
                        f"The file names report {claimed} ({original.get_kind_display()}, generated "
                        f"{original.finished_at or original.created_at:%Y-%m-%d %H:%M:%S %Z} by "
                        f"{original.requested_by_label}), whose SHA-256 is {original.sha256 or 'not recorded'}: "
                        "this copy differs from it, so it has been altered."
                    )
            raise CommandError("NOT VERIFIED: this file is not a report this system produced.", returncode=1)

        problems = []
        events = list(
            AuditEvent.objects.filter(
                action=AUDIT_ACTION_GENERATED, object_type=AUDIT_OBJECT_TYPE, object_id=str(report.public_id)
            ).order_by("seq")
        )
        event = next((item for item in events if item.details.get("sha256") == sha256), None)
        if event is None:
            problems.append("no audit-trail record names this report with this SHA-256")
        elif event_hash(event) != event.hash:
            problems.append(f"the audit record #{event.seq} for this report was edited after it was written")
        chain = audit_verify()
        if not chain.ok:
            problems.append(f"the audit chain is broken at record #{chain.broken_at_seq}: {chain.reason}")

        self.stdout.write(f"Report:  {report.public_id} ({report.get_kind_display()})")
        if report.title:
            self.stdout.write(f"Title:   {report.title}")
        self.stdout.write(f"By:      {report.requested_by_label}")
        self.stdout.write(f"Asked:   {report.created_at:%Y-%m-%d %H:%M:%S %Z}")
        if report.finished_at:
            self.stdout.write(f"Made:    {report.finished_at:%Y-%m-%d %H:%M:%S %Z}")
        self.stdout.write(f"From:    {report_parameters_text(report.parameters) or '(no parameters)'}")
        self.stdout.write(f"Pages:   {report.page_count}   Format: {report.pdf_variant or 'PDF (tagged)'}")
        if event is not None:
            self.stdout.write(
                f"Audit:   record #{event.seq} of {event.created_at:%Y-%m-%d %H:%M:%S %Z} ({event.action})"
            )
        self.stdout.write(f"Chain:   {'intact' if chain.ok else 'BROKEN'} ({chain.checked} records checked)")
        if problems:
            for problem in problems:
                self.stdout.write(self.style.ERROR(f"PROBLEM: {problem}"))
            raise CommandError("NOT VERIFIED: " + "; ".join(problems), returncode=1)
        self.stdout.write(self.style.SUCCESS("VERIFIED: this file is the report recorded above, unchanged."))
