"""Celery tasks: thin, idempotent, on the beat schedule; and, with a broker, run by a real
worker process against the shared database."""

import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from compliance import tasks
from compliance.models import DataSubjectRequest, IdentityCheck, RequestStatus
from compliance.workflow import handling, intake, lifecycle
from compliance.workflow.sweep import workflow_sweep
from config.celery import app
from core.models import AuditEvent, OutboxEmail, OutboxStatus
from core.outbox import outbox_add, outbox_send, outbox_send_task, outbox_sweep
from core.sweep import sweepers

pytestmark = pytest.mark.django_db


def test_beat_schedule_names_registered_tasks():
    schedule = {name: entry["task"] for name, entry in django_settings.CELERY_BEAT_SCHEDULE.items()}
    assert {
        "sweep": "core.sweep",
        "expire-unverified-requests": "compliance.workflow.expire_unverified",
        "delete-leftover-photos": "compliance.workflow.delete_leftover_photos",
        "send-due-reminders": "compliance.workflow.send_due_reminders",
    }.items() <= schedule.items()
    app.loader.import_default_modules()  # what a worker and beat load at start
    for task in schedule.values():
        assert task in app.tasks, task
    # The one sweep runs the outbox's and the request workflow's sweepers (tests/core/test_sweep.py).
    assert sweepers()["outbox"] is outbox_sweep and sweepers()["workflow"] is workflow_sweep


def test_expiry_task_expires_week_old_unverified_requests_only(submit):
    real_now = timezone.now()
    old, _t = submit(at=real_now - timedelta(days=7, minutes=1))
    fresh, _t2 = submit(at=real_now - timedelta(days=6), data={"email": "fresh@example.org"})
    assert tasks.expire_unverified_task.delay().get() == 1
    assert tasks.expire_unverified_task.delay().get() == 0  # idempotent
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == RequestStatus.EXPIRED and not old.selfie
    assert fresh.status == RequestStatus.AWAITING_EMAIL and fresh.selfie


def test_reminders_go_to_staff_once_per_due_date(request_in, staff_user, make_user, django_capture_on_commit_callbacks):
    staff_user.email = "stella@dpa.example"
    staff_user.save()
    make_user("no_mail_staff", "DPA staff")
    make_user("auditor_with_mail", "Auditor").__class__.objects.filter(username="auditor_with_mail").update(
        email="aldo@dpa.example"
    )
    request = request_in("awaiting_staff_review")
    today = timezone.localdate()
    DataSubjectRequest.objects.filter(pk=request.pk).update(due_date=today + timedelta(days=3))
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends once the task commits
        assert tasks.due_reminders_task.delay().get() == 1
    assert len(mail.outbox) == sent + 1
    reminder = mail.outbox[-1]
    assert reminder.to == ["stella@dpa.example"]
    assert str(request.public_id) in reminder.body
    assert "anna@example.org" not in reminder.body and request.name not in reminder.body
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.due_reminders_task.delay().get() == 0  # once per due date
    assert len(mail.outbox) == sent + 1
    # a new due date (after an extension) earns a new reminder
    DataSubjectRequest.objects.filter(pk=request.pk).update(
        extended_due_date=today + timedelta(days=4), extension_months=1, extension_reason="More systems to search."
    )
    assert handling.request_send_due_reminders(days=5) == 1
    # requests further out are not listed
    DataSubjectRequest.objects.filter(pk=request.pk).update(
        extended_due_date=today + timedelta(days=40), reminder_sent_for=None
    )
    assert handling.request_send_due_reminders(days=5) == 0


def test_reminder_window_is_configurable(request_in, staff_user, settings):
    staff_user.email = "stella@dpa.example"
    staff_user.save()
    request = request_in("verified")
    DataSubjectRequest.objects.filter(pk=request.pk).update(due_date=timezone.localdate() + timedelta(days=9))
    settings.COMPLIANCE_REMINDER_DAYS = 5
    assert tasks.due_reminders_task.delay().get() == 0
    settings.COMPLIANCE_REMINDER_DAYS = 10
    assert tasks.due_reminders_task.delay().get() == 1


