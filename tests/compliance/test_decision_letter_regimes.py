"""The decision letter on a rectification, restriction or objection cites the request's law
(compliance/reports/regime_texts.py): the EU GDPR's articles as it always did, the same articles
under the UK GDPR's name, and for a Swiss request the FADP's claims (Art. 32 FADP; Art. 30(2)(b)
with Art. 31 FADP for an objection) without any GDPR-only condition or article."""

import re
from datetime import datetime

import pytest

from compliance.models import Regime
from compliance.reports.letters import decision_context
from compliance.reports.regime_texts import EU_NAME, regime_law_texts
from tests.compliance.conftest import AMSTERDAM
from tests.compliance.test_regimes import COUNTRY_OF, _render
from tests.reports.factories import RequestFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "nl", "fr", "it", "de", "es", "el"]
TYPE_OF = {
    "rectified": "rectification",
    "not_rectified": "rectification",
    "restricted": "restriction",
    "not_restricted": "restriction",
    "objection_upheld": "objection",
    "objection_rejected": "objection",
}
LIFT_NOT_BEFORE = datetime(2025, 3, 1, 12, 0, tzinfo=AMSTERDAM)

# What each outcome's sentences cite (the outcome paragraph, and for a rejected objection the lift
# notice), per regime and language. The EU phrases are those the letters always printed.
CITED = {
    Regime.EU_GDPR: {
        "en": {
            "rectified": ["We have rectified your personal data (GDPR Art. 16)."],
            "not_rectified": ["we consider them accurate (GDPR Art. 16)."],
            "restricted": ["(GDPR Art. 18).", "We will tell you before we lift it (GDPR Art. 18(3))."],
            "not_restricted": ["none of the conditions of GDPR Art. 18(1) applies."],
            "objection_upheld": ["We uphold your objection (GDPR Art. 21(1)): we stop processing"],
            "objection_rejected": [
                "We reject your objection (GDPR Art. 21(1)): we have compelling legitimate grounds",
                "while we examined it (GDPR Art. 18(1)(d)).",
                "at the earliest (GDPR Art. 18(3)).",
            ],
        },
        "de": {
            "rectified": ["Wir haben Ihre personenbezogenen Daten berichtigt (Art. 16 DSGVO)."],
            "not_rectified": ["da wir sie für richtig halten (Art. 16 DSGVO)."],
            "restricted": ["eingeschränkt (Art. 18 DSGVO).", "bevor wir sie aufheben (Art. 18 Abs. 3 DSGVO)."],
            "not_restricted": ["keine der Voraussetzungen des Art. 18 Abs. 1 DSGVO vorliegt."],
            "objection_upheld": ["Wir geben Ihrem Widerspruch statt (Art. 21 Abs. 1 DSGVO)"],
            "objection_rejected": [
                "Wir weisen Ihren Widerspruch zurück (Art. 21 Abs. 1 DSGVO): Wir haben zwingende schutzwürdige Gründe",
                "während wir ihn prüften (Art. 18 Abs. 1 Buchst. d DSGVO).",
                "(Art. 18 Abs. 3 DSGVO).",
            ],
        },
        "fr": {
            "rectified": ["Nous avons rectifié vos données personnelles (RGPD, art. 16)."],
            "not_rectified": ["nous les considérons comme exactes (RGPD, art. 16)."],
            "restricted": ["(RGPD, art. 18).", "Nous vous informerons avant de la lever (RGPD, art. 18, § 3)."],
            "not_restricted": ["aucune des conditions de l'article 18, § 1, du RGPD n'est remplie."],
            "objection_upheld": ["Nous faisons droit à votre opposition (RGPD, art. 21, § 1)"],
            "objection_rejected": [
                "Nous rejetons votre opposition (RGPD, art. 21, § 1) : nous avons des motifs légitimes et impérieux",
                "pendant que nous l'examinions (RGPD, art. 18, § 1, d)).",
                "(RGPD, art. 18, § 3).",
            ],
        },
    },
    Regime.UK_GDPR: {
        "en": {
            "rectified": ["We have rectified your personal data (UK GDPR Art. 16)."],
            "not_rectified": ["we consider them accurate (UK GDPR Art. 16)."],
            "restricted": ["(UK GDPR Art. 18).", "We will tell you before we lift it (UK GDPR Art. 18(3))."],
            "not_restricted": ["none of the conditions of UK GDPR Art. 18(1) applies."],
            "objection_upheld": ["We uphold your objection (UK GDPR Art. 21(1)): we stop processing"],
            "objection_rejected": [
                "We reject your objection (UK GDPR Art. 21(1)): we have compelling legitimate grounds",
                "while we examined it (UK GDPR Art. 18(1)(d)).",
                "at the earliest (UK GDPR Art. 18(3)).",
            ],
        },
        "de": {
            "rectified": ["(Art. 16 UK GDPR)."],
            "not_rectified": ["(Art. 16 UK GDPR)."],
            "restricted": ["(Art. 18 UK GDPR).", "(Art. 18 Abs. 3 UK GDPR)."],
            "not_restricted": ["des Art. 18 Abs. 1 UK GDPR vorliegt."],
            "objection_upheld": ["(Art. 21 Abs. 1 UK GDPR)"],
            "objection_rejected": [
                "(Art. 21 Abs. 1 UK GDPR)",
                "(Art. 18 Abs. 1 Buchst. d UK GDPR).",
                "(Art. 18 Abs. 3 UK GDPR).",
            ],
        },
        "fr": {
            "rectified": ["(UK GDPR, art. 16)."],
            "not_rectified": ["(UK GDPR, art. 16)."],
            "restricted": ["(UK GDPR, art. 18).", "(UK GDPR, art. 18, § 3)."],
            "not_restricted": ["de l'article 18, § 1, du UK GDPR n'est remplie."],
            "objection_upheld": ["(UK GDPR, art. 21, § 1)"],
            "objection_rejected": [
                "(UK GDPR, art. 21, § 1)",
                "(UK GDPR, art. 18, § 1, d)).",
                "(UK GDPR, art. 18, § 3).",
            ],
        },
    },
    Regime.CH_FADP: {
        "en": {
            "rectified": ["We have rectified your inaccurate personal data (Art. 32(1) FADP)."],
            "not_rectified": [
                "we consider them accurate (Art. 32(1) FADP).",
                "note that you dispute them (Art. 32(3) FADP).",
            ],
            "restricted": ["be prohibited (Art. 32(2)(a) FADP)", "It is our practice to tell you before we lift"],
            "not_restricted": [
                "we reject your claim that it be prohibited (Art. 32(2)(a) FADP)",
                "justified (Art. 31 FADP)",
            ],
            "objection_upheld": ["We uphold your objection (Art. 30(2)(b) FADP): we stop processing"],
            "objection_rejected": [
                "you have expressly declared that you object (Art. 30(2)(b) FADP)",
                "justified under Art. 31 FADP",
                "have been withheld from every search while we examined it. We will lift this restriction on 1 March "
                "2025 at the earliest. Until then",
            ],
        },
        "de": {
            "rectified": ["Wir haben Ihre unrichtigen Personendaten berichtigt (Art. 32 Abs. 1 DSG)."],
            "not_rectified": ["(Art. 32 Abs. 1 DSG).", "Bestreitungsvermerk anbringen (Art. 32 Abs. 3 DSG)."],
            "restricted": ["verboten wird, stattgegeben (Art. 32 Abs. 2 Bst. a DSG)", "Es ist unsere Praxis"],
            "not_restricted": ["(Art. 32 Abs. 2 Bst. a DSG)", "gerechtfertigt ist (Art. 31 DSG)"],
            "objection_upheld": ["Wir geben Ihrem Widerspruch statt (Art. 30 Abs. 2 Bst. b DSG)"],
            "objection_rejected": [
                "(Art. 30 Abs. 2 Bst. b DSG)",
                "nach Art. 31 DSG gerechtfertigt",
                "während wir ihn prüften.",
            ],
        },
        "fr": {
            "rectified": ["Nous avons rectifié vos données personnelles inexactes (art. 32, al. 1, LPD)."],
            "not_rectified": ["(art. 32, al. 1, LPD).", "caractère litigieux (art. 32, al. 3, LPD)."],
            "restricted": ["(art. 32, al. 2, let. a, LPD)", "Nous avons pour pratique de vous informer"],
            "not_restricted": ["(art. 32, al. 2, let. a, LPD)", "le traitement est justifié (art. 31 LPD)"],
            "objection_upheld": ["Nous faisons droit à votre opposition (art. 30, al. 2, let. b, LPD)"],
            "objection_rejected": [
                "(art. 30, al. 2, let. b, LPD)",
                "au sens de l'art. 31 LPD",
                "pendant que nous l'examinions.",
            ],
        },
    },
}
RECIPIENTS_HEADING = {
    (Regime.EU_GDPR, "en"): (
        "Recipients told of the rectification (Art. 19)",
        "Recipients told of the restriction (Art. 19)",
    ),
    (Regime.UK_GDPR, "en"): (
        "Recipients told of the rectification (Art. 19)",
        "Recipients told of the restriction (Art. 19)",
    ),
    (Regime.CH_FADP, "en"): ("Recipients told of the rectification", "Recipients told of the restriction"),
    (Regime.EU_GDPR, "de"): (
        "Über die Berichtigung unterrichtete Empfänger (Art. 19)",
        "Über die Einschränkung unterrichtete Empfänger (Art. 19)",
    ),
    (Regime.CH_FADP, "de"): (
        "Über die Berichtigung unterrichtete Empfänger",
        "Über die Einschränkung unterrichtete Empfänger",
    ),
    (Regime.CH_FADP, "fr"): ("Destinataires informés de la rectification", "Destinataires informés de la limitation"),
}
# A GDPR article of the decision (Art. 16, 18, 19, 21) cited in any language's way.
GDPR_ARTICLE = re.compile(r"(?:Art\.|art\.|article|articolo|artículo|άρθρο|άρθρου) (?:16|18|19|21)\b")


