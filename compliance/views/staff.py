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
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from compliance.forms import (
    AskInformationForm,
    ConfirmForm,
    EscalateForm,
    ExtendForm,
    MessageForm,
    RefuseForm,
    RefusePartForm,
    RestrictionLiftForm,
)
from compliance.models import ClockStop, DataSubjectRequest, IdentityCheck, RequestStatus
from compliance.selectors import (
    request_allowed_actions,
    request_audit_trail,
    request_by_public_id,
    request_counts_by_status,
    request_messages_for_staff,
    request_queue_filterset,
)
from compliance.workflow import conversation, handling, intake, restriction
from compliance.workflow.documents import documents_for_requester
from compliance.workflow.lifecycle import ActionNotAllowed
from compliance.workflow.machine import NEXT_FOR_REQUESTER
from core.outbox import outbox_for_topic
from core.roles import Perm, can, require

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
    # Extra keyword arguments of the form for this request (e.g. the request's recipients).
    form_kwargs: Callable[[DataSubjectRequest], dict] | None = None

    def form(self, req: DataSubjectRequest, *args, **kwargs) -> forms.Form:
        extra = self.form_kwargs(req) if self.form_kwargs else {}
        return self.form_class(*args, **kwargs, **extra)


def _escalate(req, user, data, now):
    case = handling.request_escalate(
        request=req,
        user=user,
        case=data.get("case"),
        authority=data.get("authority"),
        respondent=data.get("respondent"),
        now=now,
    )
    return f"Escalated into case {case.reference}."


def _refuse(req, user, data, now):
    handling.request_refuse(
        request=req,
        user=user,
        basis=data["basis"],
        reason=data["reason"],
        law=data["law"],
        late_reason=data["late_reason"],
        now=now,
    )
    return "Request refused; the requester is told why and how to complain, and the photos are deleted."


def _refuse_part(req, user, data, now):
    handling.request_refuse_part(
        request=req,
        user=user,
        scope=data["scope"],
        basis=data["basis"],
        reason=data["reason"],
        law=data["law"],
        late_reason=data["late_reason"],
        withheld_customers=data.get("withheld_customers") or (),
        now=now,
    )
    return "Partial refusal recorded; the final letter states it with its ground and the remedies."


def _ask_information(req, user, data, now):
    conversation.request_ask_information(
        request=req,
        user=user,
        body=data["body"],
        suspend=data["suspend"],
        clock_stop=data.get("clock_stop") or ClockStop.IDENTITY,
        now=now,
    )
    if data["suspend"]:
        return "Question sent; the clock is stopped until the requester answers."
    return "Question sent to the requester."


def _resume_clock(req, user, data, now):
    days = conversation.request_clock_resume(request=req, user=user, now=now)
    return f"The clock runs again; {days} day(s) added to the due date."


def _reissue(req, user, data, now):
    intake.status_link_reissue(request=req, user=user, now=now)
    return "A new status link is on its way to the requester; the old one no longer works."


def _announce_restriction_lift(req, user, data, now):
    restriction.restriction_lift_announce(request=req, user=user, reason=data["reason"], now=now)
    earliest = timezone.localdate(restriction.restriction_lift_earliest(req))
    return f"The requester is told (GDPR Art. 18(3)); the restriction can be lifted from {earliest}."


def _lift_restriction(req, user, data, now):
    lifted = restriction.restriction_lift(request=req, user=user, now=now)
    return f"Restriction lifted: {lifted} face(s) may be returned in searches again."


