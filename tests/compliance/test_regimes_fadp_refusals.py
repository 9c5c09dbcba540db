"""A refusal under the Swiss FADP cites the FADP's own ground (Art. 25-26 for access, Art. 30-32
for the claims), never the GDPR's Art. 12(5) or 23 (compliance/regimes.py, "Refusal grounds under
the FADP"); under the EU GDPR the GDPR's, under the UK GDPR the same articles by the UK's name."""

import html
import json
import zipfile
from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from compliance.emails import email_render
from compliance.models import DocumentKind, RefusalBasis, Regime, RequestStatus, RequestType
from compliance.regimes import fadp_grounds, refusal_basis_label
from compliance.reports.letters import refusal_context
from compliance.reports.regime_texts import FADP_GROUNDS
from compliance.reports.texts import TEXT
from compliance.services.tokens import status_token_for
from compliance.workflow import handling, intake
from tests.compliance.conftest import AMSTERDAM
from tests.compliance.test_regimes import _render
from tests.reports.conftest import has, pdf_text
from tests.reports.factories import RequestFactory, answer_access, document_of, refuse, searched

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "nl", "fr", "it", "de", "es", "el"]
SWISS_LAW = "Bundesgesetz über die Banken und Sparkassen, Art. 47"
REASON = "Naming them would alert the people under investigation."
ON_TIME = datetime(2025, 2, 1, 11, 0, tzinfo=AMSTERDAM)
LATE = datetime(2025, 2, 20, 11, 0, tzinfo=AMSTERDAM)
# How each language cites GDPR Art. 12(5) and Art. 23 in the GDPR grounds (texts.py): none of it
# may reach a Swiss requester.
GDPR_CITES = {
    "en": ("GDPR Art. 12(5)", "GDPR Art. 23"),
    "nl": ("art. 12, lid 5", "AVG art. 23"),
    "fr": ("art. 12, § 5", "l'article 23 du RGPD"),
    "it": ("art. 12, par. 5", "articolo 23 del RGPD"),
    "de": ("Art. 12 Abs. 5", "Art. 23 DSGVO"),
    "es": ("art. 12, apdo. 5", "RGPD, art. 23"),
    "el": ("άρθρο 12 παρ. 5", "άρθρο 23"),
}


def swiss(lang: str = "en", **fields):
    return RequestFactory(**{"language": lang, "country": "CH", "regime": Regime.CH_FADP, **fields})


# --- the mapping --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("basis", "request_type", "grounds"),
    [
        (RefusalBasis.MANIFESTLY_UNFOUNDED, RequestType.ACCESS, ("unfounded",)),
        (RefusalBasis.EXCESSIVE, RequestType.ACCESS, ("querulous",)),
        (RefusalBasis.IDENTITY_NOT_ESTABLISHED, RequestType.ACCESS, ("identity",)),
        (RefusalBasis.ART_23, RequestType.ACCESS, ("formal_law",)),
        (RefusalBasis.OTHER, RequestType.ACCESS, ("access_other",)),
        (RefusalBasis.MANIFESTLY_UNFOUNDED, RequestType.ERASURE, ("claim_other",)),
        (RefusalBasis.ART_23, RequestType.RECTIFICATION, ("claim_other",)),
        (RefusalBasis.ART_17_3_E, RequestType.ERASURE, ("legal_claims",)),
        (RefusalBasis.ART_17_3_B, RequestType.BOTH, ("legal_obligation",)),
        (RefusalBasis.EXCESSIVE, RequestType.BOTH, ("querulous", "claim_other")),
    ],
)
def test_each_basis_maps_to_its_fadp_ground(basis, request_type, grounds):
    assert fadp_grounds(basis=basis, request_type=request_type) == grounds


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_ground_has_a_phrase_in_every_language(lang):
    assert set(FADP_GROUNDS[lang]) == set(FADP_GROUNDS["en"])
    assert all(FADP_GROUNDS[lang][key] for key in FADP_GROUNDS["en"])


