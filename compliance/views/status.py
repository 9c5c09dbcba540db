"""Citizen pages after the form: email confirmation, the private status page and what hangs off
it (documents, withdrawal, consent withdrawal, the one-click erasure), and a lost link.

Citizens have no account. The links in their emails carry the secret after "#", which browsers
never send: a small script on the page posts it, and the server exchanges it for a grant in the
session (compliance.workflow.intake), so no token ever appears in a URL the server logs. Every
page below /requests/status/<id>/ needs that grant; without it the answer is 404, whatever the
id. Every response is private, not cacheable, and sends no referrer to other sites.
"""

import json

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from compliance import ratelimit
from compliance.emails import completion_summary
from compliance.forms import FollowUpErasureForm, RecoverForm, ReplyForm
from compliance.models import DataSubjectRequest, DocumentKind, Regime, RequestStatus
from compliance.regimes import refusal_basis_label, regime_period_text, request_type_label, restricted_faces_text
from compliance.services.tokens import DOWNLOAD_LINK_MAX_AGE, download_sign, download_unsign
from compliance.workflow import (
    blocklist,
    conversation,
    handling,
    intake,
    restriction,
    suppression,
    template_copy,
)
from compliance.workflow.documents import documents_for_requester
from compliance.workflow.lifecycle import ActionNotAllowed
from compliance.workflow.machine import BEFORE_APPROVAL, NEXT_FOR_REQUESTER, OPEN_STATUSES, UNVERIFIED_STATUSES, stepper
from core.uploads import upload_form

DOCUMENT_NAMES = {
    DocumentKind.ACCESS_LETTER: ("access-answer.pdf", "application/pdf"),
    DocumentKind.ACCESS_DATA: ("access-data.zip", "application/zip"),
    DocumentKind.ERASURE_CERTIFICATE: ("erasure-certificate.pdf", "application/pdf"),
    DocumentKind.REFUSAL_LETTER: ("refusal-letter.pdf", "application/pdf"),
    DocumentKind.DECISION_LETTER: ("decision-letter.pdf", "application/pdf"),
}


def _private(response):
    response["Cache-Control"] = "no-store, private"
    # "same-origin": nothing of our URLs travels to another site in a Referer header (not
    # "no-referrer": browsers then send "Origin: null" on our own posts, which CSRF refuses).
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _granted(request, public_id):
    req = intake.status_granted(request.session, public_id)
    if req is None:
        raise Http404
    return req


