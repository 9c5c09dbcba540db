"""What the letters say about the refusal grounds of issue 16 item 6, in every language: each new
ground's text and the law relied on in the refusal letter, and a partial refusal in the access
letter, its machine-readable package and the erasure certificate (GDPR Art. 12(4), 17(3), 23)."""

import json
import zipfile
from datetime import datetime

import pytest
from django.core.exceptions import ValidationError

from compliance.models import (
    BASES_NEEDING_LAW,
    ERASURE_ONLY_BASES,
    DocumentKind,
    ErasureRecord,
    ErasureStatus,
    PartialRefusal,
    RefusalBasis,
    RequestStatus,
    RequestType,
)
from compliance.reports.texts import TEXT
from compliance.workflow import handling
from tests.reports.conftest import has, pdf_text
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

LANGUAGES = ["en", "nl", "fr", "it", "de", "es", "el"]
COUNTRY = {"en": "IE", "nl": "NL", "fr": "FR", "it": "IT", "de": "DE", "es": "ES", "el": "GR"}
REGION = {"de": "BY"}  # a German request names its Land, whose authority handles complaints
NEW_BASES = sorted(ERASURE_ONLY_BASES | {RefusalBasis.ART_23})
POLICE_LAW = "Wetboek van Strafvordering art. 126nd"
SCOPE = "the names of recipients that are police forces investigating a crime"
REASON = "Naming them would alert the people under investigation."
LATE_REASON = "The police confirmed the investigation only on 19 February."
# Within the first month of a request received on 15 January 2025 (due 15 February)...
ON_TIME = datetime(2025, 2, 1, 11, 0, tzinfo=AMSTERDAM)
# ...and after it.
LATE = datetime(2025, 2, 20, 11, 0, tzinfo=AMSTERDAM)


