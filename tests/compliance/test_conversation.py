"""Two-way messages and the stopped clock (issue 16 item 8): staff ask for information and may stop
the clock; the requester answers on the status page with at most one checked file; the answer
restarts the clock and the days it stood still are added to the due dates; a stopped request is
neither overdue nor reminded; the file is for staff who handle requests only."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from compliance.models import RequestMessage
from compliance.selectors import request_allowed_actions, request_overdue_count
from compliance.services.tokens import status_token_for
from compliance.workflow import conversation, handling
from compliance.workflow.lifecycle import ActionNotAllowed
from core.models import AuditEvent

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def png_file(name="passport.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (10, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def open_status(client, request):
    response = client.post(reverse("compliance:status_open"), {"token": status_token_for(request)})
    assert response.status_code == 302
    return client.get(response["Location"])


def test_asking_with_the_clock_stopped_keeps_the_request_from_being_overdue(verified_request, staff_user, now):
    conversation.request_ask_information(
        request=verified_request, user=staff_user, body="Please send a copy of an ID document.", suspend=True, now=now
    )
    verified_request.refresh_from_db()
    assert verified_request.clock_suspended_at == now
    late = verified_request.effective_due_date + timedelta(days=10)
    assert not handling.request_is_overdue(verified_request, today=late)
    assert request_overdue_count(today=late) == 0
    actions = request_allowed_actions(verified_request, today=late)
    assert "resume_clock" in actions and "escalate" not in actions and "ask_information" not in actions
    with pytest.raises(ActionNotAllowed):
        conversation.request_ask_information(
            request=verified_request, user=staff_user, body="Again?", suspend=True, now=now
        )
    assert AuditEvent.objects.filter(
        request_public_id=verified_request.public_id, action="request.information_asked"
    ).exists()


def test_the_reply_restarts_the_clock_and_adds_the_days_it_stood_still(verified_request, staff_user, now):
    due_before = verified_request.due_date
    conversation.request_ask_information(
        request=verified_request, user=staff_user, body="Which email address did you use?", suspend=True, now=now
    )
    message = conversation.request_reply(
        request=verified_request, body="It was anna@example.org.", attachment=png_file(), now=now + timedelta(days=9)
    )
    verified_request.refresh_from_db()
    assert verified_request.clock_suspended_at is None and verified_request.clock_suspended_days == 9
    # Due Monday 17 Feb 2025 (received 15 Jan; 15 Feb is a Saturday); 9 days later: Wednesday 26 Feb.
    assert due_before == date(2025, 2, 17) and verified_request.due_date == date(2025, 2, 26)
    assert message.from_requester and message.attachment_type == "image/jpeg"
    with message.attachment.open("rb") as handle:
        stored = handle.read()
    assert stored.startswith(b"\xff\xd8")  # re-encoded: the PNG was not kept as sent
    # Written in the requester's language (Dutch) with a Dutch date, whoever caused it.
    told = RequestMessage.objects.filter(request=verified_request, body__contains="9 dag(en) bijgeteld").get()
    assert told.visible_to_requester and "26 februari 2025" in told.body
    resumed = AuditEvent.objects.get(request_public_id=verified_request.public_id, action="request.clock_resumed")
    assert resumed.details["days"] == 9 and resumed.details["cause"] == "reply"


def test_staff_resume_the_clock_by_hand(verified_request, staff_user, now):
    with pytest.raises(ActionNotAllowed):
        conversation.request_clock_resume(request=verified_request, user=staff_user, now=now)
    conversation.request_ask_information(
        request=verified_request, user=staff_user, body="Your ID, please.", suspend=True, now=now
    )
    assert conversation.request_clock_resume(request=verified_request, user=staff_user, now=now) == 0
    verified_request.refresh_from_db()
    assert verified_request.clock_suspended_at is None and verified_request.due_date == date(2025, 2, 17)


@pytest.mark.parametrize(("controller", "due"), [("FR", date(2025, 5, 9)), ("NL", date(2025, 5, 8))])
def test_the_shifted_due_date_rolls_over_the_controllers_holidays(
    verified_request, staff_user, now, settings, controller, due
):
    """A Dutch requester, a clock stopped 80 days: Mon 17 Feb 2025 + 80 days is Thu 8 May 2025,
    a French public holiday (Victoire 1945) but not a Dutch one; the controller's calendar counts."""
    settings.CONTROLLER_COUNTRY = controller
    conversation.request_ask_information(
        request=verified_request, user=staff_user, body="Your ID, please.", suspend=True, now=now
    )
    conversation.request_clock_resume(request=verified_request, user=staff_user, now=now + timedelta(days=80))
    verified_request.refresh_from_db()
    assert verified_request.country == "NL" and verified_request.due_date == due


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("cat.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "Attach a photo"),
        ("noise.bin", bytes(range(256)) * 4, "Attach a photo"),
        ("cut.pdf", PDF[:40], "damaged or incomplete"),
    ],
)
def test_unusable_attachments_are_refused_with_a_reason(verified_request, now, name, content, expected):
    with pytest.raises(ValidationError) as refused:
        conversation.request_reply(
            request=verified_request, body="Here it is.", attachment=SimpleUploadedFile(name, content), now=now
        )
    assert expected in " ".join(refused.value.message_dict["attachment"])
    assert not RequestMessage.objects.filter(request=verified_request, from_requester=True).exists()


