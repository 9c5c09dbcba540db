"""What the requester's letters say, in their language: the Art. 15 access letter, the Art. 17
erasure certificate and the refusal letter. These build the template contexts from a request's
final facts; compliance.workflow.documents renders them once, when the request reached the state
that makes those facts final, and keeps their SHA-256.

Templates: reports/letters/<lang>/<kind>.html (extending reports/letters/base.html); the phrases
all letters share come from compliance/reports/texts.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.utils import translation
from django.utils.formats import date_format

from biometrics.models import Customer, source_domain_of
from biometrics.transfers import Basis, Transfer, transfer_of_customer
from compliance.authorities import complaint_authority_for
from compliance.models import COUNTRIES, DataSubjectRequest, Regime, ReviewStatus
from compliance.reports.controller import controller, lawful_basis_texts, retention_text
from compliance.reports.regime_texts import regime_law_texts
from compliance.reports.texts import letter_language, text_for
from compliance.withholding import withheld_customer_ids
from core.pdf import ARCHIVAL_VARIANT, RenderedPdf, render_pdf

logger = logging.getLogger(__name__)

# --- shared pieces -------------------------------------------------------------------------


def _letter_context(dsr: DataSubjectRequest, **extra) -> dict:
    lang = letter_language(dsr.language)
    texts = text_for(lang)
    # The law the request is handled under (compliance/regimes.py) and what the letter cites of it.
    law = regime_law_texts(dsr.regime, lang, dsr.request_type)
    return {
        "dsr": dsr,
        "lang": lang,
        "t": texts,
        "controller": controller(),
        "lawful_bases": lawful_basis_texts(lang),
        "retention_policy": retention_text(lang),
        # Where the requester may complain (GDPR Art. 77, UK GDPR Art. 77, FADP Art. 49): their
        # country's, in Germany their Land's; the request's law is their country's (regimes.py).
        "authority": complaint_authority_for(dsr.country, dsr.region),
        # Lazy: translated when the template renders, inside the letter's language.
        "country_name": dict(COUNTRIES).get(dsr.country, dsr.country),
        "law": law,
        "request_type_text": law[f"type_{dsr.request_type}"],
        **extra,
    }


SUBJECTS = {
    "acknowledgement": {
        "en": "Your request: acknowledgement of receipt",
        "nl": "Uw verzoek: ontvangstbevestiging",
        "fr": "Votre demande : accusé de réception",
        "it": "La sua richiesta: avviso di ricevimento",
        "de": "Ihr Antrag: Eingangsbestätigung",
        "es": "Su solicitud: acuse de recibo",
        "el": "Το αίτημά σας: βεβαίωση παραλαβής",
    },
    "extension": {
        "en": "Your request: extension of the time limit to answer",
        "nl": "Uw verzoek: verlenging van de antwoordtermijn",
        "fr": "Votre demande : prolongation du délai de réponse",
        "it": "La sua richiesta: proroga del termine di risposta",
        "de": "Ihr Antrag: Verlängerung der Antwortfrist",
        "es": "Su solicitud: prórroga del plazo de respuesta",
        "el": "Το αίτημά σας: παράταση της προθεσμίας απάντησης",
    },
    "refusal": {
        "en": "Your request: we will not act on it",
        "nl": "Uw verzoek: wij geven er geen gevolg aan",
        "fr": "Votre demande : nous n'y donnerons pas suite",
        "it": "La sua richiesta: non possiamo darvi seguito",
        "de": "Ihr Antrag: Wir kommen ihm nicht nach",
        "es": "Su solicitud: no le daremos curso",
        "el": "Το αίτημά σας: δεν θα ενεργήσουμε επ' αυτού",
    },
    # %(cite_access)s and %(cite_erasure)s: the request's law (compliance/reports/regime_texts.py).
    "access_response": {
        "en": "Your access request: the personal data we hold about you (%(cite_access)s)",
        "nl": "Uw inzageverzoek: de persoonsgegevens die wij over u verwerken (%(cite_access)s)",
        "fr": "Votre demande d'accès : les données personnelles que nous détenons sur vous (%(cite_access)s)",
        "it": "La sua richiesta di accesso: i dati personali che trattiamo su di lei (%(cite_access)s)",
        "de": "Ihr Auskunftsantrag: die personenbezogenen Daten, die wir über Sie verarbeiten (%(cite_access)s)",
        "es": "Su solicitud de acceso: los datos personales que tratamos sobre usted (%(cite_access)s)",
        "el": (
            "Το αίτημα πρόσβασής σας: τα δεδομένα προσωπικού χαρακτήρα που επεξεργαζόμαστε για εσάς (%(cite_access)s)"
        ),
    },
    "erasure_certificate": {
        "en": "Certificate of erasure (%(cite_erasure)s)",
        "nl": "Verklaring van wissing (%(cite_erasure)s)",
        "fr": "Certificat d'effacement (%(cite_erasure)s)",
        "it": "Certificato di cancellazione (%(cite_erasure)s)",
        "de": "Löschbestätigung (%(cite_erasure)s)",
        "es": "Certificado de supresión (%(cite_erasure)s)",
        "el": "Βεβαίωση διαγραφής (%(cite_erasure)s)",
    },
    "decision": {
        "en": "Your request: our decision",
        "nl": "Uw verzoek: ons besluit",
        "fr": "Votre demande : notre décision",
        "it": "La sua richiesta: la nostra decisione",
        "de": "Ihr Antrag: unsere Entscheidung",
        "es": "Su solicitud: nuestra decisión",
        "el": "Το αίτημά σας: η απόφασή μας",
    },
}


def subject_for(kind: str, lang: str, regime: str = Regime.EU_GDPR) -> str:
    subject = SUBJECTS[kind].get(lang) or SUBJECTS[kind]["en"]
    if "%(" not in subject:
        return subject
    law = regime_law_texts(regime, lang)
    return subject % {"cite_access": law["cite_access"], "cite_erasure": law["cite_erasure"]}


# --- refusal ------------------------------------------------------------------------------


def basis_text(basis: str, lang: str) -> str:
    """What a letter prints for a refusal ground (texts.py `basis_<value>`)."""
    texts = text_for(lang)
    return texts.get(f"basis_{basis}", texts["basis_other"])


def refusal_context(dsr: DataSubjectRequest) -> dict:
    context = _letter_context(dsr)
    context["basis_text"] = context["law"].get(
        f"basis_{dsr.refusal_basis}", basis_text(dsr.refusal_basis, context["lang"])
    )
    return context


@dataclass(frozen=True)
class PartialRefusalStatement:
    """A part of the request not acted on, as the final letters and the package state it."""

    scope: str
    basis: str
    basis_text: str
    reason: str
    law: str
    late_reason: str
    recorded_at: datetime


def partial_refusals_for(dsr: DataSubjectRequest, lang: str) -> list[PartialRefusalStatement]:
    """The partial refusals of a request (GDPR Art. 12(4)), oldest first, with the ground's text in
    the letter's language, citing the request's law."""
    law = regime_law_texts(dsr.regime, lang, dsr.request_type)
    return [
        PartialRefusalStatement(
            scope=item.scope,
            basis=item.basis,
            basis_text=law.get(f"basis_{item.basis}") or basis_text(item.basis, lang),
            reason=item.reason,
            law=item.law,
            late_reason=item.late_reason if item.late else "",
            recorded_at=item.recorded_at,
        )
        for item in dsr.partial_refusals.order_by("recorded_at", "pk")
    ]


# --- access response (GDPR Art. 15) --------------------------------------------------------


@dataclass(frozen=True)
class AccessPhoto:
    """One photo in which the requester's face was found, as disclosed in the letter.

    `image_path` is a local file (under MEDIA_ROOT) of the copy with every other person's face
    blurred (Art. 15(4)); None when the copy is only in the machine-readable package."""

    reference: str
    source_url: str
    page_url: str
    source_domain: str
    collected_at: datetime | None
    image_path: str | None = None
    other_faces_blurred: int = 0

    @property
    def image_uri(self) -> str:
        return Path(self.image_path).resolve().as_uri() if self.image_path else ""


@dataclass(frozen=True)
class AccessRecipient:
    """A customer whose searches returned the requester's face (Art. 15(1)(c))."""

    name: str
    kind: str
    country: str
    searches: int
    first_search: datetime | None
    last_search: datetime | None
    transfer: Transfer | None = None


