"""Staying honest when PostgreSQL or Redis goes away (issue 8, faults).

1. `ServiceUnavailableMiddleware`: an error reaching the database, the broker or the cache while a
   view runs becomes a plain 503 "temporarily unavailable" page with Retry-After, rendered without
   touching either service, instead of a 500. The error is logged once, without a traceback
   flood. Add it to MIDDLEWARE right after SecurityHeadersMiddleware; `service_error` is the
   matching handler500 for the same errors raised outside a view (in a middleware).
2. Tasks are sent with core.queue.enqueue_on_commit (fail fast, never fail the caller).
3. The one sweep (core.sweep, beat every minute) sends again what a lost message left waiting:
   each app registers its sweeper, core.outbox.outbox_sweep (emails), reports.tasks.requeue_stalled
   (reports), compliance.workflow.sweep.workflow_sweep (the request workflow).
"""

from __future__ import annotations

import logging
import sys

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import gettext as _

from core.queue import service_unavailable_cause

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
    if service_unavailable_cause(sys.exc_info()[1]) is not None:
        return unavailable_response(request)
    # Rendered without a request context: the context processors would query the database.
    return HttpResponse(render_to_string("500.html"), status=500)
