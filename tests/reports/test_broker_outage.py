"""A background report asked for while Redis is down: the request is not held up or failed, the
report row waits as "queued", and the stalled-work sweep generates it once the broker is back."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from reports.models import ReportKind, ReportStatus
from reports.services import report_request
from reports.tasks import requeue_stalled
from tests.dead_broker import dead_broker  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def test_a_report_queued_while_the_broker_is_down_is_kept_for_the_sweep(
    clearview,
    auditor_user,
    dead_broker,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from reports import tasks as report_tasks

    dead_broker.route(report_tasks, "report_generate_task")
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = report_request(
            kind=ReportKind.ENFORCEMENT_SUMMARY, parameters={"query": "country=NL"}, user=auditor_user
        )
    assert len(callbacks) == 1  # the send ran after commit, failed, and raised nothing
    assert time.monotonic() - started < 10  # one quick retry, not the client's 20 s of reconnects
    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportStatus.QUEUED, 0)

    dead_broker.restore()  # Redis is back (tasks run in-process here)
    assert requeue_stalled(now=timezone.now())["reports"] == 0  # not stale yet
    assert requeue_stalled(now=timezone.now() + timedelta(hours=1))["reports"] == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.last_error
