"""Reads of the compliance domain (the staff queue, counts, the status page, the timeline)."""

from collections.abc import Mapping
from datetime import date

from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from compliance.filters import RequestFilterSet
from compliance.models import OPEN_STATUSES, AuditEvent, DataSubjectRequest, RequestMessage, RequestStatus
from compliance.services.tokens import token_hash


def request_queue_base() -> QuerySet[DataSubjectRequest]:
    """Requests annotated with `effective_due` (extended or first due date), most urgent first."""
    return (
        DataSubjectRequest.objects.select_related("enforcement_case", "approved_by")
        .annotate(effective_due=Coalesce("extended_due_date", "due_date"))
        .order_by("effective_due", "received_at", "pk")
    )


def request_queue_filterset(*, filters: Mapping | None = None, today: date | None = None) -> RequestFilterSet:
    """The bound FilterSet (its `.form` for the HTML filters, `.qs` for the rows)."""
    return RequestFilterSet(data=filters or None, queryset=request_queue_base(), today=today)


def request_queue(*, filters: Mapping | None = None, today: date | None = None) -> QuerySet[DataSubjectRequest]:
    """The staff queue filtered by type, status, due within N days, overdue, country, language."""
    return request_queue_filterset(filters=filters, today=today).qs


def request_counts_by_status() -> dict[str, int]:
    """{status value: count} for every status, zeros included."""
    counts = dict.fromkeys(RequestStatus.values, 0)
    for row in DataSubjectRequest.objects.values("status").annotate(n=Count("pk")).order_by():
        counts[row["status"]] = row["n"]
    return counts


def request_overdue_count(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    return (
        DataSubjectRequest.objects.filter(status__in=OPEN_STATUSES)
        .alias(effective_due=Coalesce("extended_due_date", "due_date"))
        .filter(effective_due__lt=today)
        .count()
    )


def request_by_status_token(token: str) -> DataSubjectRequest | None:
    """The request a status link opens, or None. Only the token's hash is compared."""
    if not token or len(token) > 128:
        return None
    return DataSubjectRequest.objects.filter(status_token_hash=token_hash(token)).first()


def request_by_public_id(public_id) -> DataSubjectRequest | None:
    try:
        return request_queue_base().filter(public_id=public_id).first()
    except (ValueError, TypeError):
        return None


def request_messages_for_requester(request: DataSubjectRequest) -> QuerySet[RequestMessage]:
    return request.messages.filter(visible_to_requester=True).order_by("created_at", "pk")


def request_messages_for_staff(request: DataSubjectRequest) -> QuerySet[RequestMessage]:
    return request.messages.select_related("author").order_by("created_at", "pk")


def request_audit_trail(request: DataSubjectRequest) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(request_public_id=request.public_id).select_related("actor").order_by("seq")


def request_allowed_actions(request: DataSubjectRequest, *, today: date | None = None) -> list[str]:
    """Names of the staff actions that fit the request's state (for buttons and the API)."""
    from compliance.deadlines import extension_allowed
    from compliance.models import IdentityCheck
    from compliance.services.requests import request_is_overdue

    today = today or timezone.localdate()
    actions: list[str] = []
    status = request.status
    if status == RequestStatus.VERIFIED:
        actions.append("start_processing")
    if status == RequestStatus.PROCESSING:
        actions.append("mark_awaiting_review")
    if status == RequestStatus.AWAITING_REVIEW:
        actions.append("mark_awaiting_approval")
    if status == RequestStatus.AWAITING_APPROVAL:
        actions.append("approve")
    if status in OPEN_STATUSES:
        actions.append("refuse")
        if extension_allowed(
            first_due_date=request.due_date, today=today, already_extended_months=request.extension_months, months=1
        ):
            actions.append("extend")
        if request.identity_check != IdentityCheck.MANUAL_VERIFIED:
            actions.append("verify_identity")
        if request_is_overdue(request, today=today) and not request.enforcement_case_id:
            actions.append("escalate")
    actions.append("message")
    return actions
