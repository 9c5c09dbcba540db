"""Celery tasks that answer requests (issue 6). Thin: each takes primary keys, loads, calls one
service and is safe to run again; the services guard every change with a conditional update
and keep progress in rows, so a task redelivered after its worker was killed (acks_late with
reject_on_worker_lost, set in settings) resumes and ends in the same state.

Imported by compliance/apps.py so that workers register them.
"""

from celery import shared_task
from django.db import OperationalError

# Database hiccups (a restarted server, a lock timeout) are retried with backoff; everything
# else is recorded on the row by the service and shown to staff.
TRANSIENT = (OperationalError,)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=10, retry_backoff_max=600, max_retries=8)
def answering_match_request(request_id: int) -> int | None:
    from compliance.answering.matching import matching_run

    run = matching_run(request_id=request_id)
    return run.matches_found if run else None


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=10, retry_backoff_max=600, max_retries=8)
def answering_build_package(request_id: int, user_id: int | None = None) -> str | None:
    from compliance.answering.access import package_build
    from compliance.answering.services import package_ready

    package = package_build(request_id=request_id)
    if package is None:
        return None
    package_ready(request_id=request_id, user_id=user_id)
    return package.status


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=10, retry_backoff_max=600, max_retries=8)
def answering_execute_erasure(request_id: int) -> str | None:
    from compliance.answering.erasure import erasure_execute

    erasure = erasure_execute(request_id=request_id)
    return erasure.status if erasure else None


@shared_task
def answering_sweep() -> int:
    """Beat: re-queue matching and erasures whose task was lost (see services.answering_sweep)."""
    from compliance.answering.services import answering_sweep as sweep

    return sweep()
