"""The citizen's request form (no account). What follows it (email confirmation, the status
page) is in compliance/views/status.py. Every response here is private and not cacheable.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from compliance import ratelimit
from compliance.forms import RequestForm
from compliance.services import pending_upload_create, pending_upload_delete, pending_upload_get
from compliance.workflow.intake import request_submit
from core.uploads import upload_form


def _private(response):
    response["Cache-Control"] = "no-store, private"
    # "same-origin": a token in our URL never travels to another site in a Referer header. Not
    # "no-referrer": with it browsers send "Origin: null" on our own form posts, which CSRF
    # protection (rightly) refuses.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- the request form ------------------------------------------------------------------------

# Each photo field of RequestForm, with its `<field>_token` hidden field and `kept_<field>`.
PHOTO_FIELDS = ("selfie", "selfie_2", "selfie_3", "id_document")
EXTRA_SELFIE_FIELDS = ("selfie_2", "selfie_3")


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
    for field in PHOTO_FIELDS:
        checked_attr, kept_attr, token_field = f"checked_{field}", f"kept_{field}", f"{field}_token"
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


def _request_refused(request, message: str, status: int):
    """The body could not be used (too large, unreadable): the form again, with the reason."""
    return _render_form(request, RequestForm(), status=status, limited_message=message)


@never_cache
@require_http_methods(["GET", "POST"])
@upload_form(fields=PHOTO_FIELDS, refused=_request_refused)
def request_new(request):
    now = timezone.now()
    if request.method != "POST":
        return _render_form(request, RequestForm())

    address = ratelimit.client_address(request)
    kept = {f"kept_{field}": _kept(request.POST.get(f"{field}_token", ""), now=now) for field in PHOTO_FIELDS}

    budget = ratelimit.hit("address", address)
    if not budget.allowed:
        # Refused before any photo is read: the expensive part is what the limit protects.
        form = RequestForm(initial=_initial_from(request.POST), **kept)
        response = _render_form(request, form, status=429, limited_message=_limit_message(budget.retry_after))
        response["Retry-After"] = str(budget.retry_after)
        return response

    form = RequestForm(request.POST, request.FILES, **kept)
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
    extra_selfies = []
    for field in EXTRA_SELFIE_FIELDS:
        kept_extra = getattr(form, f"kept_{field}")
        extra = pending_upload_get(token=kept_extra[0], now=now) if kept_extra else None
        if kept_extra and extra is None:  # expired meanwhile: ask again rather than search with fewer
            setattr(form, f"kept_{field}", None)
            _with_data(form, **{f"{field}_token": ""})
            form.add_error(field, _("Your photo was kept for one hour and has now been deleted. Add it again."))
            return _render_form(request, form)
        if extra is not None:
            extra_selfies.append(extra)
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
                "statement": data.get("statement", ""),
                "name": data["name"],
                "email": data["email"],
                "country": data["country"],
                "region": data.get("region", ""),
                "language": translation.get_language() or "en",
                "selfie_consent": data["selfie_consent"],
                "id_document_consent": bool(data.get("id_document_consent")),
                "suppression_consent": bool(data.get("suppression_consent")),
            },
            selfie_file=selfie,
            extra_selfie_files=extra_selfies,
            id_file=id_upload,
            ip=address,
            now=now,
        )
    except ValidationError as error:
        _add_service_errors(form, error)
        return _render_form(request, form)
    ratelimit.hit("email", ratelimit.normalise_email(data["email"]))
    pending_upload_delete(upload=selfie)
    for extra in extra_selfies:
        pending_upload_delete(upload=extra)
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
    fields = (
        "request_type",
        "statement",
        "name",
        "email",
        "country",
        "region",
        *(f"{field}_token" for field in PHOTO_FIELDS),
    )
    initial = {name: post.get(name, "") for name in fields}
    initial["selfie_consent"] = bool(post.get("selfie_consent"))
    initial["id_document_consent"] = bool(post.get("id_document_consent"))
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