ACTIONS: dict[str, Action] = {
    "announce_restriction_lift": Action(
        "Announce the lifting of the restriction",
        "Tell the requester",
        RestrictionLiftForm,
        _announce_restriction_lift,
        help=(
            f"GDPR Art. 18(3): the requester is told, with the reasons, before the faces are released; the lift is "
            f"possible {restriction.LIFT_NOTICE_DAYS} days later."
        ),
    ),
    "lift_restriction": Action(
        "Lift the restriction",
        "Lift",
        ConfirmForm,
        _lift_restriction,
        help="The faces may be returned in searches for customers again.",
        danger=True,
    ),
    "extend": Action(
        "Extend the deadline",
        "Extend and notify the requester",
        ExtendForm,
        lambda req, user, data, now: (
            handling.request_extend_deadline(
                request=req, user=user, months=data["months"], reason=data["reason"], now=now
            )
            and "Deadline extended; the requester is notified."
        ),
    ),
    "refuse": Action(
        "Refuse the request",
        "Refuse and send the letter",
        RefuseForm,
        _refuse,
        danger=True,
    ),
    "refuse_part": Action(
        "Refuse part of the request",
        "Record the partial refusal",
        RefusePartForm,
        _refuse_part,
        help="The rest is answered as usual; the final letter says what is not acted on, why, and the remedies.",
        form_kwargs=lambda req: {"dsr": req},
    ),
    "withdraw": Action(
        "Withdraw on the requester's behalf",
        "Withdraw",
        ConfirmForm,
        lambda req, user, data, now: (
            handling.request_withdraw(request=req, user=user, now=now) and "Request withdrawn; the photo is deleted."
        ),
        help="Only when the requester asked you to (e.g. by letter). Nothing is disclosed or erased.",
        danger=True,
    ),
    "escalate": Action(
        "Escalate into a case",
        "Escalate",
        EscalateForm,
        _escalate,
        help="The request is past its due date: link it to an enforcement case on the authority's own initiative.",
    ),
    "ask_information": Action(
        "Ask the requester for information",
        "Send the question",
        AskInformationForm,
        _ask_information,
    ),
    "resume_clock": Action(
        "Let the clock run again",
        "Resume the clock",
        ConfirmForm,
        _resume_clock,
        help="The clock stopped when you asked for information; it runs again by itself when the requester writes.",
    ),
    "reissue_status_link": Action(
        "Send a new status link",
        "Send a new link",
        ConfirmForm,
        _reissue,
        help="The old link stops working at once (e.g. the requester says it leaked).",
    ),
    "message": Action(
        "Add a message",
        "Add message",
        MessageForm,
        lambda req, user, data, now: (
            handling.request_add_message(
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
            req.identity_assessed_at,
            f"Identity assessed by staff: {req.get_identity_assessment_display()}",
        ),
        (
            req.extended_at,
            f"Deadline extended to {req.extended_due_date} "
            f"(+{req.extension_months} month{'s' if req.extension_months != 1 else ''} in total)",
        ),
        (req.extension_notified_at, "Requester notified of the extension"),
        (req.approved_at, "Answer approved" + (f" by {req.approved_by.get_username()}" if req.approved_by else "")),
        (req.refused_at, f"Refused: {req.get_refusal_basis_display()}{' (late)' if req.refused_late else ''}"),
        *(
            (item.recorded_at, f"Partly refused: {item.get_basis_display()}{' (late)' if item.late else ''}")
            for item in req.partial_refusals.all()
        ),
        (req.facts_final_at, "Final facts recorded; documents issued from them"),
        (req.completed_at, "Completed"),
        (req.withdrawn_at, "Withdrawn"),
        (req.expired_at, "Expired (email not verified in time)"),
        (req.biometrics_purged_at, "Selfie, identity photo and encodings deleted"),
        (req.escalated_at, "Escalated into an enforcement case (own initiative)"),
    ):
        if at:
            items.append({"at": at, "text": text})
    if req.clock_suspended_at:
        items.append({"at": req.clock_suspended_at, "text": "Clock stopped: waiting for the requester's information"})
    for message in request_messages_for_staff(req):
        staff_author = message.author.get_username() if message.author else "system"
        author = "requester" if message.from_requester else staff_author
        items.append(
            {
                "at": message.created_at,
                "text": "Message from the requester" if message.from_requester else "Message",
                "who": author,
                "body": message.body,
                "visible": message.visible_to_requester and not message.from_requester,
                "attachment_url": reverse(
                    "compliance:message_attachment", kwargs={"public_id": req.public_id, "message_id": message.pk}
                )
                if message.attachment
                else "",
                "attachment_name": message.attachment_name,
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
                    "form": (bound or {}).get(name) or action.form(req, prefix=name),
                    "url": reverse("compliance:request_action", kwargs={"public_id": req.public_id, "action": name}),
                }
            )
    return {
        "req": req,
        "overdue": handling.request_is_overdue(req, today=today),
        "timeline": _timeline(req),
        "audit_events": request_audit_trail(req),
        "can_act": can_act,
        "action_forms": action_forms,
        "documents": documents_for_requester(req),
        "emails": outbox_for_topic(req.public_id),
        "next_text": NEXT_FOR_REQUESTER.get(req.status, ""),
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
@require_GET
def message_attachment(request, public_id, message_id: int):
    """The file a requester attached to a message (it may be an identity document: staff who
    handle requests only, never cached, always a download)."""
    req = _get_request(public_id)
    message = req.messages.filter(pk=message_id, from_requester=True).exclude(attachment="").first()
    if message is None or not message.attachment:
        raise Http404
    extension = ".pdf" if message.attachment_type == "application/pdf" else ".jpg"
    response = FileResponse(
        message.attachment.open("rb"),
        as_attachment=True,
        filename=f"message-{message.pk}{extension}",
        content_type=message.attachment_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


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
    form = spec.form(req, request.POST, prefix=action)
    if form.is_valid():
        try:
            done = spec.perform(req, request.user, form.cleaned_data, timezone.now())
        except ValidationError as error:
            _add_errors(form, error)
        except ActionNotAllowed as error:
            for text in error.messages:
                form.add_error(None, text)
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
