"""Celery task for reports that are too large to make inside a web request.

Thin, as every task here: it takes the report's primary key and calls the one service. The
service claims the job with a conditional update and only the run holding the claim records a
file, so a duplicate delivery or a retry after a killed worker does no harm. Only transient
database errors are retried, with backoff; a report that cannot be built is marked failed by
the service with its reason, and is not retried.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from config.report_services import report_generate


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