def decision_parts(regime: Regime, lang: str, outcome: str) -> dict[str, str]:
    """The decision's sentences of the letter, as printed (whitespace collapsed): the outcome
    paragraph, the lift notice and the recipients' heading (Art. 19 under the GDPR)."""
    dsr = RequestFactory(
        language=lang,
        country=COUNTRY_OF[regime],
        regime=regime,
        request_type=TYPE_OF[outcome],
        statement="My name is misspelt.",
        outcome=outcome,
        outcome_reason=f"Reasons for {outcome}.",
        approved_at=datetime(2025, 2, 1, 12, 0, tzinfo=AMSTERDAM),
    )
    art19 = [] if outcome in ("rectified", "restricted") else None
    context = decision_context(dsr, restricted_faces=2, lift_not_before=LIFT_NOT_BEFORE, notice_recipients=art19)
    letter = _render("decision", dsr, context)
    assert f"Reasons for {outcome}." in letter

    def part(pattern: str) -> str:
        found = re.search(pattern, letter)
        return found.group(1) if found else ""

    return {
        "outcome": part(r'<p id="outcome">(.*?)</p>'),
        "lift": part(r'id="lift-notice">(.*?)</p>'),
        "recipients": part(r'<h2 id="recipients">(.*?)</h2>'),
    }


