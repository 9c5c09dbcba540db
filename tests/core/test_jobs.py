"""The one job lifecycle (core/jobs.py) on real concrete models: a report (retried by the user, so a
failure is final) and an outbox email (retried automatically until its eighth attempt)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Q

from core.jobs import job_claim, job_fail, job_finish
from core.models import OutboxEmail, OutboxStatus
from reports.models import GeneratedReport, ReportStatus
from tests.reports.factories import GeneratedReportFactory

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
DONE_FIELDS = {"file": "reports/2026/03/summary.pdf", "sha256": "a" * 64}


@pytest.fixture
def report(db) -> GeneratedReport:
    return GeneratedReportFactory(
        status=ReportStatus.QUEUED,
        last_error="left by an earlier run",
        created_at=NOW,
    )


@pytest.fixture
def email(db) -> OutboxEmail:
    return OutboxEmail.objects.create(
        kind="test.job", recipient="someone@example.org", created_at=NOW, next_attempt_at=NOW
    )


def claim_report(report: GeneratedReport, now: datetime = NOW) -> str | None:
    return job_claim(job_model=GeneratedReport, pk=report.pk, started_at=now)


def test_a_claim_takes_a_fresh_token_counts_the_attempt_and_sets_the_given_fields(report):
    token = claim_report(report)
    report.refresh_from_db()
    assert token is not None and len(token) == 32
    assert (report.status, report.claim_token, report.attempts) == (ReportStatus.RUNNING, token, 1)
    assert report.started_at == NOW
    assert report.last_error == ""  # a report's claim clears the previous run's error


def test_a_second_claim_of_a_job_that_is_not_claimable_gets_none(email):
    pending_and_due = Q(status=OutboxStatus.PENDING, next_attempt_at__lte=NOW)
    first = job_claim(job_model=OutboxEmail, pk=email.pk, when=pending_and_due, claimed_at=NOW)
    second = job_claim(job_model=OutboxEmail, pk=email.pk, when=pending_and_due, claimed_at=NOW)
    email.refresh_from_db()
    assert first is not None and second is None
    assert (email.status, email.claim_token, email.attempts) == (OutboxStatus.SENDING, first, 1)


def test_a_finished_job_is_not_claimed_again(report):
    token = claim_report(report)
    assert job_finish(job=report, token=token, **DONE_FIELDS)
    assert claim_report(report, NOW + timedelta(hours=1)) is None
    report.refresh_from_db()
    assert (report.status, report.attempts, report.started_at) == (ReportStatus.DONE, 1, NOW)


def test_a_run_whose_claim_was_taken_over_can_neither_finish_nor_fail(report):
    stale = claim_report(report)
    current = claim_report(report, NOW + timedelta(hours=3))  # a report running is claimable: its worker died
    assert stale is not None and current is not None and stale != current

    assert job_finish(job=report, token=stale, **DONE_FIELDS) is False
    assert job_fail(job=report, token=stale, error="the stale run's error") is None
    report.refresh_from_db()
    assert (report.status, report.claim_token, report.attempts) == (ReportStatus.RUNNING, current, 2)
    assert report.last_error == "" and report.sha256 == ""

    assert job_finish(job=report, token=current, **DONE_FIELDS) is True
    report.refresh_from_db()
    assert (report.status, report.sha256) == (ReportStatus.DONE, "a" * 64)


def test_a_failure_records_the_error_truncated_and_is_final_for_a_report(report):
    token = claim_report(report)
    assert job_fail(job=report, token=token, error="x" * 5000, finished_at=NOW) == ReportStatus.FAILED
    report.refresh_from_db()
    assert (report.status, report.finished_at) == (ReportStatus.FAILED, NOW)
    assert report.last_error == "x" * GeneratedReport.JOB_ERROR_LIMIT
    assert claim_report(report) is None  # the user asks for the report again instead


def test_an_email_goes_back_to_pending_until_its_last_attempt_keeping_its_error(email):
    statuses = []
    for attempt in range(1, OutboxEmail.JOB_MAX_ATTEMPTS + 1):
        token = job_claim(job_model=OutboxEmail, pk=email.pk, claimed_at=NOW)
        email.refresh_from_db()
        assert email.attempts == attempt
        # The outbox keeps the last error visible while it retries.
        assert email.last_error == ("" if attempt == 1 else f"refused {attempt - 1}")
        statuses.append(job_fail(job=email, token=token, error=f"refused {attempt}", claimed_at=None))
    assert statuses == [OutboxStatus.PENDING] * (OutboxEmail.JOB_MAX_ATTEMPTS - 1) + [OutboxStatus.FAILED]
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (OutboxStatus.FAILED, 8, "refused 8")
    assert job_claim(job_model=OutboxEmail, pk=email.pk) is None


def test_an_email_error_is_truncated_to_its_own_limit(email):
    token = job_claim(job_model=OutboxEmail, pk=email.pk)
    job_fail(job=email, token=token, error="y" * 5000)
    email.refresh_from_db()
    assert email.last_error == "y" * 1000


def test_a_finish_may_name_another_end_state_of_the_model(email):
    token = job_claim(job_model=OutboxEmail, pk=email.pk)
    assert job_finish(job=email, token=token, status=OutboxStatus.CANCELLED, claimed_at=None)
    email.refresh_from_db()
    assert email.status == OutboxStatus.CANCELLED
