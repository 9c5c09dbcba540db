"""Large reports on a real Celery worker process (PostgreSQL + Redis; skipped on SQLite unless
REQUIRE_SERVICES=1 makes a missing service a failure)."""

import time
from pathlib import Path

import pytest

from core.models import AuditEvent
from reports.models import GeneratedReport, ReportKind, ReportStatus
from reports.services import AUDIT_ACTION_GENERATED, report_request
from tests.reports.conftest import has, pdf_text

pytestmark = pytest.mark.worker


def wait_finished(report: GeneratedReport, timeout: float = 180) -> GeneratedReport:
    """Poll the row the worker updates (a subprocess: there is no clock to freeze here)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.is_finished:
            return report
        time.sleep(0.25)
    raise AssertionError(f"report still {report.status} after {timeout}s")


def test_a_queued_summary_is_made_by_the_worker(start_worker, clearview, auditor_user, client):
    start_worker(queue="celery")
    report = report_request(kind=ReportKind.ENFORCEMENT_SUMMARY, parameters={"query": "country=NL"}, user=auditor_user)
    assert report.status == ReportStatus.QUEUED
    report = wait_finished(report)
    assert report.status == ReportStatus.DONE, report.last_error
    assert report.attempts == 1
    text = pdf_text(report.file.path)
    assert has(text, "EUR 30,500,000") and has(text, "Enforcement summary: 1 case")
    event = AuditEvent.objects.get(action=AUDIT_ACTION_GENERATED, object_id=str(report.public_id))
    assert event.details["sha256"] == report.sha256
    client.force_login(auditor_user)
    assert client.get(f"/reports/{report.public_id}/download/").status_code == 200


def test_a_task_delivered_twice_records_one_file_and_one_audit_entry(start_worker, clearview, auditor_user):
    from reports.tasks import report_generate_task

    start_worker(queue="celery")
    report = report_request(kind=ReportKind.ENFORCEMENT_SUMMARY, parameters={"query": ""}, user=auditor_user)
    duplicate = report_generate_task.delay(report.pk)  # a second delivery of the same job
    assert duplicate.get(timeout=180) == ReportStatus.DONE  # it ran, found the job done, did nothing
    report = wait_finished(report)
    folder = Path(report.file.path).parent
    assert report.status == ReportStatus.DONE
    assert AuditEvent.objects.filter(action=AUDIT_ACTION_GENERATED, object_id=str(report.public_id)).count() == 1
    assert sorted(path.name for path in folder.glob("*.pdf")) == [Path(report.file.name).name]
