"""Staff pages: the request queue and a page per request with its timeline, audit trail and the
actions its state allows. Reading needs Perm.VIEW_INTERNAL (staff and auditors); every action is
a POST that needs Perm.EDIT (auditors get 403) and calls one service from compliance.services.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from compliance import services
from compliance.forms import ConfirmForm, EscalateForm, ExtendForm, IdentityForm, MessageForm, RefuseForm
from compliance.models import DataSubjectRequest, IdentityCheck, RequestStatus
from compliance.reports.letters import letter_kinds_for_staff
from compliance.selectors import (
    request_allowed_actions,
    request_audit_trail,
    request_by_public_id,
    request_counts_by_status,
    request_messages_for_staff,
    request_queue_filterset,
)
from config.roles import Perm, can, require

PAGE_SIZE = 25
DUE_SOON_DAYS = 7


# --- queue ---------------------------------------------------------------------------------------


@require(Perm.VIEW_INTERNAL)
@require_GET
def queue(request):
    today = timezone.localdate()
    filters = request.GET.copy()
    filters.pop("page", None)
    filterset = request_queue_filterset(filters=filters, today=today)
    _polish_filter_form(filterset.form)
    # An unbound FilterSet lists everything; a bound one with errors lists nothing (the form says why).
    queryset = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    page_obj = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "req": req,
            "overdue": req.is_open and req.effective_due_date < today,
            "due_soon": req.is_open and today <= req.effective_due_date <= today + timedelta(days=DUE_SOON_DAYS),
        }
        for req in page_obj.object_list
    ]
    counts_by_status = request_counts_by_status()
    context = {
        "filter": filterset,
        "rows": rows,
        "page_obj": page_obj,
        "counts": [
            {"value": value, "label": label, "count": counts_by_status.get(value, 0)}
            for value, label in RequestStatus.choices
        ],
        "total_count": sum(counts_by_status.values()),
        "current_status": request.GET.get("status", "") if len(request.GET.getlist("status")) == 1 else "",
        "querystring_without_page": f"{filters.urlencode()}&" if filters else "",
    }
    return render(request, "compliance/staff/queue.html", context)


def _polish_filter_form(form: forms.Form) -> None:
    """Friendlier widgets for the shared FilterSet's form (the API ignores widgets)."""
    for name in ("request_type", "country", "language"):
        widget = form.fields[name].widget
        widget.choices = [("", "Any"), *[choice for choice in widget.choices if choice[0] != ""]]
    form.fields["status"].widget.attrs["size"] = 4
    form.fields["overdue"].widget = forms.Select(
        choices=[("", "Any"), ("true", "Overdue only"), ("false", "Not overdue")]
    )
    form.fields["identity_check"].widget = forms.Select(choices=[("", "Any"), *IdentityCheck.choices])


# --- one request -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    title: str
    button: str
    form_class: type[forms.Form]
    perform: Callable  # (request, user, cleaned_data, now) -> success message
    help: str = ""
    danger: bool = False


def _escalate(req, user, data, now):
    case = services.request_escalate_to_complaint(
        request=req,
        user=user,
        case=data.get("case"),
        authority=data.get("authority"),
        respondent=data.get("respondent"),
        now=now,
    )
    return f"Escalated into a complaint on case {case.reference}."


ACTIONS: dict[str, Action] = {
    "start_processing": Action(
        "Start processing",
        "Start processing",
        ConfirmForm,
        lambda req, user, data, now: (
            services.request_start_processing(request=req, user=user, now=now) and "Processing started."
        ),
    ),
    "mark_awaiting_review": Action(
        "Ready for staff review",
        "Mark ready for review",
        ConfirmForm,
        lambda req, user, data, now: (
            services.request_mark_awaiting_review(request=req, user=user, now=now)
            and "Marked as awaiting staff review."
        ),
    ),
    "mark_awaiting_approval": Action(
        "Send for approval",
        "Send for approval",
        ConfirmForm,
        lambda req, user, data, now: (
            services.request_mark_awaiting_approval(request=req, user=user, now=now) and "Sent for approval."
        ),
    ),
    "approve": Action(
        "Approve the answer",
        "Approve and complete",
        ConfirmForm,
        lambda req, user, data, now: (
            services.request_approve(request=req, user=user, now=now)
            and "Approved: the request is completed and its photos deleted."
        ),
        help="Completes the request, tells the requester, and deletes the selfie and any encoding.",
    ),
    "verify_identity": Action(
        "Verify identity manually",
        "Mark identity as verified",
        IdentityForm,
        lambda req, user, data, now: (
            services.request_verify_identity_manually(request=req, user=user, note=data["note"], now=now)
            and "Identity marked as verified."
        ),
        help="Only after establishing the requester's identity by other means (GDPR Art. 12(6)).",
    ),
    "extend": Action(
        "Extend the deadline",
        "Extend and notify the requester",
        ExtendForm,
        lambda req, user, data, now: (
            services.request_extend_deadline(
                request=req, user=user, months=data["months"], reason=data["reason"], now=now
            )
            and "Deadline extended; the requester is notified."
        ),
    ),
    "refuse": Action(
        "Refuse the request",
        "Refuse and send the letter",
        RefuseForm,
        lambda req, user, data, now: (
            services.request_refuse(request=req, user=user, basis=data["basis"], reason=data["reason"], now=now)
            and "Request refused; the requester is told why and how to complain, and the photos are deleted."
        ),
        danger=True,
    ),
    "escalate": Action(
        "Escalate into a complaint",
        "Escalate",
        EscalateForm,
        _escalate,
        help="The request is past its due date: link it to an enforcement case as a complaint.",
    ),
    "message": Action(
        "Add a message",
        "Add message",
        MessageForm,
        lambda req, user, data, now: (
            services.request_add_message(
                request=req, user=user, body=data["body"], visible_to_requester=data["visible_to_requester"], now=now
            )
            and "Message added."
        ),
    ),
}


