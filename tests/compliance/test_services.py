"""The request workflow's services without faces (compliance/workflow/): submission, email
confirmation, refusal, extension, messages, withdrawal, escalation. The answer itself (matches,
identity, approval, erasure) is in test_workflow.py and tests/answering/."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext

from compliance.models import (
    DataSubjectRequest,
    EmailVerification,
    IdentityCheck,
    RefusalBasis,
    RequestMessage,
    RequestStatus,
)
from compliance.selectors import request_allowed_actions
from compliance.services.tokens import status_token_for, token_hash
from compliance.workflow import handling, intake
from compliance.workflow.lifecycle import ActionNotAllowed
from core.audit import audit_verify
from core.models import AuditEvent, OutboxEmail, OutboxStatus

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def actions_of(request):
    return list(AuditEvent.objects.filter(request_public_id=request.public_id).values_list("action", flat=True))


def emails_of(request):
    return list(OutboxEmail.objects.filter(topic=str(request.public_id)).values_list("kind", "status"))


# --- submission ---------------------------------------------------------------------------------


def test_submit_stores_the_request_and_sends_the_verification_email_in_the_requesters_language(submit, now):
    request, token = submit()
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_EMAIL
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
    # the email is an outbox row, sent once, with no token stored in it
    outbox = OutboxEmail.objects.get(topic=str(request.public_id))
    assert outbox.kind == "request.verification" and outbox.status == OutboxStatus.SENT
    assert token not in str(outbox.params) and status_token not in str(outbox.params)

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["anna@example.org"]
    with translation.override("nl"):
        assert email.subject == gettext("Confirm your data protection request")
    # links carry their secret after "#", which browsers never send to a server
    assert f"/requests/verify/#{token}" in email.body
    assert f"/requests/status/#{status_token}" in email.body
    assert f"/{token}/" not in email.body
    assert token in email.alternatives[0][0]
    assert actions_of(request) == ["request.submitted"]


def test_submit_rejects_every_bad_field_with_a_message(db, plain_photo, now):
    with pytest.raises(ValidationError) as caught:
        intake.request_submit(
            data={"request_type": "sell", "name": " ", "email": "not-an-email", "country": "XX"},
            selfie_file=plain_photo,
            ip="",
            now=now,
        )
    errors = caught.value.message_dict
    assert set(errors) == {"request_type", "name", "email", "country", "selfie_consent"}
    assert DataSubjectRequest.objects.count() == 0 and OutboxEmail.objects.count() == 0


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


def test_the_status_cannot_be_assigned(submit):
    request, _token = submit()
    with pytest.raises(AttributeError):
        request.status = RequestStatus.COMPLETED


# --- email confirmation -------------------------------------------------------------------------


def test_confirmation_is_single_use_and_sends_the_acknowledgement(submit, now, django_capture_on_commit_callbacks):
    request, token = submit()
    with django_capture_on_commit_callbacks(execute=True):
        verified = intake.request_confirm_email(token=token, now=now + timedelta(hours=1))
    assert verified.status == RequestStatus.VERIFIED
    assert verified.email_verified_at == now + timedelta(hours=1)
    acknowledgement = mail.outbox[-1]
    assert f"/requests/status/#{status_token_for(verified)}" in acknowledgement.body
    with pytest.raises(intake.VerificationFailed) as second:
        intake.request_confirm_email(token=token, now=now + timedelta(hours=2))
    assert second.value.code == "used"
    assert not hasattr(second.value, "request")  # a used link gives nothing away
    assert actions_of(verified).count("request.verify_email") == 1


def test_confirmation_refuses_unknown_and_expired_tokens(submit, now):
    with pytest.raises(intake.VerificationFailed) as unknown:
        intake.request_confirm_email(token="nope", now=now)
    assert unknown.value.code == "invalid"
    request, token = submit()
    with pytest.raises(intake.VerificationFailed) as late:
        intake.request_confirm_email(token=token, now=now + timedelta(days=7, seconds=1))
    assert late.value.code == "expired"
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_EMAIL


def test_grants_follow_the_current_link_only(verified_request, staff_user, now):
    session = {}
    assert intake.status_grant_from_token(session, "") is None
    assert intake.status_grant_from_token(session, "x" * 43) is None
    assert intake.status_grant_from_token(session, verified_request.status_token_hash) is None  # not a key
    old = status_token_for(verified_request)
    assert intake.status_grant_from_token(session, old) == verified_request
    assert intake.status_granted(session, verified_request.public_id) == verified_request
    intake.status_link_reissue(request=verified_request, user=staff_user, now=now + timedelta(days=1))
    assert intake.status_granted(session, verified_request.public_id) is None  # the old link's grant died
    assert intake.status_grant_from_token({}, old) is None
    new_session = {}
    assert intake.status_grant_from_token(new_session, status_token_for(verified_request)) == verified_request


def test_recovery_mails_a_new_link_and_kills_the_old_one(verified_request, now, django_capture_on_commit_callbacks):
    old = status_token_for(verified_request)
    with django_capture_on_commit_callbacks(execute=True):
        assert intake.status_link_recover(email="ANNA@example.org ", now=now + timedelta(days=2)) == 1
        assert intake.status_link_recover(email="nobody@example.org", now=now) == 0
    verified_request.refresh_from_db()
    new = status_token_for(verified_request)
    assert new != old and intake.status_grant_from_token({}, old) is None
    assert f"/requests/status/#{new}" in mail.outbox[-1].body and mail.outbox[-1].to == ["anna@example.org"]
    assert "request.status_link_recovered" in actions_of(verified_request)


# --- handling ---------------------------------------------------------------------------------


def test_refusal_needs_basis_and_reasons_and_the_letter_names_the_remedies(
    verified_request, staff_user, now, django_capture_on_commit_callbacks
):
    request = verified_request
    with pytest.raises(ValidationError) as no_reason:
        handling.request_refuse(request=request, user=staff_user, basis=RefusalBasis.EXCESSIVE, reason=" ", now=now)
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(ValidationError) as no_basis:
        handling.request_refuse(request=request, user=staff_user, basis="because", reason="A long enough reason.")
    assert "basis" in no_basis.value.message_dict
    request.refresh_from_db()
    assert request.status == RequestStatus.VERIFIED

    with django_capture_on_commit_callbacks(execute=True):
        assert handling.request_refuse(
            request=request, user=staff_user, basis=RefusalBasis.EXCESSIVE, reason="Fourth identical request.", now=now
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED and request.refused_at == now and not request.refused_late
    assert not request.selfie and request.facts_final_at == now
    letter = mail.outbox[-1]
    assert letter.to == ["anna@example.org"]
    for body in (letter.body, letter.alternatives[0][0]):
        assert "Fourth identical request." in body
    # the refusal letter (PDF) is issued once, after the refusal
    document = request.documents.get()
    assert document.kind == "refusal_letter" and document.issued_at >= request.facts_final_at
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
        handling.request_refuse(
            request=request, user=staff_user, basis=RefusalBasis.EXCESSIVE, reason="Fourth identical request.", now=now
        )
        is False
    )
    assert actions_of(request).count("request.refuse") == 1


def test_a_refusal_after_the_first_month_needs_a_reason_shown_to_the_requester(
    verified_request, staff_user, django_capture_on_commit_callbacks
):
    """GDPR Art. 12(4): reproduction 6 of issue 11 (refusals after the first month were accepted
    without a flag). An extension does not extend the month."""
    request = verified_request
    handling.request_extend_deadline(
        request=request,
        user=staff_user,
        months=2,
        reason="Searching three archived systems.",
        now=datetime(2025, 1, 20, 9, tzinfo=AMSTERDAM),
    )
    late = datetime(2025, 2, 18, 9, tzinfo=AMSTERDAM)  # the day after the first month's due date
    with pytest.raises(ValidationError) as caught:
        handling.request_refuse(
            request=request, user=staff_user, basis=RefusalBasis.OTHER, reason="Not a photo of a person.", now=late
        )
    assert "late_reason" in caught.value.message_dict
    request.refresh_from_db()
    assert request.status == RequestStatus.VERIFIED
    with django_capture_on_commit_callbacks(execute=True):
        handling.request_refuse(
            request=request,
            user=staff_user,
            basis=RefusalBasis.OTHER,
            reason="Not a photo of a person.",
            late_reason="The request was misfiled during a system migration.",
            now=late,
        )
    request.refresh_from_db()
    assert request.refused_late and request.late_refusal_reason.startswith("The request was misfiled")
    assert "misfiled during a system migration" in mail.outbox[-1].body
    # on the first month's last day it is not late
    other_request = DataSubjectRequest.objects.get(pk=request.pk)
    assert other_request.due_date == date(2025, 2, 17)


def test_extension_inside_the_first_month_is_recorded_and_notified(
    verified_request, staff_user, now, django_capture_on_commit_callbacks
):
    request = verified_request
    assert request.due_date == date(2025, 2, 17)
    with django_capture_on_commit_callbacks(execute=True):
        assert handling.request_extend_deadline(
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
    notice = RequestMessage.objects.get(request=request)
    assert notice.visible_to_requester and "15 april 2025" in notice.body  # the requester's language (Dutch)
    assert "Searching three archived systems." in mail.outbox[-1].body
    assert ("request.extension", OutboxStatus.SENT) in emails_of(request)
    assert "request.deadline_extended" in actions_of(request)
    with pytest.raises(ValidationError):  # no more than two months in total
        handling.request_extend_deadline(
            request=request, user=staff_user, months=1, reason="Even more systems.", now=now + timedelta(days=11)
        )


def test_extension_after_the_first_month_or_without_reasons_is_refused(verified_request, staff_user, now):
    request = verified_request
    with pytest.raises(ValidationError) as late:
        handling.request_extend_deadline(
            request=request, user=staff_user, months=1, reason="Searching archives.", now=now + timedelta(days=34)
        )
    assert "first month" in str(late.value)
    with pytest.raises(ValidationError) as no_reason:
        handling.request_extend_deadline(request=request, user=staff_user, months=1, reason="", now=now)
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(ValidationError):
        handling.request_extend_deadline(request=request, user=staff_user, months=3, reason="Searching archives.")
    request.refresh_from_db()
    assert request.extended_due_date is None and request.extension_months == 0
    assert "request.deadline_extended" not in actions_of(request)


def test_extension_on_the_last_day_of_the_first_month_is_allowed(verified_request, staff_user):
    last_day = datetime(2025, 2, 17, 23, 30, tzinfo=AMSTERDAM)
    assert handling.request_extend_deadline(
        request=verified_request, user=staff_user, months=1, reason="Searching three archived systems.", now=last_day
    )


def test_messages_visible_to_the_requester_are_emailed_internal_ones_are_not(
    verified_request, staff_user, now, django_capture_on_commit_callbacks
):
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        handling.request_add_message(
            request=verified_request, user=staff_user, body="Internal: archive B.", visible_to_requester=False, now=now
        )
    assert len(mail.outbox) == sent
    with django_capture_on_commit_callbacks(execute=True):
        handling.request_add_message(
            request=verified_request, user=staff_user, body="We are searching.", visible_to_requester=True, now=now
        )
        handling.request_add_message(
            request=verified_request, user=staff_user, body="Still searching.", visible_to_requester=True, now=now
        )
    assert len(mail.outbox) == sent + 2  # one email per message, none merged or dropped
    with pytest.raises(ValidationError):
        handling.request_add_message(request=verified_request, user=staff_user, body="  ", visible_to_requester=True)
    details = AuditEvent.objects.filter(action="request.message_added").values_list("details", flat=True)
    assert all("body" not in d for d in details)


def test_withdrawal_deletes_the_photo_and_cannot_happen_twice(
    verified_request, now, media_root, django_capture_on_commit_callbacks
):
    selfie = media_root / "private" / verified_request.selfie.name
    assert selfie.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert handling.request_withdraw(request=verified_request, now=now)
    verified_request.refresh_from_db()
    assert verified_request.status == RequestStatus.WITHDRAWN and not verified_request.selfie
    assert not selfie.exists()
    assert handling.request_withdraw(request=verified_request, now=now) is False
    with translation.override("nl"):
        assert "withdrawn" in mail.outbox[-1].subject or mail.outbox[-1].subject == gettext(
            "Your data protection request has been withdrawn"
        )


def test_allowed_actions_follow_the_state(request_in, now):
    request = request_in("awaiting_approval")
    actions = request_allowed_actions(request, today=now.date())
    assert {"refuse", "extend", "withdraw", "reissue_status_link", "message"} <= set(actions)
    assert "escalate" not in actions
    # The shortcuts of the earlier lifecycle are gone: the answer moves only through the review page.
    assert not {"start_processing", "mark_awaiting_review", "mark_awaiting_approval", "approve"} & set(actions)
    later = request_allowed_actions(request, today=date(2025, 3, 1))
    assert "extend" not in later and "escalate" in later


def test_the_full_path_is_audited_and_the_chain_verifies(request_in):
    request = request_in("completed")
    assert actions_of(request) == [
        "request.submitted",
        "request.verify_email",
        "request.start_matching",
        "request.finish_matching",
        "request.identity_assessed",
        "request.finish_review",
        "answering.package_built",
        "request.answer_prepared",
        "request.approve",
        "request.biometrics_purged",
        "request.document_issued",
        "request.document_issued",
        "request.complete",
        "answering.package_discarded",
    ]
    assert audit_verify().ok


# --- escalation -------------------------------------------------------------------------------


@pytest.fixture
def authority_and_respondent(db):
    from enforcement.models import Authority, Respondent

    authority = Authority.objects.create(
        name="Autoriteit Persoonsgegevens", short_name="AP", country="NL", slug="nl-ap"
    )
    respondent = Respondent.objects.create(name="Clearview AI, Inc.", slug="clearview-ai")
    return authority, respondent


def test_overdue_request_escalates_into_a_case_once(verified_request, staff_user, authority_and_respondent):
    authority, respondent = authority_and_respondent
    request = verified_request
    before_due = datetime(2025, 2, 17, 12, 0, tzinfo=AMSTERDAM)
    with pytest.raises(ActionNotAllowed):
        handling.request_escalate(
            request=request, user=staff_user, authority=authority, respondent=respondent, now=before_due
        )
    overdue = before_due + timedelta(days=1)
    with pytest.raises(ValidationError):
        handling.request_escalate(request=request, user=staff_user, now=overdue)
    case = handling.request_escalate(
        request=request, user=staff_user, authority=authority, respondent=respondent, now=overdue
    )
    request.refresh_from_db()
    assert request.enforcement_case == case and request.escalated_at == overdue
    assert not case.published
    # Issue 15: nobody lodged a complaint; the authority acts on its own initiative.
    assert case.origin == "own_initiative" and "complaint" not in (case.title + case.reference).lower()
    assert str(request.public_id) in case.internal_notes
    assert request.name not in case.summary + case.title  # no personal data in the case text
    again = handling.request_escalate(
        request=request, user=staff_user, authority=authority, respondent=respondent, now=overdue
    )
    assert again == case
    assert actions_of(request).count("request.escalated") == 1


def test_escalation_can_link_an_existing_case(verified_request, staff_user, authority_and_respondent):
    from enforcement.models import Case

    authority, respondent = authority_and_respondent
    case = Case.objects.create(
        reference="nl-ap-2024-clearview", authority=authority, respondent=respondent, title="Clearview AI"
    )
    linked = handling.request_escalate(
        request=verified_request, user=staff_user, case=case, now=datetime(2025, 3, 3, 9, 0, tzinfo=AMSTERDAM)
    )
    assert linked == case
    assert case.data_subject_requests.get() == verified_request


@pytest.mark.parametrize("language", ["en", "nl", "fr", "it", "de", "es", "el"])
def test_refusal_email_is_in_the_requesters_language_and_names_the_remedies(
    submit, staff_user, now, language, django_capture_on_commit_callbacks
):
    from compliance.emails import remedies_text

    request, token = submit(data={"language": language, "email": f"{language}@example.org"})
    intake.request_confirm_email(token=token, now=now)
    request.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        handling.request_refuse(
            request=request, user=staff_user, basis=RefusalBasis.OTHER, reason="The photo shows a cartoon.", now=now
        )
    letter = mail.outbox[-1]
    assert letter.to == [f"{language}@example.org"]
    with translation.override(language):
        assert letter.subject == gettext("Decision on your data protection request")
        remedies = remedies_text()
    assert remedies in letter.body