CASES = [
    (regime, lang, outcome)
    for regime, by_lang in CITED.items()
    for lang, by_outcome in by_lang.items()
    for outcome in by_outcome
]


@pytest.mark.parametrize(("regime", "lang", "outcome"), CASES)
def test_each_outcome_cites_the_requests_law(regime, lang, outcome):
    parts = decision_parts(regime, lang, outcome)
    printed = " ".join(parts.values())
    assert parts["outcome"], (regime, lang, outcome)
    assert bool(parts["lift"]) == (outcome == "objection_rejected")
    for phrase in CITED[regime][lang][outcome]:
        assert phrase in printed, (regime, lang, outcome, phrase, printed)
    if regime == Regime.UK_GDPR:
        assert EU_NAME[lang] not in printed.replace("UK GDPR", "")
    if regime == Regime.CH_FADP:
        for gdpr in ("GDPR", "DSGVO", "RGPD", "Art. 18(1)", "Art. 21", "compelling legitimate grounds"):
            assert gdpr not in printed, (lang, outcome, gdpr, printed)
        assert not GDPR_ARTICLE.search(printed), (lang, outcome, printed)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("outcome", list(TYPE_OF))
def test_a_swiss_decision_cites_the_fadp_and_no_gdpr_article_in_every_language(lang, outcome):
    printed = " ".join(decision_parts(Regime.CH_FADP, lang, outcome).values())
    assert re.search(r"\b(?:FADP|DSG|LPD)\b", printed), (lang, outcome, printed)
    assert "GDPR" not in printed and EU_NAME[lang] not in printed, (lang, outcome, printed)
    assert not GDPR_ARTICLE.search(printed), (lang, outcome, printed)


