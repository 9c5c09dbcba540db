"""Staff handling of a request that is not the answer itself: refusals, withdrawals, deadline
extensions, messages, escalation of an overdue request, and the daily reminder to staff.

Each service checks the state and writes the audit trail in one transaction; the emails they
cause are written to the outbox in the same transaction (compliance.workflow.lifecycle).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from biometrics.models import Customer
from compliance.deadlines import extension_allowed
from compliance.i18n import in_requesters_language
from compliance.models import (
    BASES_NEEDING_LAW,
    ERASURE_ONLY_BASES,
    OPEN_STATUSES,
    DataSubjectRequest,
    PartialRefusal,
    RefusalBasis,
    Regime,
    RequestMessage,
)
from compliance.regimes import regime_extension_citation, request_deadlines
from compliance.withholding import request_recipient_customers
from compliance.workflow import access, documents, lifecycle, restriction
from compliance.workflow.lifecycle import ActionNotAllowed
from compliance.workflow.machine import BEFORE_APPROVAL, ERASURE_TYPES
from core.audit import audit_record
from core.outbox import outbox_add
from core.roles import STAFF_GROUP
from enforcement.models import Case
from enforcement.services import case_create

logger = logging.getLogger(__name__)

MIN_REASON_LENGTH = 10


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _clean_reason(value: str, field: str, message) -> str:
    value = (value or "").strip()
    if len(value) < MIN_REASON_LENGTH:
        raise ValidationError({field: message})
    return value


def _require_open(request: DataSubjectRequest, action: str) -> None:
    if request.status not in OPEN_STATUSES:
        raise ActionNotAllowed(
            _("This request cannot be %(action)s while it is %(status)s.")
            % {"action": action, "status": str(request.get_status_display()).lower()}
        )


# --- refusal and withdrawal -------------------------------------------------------------------


def _clean_grounds(*, request: DataSubjectRequest, basis: str, reason: str, law: str) -> tuple[str, str, str]:
    """The ground of a refusal, whole or partial (GDPR Art. 12(4)): a basis from RefusalBasis,
    stated reasons, and the provision of law it rests on where the basis needs one (Art. 23(2),
    Art. 17(3)(b)). The Art. 17(3) exceptions limit the right to erasure only: they are no ground
    to refuse access (Art. 15). Returns the cleaned (basis, reason, law)."""
    if basis not in RefusalBasis.values:
        raise ValidationError({"basis": _("Choose the legal basis of the refusal.")})
    if basis in ERASURE_ONLY_BASES and request.request_type not in ERASURE_TYPES:
        raise ValidationError(
            {
                "basis": _(
                    "The exceptions of GDPR Art. 17(3) apply to erasure only: they cannot refuse an access "
                    "request (Art. 15). Choose another basis."
                )
            }
        )
    reason = _clean_reason(reason, "reason", _("State the reasons for the refusal (at least 10 characters)."))
    law = (law or "").strip()
    if basis in BASES_NEEDING_LAW and len(law) < 3:
        raise ValidationError(
            {
                "law": _(
                    "Name the provision of Union or Member State law this ground relies on (GDPR Art. 23(2), "
                    "Art. 17(3)(b)); the letter prints it."
                )
            }
        )
    return basis, reason, law


def _late_reason(*, request: DataSubjectRequest, late_reason: str, now: datetime) -> str:
    """GDPR Art. 12(4): a refusal, whole or in part, reaches the requester within one month of
    receipt (the due date before any extension; an extension does not extend it). After that it
    needs a reason for the delay, which the requester is shown. Returns the reason when the
    refusal is late, "" when it is not."""
    if timezone.localdate(now) <= request.due_date:
        return ""
    late_reason = (late_reason or "").strip()
    if len(late_reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            {
                "late_reason": _(
                    "The first month after receipt has passed (GDPR Art. 12(4)): say why the refusal comes late "
                    "(at least 10 characters). The requester is shown this reason."
                )
            }
        )
    return late_reason


def request_refuse(
    *,
    request: DataSubjectRequest,
    user,
    basis: str,
    reason: str,
    law: str = "",
    late_reason: str = "",
    now: datetime | None = None,
) -> bool:
    """Refuse to act (GDPR Art. 12(4), 12(5), 12(6), 17(3), 23): only with a basis and stated
    reasons (and the law relied on, for Art. 23 and 17(3)(b)); the letter names the right to
    complain and to go to court. After the first month from receipt the refusal is late (an
    extension does not extend it) and needs a reason for the delay, which the requester is shown.
    The refusal letter is issued once the request is refused."""
    now = _now(now)
    basis, reason, law = _clean_grounds(request=request, basis=basis, reason=reason, law=law)
    late_reason = _late_reason(request=request, late_reason=late_reason, now=now)
    with transaction.atomic():
        moved = lifecycle.request_refuse(
            request=request, user=user, basis=basis, reason=reason, law=law, late_reason=late_reason, now=now
        )
        if moved:
            documents.documents_schedule(request=request)
    if moved:
        access.package_discard_for(request=request, reason="request refused", now=now)
    return moved


def _require_before_approval(request: DataSubjectRequest) -> None:
    if request.status not in BEFORE_APPROVAL:
        raise ActionNotAllowed(
            _("Part of a request can only be refused before the answer is approved; this request is %(status)s.")
            % {"status": str(request.get_status_display()).lower()}
        )


def request_refuse_part(
    *,
    request: DataSubjectRequest,
    user,
    scope: str,
    basis: str,
    reason: str,
    law: str = "",
    late_reason: str = "",
    withheld_customers: Iterable[Customer] = (),
    now: datetime | None = None,
) -> PartialRefusal:
    """Refuse part of a request and answer the rest (GDPR Art. 12(4) with Art. 12(5), 17(3) or
    23), e.g. not naming recipients that are police forces investigating a crime.

    1. `scope` says in words the requester is shown what is not acted on;
    2. the ground is checked as for a whole refusal (_clean_grounds), and so is the one month
       (_late_reason);
    3. only before approval (the answer's facts are not final yet): afterwards the letter is
       issued from them and a part can no longer be taken out (checked first, and again under
       the row lock);
    4. `withheld_customers` are recipients the answer must not name (e.g. that police force):
       only on the ground of Art. 23, and each must be a recipient of this request's matched
       faces (compliance.withholding); the access letter, the package, the erasure
       certificate and the decision letter then leave them out (the Art. 19 notice to them still
       goes out);
    5. the record and its audit entry are written in one transaction; the final letters (access
       answer, erasure certificate) and the access package state it with its ground, reasons,
       law and the remedies."""
    now = _now(now)
    _require_before_approval(request)  # first: nothing else matters once the answer is approved
    scope = (scope or "").strip()
    if len(scope) < MIN_REASON_LENGTH:
        raise ValidationError(
            {
                "scope": _(
                    "Say what part of the request is not acted on (at least 10 characters); the requester reads it."
                )
            }
        )
    basis, reason, law = _clean_grounds(request=request, basis=basis, reason=reason, law=law)
    late_reason = _late_reason(request=request, late_reason=late_reason, now=now)
    withheld = _clean_withheld_customers(request=request, basis=basis, customers=withheld_customers)
    with transaction.atomic():
        locked = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        _require_before_approval(locked)
        partial = PartialRefusal.objects.create(
            request=locked,
            scope=scope,
            basis=basis,
            reason=reason,
            law=law,
            late=bool(late_reason),
            late_reason=late_reason,
            recorded_at=now,
            recorded_by=user,
        )
        partial.withheld_customers.set(withheld)
        audit_record(
            action="request.partially_refused",
            actor=user,
            request=locked,
            object_type="compliance.partialrefusal",
            object_id=partial.pk,
            details={
                "scope": scope,
                "basis": basis,
                "reason": reason,
                "law": law,
                "late": partial.late,
                "withheld_customers": [str(customer.public_id) for customer in withheld],
            },
        )
    return partial


def _clean_withheld_customers(
    *, request: DataSubjectRequest, basis: str, customers: Iterable[Customer]
) -> list[Customer]:
    """The recipients a partial refusal withholds: only on the ground of GDPR Art. 23 (a
    restriction by law, e.g. not tipping off a criminal investigation), and only customers whose
    searches returned a face matched for this request. Returns them without duplicates."""
    customers = list({customer.pk: customer for customer in customers}.values())
    if not customers:
        return []
    if basis != RefusalBasis.ART_23:
        raise ValidationError(
            {
                "withheld_customers": _(
                    "Recipients can be withheld from the answer only on the ground of GDPR Art. 23 (a restriction "
                    "by law); choose that basis or withhold no recipient."
                )
            }
        )
    recipients = set(request_recipient_customers(request).values_list("pk", flat=True))
    strangers = sorted(customer.name for customer in customers if customer.pk not in recipients)
    if strangers:
        raise ValidationError(
            {
                "withheld_customers": _(
                    "Only a recipient of this request's matched faces can be withheld; these are none: %(names)s."
                )
                % {"names": ", ".join(strangers)}
            }
        )
    return customers


def request_withdraw(*, request: DataSubjectRequest, user=None, now: datetime | None = None) -> bool:
    """The requester (status page) or staff on their behalf withdraw; nothing is disclosed."""
    now = _now(now)
    moved = lifecycle.request_withdraw(request=request, user=user, now=now)
    if moved:
        access.package_discard_for(request=request, reason="request withdrawn", now=now)
        restriction.restriction_release_withdrawn(request=request, now=now)
    return moved


# --- deadline, messages, escalation -----------------------------------------------------------


def request_extend_deadline(
    *, request: DataSubjectRequest, user, months: int, reason: str, now: datetime | None = None
) -> bool:
    """Extend the period by one or two further months (GDPR Art. 12(3), UK GDPR Art. 12A,
    FADO Art. 18(2); the new date follows the request's law, compliance/regimes.py).

    Only with reasons, only while the first period runs, at most two months in total; the
    requester is told by email (recorded in extension_notified_at when sent) and by a message
    on the status page."""
    now = _now(now)
    try:
        months = int(months)
    except (TypeError, ValueError):
        raise ValidationError({"months": _("An extension is one or two further months.")}) from None
    reason = (reason or "").strip()
    with transaction.atomic():
        request = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        _require_open(request, _("extended"))
        check = extension_allowed(
            first_due_date=request.due_date,
            today=timezone.localdate(now),
            already_extended_months=request.extension_months,
            months=months,
            reason=reason,
        )
        if not check:
            raise ValidationError({"months" if "month" in check.message.lower() else "reason": check.message})
        if len(reason) < MIN_REASON_LENGTH:
            raise ValidationError({"reason": _("State the reasons for the extension (at least 10 characters).")})
        total = request.extension_months + months
        # Under every binding law, from the request's clock (compliance/regimes.py): the days the
        # clock stood still count in the extended period too.
        _due, new_due = request_deadlines(request, extension_months=total)
        moved = DataSubjectRequest.objects.filter(
            pk=request.pk, status__in=OPEN_STATUSES, extension_months=request.extension_months
        ).update(
            extension_months=total,
            extended_due_date=new_due,
            extension_reason=reason,
            extended_at=now,
            extension_notified_at=None,
            updated=now,
        )
        if not moved:
            return False
        request.refresh_from_db()
        message = RequestMessage.objects.create(
            request=request,
            author=user,
            body=in_requesters_language(request, lambda: _extension_message(request, new_due, reason)),
            visible_to_requester=True,
            created_at=now,
        )
        audit_record(
            action="request.deadline_extended",
            actor=user,
            request=request,
            details={
                "months": months,
                "total_months": total,
                "new_due_date": new_due,
                "reason": reason,
                "message_id": message.pk,
            },
        )
        lifecycle.request_email(request, "extension", now=now, key=str(total))
    return True


def _extension_message(request: DataSubjectRequest, new_due, reason: str) -> str:
    values = {"date": date_format(new_due, "DATE_FORMAT"), "reason": reason}
    if request.regime == Regime.EU_GDPR:
        return (
            _(
                "The period for answering your request has been extended to %(date)s (GDPR Art. 12(3)). "
                "Reasons: %(reason)s"
            )
            % values
        )
    return _("The period for answering your request has been extended to %(date)s (%(law)s). Reasons: %(reason)s") % {
        **values,
        "law": regime_extension_citation(request.regime),
    }


def request_add_message(
    *, request: DataSubjectRequest, user, body: str, visible_to_requester: bool, now: datetime | None = None
) -> RequestMessage:
    """A note on the request; visible ones appear on the status page and are announced by email."""
    now = _now(now)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    if len(body) > 10_000:
        raise ValidationError({"body": _("A message can have at most 10,000 characters.")})
    with transaction.atomic():
        message = RequestMessage.objects.create(
            request=request, author=user, body=body, visible_to_requester=bool(visible_to_requester), created_at=now
        )
        audit_record(
            action="request.message_added",
            actor=user,
            request=request,
            details={"message_id": message.pk, "visible_to_requester": message.visible_to_requester},
        )
        if message.visible_to_requester and request.email_verified_at:
            lifecycle.request_email(request, "message", now=now, key=str(message.pk), message_id=message.pk)
    return message


def request_is_overdue(request: DataSubjectRequest, *, today=None) -> bool:
    today = today or timezone.localdate()
    # While the clock is stopped (conversation.py) the period does not run.
    return request.status in OPEN_STATUSES and request.effective_due_date < today and not request.clock_suspended_at


def request_escalate(
    *,
    request: DataSubjectRequest,
    user,
    case=None,
    authority=None,
    respondent=None,
    now: datetime | None = None,
):
    """Escalate an overdue request (GDPR Art. 12(3) with 15 or 17) into an enforcement case: link
    it to `case`, or open a case against `respondent` before `authority`. A new case is the
    authority's own initiative (Art. 57(1)(h), 58(1)): nobody lodged a complaint, and the record
    must not say one was. Returns the case; a second call returns the linked case unchanged."""
    now = _now(now)
    with transaction.atomic():
        request = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        if request.enforcement_case_id:
            return request.enforcement_case
        if not request_is_overdue(request, today=timezone.localdate(now)):
            raise ActionNotAllowed(_("Only an open request past its due date can be escalated."), code="conflict")
        if case is None:
            if authority is None or respondent is None:
                raise ValidationError({"case": _("Choose a case, or an authority and a respondent for a new case.")})
            case = case_create(
                user=user,
                data={
                    "reference": f"dsr-overdue-{request.public_id.hex[:12]}",
                    "authority": authority,
                    "respondent": respondent,
                    "title": f"{request.get_request_type_display()} request not answered by its due date",
                    "origin": Case.Origin.OWN_INITIATIVE,
                    "status": Case.Status.OPEN,
                    "summary": (
                        f"A data-subject request received on {timezone.localdate(request.received_at)} was due on "
                        f"{request.effective_due_date} and had not been answered (GDPR Art. 12(3))."
                    ),
                    "internal_notes": f"Escalated from data-subject request {request.public_id}.",
                    "published": False,
                },
            )
        DataSubjectRequest.objects.filter(pk=request.pk, enforcement_case__isnull=True).update(
            enforcement_case=case, escalated_at=now, updated=now
        )
        request.refresh_from_db()
        audit_record(
            action="request.escalated",
            actor=user,
            request=request,
            details={"case_public_id": case.public_id, "case_reference": case.reference},
        )
    return case


# --- reminders to staff ------------------------------------------------------------------------


def request_send_due_reminders(*, now: datetime | None = None, days: int | None = None) -> int:
    """Remind staff of open requests due within `days` days (COMPLIANCE_REMINDER_DAYS, 5 by
    default), once per request and due date (an extension earns a new reminder). Returns how
    many requests the email listed."""
    now = _now(now)
    days = settings.COMPLIANCE_REMINDER_DAYS if days is None else days
    today = timezone.localdate(now)
    horizon = today + timedelta(days=days)
    due = (
        DataSubjectRequest.objects.filter(status__in=OPEN_STATUSES, clock_suspended_at__isnull=True)
        .annotate(effective_due=Coalesce("extended_due_date", "due_date"))
        .filter(effective_due__lte=horizon)
        .filter(Q(reminder_sent_for__isnull=True) | ~Q(reminder_sent_for=Coalesce("extended_due_date", "due_date")))
        .order_by("effective_due", "pk")
    )
    claimed = []
    with transaction.atomic():
        for request in due:
            if (
                DataSubjectRequest.objects.filter(pk=request.pk)
                .exclude(reminder_sent_for=request.effective_due)
                .update(reminder_sent_for=request.effective_due)
            ):
                claimed.append(request)
        if not claimed:
            return 0
        recipients = list(
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(groups__name=STAFF_GROUP) | Q(is_superuser=True))
            .exclude(email="")
            .values_list("email", flat=True)
            .distinct()
        )
        for request in claimed:
            audit_record(
                action="request.reminder_sent",
                actor_label="system",
                request=request,
                details={"due_date": request.effective_due, "recipients": len(recipients)},
            )
        for recipient in recipients:
            outbox_add(
                kind="request.staff_reminder",
                recipient=recipient,
                language=settings.LANGUAGE_CODE,
                params={"request_ids": [request.pk for request in claimed], "days": days},
                now=now,
            )
        if not recipients:
            logger.warning(
                "compliance: %d requests due soon but no active staff member has an email address", len(claimed)
            )
    return len(claimed)


def staff_request_url(request: DataSubjectRequest) -> str:
    return settings.SITE_URL + reverse("compliance:request_detail", kwargs={"public_id": request.public_id})


@shared_task(name="compliance.workflow.send_due_reminders")
def due_reminders_task() -> int:
    return request_send_due_reminders()