def request_for(lang: str, **fields):
    return RequestFactory(**{"language": lang, "country": COUNTRY[lang], "region": REGION.get(lang, ""), **fields})


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("basis", NEW_BASES)
def test_each_new_ground_is_printed_in_the_refusal_letter(basis, lang, staff_user, django_capture_on_commit_callbacks):
    request_type = RequestType.ERASURE if basis in ERASURE_ONLY_BASES else RequestType.ACCESS
    law = POLICE_LAW if basis in BASES_NEEDING_LAW else ""
    refused = request_for(lang, request_type=request_type)
    with django_capture_on_commit_callbacks(execute=True):
        handling.request_refuse(request=refused, user=staff_user, basis=basis, reason=REASON, law=law, now=ON_TIME)
    refused.refresh_from_db()
    assert refused.status == RequestStatus.REFUSED
    letter = document_of(refused, DocumentKind.REFUSAL_LETTER)
    assert letter.language == lang
    text = pdf_text(letter.file.path)
    assert has(text, TEXT[lang][f"basis_{basis}"])
    assert not has(text, TEXT[lang]["basis_other"])
    if law:
        assert has(text, f"{TEXT[lang]['refusal_law']}: {POLICE_LAW}")
    else:
        assert not has(text, TEXT[lang]["refusal_law"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_partial_refusal_in_the_access_letter_and_its_data(lang, staff_user, django_capture_on_commit_callbacks):
    answered = request_for(lang, request_type=RequestType.ACCESS, status=RequestStatus.AWAITING_REVIEW)
    searched(answered, finished_at=ON_TIME)
    handling.request_refuse_part(
        request=answered,
        user=staff_user,
        scope=SCOPE,
        basis=RefusalBasis.ART_23,
        reason=REASON,
        law=POLICE_LAW,
        late_reason=LATE_REASON,
        now=LATE,
    )
    answered = answer_access(answered, staff=staff_user, capture=django_capture_on_commit_callbacks)
    words = TEXT[lang]

    text = pdf_text(document_of(answered, DocumentKind.ACCESS_LETTER).file.path)
    for needle in (
        words["partial_title"],
        words["partial_intro"],
        SCOPE,
        words["basis_art_23_restriction"],
        f"{words['refusal_law']} {POLICE_LAW}",
        REASON,
        f"{words['partial_late']} {LATE_REASON}",
        words["partial_remedies"],
    ):
        assert has(text, needle), needle

    data = document_of(answered, DocumentKind.ACCESS_DATA)
    with zipfile.ZipFile(data.file.path) as archive:
        document = json.loads(archive.read("access_response.json"))
    partial = document["partial_refusals"]
    assert partial["statement"] == words["partial_intro"]
    assert partial["remedies"] == document["complaint"]
    assert [
        (item["scope"], item["basis"], item["basis_statement"], item["law"], item["reason"], item["late_reason"])
        for item in partial["list"]
    ] == [(SCOPE, RefusalBasis.ART_23, words["basis_art_23_restriction"], POLICE_LAW, REASON, LATE_REASON)]


def test_an_access_letter_without_partial_refusal_has_no_such_section(staff_user, django_capture_on_commit_callbacks):
    answered = request_for("en", request_type=RequestType.ACCESS, status=RequestStatus.AWAITING_REVIEW)
    searched(answered, finished_at=ON_TIME)
    answered = answer_access(answered, staff=staff_user, capture=django_capture_on_commit_callbacks)
    assert not has(pdf_text(document_of(answered, DocumentKind.ACCESS_LETTER).file.path), TEXT["en"]["partial_title"])
    with zipfile.ZipFile(document_of(answered, DocumentKind.ACCESS_DATA).file.path) as archive:
        document = json.loads(archive.read("access_response.json"))
    assert document["partial_refusals"] == {"statement": None, "list": [], "remedies": None}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_partial_refusal_in_the_erasure_certificate(lang, staff_user, django_capture_on_commit_callbacks):
    # Rows as the workflow leaves them when the erasure has run: a partial refusal recorded before
    # approval (as handling.request_refuse_part records it), the erasure done.
    erased = request_for(
        lang, request_type=RequestType.ERASURE, status=RequestStatus.ERASING, biometrics_purged_at=LATE
    )
    PartialRefusal.objects.create(
        request=erased,
        scope="the photos on the pages of a court's published judgments",
        basis=RefusalBasis.ART_17_3_E,
        reason="They are evidence in proceedings that are still running.",
        recorded_at=ON_TIME,
        recorded_by=staff_user,
    )
    ErasureRecord.objects.create(
        request=erased,
        status=ErasureStatus.DONE,
        approved_at=ON_TIME,
        confirmed_at=ON_TIME,
        confirmed_by=staff_user,
        started_at=ON_TIME,
        finished_at=ON_TIME,
        recheck_matches=0,
        recheck_at=ON_TIME,
    )
    assert finish_erasure(erased, capture=django_capture_on_commit_callbacks)
    words = TEXT[lang]
    text = pdf_text(document_of(erased, DocumentKind.ERASURE_CERTIFICATE).file.path)
    for needle in (
        words["partial_title"],
        "the photos on the pages of a court's published judgments",
        words["basis_art_17_3_e_legal_claims"],
        "They are evidence in proceedings that are still running.",
        words["partial_remedies"],
    ):
        assert has(text, needle), needle
    assert not has(text, words["refusal_law"])  # 17(3)(e) rests on no particular law


def test_the_refusal_helper_passes_the_law(staff_user, django_capture_on_commit_callbacks):
    """tests.reports.factories.refuse drives the same service: an Art. 23 refusal without its law
    never reaches a letter."""
    request = request_for("en", request_type=RequestType.ACCESS)
    with pytest.raises(ValidationError) as caught:
        refuse(
            request,
            staff=staff_user,
            capture=django_capture_on_commit_callbacks,
            basis=RefusalBasis.ART_23,
            reason=REASON,
            at=ON_TIME,
        )
    assert "law" in caught.value.message_dict
    request.refresh_from_db()
    assert request.status == RequestStatus.VERIFIED and not request.documents.exists()
