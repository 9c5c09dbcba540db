"""Celery tasks of the report pipeline.

`report_generate_task` is for reports that are too large to make inside a web request. Thin, as
every task here: it takes the report's primary key and calls the one service. The service claims
the job with a conditional update and only the run holding the claim records a file, so a
duplicate delivery or a retry after a killed worker does no harm. Only transient database errors
are retried, with backoff; a report that cannot be built is marked failed by the service with its
reason, and is not retried.

`requeue_stalled` is the sweeper that makes "late" mean "done" for reports: a report queued or
claimed long ago and never finished is sent again. It is registered (ReportsConfig.ready) as the
"reports" sweeper of core.sweep, the one sweep beat runs for every app's lost work. Every task it
sends is idempotent, so a message that was merely slow does no harm.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from core.queue import task_send
from reports.models import GeneratedReport, ReportStatus
from reports.services import report_generate

logger = logging.getLogger(__name__)


@shared_task(
    name="reports.generate",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
)
def report_generate_task(report_id: int) -> str:
    report = report_generate(report_id=report_id)
    return report.status


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
        logger.warning("reports sweeper sent again: %s", sent)
    return sent