def test_outbox_cancels_emails_of_vanished_requests_and_records_mail_errors(submit, settings, now):
    """Emails are outbox rows (core.outbox): the send task renders and sends one; a failure is
    recorded on the row and retried later by the sweep, never lost."""
    vanished = outbox_add(
        kind="request.acknowledgement", recipient="gone@example.org", params={"request_id": 999_999}, now=now
    )
    assert outbox_send_task.delay(vanished.pk).get() == OutboxStatus.CANCELLED
    request, _token = submit()
    email = outbox_add(
        kind="request.acknowledgement", recipient=request.email, params={"request_id": request.pk}, now=now
    )
    settings.EMAIL_BACKEND = "tests.compliance.failing_email.FailingBackend"
    sent = len(mail.outbox)
    assert outbox_send(email_id=email.pk, now=now) == OutboxStatus.PENDING
    email.refresh_from_db()
    assert "ConnectionError" in email.last_error and email.attempts == 1 and email.next_attempt_at > now
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_send(email_id=email.pk, now=now) is None  # not due yet: the backoff holds
    assert outbox_sweep(now=now + timedelta(hours=1)) == 1
    email.refresh_from_db()
    assert email.status == OutboxStatus.SENT and email.last_error == "" and email.sent_at
    assert len(mail.outbox) == sent + 1 and mail.outbox[-1].to == [request.email]
    assert outbox_sweep(now=now + timedelta(hours=2)) == 0  # sent once


def test_verification_email_is_not_resent_for_a_verified_request(verified_request, now):
    sent = len(mail.outbox)
    with transaction.atomic():
        lifecycle.request_email(verified_request, "verification", now=now, key="again")
    again = OutboxEmail.objects.filter(topic=str(verified_request.public_id), kind="request.verification").last()
    assert outbox_send_task.delay(again.pk).get() == OutboxStatus.CANCELLED
    assert len(mail.outbox) == sent


def test_leftover_task_returns_counts(db):
    assert tasks.leftovers_task.delay().get() == {
        "purged_requests": 0,
        "stale_identity_checks": 0,
        "pending_uploads": 0,
        "orphan_files": 0,
    }


# --- a real worker ----------------------------------------------------------------------------------


def _wait_for(check, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.25)  # polling another process; no test clock is involved
    return False


@pytest.mark.worker
@pytest.mark.faces
def test_worker_sends_the_verification_email_and_checks_the_identity(start_worker, faces_dir, submit_data, media_root):
    worker = start_worker(queue="celery")
    request, _token = intake.request_submit(
        data={**submit_data, "id_document_consent": True},
        selfie_file=(faces_dir / "people" / "obama" / "obama.jpg").read_bytes(),
        id_file=(faces_dir / "people" / "obama" / "obama2.jpg").read_bytes(),
        ip="198.51.100.7",
    )
    assert _wait_for(
        lambda: DataSubjectRequest.objects.filter(
            pk=request.pk, status=RequestStatus.AWAITING_EMAIL, identity_check=IdentityCheck.MATCHED
        ).exists()
    ), worker.log_path.read_text()[-3000:]
    request.refresh_from_db()
    assert not request.id_document
    assert not list((media_root / "private" / "requests" / "id-documents").glob("*"))
    assert AuditEvent.objects.filter(request_public_id=request.public_id, action="request.submitted").exists()
    assert _wait_for(
        lambda: OutboxEmail.objects.filter(
            topic=str(request.public_id), kind="request.verification", status=OutboxStatus.SENT
        ).exists()
    ), worker.log_path.read_text()[-3000:]
    log = worker.log_path.read_text()
    assert "To: anna@example.org" in log  # the console email backend prints what the worker sent
