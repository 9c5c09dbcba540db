"""Every letter in Dutch, French, Italian, German, Spanish and Greek: the requester's language, local date names, the
right to complain and to go to court, and the authority of the requester's country. The letters
are issued by the workflow (compliance/workflow/documents.py); the extension notice is an email."""

import shutil
import subprocess
from datetime import date, datetime

import pytest
from django.core import mail

from compliance.models import (
    DocumentKind,
    ErasureRecord,
    ErasureStatus,
    RefusalBasis,
    RequestStatus,
    RequestType,
)
from compliance.workflow import handling
from core.models import OutboxEmail
from core.outbox import outbox_send
from tests.reports.conftest import has, pdf_text, save_page_images
from tests.reports.factories import (
    AMSTERDAM,
    RequestFactory,
    answer_access,
    document_of,
    finish_erasure,
    refuse,
    searched,
)

pytestmark = pytest.mark.django_db

EXPECTED = {
    "nl": {
        "due": "17 februari 2025",
        "complaint": "klacht in te dienen",
        "court": "naar de rechter",
        "subject": "Uw verzoek: wij geven er geen gevolg aan",
        "extended": "15 april 2025",
        "access": "Nee.",
        "erasure": "Verklaring van wissing",
    },
    "fr": {
        "due": "17 février 2025",
        "complaint": "introduire une réclamation",
        "court": "recours juridictionnel",
        "subject": "Votre demande : nous n'y donnerons pas suite",
        "extended": "15 avril 2025",
        "access": "Non.",
        "erasure": "Certificat d'effacement",
    },
    "it": {
        "due": "17 febbraio 2025",
        "complaint": "proporre reclamo",
        "court": "ricorso giurisdizionale",
        "subject": "La sua richiesta: non possiamo darvi seguito",
        "extended": "15 aprile 2025",
        "access": "No.",
        "erasure": "Certificato di cancellazione",
    },
    "de": {
        "due": "17. Februar 2025",
        "complaint": "Recht auf Beschwerde",
        "court": "gerichtlichen Rechtsbehelf",
        "subject": "Ihr Antrag: Wir kommen ihm nicht nach",
        "extended": "15. April 2025",
        "access": "Nein.",
        "erasure": "Löschbestätigung",
    },
    "es": {
        "due": "17 de febrero de 2025",
        "complaint": "presentar una reclamación",
        "court": "tutela judicial",
        "subject": "Su solicitud: no le daremos curso",
        "extended": "15 de abril de 2025",
        "access": "No.",
        "erasure": "Certificado de supresión",
    },
    "el": {
        "due": "17 Φεβρουαρίου 2025",
        "complaint": "υποβάλετε καταγγελία",
        "court": "δικαστικής προσφυγής",
        "subject": "Το αίτημά σας: δεν θα ενεργήσουμε",
        "extended": "15 Απριλίου 2025",
        "access": "Όχι.",
        "erasure": "Βεβαίωση διαγραφής",
    },
}
COUNTRY = {"nl": "NL", "fr": "FR", "it": "IT", "de": "DE", "es": "ES", "el": "GR"}
# In Germany the complaint authority is the Land's (BDSG s. 40), so a German request names one.
REGION = {"de": "BY"}
COUNTRY_NAME = {
    "nl": "(Nederland) is dat",
    "fr": "(France), il s'agit",
    "it": "(Italia) si tratta",
    "de": "(Bayern, Deutschland) ist dies",
    "es": "(España), se trata de",
    "el": "(Ελλάδα), πρόκειται για",
}
AUTHORITY = {
    "nl": "Autoriteit Persoonsgegevens",
    "fr": "Commission nationale de l'informatique",
    "it": "Garante per la protezione dei dati personali",
    "de": "Bayerisches Landesamt für Datenschutzaufsicht",
    "es": "Agencia Española de Protección de Datos",
    "el": "Αρχή Προστασίας Δεδομένων Προσωπικού Χαρακτήρα",
}


def has_date(text: str, day: str) -> bool:
    """Django writes Italian month names capitalised ("17 Febbraio 2025")."""
    return has(text.lower(), day.lower())