def test_a_pdf_is_kept_and_the_eleventh_message_of_a_day_is_refused(verified_request, now):
    first = conversation.request_reply(
        request=verified_request, body="My ID.", attachment=SimpleUploadedFile("id.pdf", PDF), now=now
    )
    assert first.attachment_type == "application/pdf"
    for number in range(conversation.MAX_REPLIES_PER_DAY - 1):
        conversation.request_reply(request=verified_request, body=f"Note {number}", now=now)
    with pytest.raises(ValidationError) as refused:
        conversation.request_reply(request=verified_request, body="One more", now=now)
    assert "wait until tomorrow" in str(refused.value)
    conversation.request_reply(request=verified_request, body="Next day", now=now + timedelta(days=1, minutes=1))


def test_the_requester_writes_on_the_status_page_and_only_request_handlers_open_the_file(
    client, verified_request, staff_user, auditor_user
):
    page = open_status(client, verified_request).content.decode()
    assert 'id="reply-form"' in page
    url = reverse("compliance:reply", kwargs={"public_id": verified_request.public_id})
    answer = client.post(url, {"body": "My passport is attached.", "attachment": png_file()})
    assert answer.status_code == 302 and answer["Location"].endswith("#messages")
    message = RequestMessage.objects.get(request=verified_request, from_requester=True)
    assert message.attachment and message.body == "My passport is attached."
    refused = client.post(url, {"body": "Again", "attachment": SimpleUploadedFile("x.gif", b"GIF89a;")}, follow=True)
    assert refused.status_code == 200
    assert RequestMessage.objects.filter(request=verified_request, from_requester=True).count() == 1

    download = reverse(
        "compliance:message_attachment", kwargs={"public_id": verified_request.public_id, "message_id": message.pk}
    )
    assert client.get(download).status_code in (302, 403)  # the requester's session is no staff login
    client.force_login(auditor_user)
    assert client.get(download).status_code == 403
    client.force_login(staff_user)
    response = client.get(download)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    detail = client.get(reverse("compliance:request_detail", kwargs={"public_id": verified_request.public_id}))
    assert download in detail.content.decode()


def test_a_reply_without_a_granted_status_page_is_not_found(client, verified_request):
    url = reverse("compliance:reply", kwargs={"public_id": verified_request.public_id})
    assert client.post(url, {"body": "Hello"}).status_code == 404
    assert not RequestMessage.objects.filter(request=verified_request, from_requester=True).exists()
