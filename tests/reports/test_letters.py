"""Letters to requesters: documents the workflow issues once, at the end, from the final facts
(compliance/workflow/documents.py); text checked in the PDF. The acknowledgement and the
extension notice are emails, not letters (issue 11): nothing is rendered before the end."""

from datetime import date, datetime

import pytest
from django.core import mail
from django.utils import translation
from django.utils.formats import date_format

from compliance.models import DocumentKind, RefusalBasis, RequestStatus, RequestType
from compliance.workflow import handling, intake
from compliance.workflow.documents import DocumentsNotFinal, documents_issue
from core.models import OutboxEmail
from core.outbox import outbox_send
from reports.models import GeneratedReport
from tests.reports.conftest import has, pdf_text, pdf_xmp, save_page_images
from tests.reports.factories import AMSTERDAM, RequestFactory, document_of, refuse

pytestmark = pytest.mark.django_db


def english_date(value: date) -> str:
    """A date as the English emails write it (the DATE_FORMAT of the locale, e.g. "Feb. 17, 2025")."""
    with translation.override("en"):
        return date_format(value, "DATE_FORMAT")


def sent_email(dsr, kind: str):
    """Send the request's queued email of `kind` (the outbox task) and return the message."""
    email = OutboxEmail.objects.filter(topic=str(dsr.public_id), kind=f"request.{kind}").latest("pk")
    assert outbox_send(email_id=email.pk) == "sent"
    return mail.outbox[-1]


def test_the_acknowledgement_is_an_email_with_the_due_date_and_no_document(db):
    from tests.compliance.conftest import jpeg_bytes

    data = {
        "request_type": "access",
        "name": "Anna de Vries",
        "email": "anna@example.org",
        "country": "NL",
        "language": "en",
        "selfie_consent": True,
    }
    submitted = datetime(2025, 1, 15, 10, 0, tzinfo=AMSTERDAM)
    dsr, token = intake.request_submit(data=data, selfie_file=jpeg_bytes(), now=submitted)
    dsr = intake.request_confirm_email(token=token, now=submitted)
    assert dsr.due_date == date(2025, 2, 17)
    message = sent_email(dsr, "acknowledgement")
    assert "Anna de Vries" in message.body
    assert f"We must answer by {english_date(date(2025, 2, 17))} (GDPR Art. 12(3))" in message.body
    assert "(GDPR Art. 12(3))" in message.body
    assert "/requests/status/#" in message.body
    assert not dsr.documents.exists() and not GeneratedReport.objects.exists()
    with pytest.raises(DocumentsNotFinal):
        documents_issue(request_id=dsr.pk)


def test_refusal_letter_gives_reasons_and_the_right_to_complain_and_go_to_court(
    staff_user, django_capture_on_commit_callbacks
):
    dsr = RequestFactory(name="Anna de Vries")
    dsr = refuse(
        dsr,
        staff=staff_user,
        capture=django_capture_on_commit_callbacks,
        basis=RefusalBasis.EXCESSIVE,
        reason="This is the fifth identical request in three weeks; the four before were answered.",
        at=datetime(2025, 2, 3, 9, 0, tzinfo=AMSTERDAM),
    )
    letter = document_of(dsr, DocumentKind.REFUSAL_LETTER)
    assert letter.issued_at >= dsr.facts_final_at
    text = pdf_text(letter.file.path)
    assert has(text, "fifth identical request in three weeks")
    assert has(text, "Art. 12(5)(b)")
    assert has(text, "3 February 2025")
    assert has(text, "lodge a complaint with a supervisory authority")
    assert has(text, "go to court")
    assert "one month in which the law asks" not in text  # on time: no late-refusal paragraph
    assert 'pdfaid:part="3"' in pdf_xmp(letter.file.path).replace("'", '"')
    assert [d.kind for d in dsr.documents.all()] == [DocumentKind.REFUSAL_LETTER]  # one document
    save_page_images(letter.file.path, "letter-refusal-en", pages=2)


def test_a_late_refusal_letter_says_why_it_comes_late(staff_user, django_capture_on_commit_callbacks):
    """GDPR Art. 12(4): a refusal after the first month is flagged, with its reason."""
    dsr = RequestFactory(due_date=date(2025, 2, 17))
    dsr = refuse(
        dsr,
        staff=staff_user,
        capture=django_capture_on_commit_callbacks,
        basis=RefusalBasis.OTHER,
        reason="The photo shows a painting, not a person.",
        late_reason="The request was misfiled during a system migration.",
        at=datetime(2025, 3, 3, 9, 0, tzinfo=AMSTERDAM),
    )
    assert dsr.refused_late
    text = pdf_text(document_of(dsr, DocumentKind.REFUSAL_LETTER).file.path)
    assert has(text, "after the one month in which the law asks us to tell you of a refusal")
    assert has(text, "misfiled during a system migration")


def test_no_refusal_letter_for_a_request_that_was_not_refused(staff_user):
    dsr = RequestFactory()
    with pytest.raises(DocumentsNotFinal):
        documents_issue(request_id=dsr.pk)
    assert not dsr.documents.exists()


def test_the_extension_notice_is_an_email_with_both_dates_and_the_reason(
    staff_user, django_capture_on_commit_callbacks
):
    dsr = RequestFactory(request_type=RequestType.BOTH, due_date=date(2025, 2, 17))
    handling.request_extend_deadline(
        request=dsr,
        user=staff_user,
        months=2,
        reason="Your photo matched faces in 240 group photos that a person must review.",
        now=datetime(2025, 2, 1, 11, 0, tzinfo=AMSTERDAM),
    )
    dsr.refresh_from_db()
    message = sent_email(dsr, "extension")
    assert dsr.extended_due_date == date(2025, 4, 15)
    dates = f"Instead of {english_date(date(2025, 2, 17))}, we will answer by {english_date(date(2025, 4, 15))}."
    assert dates in " ".join(message.body.split())
    assert "240 group photos" in message.body
    assert dsr.status == RequestStatus.VERIFIED and not dsr.documents.exists()
