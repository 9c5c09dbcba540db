"""GDPR Art. 19 for a rectification (Art. 16) and for the lift of a restriction (Art. 18(3)):
every customer whose searches returned the requester's confirmed faces is emailed once, with what
was corrected and nothing biometric; the audit trail and a staff note count those told and those
without an address; the decision letter names them, except a recipient withheld under Art. 23,
which is still told. The notices cite the request's law (compliance.workflow.recipients)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

import tests.compliance.test_rights_16_18_21 as rights_tests
from biometrics.services import customer_ensure, search_event_record
from compliance.emails import RENDERERS
from compliance.models import DataSubjectRequest, DocumentKind, RefusalBasis, Regime, RequestStatus
from compliance.workflow import handling, recipients, restriction, rights
from compliance.workflow.lifecycle import ActionNotAllowed
from core.models import AuditEvent, OutboxEmail
from tests.compliance.test_rights_16_18_21 import pdf_text
from tests.compliance.web_support import fresh_rate_limits  # noqa: F401 - autouse fixture

pytestmark = [pytest.mark.faces, pytest.mark.django_db]

# The rights tests' fixtures: their small store and a request reviewed up to the decision.
for _name in ("analysed", "store", "file_reviewed"):
    globals()[_name] = getattr(rights_tests, _name)

CORRECTED = (
    "We corrected the source address recorded for one photo of Barack Example: it now names the page where "
    "the photo was published."
)


@pytest.fixture
def customers(store):
    """The police received two of the requester's faces, the border agency (no address) one, the
    bank only another person's face."""
    police = customer_ensure(name="Example Police", country="NL", kind="police", contact_email="dpo@police.example")
    agency = customer_ensure(name="Border Agency", country="FR", kind="border")
    bank = customer_ensure(name="Unrelated Bank", country="IT", contact_email="privacy@bank.example")
    search_event_record(
        customer=police, matches=[(store["people/obama/obama2.jpg"], 0.3), (store["people/obama/obama.jpg"], 0.35)]
    )
    search_event_record(customer=police, matches=[(store["people/obama/obama2.jpg"], 0.31)])
    search_event_record(customer=agency, matches=[(store["people/obama/obama4.jpg"], 0.4)])
    search_event_record(customer=bank, matches=[(store["people/biden/biden.jpg"], 0.2)])
    return police, agency, bank


def notices(kind_subject: str) -> list:
    return [m for m in mail.outbox if m.subject.startswith(kind_subject)]


def decide(request, staff_user, capture, outcome: str, reason: str = CORRECTED) -> bool:
    """Decide, with the on-commit work (documents, outbox) run as a worker would."""
    with capture(execute=True):
        decided = rights.rights_decide(request=request, user=staff_user, outcome=outcome, reason=reason)
    request.refresh_from_db()
    return decided


def test_a_rectification_tells_each_recipient_once_and_the_letter_names_them(
    file_reviewed, customers, staff_user, django_capture_on_commit_callbacks
):
    request = file_reviewed("rectification")
    mail.outbox.clear()
    assert decide(request, staff_user, django_capture_on_commit_callbacks, "rectified")
    assert request.status == RequestStatus.COMPLETED

    [notice] = notices("Rectification notice")
    assert notice.to == ["dpo@police.example"]
    assert "GDPR Art. 19" in notice.subject and str(request.public_id) in notice.subject
    body = notice.body
    assert "Dear Example Police" in body and "Under GDPR Art. 16 we have rectified" in body
    assert "2 face(s)" in body and "Under Art. 19 we tell you" in body
    # What was corrected, without the requester's name; nothing biometric, no selfie.
    assert "We corrected the source address recorded for one photo of [the data subject]" in body
    assert "Barack" not in body and "barack@example.org" not in body
    assert "encoding" not in body.lower() and not notice.attachments
    assert "Barack" not in notice.alternatives[0][0]

    event = AuditEvent.objects.get(request_public_id=request.public_id, action="request.rectification_notified")
    assert (event.details["recipients_told"], event.details["recipients_without_address"]) == (1, 1)
    note = request.messages.get(visible_to_requester=False, body__contains="rectification")
    assert "1 recipient(s) emailed" in note.body and "1 without an email address" in note.body

    # A retry sends nothing: the decision is taken once, and the notifier's dedupe keys hold.
    with pytest.raises(ActionNotAllowed):
        decide(request, staff_user, django_capture_on_commit_callbacks, "rectified")
    with django_capture_on_commit_callbacks(execute=True):
        told, _without = recipients.recipients_notify(
            request=request,
            face_ids=request.matches.values_list("face_id", flat=True),
            kind=recipients.RECTIFICATION_NOTICE_KIND,
            now=timezone.now(),
        )
    assert told == 0
    assert OutboxEmail.objects.filter(kind=recipients.RECTIFICATION_NOTICE_KIND).count() == 1
    assert len(notices("Rectification notice")) == 1

    text = pdf_text(request.documents.get(kind=DocumentKind.DECISION_LETTER))
    assert "Recipients told of the rectification (Art. 19)" in text
    assert "Example Police" in text and "Border Agency" in text and "no email address on record" in text
    assert "Unrelated Bank" not in text