# --- the refusal letter ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("basis", "ground", "paragraph"),
    [
        (
            RefusalBasis.MANIFESTLY_UNFOUNDED,
            "unfounded",
            {"en": "Art. 26(1)(c) FADP", "de": "Art. 26 Abs. 1 Bst. c DSG"},
        ),
        (RefusalBasis.EXCESSIVE, "querulous", {"en": "Art. 26(1)(c) FADP", "fr": "art. 26, al. 1, let. c, LPD"}),
        (RefusalBasis.ART_23, "formal_law", {"en": "Art. 26(1)(a) FADP", "it": "art. 26 cpv. 1 lett. a LPD"}),
    ],
)
def test_a_swiss_refusal_letter_cites_article_26_fadp_not_the_gdpr(lang, basis, ground, paragraph):
    dsr = swiss(
        lang,
        refusal_basis=basis,
        refusal_reason=REASON,
        refusal_law=SWISS_LAW if basis == RefusalBasis.ART_23 else "",
        refused_at=ON_TIME,
    )
    text = _render("refusal", dsr, refusal_context(dsr))
    assert f"{FADP_GROUNDS[lang][ground]}." in text
    if lang in paragraph:
        assert paragraph[lang] in text
    assert TEXT[lang][f"basis_{basis}"] not in text
    assert all(cite not in text for cite in GDPR_CITES[lang])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_same_refusal_under_the_gdpr_still_cites_the_gdpr(lang):
    dsr = RequestFactory(
        language=lang, country="FR", regime=Regime.EU_GDPR, refusal_basis=RefusalBasis.EXCESSIVE, refused_at=ON_TIME
    )
    text = _render("refusal", dsr, refusal_context(dsr))
    assert f"{TEXT[lang]['basis_art_12_5_excessive']}." in text
    assert "FADP" not in text and FADP_GROUNDS[lang]["querulous"] not in text


def test_the_issued_swiss_refusal_letter_cites_article_26_1_c_fadp(staff_user, django_capture_on_commit_callbacks):
    request = swiss("en")
    refused = refuse(
        request,
        staff=staff_user,
        capture=django_capture_on_commit_callbacks,
        basis=RefusalBasis.MANIFESTLY_UNFOUNDED,
        reason="The request names another person.",
        at=request.received_at + timedelta(days=3),
    )
    text = pdf_text(document_of(refused, DocumentKind.REFUSAL_LETTER).file.path)
    assert has(text, "Ground: the request is manifestly unfounded (Art. 26(1)(c) FADP).")
    assert has(text, "Art. 26(4) FADP requires us")
    assert not has(text, "12(5)") and not has(text, "GDPR Art. 23") and not has(text, "GDPR Art. 12(4)")


def test_the_issued_german_swiss_refusal_on_a_law_cites_art_26_1_a_dsg(staff_user, django_capture_on_commit_callbacks):
    request = swiss("de")
    with django_capture_on_commit_callbacks(execute=True):
        handling.request_refuse(
            request=request, user=staff_user, basis=RefusalBasis.ART_23, reason=REASON, law=SWISS_LAW, now=ON_TIME
        )
    request.refresh_from_db()
    text = pdf_text(document_of(request, DocumentKind.REFUSAL_LETTER).file.path)
    assert has(
        text,
        "ein Gesetz im formellen Sinn sieht diese Einschränkung des Auskunftsrechts vor (Art. 26 Abs. 1 Bst. a DSG)",
    )
    assert has(text, SWISS_LAW)
    assert not has(text, "Art. 23 DSGVO") and not has(text, "Mitgliedstaats")


def test_a_late_swiss_refusal_cites_the_30_days_of_the_fado(staff_user, django_capture_on_commit_callbacks):
    request = swiss("en")
    refused = refuse(
        request,
        staff=staff_user,
        capture=django_capture_on_commit_callbacks,
        basis=RefusalBasis.EXCESSIVE,
        reason="The same request every week.",
        late_reason="The file was with our lawyers.",
        at=LATE,
    )
    assert refused.refused_late
    text = pdf_text(document_of(refused, DocumentKind.REFUSAL_LETTER).file.path)
    assert has(text, "after the 30 days within which the law asks us to answer (Art. 18 FADO)")
    assert has(text, "The file was with our lawyers.") and not has(text, "GDPR Art. 12(4)")


def test_a_swiss_erasure_refusal_cites_the_justification_of_article_31():
    dsr = swiss("fr", request_type=RequestType.ERASURE, refusal_basis=RefusalBasis.ART_17_3_E, refused_at=ON_TIME)
    text = _render("refusal", dsr, refusal_context(dsr))
    assert "(art. 31, al. 1, et 32 LPD)" in text and "17, § 3" not in text and "RGPD, art. 17" not in text


