"""Letters to requesters: rendered through the report pipeline, text checked in the PDF."""

from datetime import date, datetime

import pytest

from compliance.models import RefusalBasis, RequestStatus, RequestType
from config.models import ReportKind, ReportStatus
from config.report_services import ReportParameterError, report_request
from tests.reports.conftest import has, pdf_text, pdf_xmp, save_page_images
from tests.reports.factories import AMSTERDAM, RequestFactory

pytestmark = pytest.mark.django_db


def generate(kind, dsr, user):
    report = report_request(kind=kind, parameters={"request": str(dsr.public_id)}, user=user)
    assert report.status == ReportStatus.DONE, report.last_error
    return report


def test_acknowledgement_states_the_due_date_and_what_happens_to_the_selfie(staff_user):
    dsr = RequestFactory(name="Anna de Vries", due_date=date(2025, 2, 17))
    report = generate(ReportKind.LETTER_ACKNOWLEDGEMENT, dsr, staff_user)
    text = pdf_text(report.file.path)
    assert has(text, "Anna de Vries")
    assert has(text, "17 February 2025")
    assert has(text, "15 January 2025")  # received
    assert str(dsr.public_id) in text
    assert has(text, "Art. 9(2)(a)")
    assert 'pdfaid:part="3"' in pdf_xmp(report.file.path).replace("'", '"')
    save_page_images(report.file.path, "letter-acknowledgement-en", pages=2)


def test_refusal_letter_gives_reasons_and_the_right_to_complain_and_go_to_court(staff_user):
    dsr = RequestFactory(
        status=RequestStatus.REFUSED,
        refusal_basis=RefusalBasis.EXCESSIVE,
        refusal_reason="This is the fifth identical request in three weeks; the four before were answered.",
        refused_at=datetime(2025, 2, 3, 9, 0, tzinfo=AMSTERDAM),
    )
    report = generate(ReportKind.LETTER_REFUSAL, dsr, staff_user)
    text = pdf_text(report.file.path)
    assert has(text, "fifth identical request in three weeks")
    assert has(text, "Art. 12(5)(b)")
    assert has(text, "3 February 2025")
    assert has(text, "lodge a complaint with a supervisory authority")
    assert has(text, "go to court")
    save_page_images(report.file.path, "letter-refusal-en", pages=2)


def test_refusal_letter_is_refused_for_a_request_that_was_not_refused(staff_user):
    dsr = RequestFactory()
    with pytest.raises(ReportParameterError, match="not refused"):
        report_request(kind=ReportKind.LETTER_REFUSAL, parameters={"request": str(dsr.public_id)}, user=staff_user)


def test_extension_notice_gives_both_dates_and_the_reason(staff_user):
    dsr = RequestFactory(
        request_type=RequestType.BOTH,
        due_date=date(2025, 2, 17),
        extended_due_date=date(2025, 4, 17),
        extension_months=2,
        extension_reason="Your photo matched faces in 240 group photos that a person must review.",
        extended_at=datetime(2025, 2, 1, 11, 0, tzinfo=AMSTERDAM),
        extension_notified_at=datetime(2025, 2, 1, 11, 0, tzinfo=AMSTERDAM),
    )
    report = generate(ReportKind.LETTER_EXTENSION, dsr, staff_user)
    text = pdf_text(report.file.path)
    assert has(text, "17 February 2025") and has(text, "17 April 2025")
    assert has(text, "by 2 months")
    assert has(text, "240 group photos")
    save_page_images(report.file.path, "letter-extension-en", pages=1)