@pytest.mark.parametrize(("regime", "lang"), list(RECIPIENTS_HEADING))
def test_the_recipients_heading_names_art_19_only_under_the_gdpr(regime, lang):
    rectification, restriction = RECIPIENTS_HEADING[(regime, lang)]
    assert decision_parts(regime, lang, "rectified")["recipients"] == rectification
    assert decision_parts(regime, lang, "restricted")["recipients"] == restriction


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("regime", list(Regime))
def test_every_law_has_every_decision_sentence(regime, lang):
    """A template renders a missing key as nothing: every law states every sentence the EU letter
    has, and only the citations of the lift notice (GDPR Art. 18(1)(d), 18(3)) may be empty."""
    eu = {key for key in regime_law_texts(Regime.EU_GDPR, "en") if key.startswith("decision_")}
    law = regime_law_texts(regime, lang, "objection")
    assert {key for key in law if key.startswith("decision_")} == eu
    optional = {"decision_cite_withheld", "decision_cite_lift"} if regime == Regime.CH_FADP else set()
    assert all(law[key] for key in eu - optional), (regime, lang)


@pytest.mark.parametrize(
    ("language", "regime", "cited", "absent"),
    [
        ("en", "eu_gdpr", "(GDPR Art. 18)", "FADP"),
        ("en", "uk_gdpr", "(UK GDPR Art. 18)", "FADP"),
        ("en", "ch_fadp", "(Art. 32(2)(a) FADP)", "GDPR"),
        ("de", "eu_gdpr", "(Art. 18 DSGVO)", "DSG)"),
        ("de", "ch_fadp", "(Art. 32 Abs. 2 Bst. a DSG)", "DSGVO"),
        ("fr", "ch_fadp", "(art. 32, al. 2, let. a, LPD)", "RGPD"),
    ],
)
def test_the_status_pages_restricted_faces_cite_the_requests_law(language, regime, cited, absent):
    """The status page's sentence on restricted faces (compliance.regimes.restricted_faces_text)
    names the request's law, in the requester's language and number."""
    from django.utils import translation

    from compliance.regimes import restricted_faces_text

    with translation.override(language):
        one = restricted_faces_text(count=1, regime=regime)
        three = restricted_faces_text(count=3, regime=regime)
    assert one.startswith("1 ") and three.startswith("3 ") and one != three.replace("3", "1")
    for text in (one, three):
        assert cited in text and absent not in text
