"""core.resilience in-process (SQLite and PostgreSQL): which errors become a 503, sending a task
to a broker that is not there, and the sweep that sends again the work a lost message left
waiting. The same pieces against real outages: test_service_outages.py."""

import io
import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
from celery import Celery
from django.core import mail
from django.db import OperationalError
from django.test import RequestFactory
from PIL import Image

from core.queue import enqueue_on_commit, service_unavailable_cause, task_send
from core.resilience import ServiceUnavailableMiddleware
from reports.tasks import requeue_stalled

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def dead_broker_task(monkeypatch):
    """A task of an app whose broker and result backend refuse connections (port 1). Celery lets
    CELERY_BROKER_URL in the environment override the app's own broker: it is removed here."""
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("CELERY_RESULT_BACKEND", raising=False)
    app = Celery("dead", broker="redis://127.0.0.1:1/0", backend="redis://127.0.0.1:1/0", set_as_current=False)

    @app.task(name="dead.noop")
    def noop(value):
        return value

    assert app.conf.broker_url == "redis://127.0.0.1:1/0"
    yield noop
    app.close()


# --- which errors mean "unavailable" -----------------------------------------------------------


def _chained(outer: BaseException, inner: BaseException) -> BaseException:
    try:
        try:
            raise inner
        except BaseException as error:
            raise outer from error
    except BaseException as error:
        return error


def test_connection_errors_are_recognised_through_wrappers():
    import redis.exceptions
    from kombu.exceptions import OperationalError as BrokerError

    for error in (
        OperationalError("server closed the connection"),
        BrokerError("Error 111 connecting"),
        redis.exceptions.ConnectionError("Connection refused"),
        _chained(RuntimeError("Retry limit exceeded ... result store backend"), redis.exceptions.ConnectionError()),
    ):
        assert service_unavailable_cause(error) is not None, error
    assert service_unavailable_cause(ValueError("bad input")) is None
    assert service_unavailable_cause(_chained(KeyError("x"), ValueError("y"))) is None


def test_middleware_answers_503_for_outages_and_leaves_other_errors_alone(caplog):
    middleware = ServiceUnavailableMiddleware(lambda request: None)
    page = RequestFactory().post("/requests/new/", {"name": "<b>Ann</b>"})
    with caplog.at_level(logging.ERROR, logger="core.resilience"):
        response = middleware.process_exception(page, OperationalError("could not connect to server"))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert b"Temporarily unavailable" in response.content and b"Ann" not in response.content
    assert "OperationalError" in caplog.text and "Ann" not in caplog.text  # nothing typed is logged

    api = RequestFactory().get("/api/v1/cases/")
    answer = middleware.process_exception(api, OperationalError("down"))
    assert answer.status_code == 503 and answer["Content-Type"] == "application/json"
    assert middleware.process_exception(page, ValueError("a bug")) is None  # still a 500, still logged


# --- sending tasks -------------------------------------------------------------------------------


def test_a_send_to_a_dead_broker_fails_fast_and_quietly(dead_broker_task, caplog):
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="core.resilience"):
        assert task_send(dead_broker_task, 1) is False
    assert time.monotonic() - started < 10
    assert "dead.noop not sent" in caplog.text and "the sweep (core.sweep) sends it later" in caplog.text


def test_enqueue_on_commit_never_fails_the_committing_transaction(
    db, dead_broker_task, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.WARNING, logger="core.resilience")
    from django.contrib.auth import get_user_model

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        get_user_model().objects.create_user("kept")
        enqueue_on_commit(dead_broker_task, 1)
    assert len(callbacks) == 1  # it ran, failed to send, and raised nothing
    assert get_user_model().objects.filter(username="kept").exists()
    assert "dead.noop not sent" in caplog.text


# --- the sweep -------------------------------------------------------------------------------


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 150, 120)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _file_request(email: str, *, at: datetime):
    """A filed request whose verification email was never sent: inside the test's transaction
    the on-commit send never runs, as if its message had been lost."""
    from compliance.workflow import intake

    request, _token = intake.request_submit(
        data={"request_type": "access", "name": "Ann", "email": email, "country": "NL", "selfie_consent": True},
        selfie_file=_jpeg(),
        now=at,
    )
    return request


def test_the_sweeps_send_again_what_is_stale_and_nothing_else(db, eager, auditor_user, mailoutbox):
    """The one sweep (core.sweep) runs every app's sweeper: emails are outbox rows
    (core.outbox.outbox_sweep), reports GeneratedReport rows (requeue_stalled), the request
    workflow's work compliance.workflow.sweep.workflow_sweep."""
    from compliance.models import DataSubjectRequest, RequestStatus
    from core.models import OutboxEmail, OutboxStatus
    from core.sweep import sweep_run
    from reports.models import ReportStatus
    from tests.reports.factories import GeneratedReportFactory

    lost = _file_request("lost@example.org", at=NOW - timedelta(hours=1))
    recent = _file_request("recent@example.org", at=NOW - timedelta(seconds=30))
    report = GeneratedReportFactory(requested_by=auditor_user, created_at=NOW - timedelta(hours=1))
    assert mail.outbox == [] and report.status == ReportStatus.QUEUED

    sent = sweep_run(now=NOW)
    assert sent["outbox"] == 1 and sent["reports"] == {"reports": 1}
    assert sum(sent["workflow"].values()) == 0  # nothing of the workflow is waiting

    assert [message.to for message in mailoutbox] == [["lost@example.org"]]
    emails = dict(OutboxEmail.objects.values_list("recipient", "status"))
    assert emails == {"lost@example.org": OutboxStatus.SENT, "recent@example.org": OutboxStatus.PENDING}
    for request in (lost, recent):  # not stale yet: its own task may still send it
        assert DataSubjectRequest.objects.get(pk=request.pk).status == RequestStatus.AWAITING_EMAIL
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.last_error

    # Run again: what was done is not sent again.
    again = sweep_run(now=NOW)
    assert again["outbox"] == 0 and again["reports"] == {"reports": 0}
    assert len(mailoutbox) == 1


def test_the_sweep_resumes_an_abandoned_report_but_not_a_running_one(db, eager, auditor_user):
    from reports.models import ReportStatus
    from tests.reports.factories import GeneratedReportFactory

    def running(started):
        return GeneratedReportFactory(
            requested_by=auditor_user,
            status=ReportStatus.RUNNING,
            attempts=1,
            created_at=started,
            started_at=started,
        )

    abandoned, busy = running(NOW - timedelta(hours=3)), running(NOW - timedelta(minutes=5))
    assert requeue_stalled(now=NOW)["reports"] == 1
    abandoned.refresh_from_db()
    busy.refresh_from_db()
    assert (abandoned.status, abandoned.attempts) == (ReportStatus.DONE, 2)
    assert (busy.status, busy.attempts) == (ReportStatus.RUNNING, 1)