def test_a_swiss_refusal_of_access_and_erasure_cites_both_laws_grounds():
    dsr = swiss("en", request_type=RequestType.BOTH, refusal_basis=RefusalBasis.EXCESSIVE, refused_at=ON_TIME)
    text = _render("refusal", dsr, refusal_context(dsr))
    assert (
        "the request is manifestly querulous (Art. 26(1)(c) FADP); as to erasure, the reason stated below "
        "(Art. 30 to 32 FADP)." in text
    )


# --- the email and the status page ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("regime", "country", "lang", "cited", "absent"),
    [
        (Regime.CH_FADP, "CH", "de", "Offensichtlich unbegründet (Art. 26 Abs. 1 Bst. c DSG)", "DSGVO"),
        (Regime.CH_FADP, "CH", "en", "Manifestly unfounded (Art. 26(1)(c) FADP)", "GDPR Art. 12(5)"),
        (Regime.EU_GDPR, "DE", "de", "Offenkundig unbegründet (Art. 12 Abs. 5 DSGVO)", "DSG)"),
        (Regime.UK_GDPR, "GB", "en", "Manifestly unfounded (UK GDPR Art. 12(5))", "FADP"),
    ],
)
def test_the_refusal_email_names_the_ground_under_the_requests_law(regime, country, lang, cited, absent):
    dsr = RequestFactory(
        language=lang,
        country=country,
        regime=regime,
        refusal_basis=RefusalBasis.MANIFESTLY_UNFOUNDED,
        refusal_reason=REASON,
    )
    rendered = email_render(kind="refusal", language=lang, context={"req": dsr, "status_url": "https://x/"})
    assert cited in rendered.text and cited in html.unescape(rendered.html)
    assert absent not in rendered.text


def test_a_late_swiss_refusal_email_cites_the_fado_not_article_12_4():
    dsr = swiss(
        "it", refusal_basis=RefusalBasis.EXCESSIVE, refusal_reason=REASON, refused_late=True, late_refusal_reason="x"
    )
    rendered = email_render(kind="refusal", language="it", context={"req": dsr, "status_url": "https://x/"})
    assert "Manifestamente querulosa (art. 26 cpv. 1 lett. c LPD)" in rendered.text
    assert "(OPDa, art. 18)" in rendered.text and "12, par. 4" not in rendered.text


def test_the_status_page_of_a_refused_swiss_request_cites_the_fadp(client, submit, settings, staff_user):
    settings.CONTROLLER_COUNTRY = "CH"
    request, token = submit(data={"country": "CH", "language": "fr"})
    request = intake.request_confirm_email(token=token, now=request.received_at + timedelta(minutes=5))
    handling.request_refuse(
        request=request,
        user=staff_user,
        basis=RefusalBasis.MANIFESTLY_UNFOUNDED,
        reason=REASON,
        now=request.received_at + timedelta(days=2),
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED
    response = client.post(reverse("compliance:status_open"), {"token": status_token_for(request)})
    page = html.unescape(client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="fr").content.decode())
    assert "Manifestement infondée (art. 26, al. 1, let. c, LPD)" in page
    assert "Accès (art. 25 LPD)" in page
    assert "RGPD art. 12" not in page


def test_the_uk_label_names_the_uk_gdpr_in_every_language():
    from django.utils import translation

    for lang in ("de", "fr", "it", "nl", "es", "el"):
        with translation.override(lang):
            label = refusal_basis_label(basis=RefusalBasis.ART_23, regime=Regime.UK_GDPR, request_type="access")
        assert "UK GDPR" in label and "23" in label, (lang, label)


# --- a partial refusal: the access letter and the package -----------------------------------------


