"""Answering requests, HTML side: the staff review page (selfie next to each matched face, with
the distance; confirm/reject; finish review; approve), face crops for it, staff file downloads,
and the requester's signed, expiring downloads of the released package.

Views only check permission, read through selectors and call services.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from biometrics.erasure import STORED_PHOTO_LIMITS
from biometrics.images import ImageLimits, ImageRejected, load_image_checked
from biometrics.redaction import expanded
from compliance.answering import services
from compliance.answering.matching import matching_restart
from compliance.answering.selectors import answer_overview, download_token_read, released_file
from compliance.models import AccessPackage, DataSubjectRequest, ErasureRecipient, ErasureRecord, RequestMatch
from config.roles import Perm, can, require

CROP_SIDE = 240


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _get(public_id) -> DataSubjectRequest:
    return get_object_or_404(DataSubjectRequest, public_id=public_id)


@require(Perm.VIEW_INTERNAL)
@require_GET
def review(request, public_id):
    req = _get(public_id)
    overview = answer_overview(req)
    context = {
        "req": req,
        "o": overview,
        "can_edit": can(request.user, Perm.EDIT),
        "recipients": list(overview.erasure.recipients.all()) if overview.erasure else [],
        "actions": list(overview.erasure.actions.all()) if overview.erasure else [],
    }
    return _private(render(request, "compliance/answering/review.html", context))


def _face_crop(field_file, box: tuple[int, int, int, int], *, limits: ImageLimits | None = None) -> HttpResponse:
    """The face in `box` of a stored image, with a margin, as a small private JPEG; 404 when the
    file is gone or is no longer an image we accept."""
    try:
        with field_file.open("rb") as handle:
            image = load_image_checked(handle, limits=limits)
    except (ImageRejected, OSError):
        raise Http404 from None
    left, top, right, bottom = expanded(box, image.width, image.height, expand=0.25)
    crop = image.crop((left, top, right, bottom))
    crop.thumbnail((CROP_SIDE, CROP_SIDE))
    buffer = io.BytesIO()
    crop.save(buffer, format="JPEG", quality=88)
    return _private(HttpResponse(buffer.getvalue(), content_type="image/jpeg"))


@require(Perm.VIEW_INTERNAL)
@require_GET
def selfie_crop(request, public_id):
    req = _get(public_id)
    run = getattr(req, "matching_run", None)
    if not req.selfie or run is None or run.selfie_box is None:
        raise Http404
    return _face_crop(req.selfie, run.selfie_box)


@require(Perm.VIEW_INTERNAL)
@require_GET
def match_crop(request, public_id, match_id: int):
    match = get_object_or_404(
        RequestMatch.objects.select_related("face__photo"), pk=match_id, request__public_id=public_id
    )
    if match.face is None:
        raise Http404  # erased
    return _face_crop(match.face.photo.image, match.face.box, limits=STORED_PHOTO_LIMITS)


def _act(request, public_id, action) -> HttpResponse:
    req = _get(public_id)
    try:
        action(req)
    except (ValidationError, PermissionDenied) as error:
        text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
    return redirect("answering:review", public_id=req.public_id)


@require(Perm.EDIT)
@require_POST
def decide(request, public_id, match_id: int):
    decision = request.POST.get("decision")
    if decision not in ("confirm", "reject"):
        messages.error(request, "Choose confirm or reject.")
        return redirect("answering:review", public_id=public_id)
    match = get_object_or_404(RequestMatch, pk=match_id, request__public_id=public_id)

    def act(req):
        services.review_decide(match=match, user=request.user, confirm=decision == "confirm")
        messages.success(request, f"Match {'confirmed' if decision == 'confirm' else 'rejected'}.")

    return _act(request, public_id, act)


def _step(request, public_id, service, done: str) -> HttpResponse:
    """Run `service(request=..., user=...)` on the request and say it is done."""

    def act(req):
        service(request=req, user=request.user)
        messages.success(request, done)

    return _act(request, public_id, act)


@require(Perm.EDIT)
@require_POST
def finish_review(request, public_id):
    return _step(
        request, public_id, services.review_finish, "Review finished: the answer is being prepared for approval."
    )


@require(Perm.EDIT)
@require_POST
def approve(request, public_id):
    return _step(request, public_id, services.answer_approve, "Approved.")


@require(Perm.EDIT)
@require_POST
def erasure_retry(request, public_id):
    return _step(request, public_id, services.erasure_retry, "The erasure runs again.")


@require(Perm.EDIT)
@require_POST
def matching_retry(request, public_id):
    return _step(request, public_id, matching_restart, "Matching runs again.")


@require(Perm.EDIT)
@require_POST
def recipient_notified(request, public_id, recipient_id: int):
    from compliance.answering.erasure import erasure_mark_recipient_notified

    recipient = get_object_or_404(ErasureRecipient, pk=recipient_id, erasure__request__public_id=public_id)

    def act(req):
        erasure_mark_recipient_notified(recipient=recipient, user=request.user)
        messages.success(request, f"{recipient.customer_name} marked as notified.")

    return _act(request, public_id, act)


_DOWNLOAD_NAMES = {"pdf": "access-answer.pdf", "zip": "access-data.zip", "certificate": "erasure-certificate.pdf"}
_CONTENT_TYPES = {"pdf": "application/pdf", "zip": "application/zip", "certificate": "application/pdf"}


def _file_response(field_file, kind: str, public_id) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=f"{public_id}-{_DOWNLOAD_NAMES[kind]}", content_type=_CONTENT_TYPES[kind]
    )
    return _private(response)


@require(Perm.VIEW_INTERNAL)
@require_GET
def staff_file(request, public_id, kind: str):
    """Staff preview of the package before release, and the certificate."""
    req = _get(public_id)
    if kind in ("pdf", "zip"):
        package = AccessPackage.objects.filter(request=req).first()
        field_file = getattr(package, kind) if package else None
    elif kind == "certificate":
        erasure = ErasureRecord.objects.filter(request=req).first()
        field_file = erasure.certificate if erasure else None
    else:
        raise Http404
    if not field_file:
        raise Http404
    return _file_response(field_file, kind, req.public_id)


@never_cache
@require_GET
def download(request, token: str):
    """The requester's download: a signed, expiring link from the status page; the file must be
    released (package approved by staff, erasure done)."""
    try:
        public_id, kind = download_token_read(token)
    except signing.SignatureExpired:
        return _private(render(request, "compliance/answering/download_expired.html", status=410))
    except signing.BadSignature:
        raise Http404 from None
    req = DataSubjectRequest.objects.filter(public_id=public_id).first()
    if req is None:
        raise Http404
    field_file = released_file(req, kind)
    if not field_file:
        raise Http404
    return _file_response(field_file, kind, req.public_id)
