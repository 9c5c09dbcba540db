"""Staying honest when PostgreSQL or Redis goes away (issue 8, faults).

1. `ServiceUnavailableMiddleware`: an error reaching the database, the broker or the cache while a
   view runs becomes a plain 503 "temporarily unavailable" page with Retry-After, rendered without
   touching either service, instead of a 500. The error is logged once, without a traceback
   flood. Add it to MIDDLEWARE right after SecurityHeadersMiddleware; `service_error` is the
   matching handler500 for the same errors raised outside a view (in a middleware).
2. `enqueue_on_commit(task, *args, **kwargs)`: send a task after the transaction commits, failing
   fast (no 20 s of result-backend reconnects) and never failing the request that queued it: the
   row the request saved is the record of the work still to do, so a lost message is only late.
3. `requeue_stalled_work`: the periodic sweep that makes "late" mean "done". It finds work the
   database says is waiting but that no worker has picked up (a message lost because Redis was
   down when it was sent, or restarted without persistence, or a worker died past its message's
   redelivery) and sends the task again: verification emails, identity checks and reports.
   (Matching, access packages and erasures have the same safety net in
   compliance.answering.services.answering_sweep.) Every task it sends is idempotent (claims and
   guarded transitions in the services), so a message that was merely slow does no harm.
   Workers register it through CELERY_IMPORTS; beat runs it every few minutes.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# Sending a task must not hold a web request for long: one quick retry, then give up (the sweep
# sends it again later).
FAST_PUBLISH = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def _unavailable_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OperationalError, InterfaceError, ConnectionError, TimeoutError]
    try:
        from kombu.exceptions import OperationalError as BrokerError

        errors.append(BrokerError)
    except ImportError:  # pragma: no cover - kombu comes with celery
        pass
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        errors += [RedisConnectionError, RedisTimeoutError]
    except ImportError:  # pragma: no cover - redis is optional without a Redis cache/broker
        pass
    return tuple(errors)


UNAVAILABLE_ERRORS = _unavailable_errors()


def service_unavailable_cause(error: BaseException | None) -> BaseException | None:
    """The database/broker/cache connection error behind `error`, if there is one.

    Follows the exception chain because libraries wrap these: Celery's Redis result backend
    raises RuntimeError("Retry limit exceeded ...") from a redis ConnectionError."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, UNAVAILABLE_ERRORS):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


def unavailable_response(request=None) -> HttpResponse:
    """The 503 page: static HTML, no template context processors, no session, no database."""
    title = _("Temporarily unavailable")
    message = _(
        "We could not finish this because a service we depend on is briefly unavailable. "
        "Please try again in a minute or two."
    )
    form_hint = _("If you were sending a form, go back with your browser: what you typed is usually still there.")
    body = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title></head>'
        f"<body><main><h1>{escape(title)}</h1><p>{escape(message)}</p><p>{escape(form_hint)}</p></main></body></html>"
    )
    wants_json = request is not None and (
        request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")
    )
    if wants_json:
        response = HttpResponse(
            '{"detail": "Service temporarily unavailable, try again shortly."}',
            status=503,
            content_type="application/json",
        )
    else:
        response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class ServiceUnavailableMiddleware:
    """Turn a view's database/broker/cache connection error into a 503 (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        cause = service_unavailable_cause(exception)
        if cause is None:
            return None
        logger.error(
            "service unavailable: %s %s: %s: %s", request.method, request.path, type(cause).__name__, str(cause)[:200]
        )
        return unavailable_response(request)


def service_error(request):
    """handler500: the 503 page for a connection error raised outside a view, else the 500 page."""
    import sys

    from django.template.loader import render_to_string

    if service_unavailable_cause(sys.exc_info()[1]) is not None:
        return unavailable_response(request)
    # Rendered without a request context: the context processors would query the database.
    return HttpResponse(render_to_string("500.html"), status=500)


# --- queueing work that survives a broker outage ----------------------------------------------


def task_send(task, *args, **kwargs) -> bool:
    """Send `task` now; False (logged, never raised) when the broker cannot take it. Without a
    broker (tasks run in-process) the task runs here and its errors propagate as usual."""
    if task.app.conf.task_always_eager:
        task.apply_async(args=args, kwargs=kwargs)
        return True
    try:
        task.apply_async(args=args, kwargs=kwargs, ignore_result=True, retry=True, retry_policy=FAST_PUBLISH)
    except Exception as error:  # noqa: BLE001 - a send failure must never fail the caller
        cause = service_unavailable_cause(error) or error
        logger.warning(
            "task %s not sent (%s: %s); requeue_stalled_work sends it later",
            task.name,
            type(cause).__name__,
            str(cause)[:200],
        )
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send `task(*args, **kwargs)` once the current transaction commits (see task_send)."""
    transaction.on_commit(lambda: task_send(task, *args, **kwargs))


# --- the sweep --------------------------------------------------------------------------------

# A message that should have been picked up this long ago is taken as lost.
DEFAULT_STALE_SECONDS = 600
# A task claimed this long ago without finishing: its worker died and the broker has not given
# the message out again (its redelivery comes after the visibility timeout, an hour by default).
DEFAULT_RUNNING_SECONDS = 2 * 3600


def requeue_stalled(
    *, now: datetime | None = None, stale_seconds: int = DEFAULT_STALE_SECONDS, running_seconds: int | None = None
) -> dict[str, int]:
    """Send again the task of every piece of work that waits longer than it should. Returns how
    many were sent per kind (nothing is changed in the database here)."""
    from compliance import tasks as compliance_tasks
    from compliance.models import OPEN_STATUSES, DataSubjectRequest, IdentityCheck, RequestStatus
    from config.models import GeneratedReport, ReportStatus
    from config.report_tasks import report_generate_task

    now = now or timezone.now()
    stale = now - timedelta(seconds=stale_seconds)
    running = now - timedelta(seconds=DEFAULT_RUNNING_SECONDS if running_seconds is None else running_seconds)
    sent = {"verification_emails": 0, "identity_checks": 0, "reports": 0}

    # 1. Verification emails: a request stays "received" until its first email has gone out.
    for pk in DataSubjectRequest.objects.filter(status=RequestStatus.RECEIVED, received_at__lt=stale).values_list(
        "pk", flat=True
    ):
        sent["verification_emails"] += task_send(compliance_tasks.send_request_email, pk, "verification")

    # 2. Identity checks of an ID document photo (it is deleted as soon as the check is done).
    for pk in DataSubjectRequest.objects.filter(
        identity_check=IdentityCheck.PENDING, received_at__lt=stale, status__in=OPEN_STATUSES
    ).values_list("pk", flat=True):
        sent["identity_checks"] += task_send(compliance_tasks.check_identity, pk)

    # 3. Reports queued and never claimed, or claimed and abandoned.
    reports = GeneratedReport.objects.filter(status=ReportStatus.QUEUED, created_at__lt=stale) | (
        GeneratedReport.objects.filter(status=ReportStatus.RUNNING, started_at__lt=running)
    )
    for pk in reports.values_list("pk", flat=True):
        sent["reports"] += task_send(report_generate_task, pk)

    if any(sent.values()):
        logger.warning("requeue_stalled_work sent again: %s", sent)
    return sent


@shared_task(name="config.requeue_stalled_work", ignore_result=True)
def requeue_stalled_work(stale_seconds: int = DEFAULT_STALE_SECONDS) -> dict[str, int]:
    return requeue_stalled(stale_seconds=stale_seconds)
