"""Celery tasks of the request service: thin wrappers that take primary keys, load, and call one
service. Each is safe to run twice (the services guard every change with a conditional update).
Sent with transaction.on_commit by the services.

BEAT_SCHEDULE (defined in compliance/schedule.py, importable from settings) lists the beat entries.
"""

import smtplib
import socket

from celery import shared_task

from compliance import services
from compliance.models import DataSubjectRequest
from compliance.schedule import BEAT_SCHEDULE  # noqa: F401 - re-exported for settings and tests

# Transient mail-server failures worth retrying; anything else is a bug and fails loudly.
TRANSIENT_EMAIL_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPDataError,
    smtplib.SMTPHeloError,
    smtplib.SMTPRecipientsRefused,
    ConnectionError,
    socket.timeout,
)


@shared_task(
    bind=True,
    autoretry_for=TRANSIENT_EMAIL_ERRORS,
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def send_request_email(self, request_id: int, kind: str, message_id: int | None = None) -> bool:
    return services.request_send_email(request_id=request_id, kind=kind, message_id=message_id)


@shared_task
def check_identity(request_id: int) -> str | None:
    request = DataSubjectRequest.objects.filter(pk=request_id).first()
    if request is None:
        return None
    return services.request_check_identity(request=request)


@shared_task
def expire_unverified_requests() -> int:
    return services.request_expire_unverified()


@shared_task(autoretry_for=TRANSIENT_EMAIL_ERRORS, retry_backoff=60, max_retries=5)
def send_due_reminders() -> int:
    return services.request_send_due_reminders()


@shared_task
def delete_leftover_photos() -> dict:
    return services.request_photos_delete_leftovers()


from compliance import answering_tasks  # noqa: E402,F401  (issue 6 tasks: workers must register them)
