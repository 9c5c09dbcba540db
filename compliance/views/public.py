"""Citizen pages: the request form, email verification, the private status page, downloads.

Citizens have no account. A request is reached only through the unguessable tokens sent to the
requester's mailbox (only their hashes are stored), so no URL built from an id can show one
request to another person. Every response here is marked private and not cacheable, and the
status page tells browsers not to send its URL to other sites as a referrer.
"""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from compliance import ratelimit
from compliance.answering.selectors import requester_downloads
from compliance.forms import RequestForm
from compliance.models import RequestStatus, RequestType
from compliance.selectors import request_by_status_token
from compliance.services import (
    ActionNotAllowed,
    VerificationFailed,
    download_sign,
    download_unsign,
    pending_upload_create,
    pending_upload_delete,
    pending_upload_get,
    request_submit,
    request_verify_email,
    request_withdraw,
)
from compliance.services.tokens import DOWNLOAD_LINK_MAX_AGE, status_token_for
from compliance.views.documents import document_obtain, documents_for_request
from config.models import ReportStatus

# What each state means for the requester, in plain words.
STATUS_EXPLANATIONS = {
    RequestStatus.RECEIVED: gettext_lazy("We have received your request."),
    RequestStatus.AWAITING_EMAIL: gettext_lazy(
        "Please confirm your email address with the link in the first email we sent you. We start once you have."
    ),
    RequestStatus.VERIFIED: gettext_lazy("Your email address is confirmed. Your request is in the queue."),
    RequestStatus.PROCESSING: gettext_lazy("We are searching the collected photos for your face."),
    RequestStatus.AWAITING_REVIEW: gettext_lazy("A member of staff is checking the results."),
    RequestStatus.AWAITING_APPROVAL: gettext_lazy("The answer is ready and waiting for final approval."),
    RequestStatus.COMPLETED: gettext_lazy("Your request has been answered. Your photos have been deleted."),
    RequestStatus.REFUSED: gettext_lazy("We could not act on your request. The reasons are below."),
    RequestStatus.EXPIRED: gettext_lazy(
        "The email address was not confirmed within 7 days, so the request lapsed. Your photos were deleted."
    ),
    RequestStatus.WITHDRAWN: gettext_lazy("The request was withdrawn. Your photos were deleted."),
}
# Before the email address is confirmed the deadline is not shown: the request is not yet handled.
STATES_WITHOUT_DUE_DATE = (
    RequestStatus.RECEIVED,
    RequestStatus.AWAITING_EMAIL,
    RequestStatus.EXPIRED,
    RequestStatus.WITHDRAWN,
)


def _private(response):
    response["Cache-Control"] = "no-store, private"
    # "same-origin": a token in our URL never travels to another site in a Referer header. Not
    # "no-referrer": with it browsers send "Origin: null" on our own form posts, which CSRF
    # protection (rightly) refuses.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- the request form ------------------------------------------------------------------------


def _kept(token: str, *, now) -> tuple[str, str] | None:
    """(token, original name) of a photo kept from an earlier attempt, if it is still there."""
    if not token:
        return None
    upload = pending_upload_get(token=token, now=now)
    if upload is None:
        return None
    return token, upload.original_name


def _with_data(form: RequestForm, **values) -> None:
    data = form.data.copy()
    for key, value in values.items():
        data[key] = value
    form.data = data


def _keep_checked_photos(form: RequestForm, *, now) -> None:
    """After validation: keep a newly uploaded photo that passed (so a text error does not cost
    the citizen their photo), and forget a kept one that a rejected new upload was meant to
    replace."""
    for field, checked_attr, kept_attr, token_field in (
        ("selfie", "checked_selfie", "kept_selfie", "selfie_token"),
        ("id_document", "checked_id_document", "kept_id_document", "id_document_token"),
    ):
        checked = getattr(form, checked_attr)
        kept = getattr(form, kept_attr)
        if checked is not None:
            if kept is not None:
                _discard(kept[0], now=now)
            _upload, token = pending_upload_create(content=checked.jpeg, original_name=checked.original_name, now=now)
            setattr(form, kept_attr, (token, checked.original_name))
            _with_data(form, **{token_field: token})
        elif form.files.get(field) and kept is not None:
            # A new file was chosen and rejected: the citizen wanted to replace the kept one.
            _discard(kept[0], now=now)
            setattr(form, kept_attr, None)
            _with_data(form, **{token_field: ""})


