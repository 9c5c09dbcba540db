"""The staff review page of a request's answer (mounted at /requests/answer/, namespace
"answering"): the selfie next to each matched face with its distance; confirm or reject any
match (one, or a selection at once); the identity assessment with the mismatch warning; finish
or reopen the review; the draft preview; approval (for an erasure, a confirmation page that lists
what will be deleted and blurred, with thumbnails); the erasure's recipients and re-check.

Views only check permission, read through selectors and call the workflow's services.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from biometrics.erasure import STORED_PHOTO_LIMITS
from biometrics.images import ImageLimits, ImageRejected, load_image_checked
from biometrics.models import Face
from biometrics.redaction import expanded
from compliance.forms import ApproveForm, DecisionForm, IdentityAssessForm, MatchDecisionsForm, RecipientNotifiedForm
from compliance.models import AccessPackage, DataSubjectRequest, ErasureRecipient, RequestMatch
from compliance.selectors import answer_overview
from compliance.views.status import DOCUMENT_NAMES
from compliance.workflow import approval, disclosure, erasure, review, rights
from compliance.workflow.lifecycle import ActionNotAllowed
from compliance.workflow.machine import DECIDED_TYPES
from compliance.workflow.matching import matching_restart
from core.roles import Perm, can, require

CROP_SIDE = 240


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _get(public_id) -> DataSubjectRequest:
    return get_object_or_404(DataSubjectRequest, public_id=public_id)


def _context(request, req: DataSubjectRequest, **extra) -> dict:
    overview = answer_overview(req)
    store_faces = Face.objects.count()
    return {
        "req": req,
        # Which selfies the request holds (1 to 3), shown side by side beside every match.
        "selfie_numbers": [n for n, field in enumerate(req.SELFIE_FIELDS, start=1) if getattr(req, field)],
        "o": overview,
        "store_faces": store_faces,
        "strangers": disclosure.bands_for(store_faces),
        "auto_confirm": disclosure.auto_confirm_allowed(store_faces=store_faces),
        "max_expected": settings.DISCLOSURE_MAX_EXPECTED_STRANGERS,
        "can_edit": can(request.user, Perm.EDIT),
        "recipients": list(overview.erasure.recipients.all()) if overview.erasure else [],
        "actions": list(overview.erasure.actions.all()) if overview.erasure else [],
        "identity_form": extra.pop("identity_form", None) or IdentityAssessForm(),
        "notified_form": RecipientNotifiedForm(),
        **extra,
    }


@require(Perm.VIEW_INTERNAL)
@require_GET
def review_page(request, public_id):
    req = _get(public_id)
    return _private(render(request, "compliance/answering/review.html", _context(request, req)))


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
def selfie_crop(request, public_id, number: int = 1):
    """The face in selfie `number` (1 to 3), as the matching found it."""
    req = _get(public_id)
    run = getattr(req, "matching_run", None)
    if not 1 <= number <= len(req.SELFIE_FIELDS) or run is None:
        raise Http404
    field_file = getattr(req, req.SELFIE_FIELDS[number - 1])
    box = run.box_of_selfie(number)
    if not field_file or box is None:
        raise Http404
    return _face_crop(field_file, box)


@require(Perm.VIEW_INTERNAL)
@require_GET
def match_crop(request, public_id, match_id: int):
    match = get_object_or_404(
        RequestMatch.objects.select_related("face__photo"), pk=match_id, request__public_id=public_id
    )
    if match.face is None:
        raise Http404  # erased
    return _face_crop(match.face.photo.image, match.face.box, limits=STORED_PHOTO_LIMITS)


@require(Perm.VIEW_INTERNAL)
@require_GET
def plan_crop(request, public_id, face_id: int):
    """A thumbnail of a face the erasure plan names (only faces of this request's matches)."""
    req = _get(public_id)
    if not req.matches.filter(face_id=face_id).exists():
        raise Http404
    face = get_object_or_404(Face.objects.select_related("photo"), pk=face_id)
    return _face_crop(face.photo.image, face.box, limits=STORED_PHOTO_LIMITS)


def _act(request, public_id, action) -> HttpResponse:
    req = _get(public_id)
    try:
        action(req)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    except (ActionNotAllowed, PermissionDenied) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
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
        review.review_decide(match=match, user=request.user, confirm=decision == "confirm")
        messages.success(request, f"Match {'confirmed' if decision == 'confirm' else 'rejected'}.")

    return _act(request, public_id, act)


@require(Perm.EDIT)
@require_POST
def decide_many(request, public_id):
    req = _get(public_id)
    form = MatchDecisionsForm(request.POST, match_ids=list(req.matches.values_list("pk", flat=True)))
    if not form.is_valid():
        messages.error(request, "Select the matches and choose confirm or reject.")
        return redirect("answering:review", public_id=public_id)
    confirm = form.cleaned_data["decision"] == "confirm"

    def act(req):
        changed = review.review_decide_many(
            request=req, match_ids=form.cleaned_data["matches"], user=request.user, confirm=confirm
        )
        messages.success(request, f"{changed} match(es) {'confirmed' if confirm else 'rejected'}.")

    return _act(request, public_id, act)


@require(Perm.EDIT)
@require_POST
def assess_identity(request, public_id):
    req = _get(public_id)
    form = IdentityAssessForm(request.POST)
    if form.is_valid():
        try:
            review.identity_assess(
                request=req, user=request.user, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                for text in texts:
                    form.add_error(field if field in form.fields else None, text)
        except ActionNotAllowed as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Identity assessment recorded.")
            return redirect("answering:review", public_id=public_id)
    context = _context(request, req, identity_form=form)
    return _private(render(request, "compliance/answering/review.html", context, status=400))


def _step(request, public_id, service, done: str) -> HttpResponse:
    """Run `service(request=..., user=...)` on the request and say it is done."""

    def act(req):
        service(request=req, user=request.user)
        messages.success(request, done)

    return _act(request, public_id, act)


@require(Perm.EDIT)
@require_POST
def finish_review(request, public_id):
    return _step(request, public_id, review.review_finish, "Review finished: the answer is being prepared.")


@require(Perm.EDIT)
@require_POST
def reopen_review(request, public_id):
    return _step(request, public_id, review.review_reopen, "Back to review; the draft answer was deleted.")


@require(Perm.EDIT)
@require_http_methods(["GET", "POST"])
def approve(request, public_id):
    """GET: what approval will do (for an erasure: every photo to delete or blur, with its
    thumbnail, and the confirmation box); POST: approve."""
    req = _get(public_id)
    if req.request_type in DECIDED_TYPES:
        return _decide(request, req)
    form = ApproveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            approval.answer_approve(request=req, user=request.user, confirm_erasure=form.cleaned_data["confirm"])
        except ValidationError as error:
            for text in error.messages:
                form.add_error("confirm", text)
        except (ActionNotAllowed, PermissionDenied) as error:
            form.add_error(None, "; ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, "Approved.")
            return redirect("answering:review", public_id=public_id)
    plan = erasure.erasure_preview(req) if req.request_type != "access" else []
    context = _context(
        request,
        req,
        approve_form=form,
        **_plan_context(plan),
    )
    status = 400 if form.errors else 200
    return _private(render(request, "compliance/answering/approve.html", context, status=status))


def _plan_context(plan) -> dict:
    """The erasure plan and its totals, as the approve and decide pages show them."""
    return {
        "plan": plan,
        "plan_deletes": sum(1 for item in plan if item.delete_photo),
        "plan_blurs": sum(1 for item in plan if not item.delete_photo),
        "plan_faces": sum(len(item.face_ids) for item in plan),
    }


def _decide(request, req):
    """The approval of a rectification, restriction or objection: staff record the decision and
    its reasons (compliance.workflow.rights); an upheld objection shows the erasure plan and asks
    for its confirmation, as an erasure does."""
    form = DecisionForm(request.POST if request.method == "POST" else None, outcome_choices=rights.outcome_choices(req))
    if req.request_type != "objection":
        del form.fields["confirm"]  # only an upheld objection erases
    if request.method == "POST" and form.is_valid():
        try:
            rights.rights_decide(
                request=req,
                user=request.user,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                confirm_erasure=form.cleaned_data.get("confirm", False),
            )
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                for text in texts:
                    form.add_error(field if field in form.fields else None, text)
        except (ActionNotAllowed, PermissionDenied) as error:
            form.add_error(None, "; ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, "Decision recorded.")
            return redirect("answering:review", public_id=req.public_id)
    plan = erasure.erasure_preview(req) if req.request_type == "objection" else []
    context = _context(
        request,
        req,
        decision_form=form,
        **_plan_context(plan),
    )
    status = 400 if form.errors else 200
    return _private(render(request, "compliance/answering/decide.html", context, status=status))


@require(Perm.EDIT)
@require_POST
def erasure_retry(request, public_id):
    def act(req):
        erasure.erasure_retry(request=req, user=request.user, confirmed=request.POST.get("confirm") == "yes")
        messages.success(request, "The erasure runs again.")

    return _act(request, public_id, act)


@require(Perm.EDIT)
@require_POST
def matching_retry(request, public_id):
    return _step(request, public_id, matching_restart, "Matching runs again.")


@require(Perm.EDIT)
@require_POST
def recipient_notified(request, public_id, recipient_id: int):
    recipient = get_object_or_404(ErasureRecipient, pk=recipient_id, erasure__request__public_id=public_id)
    form = RecipientNotifiedForm(request.POST)

    def act(req):
        if not form.is_valid():
            raise ValidationError([text for texts in form.errors.values() for text in texts])
        erasure.erasure_mark_recipient_notified(
            recipient=recipient, user=request.user, how=form.cleaned_data["how"], note=form.cleaned_data["note"]
        )
        messages.success(request, f"{recipient.customer_name} marked as told.")

    return _act(request, public_id, act)


def _file_response(field_file, filename: str, content_type: str) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return _private(FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type))


@require(Perm.VIEW_INTERNAL)
@require_GET
def draft_file(request, public_id, kind: str):
    """Staff preview of the access draft before approval."""
    req = _get(public_id)
    package = AccessPackage.objects.filter(request=req).first()
    if kind not in ("pdf", "zip") or package is None or not getattr(package, kind):
        raise Http404
    content_type = "application/pdf" if kind == "pdf" else "application/zip"
    return _file_response(getattr(package, kind), f"{req.public_id}-DRAFT-access.{kind}", content_type)


@require(Perm.VIEW_INTERNAL)
@require_GET
def document_file(request, public_id, kind: str):
    """An issued document, for staff and auditors (the same bytes the requester downloads)."""
    req = _get(public_id)
    document = req.documents.filter(kind=kind).first()
    if document is None or not document.available:
        raise Http404
    name, content_type = DOCUMENT_NAMES[document.kind]
    return _file_response(document.file, f"{req.public_id}-{name}", content_type)
