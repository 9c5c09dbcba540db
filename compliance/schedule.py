"""Celery beat entries of the request service. Importable from settings (no Django models here):

from compliance.schedule import BEAT_SCHEDULE as COMPLIANCE_BEAT_SCHEDULE
CELERY_BEAT_SCHEDULE = {**COMPLIANCE_BEAT_SCHEDULE}
"""

from celery.schedules import crontab

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
