"""Celery tasks of the request service: thin wrappers that take primary keys, load, and call one
service. Each is safe to run twice (the services guard every change with a conditional update).
Sent with transaction.on_commit by the services.

BEAT_SCHEDULE is merged into CELERY_BEAT_SCHEDULE by config/settings.py.
"""

import smtplib
import socket

from celery import shared_task
from celery.schedules import crontab

from compliance import services
from compliance.models import DataSubjectRequest

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


BEAT_SCHEDULE = {
    "compliance-expire-unverified-requests": {
        "task": "compliance.tasks.expire_unverified_requests",
        "schedule": crontab(minute=15),  # hourly: an unverified request lives at most 7 days + 1 hour
    },
    "compliance-delete-leftover-photos": {
        "task": "compliance.tasks.delete_leftover_photos",
        "schedule": crontab(minute="*/10"),  # pending uploads live one hour; check every 10 minutes
    },
    "compliance-send-due-reminders": {
        "task": "compliance.tasks.send_due_reminders",
        "schedule": crontab(hour=7, minute=30),  # once a day, before the working day starts
    },
}


from compliance import answering_tasks  # noqa: E402,F401  (issue 6 tasks, registered for workers)
