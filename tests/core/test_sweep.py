"""The one sweep for lost work (core.sweep): each app registers its sweeper, one broken sweeper
does not stop the others, and beat has exactly one entry for it."""

import logging
from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone

from compliance.workflow.sweep import workflow_sweep
from core.models import OutboxEmail, OutboxStatus
from core.outbox import outbox_add, outbox_sweep
from core.sweep import sweep_register, sweep_run, sweep_task, sweep_unregister, sweepers
from reports.models import ReportStatus
from reports.tasks import requeue_stalled
from tests.reports.factories import GeneratedReportFactory

pytestmark = pytest.mark.django_db

OLD_SWEEP_TASKS = {"core.outbox.sweep", "compliance.workflow.sweep", "config.requeue_stalled_work"}


@pytest.fixture
def registered():
    """Register sweepers for one test; they are removed afterwards."""
    names = []

    def register(name, sweep):
        sweep_register(name=name, sweep=sweep)
        names.append(name)

    yield register
    for name in names:
        sweep_unregister(name=name)


def test_every_app_registers_its_own_sweeper():
    assert sweepers() == {"outbox": outbox_sweep, "reports": requeue_stalled, "workflow": workflow_sweep}


def test_a_name_is_taken_by_one_sweeper_only(registered):
    def first(*, now):
        return 0

    def second(*, now):
        return 0

    registered("test.first", first)
    sweep_register(name="test.first", sweep=first)  # the same function again: nothing changes
    with pytest.raises(ValueError, match="already registered"):
        sweep_register(name="test.first", sweep=second)
    with pytest.raises(ValueError, match="already registered"):
        sweep_register(name="outbox", sweep=second)
    assert sweepers()["test.first"] is first and sweepers()["outbox"] is outbox_sweep


def test_a_failing_sweeper_does_not_stop_the_others(registered, auditor_user, caplog, eager):
    """Real rows left waiting by lost messages: a report queued an hour ago and an email whose
    task never ran (about a request that has since gone, so sending it cancels it). A sweeper
    that raises, with a person's data in its message, runs before a sweeper of the test's own and
    alongside the apps' ones: all the others run, and the log names the failure without the data."""
    now = timezone.now()
    report = GeneratedReportFactory(requested_by=auditor_user, created_at=now - timedelta(hours=1))
    email = outbox_add(
        kind="request.acknowledgement",
        recipient="ann@example.org",
        params={"request_id": 999_999},
        now=now - timedelta(hours=1),
    )
    assert email is not None and report.status == ReportStatus.QUEUED

    def broken(*, now):
        raise RuntimeError("Ann Example, ann@example.org, face distance 0.31")

    def after(*, now):
        return OutboxEmail.objects.filter(status=OutboxStatus.CANCELLED).count()

    registered("test.broken", broken)
    registered("test.after", after)
    with caplog.at_level(logging.ERROR, logger="core.sweep"):
        results = sweep_run(now=now)

    assert results["test.broken"] is None
    assert results["test.after"] == 1  # ran after the broken one, and after the outbox's
    assert results["reports"] == {"reports": 1}
    assert results["outbox"] == 0  # cancelled, not sent
    assert isinstance(results["workflow"], dict)
    report.refresh_from_db()
    email.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.last_error
    assert email.status == OutboxStatus.CANCELLED
    assert "sweeper test.broken failed: RuntimeError" in caplog.text
    assert "Ann" not in caplog.text and "ann@example.org" not in caplog.text and "0.31" not in caplog.text


def test_the_task_runs_every_sweeper():
    results = sweep_task.apply().get()
    assert set(results) == {"outbox", "reports", "workflow"}
    assert results["outbox"] == 0 and results["reports"] == {"reports": 0}


def test_the_beat_schedule_has_exactly_one_sweep_entry():
    from config.celery import app

    entries = {name: entry for name, entry in settings.CELERY_BEAT_SCHEDULE.items() if entry["task"] == "core.sweep"}
    assert list(entries) == ["sweep"]
    assert entries["sweep"]["schedule"] == crontab(minute="*")
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert not scheduled & OLD_SWEEP_TASKS
    app.loader.import_default_modules()  # what a worker and beat load at start
    assert "core.sweep" in app.tasks
    assert not OLD_SWEEP_TASKS & set(app.tasks)