def test_a_swiss_partial_refusal_cites_the_fadp_in_the_letter_and_the_package(
    staff_user, django_capture_on_commit_callbacks
):
    answered = swiss("de", request_type=RequestType.ACCESS, status=RequestStatus.AWAITING_REVIEW)
    searched(answered, finished_at=ON_TIME)
    handling.request_refuse_part(
        request=answered,
        user=staff_user,
        scope="die Namen der Empfänger, die Strafverfolgungsbehörden sind",
        basis=RefusalBasis.ART_23,
        reason=REASON,
        law=SWISS_LAW,
        late_reason="",
        now=ON_TIME,
    )
    answered = answer_access(answered, staff=staff_user, capture=django_capture_on_commit_callbacks)
    words = FADP_GROUNDS["de"]
    text = pdf_text(document_of(answered, DocumentKind.ACCESS_LETTER).file.path)
    assert has(text, words["partial_intro"]) and has(text, words["formal_law"]) and has(text, words["partial_remedies"])
    assert not has(text, TEXT["de"]["basis_art_23_restriction"]) and not has(text, TEXT["de"]["partial_intro"])

    with zipfile.ZipFile(document_of(answered, DocumentKind.ACCESS_DATA).file.path) as archive:
        document = json.loads(archive.read("access_response.json"))
    partial = document["partial_refusals"]
    assert partial["statement"] == words["partial_intro"]
    assert [item["basis_statement"] for item in partial["list"]] == [words["formal_law"]]


# --- the UK GDPR: the same articles, the UK's name -------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_late_uk_refusal_letter_names_the_uk_gdpr(lang):
    dsr = RequestFactory(
        language=lang,
        country="GB",
        regime=Regime.UK_GDPR,
        refusal_basis=RefusalBasis.EXCESSIVE,
        refused_at=LATE,
        refused_late=True,
        late_refusal_reason="The file was with our lawyers.",
    )
    text = _render("refusal", dsr, refusal_context(dsr))
    late = text.split('id="late-refusal">')[1].split("</p>")[0]
    assert "UK GDPR" in late and "12" in late and "The file was with our lawyers." in late
    assert TEXT[lang]["late_refusal"] not in text


def test_the_uk_partial_refusal_phrases_and_late_email_name_the_uk_gdpr():
    from compliance.reports.regime_texts import regime_law_texts

    law = regime_law_texts(Regime.UK_GDPR, "de", RequestType.ACCESS)
    assert all("UK GDPR" in law[key] and "DSGVO" not in law[key] for key in ("partial_intro", "partial_remedies"))
    dsr = RequestFactory(
        language="en",
        country="GB",
        regime=Regime.UK_GDPR,
        refusal_basis=RefusalBasis.EXCESSIVE,
        refusal_reason=REASON,
        refused_late=True,
        late_refusal_reason="x",
    )
    rendered = email_render(kind="refusal", language="en", context={"req": dsr, "status_url": "https://x/"})
    assert "(UK GDPR Art. 12(4)). Why: x" in rendered.text
    assert "Access (UK GDPR Art. 15)" in rendered.text


# --- the package's right to complain and go to court -------------------------------------------------


@pytest.mark.parametrize(
    ("regime", "country", "lang", "cited", "absent"),
    [
        (Regime.EU_GDPR, "NL", "en", "(Art. 77)", "UK GDPR"),
        (Regime.UK_GDPR, "GB", "en", "UK GDPR Art. 77", "Member State"),
        (Regime.CH_FADP, "CH", "de", "DSG", "Art. 77"),
    ],
)
def test_the_access_package_states_the_right_to_complain_under_the_requests_law(
    regime, country, lang, cited, absent, staff_user, django_capture_on_commit_callbacks
):
    """The JSON package of the access answer names the complaint and the court as the letter does
    (_rights.html): the UK GDPR's Information Commissioner, the FDPIC under the FADP, the GDPR's
    Art. 77 text otherwise."""
    from compliance.authorities import complaint_authority_for

    answered = RequestFactory(
        request_type=RequestType.ACCESS,
        status=RequestStatus.AWAITING_REVIEW,
        regime=regime,
        country=country,
        language=lang,
    )
    searched(answered, finished_at=ON_TIME)
    answered = answer_access(answered, staff=staff_user, capture=django_capture_on_commit_callbacks)
    with zipfile.ZipFile(document_of(answered, DocumentKind.ACCESS_DATA).file.path) as archive:
        document = json.loads(archive.read("access_response.json"))
    complaint = document["complaint"]
    assert cited in complaint and absent not in complaint
    if regime != Regime.EU_GDPR:
        assert complaint_authority_for(country, "").name in complaint
