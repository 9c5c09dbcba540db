"""Staying honest when PostgreSQL or Redis goes away (issue 8, faults).

1. `ServiceUnavailableMiddleware`: an error reaching the database, the broker or the cache while a
   view runs becomes a plain 503 "temporarily unavailable" page with Retry-After, rendered without
   touching either service, instead of a 500. The error is logged once, without a traceback
   flood. Add it to MIDDLEWARE right after SecurityHeadersMiddleware; `service_error` is the
   matching handler500 for the same errors raised outside a view (in a middleware).
2. Tasks are sent with core.queue.enqueue_on_commit (fail fast, never fail the caller).
3. `requeue_stalled_work`: the periodic sweep that makes "late" mean "done" for reports: a
   report queued or claimed long ago and never finished is sent again. (Emails have
   core.outbox.outbox_sweep, the request workflow compliance.workflow.sweep.) Every task it
   sends is idempotent, so a message that was merely slow does no harm. Workers register it
   through CELERY_IMPORTS; beat runs it every few minutes.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from core.queue import UNAVAILABLE_ERRORS, enqueue_on_commit, service_unavailable_cause, task_send  # noqa: F401

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


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
    from config.models import GeneratedReport, ReportStatus
    from config.report_tasks import report_generate_task

    now = now or timezone.now()
    stale = now - timedelta(seconds=stale_seconds)
    running = now - timedelta(seconds=DEFAULT_RUNNING_SECONDS if running_seconds is None else running_seconds)
    sent = {"reports": 0}

    # Reports queued and never claimed, or claimed and abandoned.
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
