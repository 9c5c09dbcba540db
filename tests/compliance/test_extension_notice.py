"""An extension must be notified within the first month (GDPR Art. 12(3), issue 16 item 10): the
time its email went out is recorded; a notice sent after the first due date, or none by then,
flags the request for staff and the audit trail."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse

from compliance.workflow import handling
from compliance.workflow.extension_notice import extension_notice_sent, extension_notices_flag_unsent
from core.models import AuditEvent, OutboxEmail

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def extended(request, staff, now):
    handling.request_extend_deadline(request=request, user=staff, months=1, reason="Many sources to check.", now=now)
    request.refresh_from_db()
    return OutboxEmail.objects.get(topic=str(request.public_id), kind="request.extension")


def test_a_notice_sent_in_the_first_month_is_recorded_and_not_flagged(verified_request, staff_user, now):
    email = extended(verified_request, staff_user, now)
    sent = datetime(2025, 2, 17, 23, 30, tzinfo=AMSTERDAM)  # the last evening of the first month
    extension_notice_sent(email, sent)
    verified_request.refresh_from_db()
    assert verified_request.extension_notified_at == sent and verified_request.extension_notice_late_at is None
    assert extension_notices_flag_unsent(now=sent + timedelta(days=5)) == 0


def test_a_late_notice_flags_the_request_once(verified_request, staff_user, now, client):
    email = extended(verified_request, staff_user, now)
    late = datetime(2025, 2, 18, 9, 0, tzinfo=AMSTERDAM)
    extension_notice_sent(email, late)
    extension_notice_sent(email, late + timedelta(hours=1))  # a second call changes nothing
    verified_request.refresh_from_db()
    assert verified_request.extension_notified_at == late and verified_request.extension_notice_late_at == late
    assert verified_request.extended_due_date is not None  # the flag decides nothing by itself
    events = AuditEvent.objects.filter(
        request_public_id=verified_request.public_id, action="request.extension_notice_late"
    )
    assert events.count() == 1 and events.get().details["cause"] == "notified_late"
    client.force_login(staff_user)
    page = client.get(reverse("compliance:request_detail", kwargs={"public_id": verified_request.public_id}))
    assert 'id="extension-notice-late"' in page.content.decode()


def test_no_notice_by_the_first_due_date_is_flagged_by_the_sweep(verified_request, staff_user, now):
    OutboxEmail.objects.all().delete()
    extended(verified_request, staff_user, now)
    OutboxEmail.objects.filter(kind="request.extension").update(status="failed")  # never went out
    assert extension_notices_flag_unsent(now=datetime(2025, 2, 17, 20, 0, tzinfo=AMSTERDAM)) == 0  # still in time
    assert extension_notices_flag_unsent(now=datetime(2025, 2, 18, 8, 0, tzinfo=AMSTERDAM)) == 1
    assert extension_notices_flag_unsent(now=datetime(2025, 2, 19, 8, 0, tzinfo=AMSTERDAM)) == 0
    verified_request.refresh_from_db()
    assert verified_request.extension_notice_late_at is not None
    event = AuditEvent.objects.get(request_public_id=verified_request.public_id, action="request.extension_notice_late")
    assert event.details["cause"] == "not_notified"