def _discard(token: str, *, now) -> None:
    upload = pending_upload_get(token=token, now=now)
    if upload is not None:
        pending_upload_delete(upload=upload)


def _render_form(request, form, *, status=200, limited_message: str = ""):
    response = render(
        request,
        "compliance/request_form.html",
        {"form": form, "limited_message": limited_message},
        status=status,
    )
    return _private(response)


@never_cache
@require_http_methods(["GET", "POST"])
def request_new(request):
    now = timezone.now()
    if request.method != "POST":
        return _render_form(request, RequestForm())

    address = ratelimit.client_address(request)
    kept_selfie = _kept(request.POST.get("selfie_token", ""), now=now)
    kept_id = _kept(request.POST.get("id_document_token", ""), now=now)

    budget = ratelimit.hit("address", address)
    if not budget.allowed:
        # Refused before any photo is read: the expensive part is what the limit protects.
        form = RequestForm(initial=_initial_from(request.POST), kept_selfie=kept_selfie, kept_id_document=kept_id)
        response = _render_form(request, form, status=429, limited_message=_limit_message(budget.retry_after))
        response["Retry-After"] = str(budget.retry_after)
        return response

    form = RequestForm(request.POST, request.FILES, kept_selfie=kept_selfie, kept_id_document=kept_id)
    valid = form.is_valid()
    _keep_checked_photos(form, now=now)
    if not valid:
        return _render_form(request, form)

    email_budget = ratelimit.check("email", ratelimit.normalise_email(form.cleaned_data["email"]))
    if not email_budget.allowed:
        response = _render_form(request, form, status=429, limited_message=_email_limit_message())
        response["Retry-After"] = str(email_budget.retry_after)
        return response

    selfie_token = form.kept_selfie[0]
    id_token = form.kept_id_document[0] if form.kept_id_document else None
    selfie = pending_upload_get(token=selfie_token, now=now)
    id_upload = pending_upload_get(token=id_token, now=now) if id_token else None
    if selfie is None:  # expired between the checks above and now: ask again, keep the rest
        form.kept_selfie = None
        _with_data(form, selfie_token="")
        form.add_error("selfie", _("Your photo was kept for one hour and has now been deleted. Add it again."))
        return _render_form(request, form)

    data = form.cleaned_data
    try:
        request_submit(
            data={
                "request_type": data["request_type"],
                "name": data["name"],
                "email": data["email"],
                "country": data["country"],
                "language": translation.get_language() or "en",
                "selfie_consent": data["selfie_consent"],
                "suppression_consent": bool(data.get("suppression_consent")),
            },
            selfie_file=selfie,
            id_file=id_upload,
            ip=address,
            now=now,
        )
    except ValidationError as error:
        _add_service_errors(form, error)
        return _render_form(request, form)
    ratelimit.hit("email", ratelimit.normalise_email(data["email"]))
    pending_upload_delete(upload=selfie)
    if id_upload is not None:
        pending_upload_delete(upload=id_upload)
    return redirect("compliance:request_submitted")


def _add_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for text in errors:
                form.add_error(field if field in form.fields else None, text)
    else:
        for text in error.messages:
            form.add_error(None, text)


def _initial_from(post) -> dict:
    fields = ("request_type", "name", "email", "country", "selfie_token", "id_document_token")
    initial = {name: post.get(name, "") for name in fields}
    initial["selfie_consent"] = bool(post.get("selfie_consent"))
    initial["suppression_consent"] = bool(post.get("suppression_consent"))
    return initial


