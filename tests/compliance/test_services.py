"""Lifecycle services: every transition guarded (a second run does nothing), audited, and
emailing the requester in their language."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext

from compliance import services
from compliance.audit import audit_verify
from compliance.models import (
    AuditEvent,
    DataSubjectRequest,
    EmailVerification,
    IdentityCheck,
    RefusalBasis,
    RequestMessage,
    RequestStatus,
)
from compliance.selectors import request_allowed_actions, request_by_status_token
from compliance.services.tokens import status_token_for, token_hash

pytestmark = pytest.mark.django_db


def actions_of(request):
    return list(AuditEvent.objects.filter(request_public_id=request.public_id).values_list("action", flat=True))


# --- submission ---------------------------------------------------------------------------------


def test_submit_stores_the_request_and_sends_the_verification_email_in_the_requesters_language(submit, now):
    request, token = submit()
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_EMAIL  # the email went out
    assert request.due_date == date(2025, 2, 17)  # 15 Feb 2025 is a Saturday -> Monday 17 Feb
    assert request.received_at == now
    assert request.selfie_consent_at == now
    assert request.selfie.name.startswith("requests/selfies/") and request.selfie.name.endswith(".jpg")
    assert request.ip_hash and "203.0.113.9" not in request.ip_hash
    assert request.identity_check == IdentityCheck.NOT_PROVIDED
    # only hashes of the tokens are stored
    verification = EmailVerification.objects.get(request=request)
    assert verification.token_hash == token_hash(token) and token not in verification.token_hash
    assert verification.expires_at == now + timedelta(days=7)
    status_token = status_token_for(request)
    assert status_token and request.status_token_hash == token_hash(status_token)
    assert status_token not in str(DataSubjectRequest.objects.filter(pk=request.pk).values().first())

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["anna@example.org"]
    with translation.override("nl"):
        assert email.subject == gettext("Confirm your data protection request")
    assert f"/verify/{token}/" in email.body or token in email.body
    assert status_token in email.body
    html = email.alternatives[0][0]
    assert token in html
    assert actions_of(request) == ["request.submitted", "request.email_sent"]


def test_submit_rejects_every_bad_field_with_a_message(db, plain_photo, now):
    with pytest.raises(ValidationError) as caught:
        services.request_submit(
            data={"request_type": "sell", "name": " ", "email": "not-an-email", "country": "XX"},
            selfie_file=plain_photo,
            ip="",
            now=now,
        )
    errors = caught.value.message_dict
    assert set(errors) == {"request_type", "name", "email", "country", "selfie_consent"}
    assert DataSubjectRequest.objects.count() == 0


@pytest.mark.parametrize(("payload", "code"), [(b"", "empty"), (b"not an image at all", "not_an_image")])
def test_submit_rejects_a_bad_photo(submit, payload, code):
    with pytest.raises(ValidationError) as caught:
        submit(selfie=payload)
    assert "selfie" in caught.value.message_dict
    assert caught.value.error_dict["selfie"][0].code == code


def test_submit_strips_exif_by_reencoding(submit, faces_dir):
    from PIL import Image

    request, _token = submit(selfie=(faces_dir / "odd" / "obama_exif_rotated.jpg").read_bytes())
    with request.selfie.open("rb") as handle:
        image = Image.open(handle)
        image.load()
    assert not image.getexif()
    assert image.height > image.width  # the rotation was applied, not just dropped


# --- email verification -------------------------------------------------------------------------


def test_verify_email_is_single_use_and_sends_the_acknowledgement(submit, now, django_capture_on_commit_callbacks):
    request, token = submit()
    with django_capture_on_commit_callbacks(execute=True):
        verified, status_token = services.request_verify_email(token=token, now=now + timedelta(hours=1))
    assert verified.status == RequestStatus.VERIFIED
    assert verified.email_verified_at == now + timedelta(hours=1)
    assert request_by_status_token(status_token) == verified
    assert mail.outbox[-1].subject  # acknowledgement
    assert status_token in mail.outbox[-1].body

    with pytest.raises(services.VerificationFailed) as second:
        services.request_verify_email(token=token, now=now + timedelta(hours=2))
    assert second.value.code == "used" and second.value.request == verified
    assert actions_of(verified).count("request.email_verified") == 1


def test_verify_email_refuses_unknown_and_expired_tokens(submit, now):
    with pytest.raises(services.VerificationFailed) as unknown:
        services.request_verify_email(token="nope", now=now)
    assert unknown.value.code == "invalid"
    request, token = submit()
    with pytest.raises(services.VerificationFailed) as late:
        services.request_verify_email(token=token, now=now + timedelta(days=7, seconds=1))
    assert late.value.code == "expired"
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_EMAIL


def test_status_token_lookup_is_by_hash_only(verified_request):
    assert request_by_status_token("") is None
    assert request_by_status_token("x" * 43) is None
    assert request_by_status_token(verified_request.status_token_hash) is None  # the hash is not a key


def test_reissued_status_link_replaces_the_old_one(verified_request, staff_user, now):
    old = status_token_for(verified_request)
    new = services.request_reissue_status_link(request=verified_request, user=staff_user, now=now + timedelta(days=1))
    assert new != old
    assert request_by_status_token(old) is None
    assert request_by_status_token(new) == verified_request


# --- handling ---------------------------------------------------------------------------------


def test_full_path_to_completion_is_guarded_and_audited(
    request_in, staff_user, now, media_root, django_capture_on_commit_callbacks
):
    request = request_in("awaiting_approval")
    selfie_path = media_root / "private" / request.selfie.name
    assert selfie_path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.request_approve(request=request, user=staff_user, now=now)
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    assert request.approved_by == staff_user and request.completed_at == now
    assert not request.selfie and request.biometrics_purged_at == now
    assert not selfie_path.exists()
    with translation.override("nl"):  # the requester's language
        assert mail.outbox[-1].subject == gettext("Your data protection request has been answered")

    # running it again does nothing
    assert services.request_approve(request=request, user=staff_user, now=now) is False
    assert services.request_complete(request=request, user=staff_user, now=now) is False
    assert actions_of(request) == [
        "request.submitted",
        "request.email_sent",
        "request.email_verified",
        "request.email_sent",
        "request.processing_started",
        "request.review_requested",
        "request.approval_requested",
        "request.approved",
        "request.completed",
        "request.biometrics_purged",
        "request.email_sent",
    ]
    assert audit_verify().ok


def test_transitions_out_of_order_are_refused(verified_request, staff_user, now):
    with pytest.raises(services.ActionNotAllowed):
        services.request_approve(request=verified_request, user=staff_user, now=now)
    with pytest.raises(services.ActionNotAllowed):
        services.request_mark_awaiting_approval(request=verified_request, user=staff_user, now=now)
    verified_request.refresh_from_db()
    assert verified_request.status == RequestStatus.VERIFIED


def test_a_stale_copy_cannot_move_a_request_twice(request_in, staff_user, now):
    """Two staff members act on the same page: the conditional update lets only one win."""
    first = request_in("awaiting_approval")
    stale = DataSubjectRequest.objects.get(pk=first.pk)
    assert services.request_approve(request=first, user=staff_user, now=now)
    assert services.request_approve(request=stale, user=staff_user, now=now) is False
    assert actions_of(first).count("request.completed") == 1


def test_refusal_needs_basis_and_reasons_and_the_letter_names_the_remedies(
    request_in, staff_user, now, django_capture_on_commit_callbacks
):
    request = request_in("processing")
    with pytest.raises(ValidationError) as no_reason:
        services.request_refuse(request=request, user=staff_user, basis=RefusalBasis.EXCESSIVE, reason=" ")
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(ValidationError) as no_basis:
        services.request_refuse(request=request, user=staff_user, basis="because", reason="A long enough reason.")
    assert "basis" in no_basis.value.message_dict
    request.refresh_from_db()
    assert request.status == RequestStatus.PROCESSING

    with django_capture_on_commit_callbacks(execute=True):
        assert services.request_refuse(
            request=request,
            user=staff_user,
            basis=RefusalBasis.EXCESSIVE,
            reason="Fourth identical request this month.",
            now=now,
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED and request.refused_at == now
    assert not request.selfie
    letter = mail.outbox[-1]
    assert letter.to == ["anna@example.org"]
    for body in (letter.body, letter.alternatives[0][0]):
        assert "Fourth identical request this month." in body
    # In the requester's language (Dutch here) when the catalogue is compiled; the remedies are
    # always there: checked in English below, where the text cannot be translated away.
    from compliance.emails import email_render, refusal_letter, remedies_text

    with translation.override("en"):
        text = refusal_letter(request)
    assert "supervisory authority" in text and "go to court" in text
    rendered = email_render(kind="refusal", language="en", context={"req": request, "status_url": "x"})
    with translation.override("en"):
        remedies = remedies_text()
    assert remedies in rendered.text
    assert "supervisory authority" in rendered.html and "go to court" in rendered.html
    assert (
        services.request_refuse(
            request=request,
            user=staff_user,
            basis=RefusalBasis.EXCESSIVE,
            reason="Fourth identical request this month.",
            now=now,
        )
        is False
    )
    assert actions_of(request).count("request.refused") == 1


def test_extension_inside_the_first_month_is_recorded_and_notified(
    request_in, staff_user, now, django_capture_on_commit_callbacks
):
    request = request_in("processing")
    assert request.due_date == date(2025, 2, 17)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.request_extend_deadline(
            request=request,
            user=staff_user,
            months=2,
            reason="Searching three archived systems.",
            now=now + timedelta(days=10),
        )
    request.refresh_from_db()
    assert request.extended_due_date == date(2025, 4, 15)  # 15 Jan + 3 months (a Tuesday)
    assert request.effective_due_date == date(2025, 4, 15)
    assert request.extension_months == 2 and request.extension_reason == "Searching three archived systems."
    assert request.extension_notified_at is not None  # the email was sent
    notice = RequestMessage.objects.get(request=request)
    assert notice.visible_to_requester and "2025-04-15" in notice.body
    assert "Searching three archived systems." in mail.outbox[-1].body
    assert "request.deadline_extended" in actions_of(request)
    # no more than two months in total
    with pytest.raises(ValidationError):
        services.request_extend_deadline(
            request=request,
            user=staff_user,
            months=1,
            reason="Even more systems to search.",
            now=now + timedelta(days=11),
        )


def test_extension_after_the_first_month_or_without_reasons_is_refused(request_in, staff_user, now):
    request = request_in("processing")
    with pytest.raises(ValidationError) as late:
        services.request_extend_deadline(
            request=request,
            user=staff_user,
            months=1,
            reason="Searching three archived systems.",
            now=now + timedelta(days=34),
        )
    assert "first month" in str(late.value)
    with pytest.raises(ValidationError) as no_reason:
        services.request_extend_deadline(
            request=request, user=staff_user, months=1, reason="", now=now + timedelta(days=3)
        )
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(ValidationError):
        services.request_extend_deadline(
            request=request, user=staff_user, months=3, reason="Searching three archived systems.", now=now
        )
    request.refresh_from_db()
    assert request.extended_due_date is None and request.extension_months == 0
    assert "request.deadline_extended" not in actions_of(request)


def test_extension_on_the_last_day_of_the_first_month_is_allowed(request_in, staff_user):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    request = request_in("processing")
    last_day = datetime(2025, 2, 17, 23, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert services.request_extend_deadline(
        request=request, user=staff_user, months=1, reason="Searching three archived systems.", now=last_day
    )


def test_messages_visible_to_the_requester_are_emailed_internal_ones_are_not(
    verified_request, staff_user, now, django_capture_on_commit_callbacks
):
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_add_message(
            request=verified_request,
            user=staff_user,
            body="Internal: check archive B.",
            visible_to_requester=False,
            now=now,
        )
    assert len(mail.outbox) == sent
    with django_capture_on_commit_callbacks(execute=True):
        services.request_add_message(
            request=verified_request, user=staff_user, body="We are searching.", visible_to_requester=True, now=now
        )
    assert len(mail.outbox) == sent + 1
    with pytest.raises(ValidationError):
        services.request_add_message(request=verified_request, user=staff_user, body="  ", visible_to_requester=True)
    details = AuditEvent.objects.filter(action="request.message_added").values_list("details", flat=True)
    assert all("body" not in d for d in details)


def test_withdrawal_deletes_the_photos(verified_request, now, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.request_withdraw(request=verified_request, now=now)
    verified_request.refresh_from_db()
    assert verified_request.status == RequestStatus.WITHDRAWN and not verified_request.selfie
    assert services.request_withdraw(request=verified_request, now=now) is False


def test_manual_identity_verification(verified_request, staff_user, now):
    with pytest.raises(ValidationError):
        services.request_verify_identity_manually(request=verified_request, user=staff_user, note="ok")
    assert services.request_verify_identity_manually(
        request=verified_request, user=staff_user, note="Checked passport at the front desk.", now=now
    )
    verified_request.refresh_from_db()
    assert verified_request.identity_check == IdentityCheck.MANUAL_VERIFIED
    assert (
        services.request_verify_identity_manually(
            request=verified_request, user=staff_user, note="Checked passport at the front desk.", now=now
        )
        is False
    )


def test_allowed_actions_follow_the_state(request_in, now):
    request = request_in("awaiting_approval")
    actions = request_allowed_actions(request, today=now.date())
    assert {"approve", "refuse", "extend", "verify_identity", "message"} <= set(actions)
    assert "escalate" not in actions
    later = request_allowed_actions(request, today=date(2025, 3, 1))
    assert "extend" not in later and "escalate" in later


# --- escalation -------------------------------------------------------------------------------


@pytest.fixture
def authority_and_respondent(db):
    from enforcement.models import Authority, Respondent

    authority = Authority.objects.create(
        name="Autoriteit Persoonsgegevens", short_name="AP", country="NL", slug="nl-ap"
    )
    respondent = Respondent.objects.create(name="Clearview AI, Inc.", slug="clearview-ai")
    return authority, respondent


def test_overdue_request_escalates_into_a_complaint_case_once(request_in, staff_user, authority_and_respondent):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    authority, respondent = authority_and_respondent
    request = request_in("processing")
    before_due = datetime(2025, 2, 17, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    with pytest.raises(services.ActionNotAllowed):
        services.request_escalate_to_complaint(
            request=request, user=staff_user, authority=authority, respondent=respondent, now=before_due
        )
    overdue = before_due + timedelta(days=1)
    with pytest.raises(ValidationError):
        services.request_escalate_to_complaint(request=request, user=staff_user, now=overdue)
    case = services.request_escalate_to_complaint(
        request=request, user=staff_user, authority=authority, respondent=respondent, now=overdue
    )
    request.refresh_from_db()
    assert request.enforcement_case == case and request.escalated_at == overdue
    assert case.origin == "complaint" and not case.published
    assert str(request.public_id) in case.internal_notes
    assert request.name not in case.summary + case.title  # no personal data in the case text
    again = services.request_escalate_to_complaint(
        request=request, user=staff_user, authority=authority, respondent=respondent, now=overdue
    )
    assert again == case
    assert actions_of(request).count("request.escalated") == 1


def test_escalation_can_link_an_existing_case(request_in, staff_user, authority_and_respondent):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from enforcement.models import Case

    authority, respondent = authority_and_respondent
    case = Case.objects.create(
        reference="nl-ap-2024-clearview", authority=authority, respondent=respondent, title="Clearview AI"
    )
    request = request_in("verified")
    linked = services.request_escalate_to_complaint(
        request=request,
        user=staff_user,
        case=case,
        now=datetime(2025, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam")),
    )
    assert linked == case
    assert case.data_subject_requests.get() == request


@pytest.mark.parametrize("language", ["en", "nl", "fr", "it"])
def test_refusal_email_is_in_the_requesters_language_and_names_the_remedies(
    submit, staff_user, now, language, django_capture_on_commit_callbacks
):
    from compliance.emails import remedies_text

    request, token = submit(data={"language": language, "email": f"{language}@example.org"})
    services.request_verify_email(token=token, now=now)
    request.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_refuse(
            request=request, user=staff_user, basis=RefusalBasis.OTHER, reason="The photo shows a cartoon.", now=now
        )
    letter = mail.outbox[-1]
    assert letter.to == [f"{language}@example.org"]
    with translation.override(language):
        assert letter.subject == gettext("Decision on your data protection request")
        remedies = remedies_text()
    assert remedies in letter.body
