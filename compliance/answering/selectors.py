"""Reads for answering requests: the staff review page and the requester's downloads."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.urls import reverse

from compliance.answering.texts import language_of
from compliance.models import (
    AccessPackage,
    AccessPackageStatus,
    DataSubjectRequest,
    ErasureRecord,
    ErasureStatus,
    MatchingRun,
    RequestMatch,
    RequestStatus,
    ReviewStatus,
)

DOWNLOAD_SALT = "compliance.answering.download"  # noqa: S105 - a signing namespace, not a secret
DOWNLOAD_KINDS = ("pdf", "zip", "certificate")

LABELS = {
    "pdf": {
        "en": "Your access answer (PDF letter)",
        "nl": "Uw inzage-antwoord (PDF-brief)",
        "fr": "Votre réponse d'accès (lettre PDF)",
        "it": "La sua risposta di accesso (lettera PDF)",
    },
    "zip": {
        "en": "Your data, machine-readable (ZIP: JSON and photos)",
        "nl": "Uw gegevens, machineleesbaar (ZIP: JSON en foto's)",
        "fr": "Vos données, lisibles par machine (ZIP : JSON et photos)",
        "it": "I suoi dati, leggibili da dispositivo automatico (ZIP: JSON e foto)",
    },
    "certificate": {
        "en": "Certificate of erasure (PDF)",
        "nl": "Verklaring van wissing (PDF)",
        "fr": "Certificat d'effacement (PDF)",
        "it": "Certificato di cancellazione (PDF)",
    },
}


def download_link_max_age() -> int:
    return int(getattr(settings, "ANSWER_DOWNLOAD_MAX_AGE", 7 * 24 * 3600))


def download_token_make(*, request: DataSubjectRequest, kind: str) -> str:
    return signing.dumps({"r": str(request.public_id), "k": kind}, salt=DOWNLOAD_SALT, compress=True)


def download_token_read(token: str) -> tuple[str, str]:
    """(request public id, kind); raises signing.SignatureExpired / BadSignature."""
    data = signing.loads(token, salt=DOWNLOAD_SALT, max_age=download_link_max_age())
    if not isinstance(data, dict) or data.get("k") not in DOWNLOAD_KINDS or not data.get("r"):
        raise signing.BadSignature("malformed")
    return data["r"], data["k"]


def released_file(request: DataSubjectRequest, kind: str):
    """The FieldFile a requester may download now, or None (not released / not done)."""
    if kind in ("pdf", "zip"):
        package = AccessPackage.objects.filter(request=request, status=AccessPackageStatus.RELEASED).first()
        return getattr(package, kind) if package and getattr(package, kind) else None
    if kind == "certificate":
        erasure = ErasureRecord.objects.filter(request=request, status=ErasureStatus.DONE).first()
        return erasure.certificate if erasure and erasure.certificate else None
    return None


def requester_downloads(request: DataSubjectRequest) -> list[dict]:
    """Links for the status page: [{"label", "url"}], each signed and expiring."""
    lang = language_of(request.language)
    links = []
    for kind in DOWNLOAD_KINDS:
        if released_file(request, kind):
            token = download_token_make(request=request, kind=kind)
            links.append({"label": LABELS[kind][lang], "url": reverse("answering:download", args=[token])})
    return links


@dataclass
class AnswerOverview:
    request: DataSubjectRequest
    run: MatchingRun | None
    matches: list[RequestMatch]
    package: AccessPackage | None
    erasure: ErasureRecord | None
    pending: int = 0
    counts: dict = field(default_factory=dict)

    @property
    def can_review(self) -> bool:
        """Matches can be decided (the same rule as the service that decides them)."""
        from compliance.answering.services import review_allowed

        return review_allowed(
            request_status=self.request.status, erasure_status=self.erasure.status if self.erasure else None
        )

    @property
    def can_finish_review(self) -> bool:
        return (
            self.request.status == RequestStatus.AWAITING_REVIEW
            and self.pending == 0
            and bool(self.run and self.run.finished_at)
        )

    @property
    def can_approve(self) -> bool:
        return self.request.status == RequestStatus.AWAITING_APPROVAL and (
            self.erasure is None or self.erasure.status not in (ErasureStatus.RUNNING, ErasureStatus.DONE)
        )


def answer_overview(request: DataSubjectRequest) -> AnswerOverview:
    matches = list(
        RequestMatch.objects.filter(request=request)
        .select_related("reviewed_by")
        .order_by("distance", "face_id_snapshot")
    )
    erasure = ErasureRecord.objects.filter(request=request).select_related("approved_by").first()
    counts = {status: sum(1 for m in matches if m.review_status == status) for status in ReviewStatus.values}
    return AnswerOverview(
        request=request,
        run=MatchingRun.objects.filter(request=request).first(),
        matches=matches,
        package=AccessPackage.objects.filter(request=request).first(),
        erasure=erasure,
        pending=counts[ReviewStatus.PENDING],
        counts=counts,
    )