@pytest.mark.parametrize("lang", list(EXPECTED))
def test_every_letter_in_the_requesters_language(lang, clearview, staff_user, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    words = EXPECTED[lang]
    moment = datetime(2025, 2, 1, 11, 0, tzinfo=AMSTERDAM)

    def request(**fields):
        return RequestFactory(
            **{
                "language": lang,
                "country": COUNTRY[lang],
                "region": REGION.get(lang, ""),
                "request_type": RequestType.BOTH,
                **fields,
            }
        )

    # The extension notice (an email): both dates with local month names.
    extended = request(due_date=date(2025, 2, 17))
    handling.request_extend_deadline(
        request=extended, user=staff_user, months=2, reason="240 group photos to review.", now=moment
    )
    email = OutboxEmail.objects.get(topic=str(extended.public_id), kind="request.extension")
    assert email.language == lang and outbox_send(email_id=email.pk) == "sent"
    assert has_date(mail.outbox[-1].body, words["due"]) and has_date(mail.outbox[-1].body, words["extended"])

    refused = refuse(
        request(),
        staff=staff_user,
        capture=capture,
        basis=RefusalBasis.IDENTITY_NOT_ESTABLISHED,
        reason="ID 4711 — 2025-01-15 — ?",  # staff's own words, in no particular language
        at=moment,
    )
    refusal_letter = document_of(refused, DocumentKind.REFUSAL_LETTER)
    assert refusal_letter.language == lang
    refusal = pdf_text(refusal_letter.file.path)
    assert has(refusal, words["subject"])
    assert has(refusal, words["complaint"]) and has(refusal, words["court"])
    assert has(refusal, AUTHORITY[lang])  # the authority of the requester's country, from the register
    assert has(refusal, COUNTRY_NAME[lang])
    assert "right to complain" not in refusal  # no English left in the body

    answered = request(request_type=RequestType.ACCESS, status=RequestStatus.AWAITING_REVIEW)
    searched(answered, finished_at=moment)
    answered = answer_access(answered, staff=staff_user, capture=capture)
    access_letter = document_of(answered, DocumentKind.ACCESS_LETTER)
    access = pdf_text(access_letter.file.path)
    assert has(access, words["access"]) and "Art. 15(1)(h)" not in access

    erased = request(request_type=RequestType.ERASURE, status=RequestStatus.ERASING, biometrics_purged_at=moment)
    ErasureRecord.objects.create(
        request=erased,
        status=ErasureStatus.DONE,
        approved_at=moment,
        confirmed_at=moment,
        confirmed_by=staff_user,
        started_at=moment,
        finished_at=moment,
        recheck_matches=0,
        recheck_at=moment,
    )
    assert finish_erasure(erased, capture=capture)
    certificate = document_of(erased, DocumentKind.ERASURE_CERTIFICATE)
    assert has(pdf_text(certificate.file.path), words["erasure"])

    for document, name in ((refusal_letter, "refusal"), (access_letter, "access"), (certificate, "erasure")):
        assert document.language == lang
        save_page_images(document.file.path, f"letter-{name}-{lang}", pages=1)


def test_a_greek_letter_is_set_in_greek_glyphs(clearview, staff_user, django_capture_on_commit_callbacks):
    """WeasyPrint takes its fonts from the system (print.css asks for DejaVu Sans, which covers
    Greek): a missing font would print boxes that pypdf still extracts as the right characters,
    so read the PDF with poppler's pdftotext as a reader's viewer would, and check the fonts."""
    if not (shutil.which("pdftotext") and shutil.which("pdffonts")):
        pytest.skip("poppler-utils (pdftotext, pdffonts) is not installed")
    refused = refuse(
        RequestFactory(language="el", country="GR", request_type=RequestType.ERASURE),
        staff=staff_user,
        capture=django_capture_on_commit_callbacks,
        basis=RefusalBasis.EXCESSIVE,
        reason="Το ίδιο αίτημα για πέμπτη φορά αυτόν τον μήνα.",
        at=datetime(2025, 2, 1, 11, 0, tzinfo=AMSTERDAM),
    )
    path = document_of(refused, DocumentKind.REFUSAL_LETTER).file.path
    text = " ".join(subprocess.run(["pdftotext", path, "-"], capture_output=True, check=True, text=True).stdout.split())
    assert "ΓΚΠΔ, άρθρο 77" in text and "Αρχή Προστασίας Δεδομένων Προσωπικού Χαρακτήρα" in text
    assert "Το ίδιο αίτημα για πέμπτη φορά" in text  # the staff's own words, in Greek
    fonts = subprocess.run(["pdffonts", path], capture_output=True, check=True, text=True).stdout
    assert "DejaVu" in fonts, fonts