@dataclass(frozen=True)
class AccessResponseData:
    searched_at: datetime | None
    photos: list[AccessPhoto] = field(default_factory=list)
    recipients: list[AccessRecipient] = field(default_factory=list)
    encodings_held: int = 0
    package_available: bool = False
    # A partial refusal withholds some recipients (Art. 23): the letter then never says that
    # nobody received the requester's face.
    recipients_withheld: bool = False

    @property
    def processing_confirmed(self) -> bool:
        return bool(self.photos or self.encodings_held)


def access_recipients_for_faces(
    face_refs: list[int], *, withheld: set[int] | frozenset[int] = frozenset()
) -> list[AccessRecipient]:
    """Customers whose searches returned any of these faces, with how often and when; the
    customers in `withheld` (compliance.withholding.withheld_customer_ids) are left out."""
    if not face_refs:
        return []
    rows = (
        Customer.objects.filter(searches__results__face_ref__in=face_refs)
        .exclude(pk__in=withheld)
        .annotate(
            search_count=Count("searches", filter=Q(searches__results__face_ref__in=face_refs), distinct=True),
            first=Min("searches__searched_at", filter=Q(searches__results__face_ref__in=face_refs)),
            last=Max("searches__searched_at", filter=Q(searches__results__face_ref__in=face_refs)),
        )
        .order_by("name")
    )
    return [
        AccessRecipient(
            name=row.name,
            kind=str(row.get_kind_display()),
            country=row.country,
            searches=row.search_count,
            first_search=row.first,
            last_search=row.last,
            transfer=transfer_of_customer(row),
        )
        for row in rows
    ]