def _timeline(req: DataSubjectRequest) -> list[dict]:
    items = [{"at": req.received_at, "text": "Request received"}]
    for at, text in (
        (req.email_verified_at, "Email address verified"),
        (req.identity_checked_at, f"Identity check: {req.get_identity_check_display()}"),
        (
            req.extended_at,
            f"Deadline extended to {req.extended_due_date} "
            f"(+{req.extension_months} month{'s' if req.extension_months != 1 else ''} in total)",
        ),
        (req.extension_notified_at, "Requester notified of the extension"),
        (req.approved_at, "Answer approved" + (f" by {req.approved_by.get_username()}" if req.approved_by else "")),
        (req.refused_at, f"Refused: {req.get_refusal_basis_display()}"),
        (req.completed_at, "Completed"),
        (req.withdrawn_at, "Withdrawn"),
        (req.expired_at, "Expired (email not verified in time)"),
        (req.biometrics_purged_at, "Selfie, identity photo and encodings deleted"),
        (req.escalated_at, "Escalated into a complaint on an enforcement case"),
    ):
        if at:
            items.append({"at": at, "text": text})
    for message in request_messages_for_staff(req):
        items.append(
            {
                "at": message.created_at,
                "text": "Message",
                "who": message.author.get_username() if message.author else "system",
                "body": message.body,
                "visible": message.visible_to_requester,
            }
        )
    return sorted(items, key=lambda item: item["at"])


def _detail_context(request, req: DataSubjectRequest, *, bound: dict | None = None) -> dict:
    today = timezone.localdate()
    can_act = can(request.user, Perm.EDIT)
    action_forms = []
    if can_act:
        for name in request_allowed_actions(req, today=today):
            action = ACTIONS.get(name)
            if action is None:
                continue
            action_forms.append(
                {
                    "name": name,
                    "title": action.title,
                    "button": action.button,
                    "help": action.help,
                    "danger": action.danger,
                    "form": (bound or {}).get(name) or action.form_class(prefix=name),
                    "url": reverse("compliance:request_action", kwargs={"public_id": req.public_id, "action": name}),
                }
            )
    return {
        "req": req,
        "overdue": services.request_is_overdue(req, today=today),
        "timeline": _timeline(req),
        "audit_events": request_audit_trail(req),
        "can_act": can_act,
        "action_forms": action_forms,
        "letter_kinds": letter_kinds_for_staff(req, user=request.user) if can(request.user, Perm.EXPORT) else [],
    }


def _get_request(public_id) -> DataSubjectRequest:
    req = request_by_public_id(public_id)
    if req is None:
        raise Http404
    return req


@require(Perm.VIEW_INTERNAL)
@require_GET
def request_detail(request, public_id):
    req = _get_request(public_id)
    return render(request, "compliance/staff/request_detail.html", _detail_context(request, req))


@require(Perm.EDIT)
@require_POST
def request_action(request, public_id, action: str):
    """One POST endpoint per action name. Validates the action's form, checks the state allows
    it (the service checks again, under its conditional update) and calls the service."""
    req = _get_request(public_id)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    if action not in request_allowed_actions(req, today=timezone.localdate()):
        messages.error(request, f"“{spec.title}” is not possible while the request is {req.get_status_display()}.")
        return redirect("compliance:request_detail", public_id=req.public_id)
    form = spec.form_class(request.POST, prefix=action)
    if form.is_valid():
        try:
            done = spec.perform(req, request.user, form.cleaned_data, timezone.now())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, done or "Nothing to do: this had already happened.")
            return redirect("compliance:request_detail", public_id=req.public_id)
    req.refresh_from_db()
    context = _detail_context(request, req, bound={action: form})
    return render(request, "compliance/staff/request_detail.html", context, status=400)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, texts in error.message_dict.items():
            for text in texts:
                form.add_error(field if field in form.fields else None, text)
    else:
        for text in error.messages:
            form.add_error(None, text)
