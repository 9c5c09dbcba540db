"""Celery tasks: thin, idempotent, on the beat schedule; and, with a broker, run by a real
worker process against the shared database."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from compliance import services, tasks
from compliance.models import AuditEvent, DataSubjectRequest, IdentityCheck, RequestStatus
from config.celery import app

pytestmark = pytest.mark.django_db


def test_beat_schedule_names_registered_tasks():
    assert set(tasks.BEAT_SCHEDULE) == {
        "compliance-expire-unverified-requests",
        "compliance-delete-leftover-photos",
        "compliance-send-due-reminders",
    }
    for entry in tasks.BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_expiry_task_expires_week_old_unverified_requests_only(submit):
    real_now = timezone.now()
    old, _t = submit(at=real_now - timedelta(days=7, minutes=1))
    fresh, _t2 = submit(at=real_now - timedelta(days=6), data={"email": "fresh@example.org"})
    assert tasks.expire_unverified_requests.delay().get() == 1
    assert tasks.expire_unverified_requests.delay().get() == 0  # idempotent
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == RequestStatus.EXPIRED and not old.selfie
    assert fresh.status == RequestStatus.AWAITING_EMAIL and fresh.selfie


def test_reminders_go_to_staff_once_per_due_date(request_in, staff_user, make_user):
    staff_user.email = "stella@dpa.example"
    staff_user.save()
    make_user("no_mail_staff", "DPA staff")
    make_user("auditor_with_mail", "Auditor").__class__.objects.filter(username="auditor_with_mail").update(
        email="aldo@dpa.example"
    )
    request = request_in("processing")
    today = timezone.localdate()
    DataSubjectRequest.objects.filter(pk=request.pk).update(due_date=today + timedelta(days=3))
    sent = len(mail.outbox)
    assert tasks.send_due_reminders.delay().get() == 1
    assert len(mail.outbox) == sent + 1
    reminder = mail.outbox[-1]
    assert reminder.to == ["stella@dpa.example"]
    assert str(request.public_id) in reminder.body
    assert "anna@example.org" not in reminder.body and request.name not in reminder.body
    assert tasks.send_due_reminders.delay().get() == 0  # once per due date
    assert len(mail.outbox) == sent + 1
    # a new due date (after an extension) earns a new reminder
    DataSubjectRequest.objects.filter(pk=request.pk).update(
        extended_due_date=today + timedelta(days=4), extension_months=1, extension_reason="More systems to search."
    )
    assert services.request_send_due_reminders(days=5) == 1
    # requests further out are not listed
    DataSubjectRequest.objects.filter(pk=request.pk).update(
        extended_due_date=today + timedelta(days=40), reminder_sent_for=None
    )
    assert services.request_send_due_reminders(days=5) == 0


def test_reminder_window_is_configurable(request_in, staff_user, settings):
    staff_user.email = "stella@dpa.example"
    staff_user.save()
    request = request_in("verified")
    DataSubjectRequest.objects.filter(pk=request.pk).update(due_date=timezone.localdate() + timedelta(days=9))
    settings.COMPLIANCE_REMINDER_DAYS = 5
    assert tasks.send_due_reminders.delay().get() == 0
    settings.COMPLIANCE_REMINDER_DAYS = 10
    assert tasks.send_due_reminders.delay().get() == 1


def test_email_task_skips_vanished_requests_and_records_mail_errors(submit, settings):
    assert tasks.send_request_email.delay(999_999, "acknowledgement").get() is False
    request, _token = submit()
    settings.EMAIL_BACKEND = "tests.compliance.failing_email.FailingBackend"
    with pytest.raises(ConnectionError):
        services.request_send_email(request_id=request.pk, kind="acknowledgement")
    request.refresh_from_db()
    assert "ConnectionError" in request.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.request_send_email(request_id=request.pk, kind="acknowledgement")
    request.refresh_from_db()
    assert request.last_error == ""


def test_verification_email_is_not_resent_for_a_verified_request(verified_request):
    sent = len(mail.outbox)
    assert tasks.send_request_email.delay(verified_request.pk, "verification").get() is False
    assert len(mail.outbox) == sent


def test_leftover_task_returns_counts(db):
    assert tasks.delete_leftover_photos.delay().get() == {
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
    request, _token = services.request_submit(
        data=submit_data,
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
    assert AuditEvent.objects.filter(request_public_id=request.public_id, action="request.email_sent").exists()
    log = worker.log_path.read_text()
    assert "To: anna@example.org" in log  # the console email backend prints what the worker sent