def transfer_statement(transfer: Transfer, lang: str) -> str:
    """The basis of one transfer outside the EU/EEA, as the letter and the package print it."""
    texts = text_for(lang)
    if transfer.basis in (Basis.ADEQUACY, Basis.NONE):
        return texts[f"transfer_{transfer.basis}"]
    if transfer.basis == Basis.ADEQUACY_IN_SCOPE:
        scope = (transfer.scope or {}).get(lang) or (transfer.scope or {}).get("en", "")
        return texts["transfer_adequacy_in_scope"] % {"scope": scope}
    if transfer.basis == Basis.SCCS:
        with translation.override(lang):
            signed = date_format(transfer.scc_signed_on, "DATE_FORMAT")
        return texts["transfer_sccs"] % {"date": signed}
    if transfer.basis == Basis.DEROGATION:
        return texts["transfer_derogation"] % {"derogation": transfer.derogation}
    raise ValueError(f"no statement for a transfer basis {transfer.basis!r}")


def access_response_data(dsr: DataSubjectRequest, *, image_paths: dict[str, str] | None = None) -> AccessResponseData:
    """What the Art. 15 letter discloses: exactly the matches staff confirmed (disclosing
    someone else's photo would itself be a breach). `image_paths` maps a photo's public id to
    its redacted copy (from the access draft)."""
    image_paths = image_paths or {}
    matches = list(
        dsr.matches.filter(review_status=ReviewStatus.CONFIRMED).order_by("collected_at", "photo_id_snapshot")
    )
    photos, seen = [], set()
    for match in matches:
        key = str(match.photo_public_id)
        if key in seen:
            continue
        seen.add(key)
        photos.append(
            AccessPhoto(
                reference=key,
                source_url=match.source_url,
                page_url=match.page_url,
                source_domain=source_domain_of(match.source_url or match.page_url),
                collected_at=match.collected_at,
                image_path=image_paths.get(key),
            )
        )
    run = getattr(dsr, "matching_run", None)
    withheld = withheld_customer_ids(dsr)
    return AccessResponseData(
        searched_at=getattr(run, "finished_at", None),
        photos=photos,
        # Without the recipients a partial refusal withholds (Art. 23); the refusal itself is printed.
        recipients=access_recipients_for_faces([match.face_id_snapshot for match in matches], withheld=withheld),
        recipients_withheld=bool(withheld),
        encodings_held=sum(1 for match in matches if match.face_id is not None),
        package_available=True,
    )


def access_response_context(dsr: DataSubjectRequest, data: AccessResponseData) -> dict:
    """The context of the Art. 15 letter; the access package builder may call this with photos
    whose `image_path` points at the redacted copies, and render `reports/letters/<lang>/
    access_response.html` itself, or let the report pipeline do it."""
    context = _letter_context(dsr, data=data)
    context["partial_refusals"] = partial_refusals_for(dsr, context["lang"])
    # Each recipient outside the EU/EEA with the basis recorded for it (Art. 15(2)), never a
    # safeguard nothing records.
    context["transfers"] = [
        {"name": item.name, "country": item.country, "basis": transfer_statement(item.transfer, context["lang"])}
        for item in data.recipients
        if item.transfer is not None and item.transfer.outside_eea
    ]
    return context