# --- email confirmation -----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    """GET shows the confirmation button (the script fills in the token from the link's "#";
    mail scanners and link previews change nothing); the POST uses the single-use token and
    opens the status page. A used, expired or unknown token leads nowhere."""
    if request.method != "POST":
        return _private(render(request, "compliance/verify_email.html", {"outcome": "confirm"}))
    try:
        req = intake.request_confirm_email(token=request.POST.get("token", "").strip(), now=timezone.now())
    except intake.VerificationFailed as failure:
        return _private(render(request, "compliance/verify_email.html", {"outcome": failure.code}, status=410))
    intake.status_grant(request.session, req)
    messages.success(request, _("Thank you: your email address is confirmed."))
    return redirect("compliance:status", public_id=req.public_id)


# --- opening the status page ------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def status_open(request):
    """The link in the emails. GET: the page whose script posts the token after "#" (or where it
    can be pasted); POST: the token becomes a grant in the session."""
    if request.method == "POST":
        token = request.POST.get("token", "").strip()
        req = intake.status_grant_from_token(request.session, token)
        if req is not None:
            return redirect("compliance:status", public_id=req.public_id)
        return _private(render(request, "compliance/status_open.html", {"invalid": True}, status=404))
    return _private(render(request, "compliance/status_open.html", {}))


def _download_links(req) -> list[dict]:
    links = []
    for document in documents_for_requester(req):
        signed = download_sign(request=req, item=f"doc:{document.kind}")
        links.append(
            {
                "label": DocumentKind(document.kind).label,
                "available": document.available,
                "deleted_reason": document.file_deleted_reason,
                "deleted_at": document.file_deleted_at,
                "sha256": document.sha256,
                "url": reverse("compliance:download", kwargs={"public_id": req.public_id, "signed": signed}),
            }
        )
    return links


def _due_context(req) -> dict:
    return {
        "show_due_date": req.status in OPEN_STATUSES,
        "extended": bool(req.extended_due_date),
        # The law the request is handled under and how it counts the period (compliance/regimes.py).
        "regime_label": Regime(req.regime).label,
        "period_text": regime_period_text(req.regime),
    }


@never_cache
@require_GET
def status(request, public_id):
    req = _granted(request, public_id)
    summary = completion_summary(req) if req.status == RequestStatus.COMPLETED else None
    follow_up = req.follow_ups.order_by("-received_at").first()
    restricted = len(restriction.restricted_faces(req))
    context = {
        "req": req,
        "status_label": req.get_status_display(),
        "next_text": NEXT_FOR_REQUESTER.get(req.status, ""),
        "steps": stepper(status=req.status, request_type=req.request_type, email_confirmed=bool(req.email_verified_at)),
        "type_label": request_type_label(request_type=req.request_type, regime=req.regime),
        # Under the request's law: the FADP's own ground for a Swiss request (compliance/regimes.py).
        "refusal_basis_label": refusal_basis_label(
            basis=req.refusal_basis, regime=req.regime, request_type=req.request_type
        ),
        "messages_for_requester": req.messages.filter(visible_to_requester=True).order_by("created_at", "id"),
        "reply_form": ReplyForm() if req.email_verified_at and not req.pseudonymised_at else None,
        "templates_available": template_copy.templates_available(req),
        "downloads": _download_links(req),
        "link_hours": DOWNLOAD_LINK_MAX_AGE // 3600,
        "can_withdraw": req.status in (*UNVERIFIED_STATUSES, *BEFORE_APPROVAL),
        "summary": summary,
        "can_follow_up": bool(
            summary and summary.access and not summary.erasure and summary.photos_still_held and follow_up is None
        ),
        "follow_up": follow_up,
        # GDPR Art. 18: faces withheld from every search while the restriction lasts.
        "restricted_faces": restricted,
        "restricted_faces_text": restricted_faces_text(count=restricted, regime=req.regime) if restricted else "",
        "restriction_lift_from": restriction.restriction_lift_earliest(req) if not req.restriction_lifted_at else None,
        "suppression_active": bool(req.suppression_consent_at) and req.suppression_withdrawn_at is None,
        "blocklisted": len(blocklist.blocklisted_hashes(req)) if req.request_type != "access" else 0,
        "blocklist_leave": blocklist.blocklist_opt_out_possible(req) if req.request_type != "access" else False,
        **_due_context(req),
    }
    return _private(render(request, "compliance/status.html", context))


@never_cache
@require_GET
def download(request, public_id, signed: str):
    req = _granted(request, public_id)
    try:
        signed_id, item = download_unsign(value=signed)
    except signing.SignatureExpired:
        return _private(render(request, "compliance/download_expired.html", status=410))
    except signing.BadSignature:
        raise Http404 from None
    if signed_id != req.public_id or not item.startswith("doc:"):
        raise Http404
    document = req.documents.filter(kind=item[4:]).first()
    if document is None or not document.available:
        raise Http404
    name, content_type = DOCUMENT_NAMES[document.kind]
    response = FileResponse(
        document.file.open("rb"), as_attachment=True, filename=f"{req.public_id}-{name}", content_type=content_type
    )
    return _private(response)


@never_cache
@require_POST
def withdraw(request, public_id):
    """The requester withdraws the request (and with it the consent for the photo, GDPR Art.
    7(3)): the handling stops and the photo is deleted."""
    req = _granted(request, public_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that you want to withdraw your request."))
        return redirect("compliance:status", public_id=req.public_id)
    try:
        handling.request_withdraw(request=req, user=None, now=timezone.now())
    except ActionNotAllowed:
        messages.error(request, _("This request can no longer be withdrawn."))
    else:
        messages.success(request, _("Your request has been withdrawn and the photo you sent us has been deleted."))
    return redirect("compliance:status", public_id=req.public_id)


# --- consent to keep a face template (suppression) --------------------------------------------


@never_cache
@require_POST
def suppression_withdraw_from_status(request, public_id):
    req = _granted(request, public_id)
    suppression.suppression_withdraw(request=req, now=timezone.now())
    messages.success(request, _("Your consent is withdrawn: no face template of yours is kept."))
    return redirect("compliance:status", public_id=req.public_id)


@never_cache
@require_http_methods(["GET", "POST"])
def suppression_withdraw(request, public_id, token: str):
    """The permanent link of the erasure certificate: GET asks, POST withdraws (at once)."""
    req = DataSubjectRequest.objects.filter(public_id=public_id).first()
    if req is None or not suppression.withdrawal_token_valid(req, token):
        raise Http404
    done = False
    if request.method == "POST":
        suppression.suppression_withdraw(request=req, now=timezone.now())
        done = True
    context = {"req": req, "done": done or req.suppression_withdrawn_at is not None, "token": token}
    return _private(render(request, "compliance/suppression_withdraw.html", context))


# --- the requester's face templates, on request -------------------------------------------


@never_cache
@require_POST
def face_templates(request, public_id):
    """The templates of the requester's confirmed faces as a JSON file, built now, not stored."""
    req = _granted(request, public_id)
    content = template_copy.templates_copy(request=req, now=timezone.now())
    if content is None:
        raise Http404
    response = HttpResponse(
        json.dumps(content, indent=1, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="face-templates.json"'
    return _private(response)


# --- messages from the requester ------------------------------------------------------------


def _reply_refused(request, message: str, status: int):
    """The attachment could not be used (too large, too many files): the page, with the reason."""
    req = _granted(request, request.resolver_match.kwargs["public_id"])
    messages.error(request, message)
    return redirect("compliance:status", public_id=req.public_id)


@never_cache
@require_POST
@upload_form(fields=("attachment",), refused=_reply_refused)
def reply(request, public_id):
    """The requester writes to us (text and at most one checked file, e.g. the identity
    information staff asked for; it restarts a stopped clock)."""
    req = _granted(request, public_id)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            conversation.request_reply(
                request=req,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data.get("attachment"),
                now=timezone.now(),
            )
        except ValidationError as error:
            for texts in error.message_dict.values():
                for text in texts:
                    form.add_error(None, text)
        except ActionNotAllowed as error:
            form.add_error(None, error.message)
    if form.errors:
        for texts in form.errors.values():
            for text in texts:
                messages.error(request, text)
    else:
        messages.success(request, _("Your message was sent. We answer on this page and tell you by email."))
    return redirect(f"{reverse('compliance:status', kwargs={'public_id': req.public_id})}#messages")


# --- the blocklist of erased files ----------------------------------------------------------


@never_cache
@require_POST
def blocklist_leave(request, public_id):
    """The requester asks us to delete the hashes of their erased files (issue 16 item 7)."""
    req = _granted(request, public_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that the same files may then be collected again."))
        return redirect("compliance:status", public_id=req.public_id)
    if not blocklist.blocklist_opt_out_possible(req):
        messages.error(request, _("There is nothing of your erasure left on the blocklist."))
        return redirect("compliance:status", public_id=req.public_id)
    blocklist.blocklist_opt_out(request=req, now=timezone.now())
    messages.success(request, _("The fingerprints of your erased files were deleted."))
    return redirect("compliance:status", public_id=req.public_id)


# --- one-click erasure after an access answer -------------------------------------------------


def _follow_up_context(source, form) -> dict:
    reusable = intake.follow_up_selfie_reusable(source)
    return {"source": source, "form": form, "reusable": reusable, "summary": completion_summary(source)}


def _follow_up_refused(request, message: str, status: int):
    """The upload could not be used (too large, unreadable): the form again, with the reason."""
    source = _granted(request, request.resolver_match.kwargs["public_id"])
    messages.error(request, message)
    form = FollowUpErasureForm(needs_selfie=not intake.follow_up_selfie_reusable(source))
    return _private(
        render(request, "compliance/follow_up_erasure.html", _follow_up_context(source, form), status=status)
    )


@never_cache
@require_http_methods(["GET", "POST"])
# The one file field of the form (core.uploads keeps only the files a view declares).
@upload_form(fields=("selfie",), refused=_follow_up_refused)
def follow_up_erasure(request, public_id):
    source = _granted(request, public_id)
    reusable = intake.follow_up_selfie_reusable(source)
    posted = request.method == "POST"
    form = FollowUpErasureForm(
        request.POST if posted else None, request.FILES if posted else None, needs_selfie=not reusable
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = intake.follow_up_erasure_create(
                source=source,
                selfie_consent=form.cleaned_data["selfie_consent"],
                suppression_consent=form.cleaned_data.get("suppression_consent", False),
                selfie_file=None if reusable else form.cleaned_data["selfie"],
                now=timezone.now(),
            )
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                for text in texts:
                    form.add_error(field if field in form.fields else None, text)
        except ActionNotAllowed as error:
            form.add_error(None, error.message)
        else:
            intake.status_grant(request.session, new)
            messages.success(request, _("Your erasure request is filed. We start at once."))
            return redirect("compliance:status", public_id=new.public_id)
    context = {"source": source, "form": form, "reusable": reusable, "summary": completion_summary(source)}
    return _private(render(request, "compliance/follow_up_erasure.html", context, status=400 if form.errors else 200))


# --- a lost link --------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def recover(request):
    """The requester gives the email address of the request; a new link goes to that address
    if a request was made with it. The page says the same whatever the address (no one learns
    whether someone made a request), and the attempts are rate-limited."""
    form = RecoverForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        address = ratelimit.client_address(request)
        email = ratelimit.normalise_email(form.cleaned_data["email"])
        if ratelimit.hit("recovery_address", address).allowed and ratelimit.hit("recovery_email", email).allowed:
            intake.status_link_recover(email=form.cleaned_data["email"], now=timezone.now())
        return redirect("compliance:recover_sent")
    return _private(render(request, "compliance/recover.html", {"form": form}, status=400 if form.errors else 200))


@require_GET
def recover_sent(request):
    return _private(render(request, "compliance/recover_sent.html"))