def test_not_rectified_tells_no_recipient(file_reviewed, customers, staff_user, django_capture_on_commit_callbacks):
    request = file_reviewed("rectification")
    mail.outbox.clear()
    assert decide(
        request, staff_user, django_capture_on_commit_callbacks, "not_rectified", "The recorded address is right."
    )
    assert not OutboxEmail.objects.filter(kind=recipients.RECTIFICATION_NOTICE_KIND).exists()
    assert not notices("Rectification notice")
    assert not AuditEvent.objects.filter(action="request.rectification_notified").exists()
    text = pdf_text(request.documents.get(kind=DocumentKind.DECISION_LETTER))
    assert "Recipients told" not in text and "Example Police" not in text


def test_a_recipient_withheld_under_art_23_is_told_but_not_named_in_the_letter(
    file_reviewed, customers, staff_user, django_capture_on_commit_callbacks
):
    police, _agency, _bank = customers
    request = file_reviewed("rectification", language="de")
    handling.request_refuse_part(
        request=request,
        user=staff_user,
        scope="the names of recipients that are police forces investigating a crime",
        basis=RefusalBasis.ART_23,
        reason="Naming them would alert the suspects of a running investigation.",
        law="Wetboek van Strafvordering, art. 126nd",
        withheld_customers=[police],
    )
    mail.outbox.clear()
    assert decide(request, staff_user, django_capture_on_commit_callbacks, "rectified")
    assert [m.to for m in notices("Rectification notice")] == [["dpo@police.example"]]
    text = pdf_text(request.documents.get(kind=DocumentKind.DECISION_LETTER))
    assert "Über die Berichtigung unterrichtete Empfänger (Art. 19)" in text
    assert "Border Agency" in text and "Example Police" not in text


@pytest.mark.parametrize(
    ("regime", "cites", "never"),
    [
        (Regime.UK_GDPR, ["UK GDPR Art. 16", "Art. 19"], []),
        (Regime.CH_FADP, ["Art. 32 FADP"], ["Art. 19", "GDPR", "Art. 16"]),
    ],
)
def test_the_notices_cite_the_request_s_law(
    file_reviewed, customers, staff_user, django_capture_on_commit_callbacks, regime, cites, never
):
    request = file_reviewed("rectification")
    DataSubjectRequest.objects.filter(pk=request.pk).update(regime=regime)
    assert decide(request, staff_user, django_capture_on_commit_callbacks, "rectified")
    email = OutboxEmail.objects.get(kind=recipients.RECTIFICATION_NOTICE_KIND)
    rendered = RENDERERS[email.kind](email)
    for citation in cites:
        assert citation in rendered.text
    for citation in never:
        assert citation not in rendered.text and citation not in rendered.subject
    # The restriction and lift notices follow the same law.
    for kind in (recipients.RESTRICTION_NOTICE_KIND, recipients.RESTRICTION_LIFT_NOTICE_KIND):
        rendered = RENDERERS[kind](OutboxEmail(kind=kind, language="en", params=email.params))
        assert ("Art. 32 FADP" in rendered.text) == (regime == Regime.CH_FADP)
        assert ("UK GDPR Art. 19" in rendered.subject) == (regime == Regime.UK_GDPR)


def test_lifting_a_restriction_tells_the_recipients_that_were_told_of_it(
    file_reviewed, customers, staff_user, django_capture_on_commit_callbacks
):
    request = file_reviewed("restriction")
    mail.outbox.clear()
    decided_at = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        rights.rights_decide(
            request=request, user=staff_user, outcome="restricted", reason="Art. 18(1)(a) applies.", now=decided_at
        )
    assert [m.to for m in notices("Restriction of processing notice")] == [["dpo@police.example"]]
    # The restriction letter names the recipients told, as the rectification letter does.
    text = pdf_text(request.documents.get(kind=DocumentKind.DECISION_LETTER))
    assert "Recipients told of the restriction (Art. 19)" in text and "Example Police" in text

    with django_capture_on_commit_callbacks(execute=True):
        restriction.restriction_lift_announce(
            request=request, user=staff_user, reason="The accuracy was verified: the photos are yours.", now=decided_at
        )
    assert not notices("Restriction of processing lifted")  # the announcement tells the requester only
    lift_at = decided_at + timedelta(days=restriction.LIFT_NOTICE_DAYS)
    with django_capture_on_commit_callbacks(execute=True):
        assert restriction.restriction_lift(request=request, user=staff_user, now=lift_at) == 3
    # Queued at the (frozen) time of the lift; rendered as the outbox will send it.
    [queued] = OutboxEmail.objects.filter(kind=recipients.RESTRICTION_LIFT_NOTICE_KIND)
    assert queued.recipient == "dpo@police.example"
    lifted = RENDERERS[queued.kind](queued)
    assert "GDPR Art. 19" in lifted.subject and str(request.public_id) in lifted.subject
    assert "That restriction is now lifted (Art. 18(3))" in lifted.text and "2 face(s)" in lifted.text
    event = AuditEvent.objects.get(request_public_id=request.public_id, action="request.restriction_lifted")
    assert (event.details["recipients_told"], event.details["recipients_without_address"]) == (1, 1)
    # Lifting again releases nothing and tells nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        assert restriction.restriction_lift(request=request, user=staff_user, now=lift_at) == 0
    assert OutboxEmail.objects.filter(kind=recipients.RESTRICTION_LIFT_NOTICE_KIND).count() == 1