# --- erasure certificate (GDPR Art. 17) ----------------------------------------------------


def erasure_certificate_context(dsr: DataSubjectRequest, *, consent_withdrawal_url: str = "") -> dict:
    """Everything the certificate states, from the final facts: what was deleted (counts, which
    photos, the SHA-256 of every deleted or replaced file), when it started and ended, who
    confirmed it, the re-check, each recipient and how and when it was told (Art. 19), when the
    selfie was deleted, and the permanent link to withdraw the suppression consent. Nothing
    biometric: no photo, no encoding, no face box."""
    erasure = dsr.erasure
    actions = list(erasure.actions.order_by("photo_ref"))
    # The certificate names no recipient a partial refusal withholds (Art. 23); it was still told
    # (Art. 19) and staff still see that on the review page.
    withheld = withheld_customer_ids(dsr)
    recipients = list(erasure.recipients.exclude(customer_id__in=withheld).order_by("customer_name"))
    return _letter_context(
        dsr,
        partial_refusals=partial_refusals_for(dsr, letter_language(dsr.language)),
        erasure=erasure,
        actions=actions,
        recipients=recipients,
        recipients_withheld=bool(withheld),
        approved_by_label=erasure.confirmed_by.get_username() if erasure.confirmed_by_id else "",
        consent_withdrawal_url=consent_withdrawal_url,
        blocklisted=sum(1 for action in actions if action.old_sha256),
        retention_request_days=settings.RETENTION_REQUEST_DAYS,
    )


# --- decision on a rectification, restriction or objection (GDPR Art. 16, 18, 21) -------------


def decision_context(
    dsr: DataSubjectRequest,
    *,
    restricted_faces: int,
    lift_not_before: datetime | None,
    notice_recipients: list | None = None,
) -> dict:
    """The decision letter's facts (compliance.workflow.rights): the requester's statement, the
    decision and its reasons as staff recorded them, how many photos of the requester were found,
    how many faces are withheld from searches now (restriction, objection pending) and, for a
    rejected objection, the earliest day the restriction may be lifted (Art. 18(3)); an upheld
    objection's erasure is stated by its own certificate. For a rectification or a restriction,
    `notice_recipients` (compliance.workflow.recipients.letter_recipients) are the recipients told
    of it (Art. 19), already without those a partial refusal withholds (Art. 23)."""
    confirmed = dsr.matches.filter(review_status=ReviewStatus.CONFIRMED)
    return _letter_context(
        dsr,
        partial_refusals=partial_refusals_for(dsr, letter_language(dsr.language)),
        photos_found=confirmed.values("photo_id_snapshot").distinct().count(),
        restricted_faces=restricted_faces,
        lift_not_before=lift_not_before,
        art19_notice=notice_recipients is not None,
        notice_recipients=notice_recipients or [],
        recipients_withheld=bool(withheld_customer_ids(dsr)),
    )


# --- rendering --------------------------------------------------------------------------------


def render_letter(
    *, kind: str, dsr: DataSubjectRequest, context: dict, target: Path, issued_at: datetime, draft: bool = False
) -> RenderedPdf:
    """Render one letter (`access_response`, `erasure_certificate`, `refusal`) in the request's
    language to `target` (PDF/A-3b: the controller must be able to show what it sent, GDPR Art.
    5(2)). A draft (staff preview of an access answer) says so on every page."""
    lang = context["lang"]
    subject = subject_for(kind, lang, dsr.regime)
    context = {
        **context,
        "subject": subject,
        "draft": draft,
        "report_meta": {
            "id": str(dsr.public_id),
            "kind": kind,
            "title": subject,
            "generated_at": issued_at,
            "generated_by": "system",
            "filter_text": str(dsr.public_id),
            "filter_short": str(dsr.public_id),
            "pdf_variant": ARCHIVAL_VARIANT,
            "labels": text_for(lang),
        },
    }
    with translation.override(lang):
        return render_pdf(
            template=f"reports/letters/{lang}/{kind}.html", context=context, target=target, pdf_variant=ARCHIVAL_VARIANT
        )
