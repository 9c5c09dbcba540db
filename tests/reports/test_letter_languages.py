"""Every letter in Dutch, French and Italian: the requester's language, local date names, the
right to complain and to go to court, and the authority of the requester's country."""

from datetime import date, datetime

import pytest

from compliance.models import (
    ErasureRecord,
    ErasureStatus,
    MatchingRun,
    RefusalBasis,
    RequestStatus,
    RequestType,
)
from config.models import ReportKind, ReportStatus
from config.report_services import report_request
from tests.reports.conftest import has, pdf_text, save_page_images
from tests.reports.factories import AMSTERDAM, RequestFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    "nl": {
        "due": "17 februari 2025",
        "complaint": "klacht in te dienen",
        "court": "naar de rechter",
        "subject": "Uw verzoek: wij geven er geen gevolg aan",
        "ack": "Uw verzoek: ontvangstbevestiging",
        "extended": "17 april 2025",
        "access": "Nee.",
        "erasure": "Verklaring van wissing",
    },
    "fr": {
        "due": "17 février 2025",
        "complaint": "introduire une réclamation",
        "court": "recours juridictionnel",
        "subject": "Votre demande : nous n'y donnerons pas suite",
        "ack": "accusé de réception",
        "extended": "17 avril 2025",
        "access": "Non.",
        "erasure": "Certificat d'effacement",
    },
    "it": {
        "due": "17 febbraio 2025",
        "complaint": "proporre reclamo",
        "court": "ricorso giurisdizionale",
        "subject": "La sua richiesta: non possiamo darvi seguito",
        "ack": "avviso di ricevimento",
        "extended": "17 aprile 2025",
        "access": "No.",
        "erasure": "Certificato di cancellazione",
    },
}
COUNTRY = {"nl": "NL", "fr": "FR", "it": "IT"}
COUNTRY_NAME = {"nl": "(Nederland) is dat", "fr": "(France), il s'agit", "it": "(Italia) si tratta"}
AUTHORITY = {
    "nl": "Autoriteit Persoonsgegevens",
    "fr": "Commission nationale de l'informatique",
    "it": "Garante per la protezione dei dati personali",
}


def has_date(text: str, day: str) -> bool:
    """Django writes Italian month names capitalised ("17 Febbraio 2025")."""
    return has(text.lower(), day.lower())


def letter(kind, dsr, user):
    report = report_request(kind=kind, parameters={"request": str(dsr.public_id)}, user=user)
    assert report.status == ReportStatus.DONE, report.last_error
    return report


@pytest.mark.parametrize("lang", ["nl", "fr", "it"])
def test_every_letter_in_the_requesters_language(lang, clearview, staff_user):
    words = EXPECTED[lang]
    moment = datetime(2025, 2, 1, 11, 0, tzinfo=AMSTERDAM)
    dsr = RequestFactory(
        language=lang,
        country=COUNTRY[lang],
        request_type=RequestType.BOTH,
        due_date=date(2025, 2, 17),
        status=RequestStatus.REFUSED,
        refusal_basis=RefusalBasis.IDENTITY_NOT_ESTABLISHED,
        refusal_reason="—",
        refused_at=moment,
        extended_due_date=date(2025, 4, 17),
        extension_months=2,
        extension_reason="240",
        extended_at=moment,
        extension_notified_at=moment,
    )
    ack = pdf_text(letter(ReportKind.LETTER_ACKNOWLEDGEMENT, dsr, staff_user).file.path)
    assert has(ack, words["ack"]) and has_date(ack, words["due"])

    refusal_report = letter(ReportKind.LETTER_REFUSAL, dsr, staff_user)
    refusal = pdf_text(refusal_report.file.path)
    assert has(refusal, words["subject"])
    assert has(refusal, words["complaint"]) and has(refusal, words["court"])
    assert has(refusal, AUTHORITY[lang])  # the authority of the requester's country, from the register
    assert has(refusal, COUNTRY_NAME[lang])
    assert "right to complain" not in refusal  # no English left in the body

    extension = pdf_text(letter(ReportKind.LETTER_EXTENSION, dsr, staff_user).file.path)
    assert has_date(extension, words["due"]) and has_date(extension, words["extended"])

    MatchingRun.objects.create(
        request=dsr, status="done", confident_tolerance=0.45, possible_tolerance=0.55, finished_at=moment
    )
    access_report = letter(ReportKind.LETTER_ACCESS, dsr, staff_user)
    access = pdf_text(access_report.file.path)
    assert has(access, words["access"]) and "Art. 15(1)(h)" not in access

    ErasureRecord.objects.create(
        request=dsr,
        status=ErasureStatus.DONE,
        approved_at=moment,
        started_at=moment,
        finished_at=moment,
        recheck_matches=0,
        recheck_at=moment,
    )
    erasure_report = letter(ReportKind.ERASURE_CERTIFICATE, dsr, staff_user)
    assert has(pdf_text(erasure_report.file.path), words["erasure"])

    for report, name in ((refusal_report, "refusal"), (access_report, "access"), (erasure_report, "erasure")):
        save_page_images(report.file.path, f"letter-{name}-{lang}", pages=1)
