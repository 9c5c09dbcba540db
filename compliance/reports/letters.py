"""Letters to requesters, in their language: acknowledgement, extension notice, refusal, access
response (Art. 15) and erasure certificate (Art. 17).

Each kind has a `<kind>_clean(*, parameters, user)` that checks the letter fits the request's
state (no refusal letter for a request that was not refused) and a `<kind>_build(*, report,
parameters, user)` that returns the template and its context (`config.report_services`).

Citizens never browse these: their status page lists `letters_for_request(request)`, each with a
signed link that expires (`config.report_views.letter_download`); the first download makes the
PDF and later ones return the same file.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.urls import reverse

from compliance.models import COUNTRIES, DataSubjectRequest, RequestStatus, RequestType
from compliance.reports.texts import letter_language, text_for
from config.models import GeneratedReport, ReportKind, ReportStatus
from config.report_services import ReportContent, ReportParameterError, letter_token_make

logger = logging.getLogger(__name__)
PACKAGE_IMAGE = re.compile(r"images/([0-9a-f-]{36})\.jpg")

# --- shared pieces -------------------------------------------------------------------------


def controller_identity() -> dict:
    """Who answers the requests (the controller). Configured in settings; shown on every letter."""
    return {
        "name": getattr(settings, "CONTROLLER_NAME", "") or "DPA tracker — data-subject request service",
        "address": getattr(settings, "CONTROLLER_ADDRESS", ""),
        "email": getattr(settings, "CONTROLLER_EMAIL", "") or settings.DEFAULT_FROM_EMAIL,
        "dpo_email": getattr(settings, "CONTROLLER_DPO_EMAIL", ""),
        "eu_representative": getattr(settings, "CONTROLLER_EU_REPRESENTATIVE", ""),
    }


def supervisory_authority_for(country: str):
    """The data protection authority of the requester's country, if the register holds it
    (GDPR Art. 77: a complaint may go to the authority where the person lives)."""
    from enforcement.models import Authority

    kinds = [Authority.Kind.EU_EEA_DPA, Authority.Kind.UK]
    return (
        Authority.objects.filter(country=country, subdivision="", kind__in=kinds).order_by("id").first()
        if country
        else None
    )


def _request_from(parameters: dict) -> DataSubjectRequest:
    raw = parameters.get("request")
    try:
        public_id = uuid.UUID(str(raw))
    except (TypeError, ValueError):
        raise ReportParameterError("Give the request's id (a UUID).") from None
    dsr = DataSubjectRequest.objects.filter(public_id=public_id).first()
    if dsr is None:
        raise ReportParameterError("No request has this id.")
    return dsr


def _letter_context(dsr: DataSubjectRequest, **extra) -> dict:
    lang = letter_language(dsr.language)
    texts = text_for(lang)
    return {
        "dsr": dsr,
        "lang": lang,
        "t": texts,
        "controller": controller_identity(),
        "authority": supervisory_authority_for(dsr.country),
        # Lazy: translated when the template renders, inside the letter's language.
        "country_name": dict(COUNTRIES).get(dsr.country, dsr.country),
        "request_type_text": texts[f"type_{dsr.request_type}"],
        **extra,
    }


def _footer_labels(lang: str) -> dict:
    return text_for(lang)


def _content(*, dsr: DataSubjectRequest, kind: str, subject: str, context: dict) -> ReportContent:
    lang = context["lang"]
    return ReportContent(
        template=f"reports/letters/{lang}/{kind}.html",
        context={**context, "subject": subject},
        title=subject,
        filter_text=f"{text_for(lang)['from']} {dsr.public_id}",
        language=lang,
        request=dsr,
        footer_labels=_footer_labels(lang),
    )


SUBJECTS = {
    "acknowledgement": {
        "en": "Your request: acknowledgement of receipt",
        "nl": "Uw verzoek: ontvangstbevestiging",
        "fr": "Votre demande : accusé de réception",
        "it": "La sua richiesta: avviso di ricevimento",
    },
    "extension": {
        "en": "Your request: extension of the time limit to answer",
        "nl": "Uw verzoek: verlenging van de antwoordtermijn",
        "fr": "Votre demande : prolongation du délai de réponse",
        "it": "La sua richiesta: proroga del termine di risposta",
    },
    "refusal": {
        "en": "Your request: we will not act on it",
        "nl": "Uw verzoek: wij geven er geen gevolg aan",
        "fr": "Votre demande : nous n'y donnerons pas suite",
        "it": "La sua richiesta: non possiamo darvi seguito",
    },
    "access_response": {
        "en": "Your access request: the personal data we hold about you (GDPR Art. 15)",
        "nl": "Uw inzageverzoek: de persoonsgegevens die wij over u verwerken (AVG art. 15)",
        "fr": "Votre demande d'accès : les données personnelles que nous détenons sur vous (RGPD, art. 15)",
        "it": "La sua richiesta di accesso: i dati personali che trattiamo su di lei (RGPD, art. 15)",
    },
    "erasure_certificate": {
        "en": "Certificate of erasure (GDPR Art. 17)",
        "nl": "Verklaring van wissing (AVG art. 17)",
        "fr": "Certificat d'effacement (RGPD, art. 17)",
        "it": "Certificato di cancellazione (RGPD, art. 17)",
    },
}


def _subject(kind: str, lang: str) -> str:
    return SUBJECTS[kind].get(lang) or SUBJECTS[kind]["en"]


# --- acknowledgement -----------------------------------------------------------------------


def acknowledgement_clean(*, parameters: dict, user) -> dict:
    dsr = _request_from(parameters)
    if dsr.email_verified_at is None:
        raise ReportParameterError("A request is acknowledged once its email address is verified.")
    return {"request": str(dsr.public_id)}


def acknowledgement_build(*, report, parameters: dict, user) -> ReportContent:
    dsr = _request_from(parameters)
    context = _letter_context(dsr)
    return _content(
        dsr=dsr, kind="acknowledgement", subject=_subject("acknowledgement", context["lang"]), context=context
    )


# --- extension notice ----------------------------------------------------------------------


def extension_clean(*, parameters: dict, user) -> dict:
    dsr = _request_from(parameters)
    if dsr.extended_due_date is None:
        raise ReportParameterError("The time limit of this request was not extended.")
    return {"request": str(dsr.public_id)}


def extension_build(*, report, parameters: dict, user) -> ReportContent:
    dsr = _request_from(parameters)
    context = _letter_context(dsr)
    return _content(dsr=dsr, kind="extension", subject=_subject("extension", context["lang"]), context=context)


# --- refusal ------------------------------------------------------------------------------


def refusal_clean(*, parameters: dict, user) -> dict:
    dsr = _request_from(parameters)
    if dsr.status != RequestStatus.REFUSED:
        raise ReportParameterError("This request was not refused.")
    return {"request": str(dsr.public_id)}


def refusal_build(*, report, parameters: dict, user) -> ReportContent:
    dsr = _request_from(parameters)
    context = _letter_context(dsr)
    context["basis_text"] = context["t"].get(f"basis_{dsr.refusal_basis}", context["t"]["basis_other"])
    return _content(dsr=dsr, kind="refusal", subject=_subject("refusal", context["lang"]), context=context)


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


@dataclass(frozen=True)
class AccessResponseData:
    searched_at: datetime | None
    photos: list[AccessPhoto] = field(default_factory=list)
    recipients: list[AccessRecipient] = field(default_factory=list)
    encodings_held: int = 0
    package_available: bool = False

    @property
    def processing_confirmed(self) -> bool:
        return bool(self.photos or self.encodings_held)


def access_recipients_for_faces(face_refs: list[int]) -> list[AccessRecipient]:
    """Customers whose searches returned any of these faces, with how often and when."""
    from biometrics.models import Customer

    if not face_refs:
        return []
    rows = (
        Customer.objects.filter(searches__results__face_ref__in=face_refs)
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
        )
        for row in rows
    ]


def access_response_data(dsr: DataSubjectRequest, *, image_paths: dict[str, str] | None = None) -> AccessResponseData:
    """What the Art. 15 letter discloses, from the request's matches.

    Disclosed: confident matches not rejected by staff, and possible matches staff confirmed
    (disclosing someone else's photo would itself be a breach). `image_paths` maps a photo's
    public id to its redacted copy (made by the access package builder); without it the letter
    describes each photo and points to the package for the copy.
    """
    from compliance.models import MatchBand, ReviewStatus  # the answering models (issue 6)

    image_paths = image_paths or {}
    matches = list(
        dsr.matches.exclude(review_status=ReviewStatus.REJECTED)
        .filter(Q(band=MatchBand.CONFIDENT) | Q(review_status=ReviewStatus.CONFIRMED))
        .order_by("collected_at", "photo_id_snapshot")
    )
    photos, seen = [], set()
    for match in matches:
        key = str(match.photo_public_id)
        if key in seen:
            continue
        seen.add(key)
        from biometrics.models import source_domain_of

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
    package = getattr(dsr, "access_package", None)
    return AccessResponseData(
        searched_at=getattr(run, "finished_at", None),
        photos=photos,
        recipients=access_recipients_for_faces([match.face_id_snapshot for match in matches]),
        encodings_held=sum(1 for match in matches if match.face_id is not None),
        package_available=bool(package and package.zip_sha256),
    )


def access_response_clean(*, parameters: dict, user) -> dict:
    """Staff may preview the Art. 15 letter once the store was searched; the requester gets it
    only after staff released the access package (GDPR Art. 15(4): nothing unreviewed leaves)."""
    from compliance.models import AccessPackageStatus

    dsr = _request_from(parameters)
    if dsr.request_type not in (RequestType.ACCESS, RequestType.BOTH):
        raise ReportParameterError("This request does not ask for access.")
    run = getattr(dsr, "matching_run", None)
    if run is None or run.finished_at is None:
        raise ReportParameterError("The store has not been searched for this request yet.")
    if user is None:
        package = getattr(dsr, "access_package", None)
        if package is None or package.status != AccessPackageStatus.RELEASED:
            raise ReportParameterError("The answer to this request has not been approved for release yet.")
    return {"request": str(dsr.public_id)}


# EU member states and the other EEA countries: recipients elsewhere are transfers (Art. 15(2)).
EEA_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    ]
)


def access_response_context(dsr: DataSubjectRequest, data: AccessResponseData) -> dict:
    """The context of the Art. 15 letter; the access package builder may call this with photos
    whose `image_path` points at the redacted copies, and render `reports/letters/<lang>/
    access_response.html` itself, or let the report pipeline do it."""
    context = _letter_context(dsr, data=data)
    context["transfers"] = sorted({item.country for item in data.recipients if item.country not in EEA_COUNTRIES})
    context["transfer_safeguards"] = (
        getattr(settings, "CONTROLLER_TRANSFER_SAFEGUARDS", "") or context["t"]["transfer_safeguards"]
    )
    return context


def _unpack_package_images(dsr: DataSubjectRequest) -> tuple[dict[str, str], Callable[[], None] | None]:
    """The redacted copies from the access package's ZIP (images/<photo id>.jpg), unpacked to a
    private temporary folder for the rendering; returns (photo id -> path, cleanup)."""
    package = getattr(dsr, "access_package", None)
    if package is None or not package.zip_sha256 or not package.zip:
        return {}, None
    folder = Path(tempfile.mkdtemp(prefix="access-letter-", dir=_work_folder()))
    paths = {}
    try:
        with package.zip.open("rb") as handle, zipfile.ZipFile(handle) as archive:
            for name in archive.namelist():
                match = PACKAGE_IMAGE.fullmatch(name)
                if not match:
                    continue
                target = folder / f"{match.group(1)}.jpg"
                target.write_bytes(archive.read(name))
                paths[match.group(1)] = str(target)
    except (OSError, zipfile.BadZipFile):
        logger.warning("access letter: the package ZIP of request %s could not be read", dsr.public_id)
    return paths, lambda: shutil.rmtree(folder, ignore_errors=True)


def _work_folder() -> Path:
    from config.models import private_storage

    folder = Path(private_storage().path("reports/work"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def access_response_build(*, report, parameters: dict, user) -> ReportContent:
    dsr = _request_from(parameters)
    image_paths, cleanup = _unpack_package_images(dsr)
    context = access_response_context(dsr, access_response_data(dsr, image_paths=image_paths))
    content = _content(
        dsr=dsr, kind="access_response", subject=_subject("access_response", context["lang"]), context=context
    )
    return dataclasses.replace(content, cleanup=cleanup)


# --- erasure certificate (GDPR Art. 17) ----------------------------------------------------


def erasure_certificate_clean(*, parameters: dict, user) -> dict:
    from compliance.models import ErasureStatus

    dsr = _request_from(parameters)
    erasure = getattr(dsr, "erasure", None)  # the reverse one-to-one raises AttributeError when absent
    if erasure is None or erasure.status != ErasureStatus.DONE:
        raise ReportParameterError("There is no completed, re-checked erasure for this request.")
    return {"request": str(dsr.public_id)}


def erasure_certificate_context(dsr: DataSubjectRequest) -> dict:
    """Everything the certificate states: what was deleted (counts, which photos, the SHA-256 of
    every deleted or replaced file), when, by whom, the recipients to be told (Art. 19) and the
    re-check. Nothing biometric: no photo, no encoding, no face box."""
    erasure = dsr.erasure
    actions = list(erasure.actions.order_by("photo_ref"))
    recipients = list(erasure.recipients.order_by("customer_name"))
    return _letter_context(
        dsr,
        erasure=erasure,
        actions=actions,
        recipients=recipients,
        approved_by_label=erasure.approved_by.get_username() if erasure.approved_by_id else "",
    )


def erasure_certificate_build(*, report, parameters: dict, user) -> ReportContent:
    dsr = _request_from(parameters)
    context = erasure_certificate_context(dsr)
    return _content(
        dsr=dsr,
        kind="erasure_certificate",
        subject=_subject("erasure_certificate", context["lang"]),
        context=context,
    )


# --- for the status page -------------------------------------------------------------------

LETTER_CLEANERS = {
    ReportKind.LETTER_ACKNOWLEDGEMENT: acknowledgement_clean,
    ReportKind.LETTER_EXTENSION: extension_clean,
    ReportKind.LETTER_REFUSAL: refusal_clean,
    ReportKind.LETTER_ACCESS: access_response_clean,
    ReportKind.ERASURE_CERTIFICATE: erasure_certificate_clean,
}


def letter_kinds_for_staff(request: DataSubjectRequest, *, user) -> list[tuple[str, str]]:
    """(kind, label) of the letters staff or auditors may export for this request now."""
    kinds = []
    for kind, clean in LETTER_CLEANERS.items():
        try:
            clean(parameters={"request": str(request.public_id)}, user=user)
        except ReportParameterError:
            continue
        kinds.append((str(kind), f"PDF: {ReportKind(kind).label}"))
    return kinds


@dataclass(frozen=True)
class LetterLink:
    kind: str
    label: str
    url: str  # relative; signed and expiring
    report: GeneratedReport | None  # the letter as produced, None until the first download


def letters_for_request(request: DataSubjectRequest) -> list[LetterLink]:
    """The letters this request's requester may download now, each with a fresh signed link.

    Only kinds that fit the request's state are listed (the same checks as the staff export).
    """
    links = []
    for kind, clean in LETTER_CLEANERS.items():
        try:
            clean(parameters={"request": str(request.public_id)}, user=None)
        except ReportParameterError:
            continue
        existing = (
            GeneratedReport.objects.filter(
                kind=kind, status=ReportStatus.DONE, parameters__request=str(request.public_id)
            )
            .order_by("-created_at")
            .first()
        )
        links.append(
            LetterLink(
                kind=str(kind),
                label=_subject(_KIND_TEMPLATE[kind], letter_language(request.language)),
                url=reverse("reports:letter", args=[letter_token_make(dsr_public_id=request.public_id, kind=kind)]),
                report=existing,
            )
        )
    return links


_KIND_TEMPLATE = {
    ReportKind.LETTER_ACKNOWLEDGEMENT: "acknowledgement",
    ReportKind.LETTER_EXTENSION: "extension",
    ReportKind.LETTER_REFUSAL: "refusal",
    ReportKind.LETTER_ACCESS: "access_response",
    ReportKind.ERASURE_CERTIFICATE: "erasure_certificate",
}