def _limit_message(retry_after: int) -> str:
    minutes = max(1, round(retry_after / 60))
    return _(
        "Too many attempts were made from your connection. Please wait %(minutes)d minutes and try again. "
        "What you entered has been kept."
    ) % {"minutes": minutes}


def _email_limit_message() -> str:
    return _(
        "Several requests were already made with this email address today. Please wait until tomorrow, or "
        "follow your earlier request with the link in its email."
    )


@require_GET
def request_submitted(request):
    return _private(render(request, "compliance/request_submitted.html"))


# --- email verification ---------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def verify_email(request, token: str):
    """GET shows a button and changes nothing (mail scanners and link previews open links);
    the POST uses the single-use token and leads to the status page."""
    if request.method != "POST":
        return _private(render(request, "compliance/verify_email.html", {"outcome": "confirm"}))
    try:
        req, status_token = request_verify_email(token=token, now=timezone.now())
    except VerificationFailed as failure:
        req = failure.request
        if failure.code == "used" and req is not None and (status_token := status_token_for(req)):
            messages.info(request, _("Your email address was already confirmed."))
            return redirect("compliance:status", token=status_token)
        return _private(render(request, "compliance/verify_email.html", {"outcome": failure.code}, status=410))
    context = {
        "outcome": "verified",
        "request_obj": req,
        "status_url": reverse("compliance:status", kwargs={"token": status_token}) if status_token else "",
    }
    return _private(render(request, "compliance/verify_email.html", context))


# --- the status page and downloads -----------------------------------------------------------


@never_cache
@require_GET
def status(request, token: str):
    req = request_by_status_token(token)
    if req is None:
        raise Http404
    downloads = [
        {
            "label": item.label,
            "url": reverse("compliance:download", kwargs={"signed": download_sign(request=req, item=item.key)}),
        }
        for item in documents_for_request(req)
    ]
    # Issue 6: the released access package (PDF letter and ZIP) and the erasure certificate.
    downloads += requester_downloads(req)
    context = {
        "req": req,
        "status_label": req.get_status_display(),
        "status_explanation": STATUS_EXPLANATIONS.get(req.status, ""),
        "type_label": RequestType(req.request_type).label,
        "refusal_basis_label": req.get_refusal_basis_display(),
        "show_due_date": req.status not in STATES_WITHOUT_DUE_DATE,
        "messages_for_requester": req.messages.filter(visible_to_requester=True).order_by("created_at", "id"),
        "downloads": downloads,
        "link_hours": DOWNLOAD_LINK_MAX_AGE // 3600,
        "can_withdraw": not req.is_final,
        "token": token,
    }
    return _private(render(request, "compliance/status.html", context))


@never_cache
@require_GET
def download(request, signed: str):
    try:
        public_id, item = download_unsign(value=signed)
    except signing.SignatureExpired:
        return _private(render(request, "compliance/download_expired.html", status=410))
    except signing.BadSignature:
        raise Http404 from None
    report = document_obtain(public_id=public_id, key=item)
    if report is None:
        raise Http404
    if report.status != ReportStatus.DONE or not report.file:
        response = render(request, "compliance/download_unavailable.html", status=503)
        response["Retry-After"] = "60"
        return _private(response)
    response = FileResponse(
        report.file.open("rb"), as_attachment=True, filename=report.download_name, content_type="application/pdf"
    )
    return _private(response)


@never_cache
@require_POST
def withdraw(request, token: str):
    """The requester withdraws the request (and with it the consent for the photo, GDPR Art.
    7(3)): the service stops the handling and deletes the photos."""
    req = request_by_status_token(token)
    if req is None:
        raise Http404
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that you want to withdraw your request."))
        return redirect("compliance:status", token=token)
    try:
        request_withdraw(request=req, user=None, now=timezone.now())
    except ActionNotAllowed:
        messages.error(request, _("This request is already closed and can no longer be withdrawn."))
    else:
        messages.success(request, _("Your request has been withdrawn and your photos have been deleted."))
    return redirect("compliance:status", token=token)
