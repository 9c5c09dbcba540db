"""Reads of the compliance domain (the staff queue, counts, the request and review pages)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from compliance.deadlines import extension_allowed
from compliance.filters import RequestFilterSet
from compliance.models import (
    OPEN_STATUSES,
    AccessPackage,
    DataSubjectRequest,
    ErasureRecord,
    IdentityCheck,
    MatchingRun,
    RequestMatch,
    RequestMessage,
    RequestStatus,
    RequestType,
    ReviewStatus,
)
from compliance.workflow.lifecycle import guard_problems, transition_fits
from compliance.workflow.machine import BEFORE_APPROVAL, UNVERIFIED_STATUSES
from compliance.workflow.restriction import restricted_faces
from compliance.workflow.review import review_allowed
from core.models import AuditEvent


def request_queue_base() -> QuerySet[DataSubjectRequest]:
    """Requests annotated with `effective_due` (extended or first due date), most urgent first."""
    return (
        DataSubjectRequest.objects.select_related("enforcement_case", "approved_by")
        # The API lists each request's partial refusals (one query for the page, not one per row).
        .prefetch_related("partial_refusals__recorded_by")
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
        DataSubjectRequest.objects.filter(status__in=OPEN_STATUSES, clock_suspended_at__isnull=True)
        .alias(effective_due=Coalesce("extended_due_date", "due_date"))
        .filter(effective_due__lt=today)
        .count()
    )


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
    """Names of the staff actions of the request page that fit the request's state (buttons and
    the API). The answer itself (matches, identity, review, approval) is on the review page and
    follows the transitions of compliance/workflow/machine.py."""
    today = today or timezone.localdate()
    actions: list[str] = []
    status = request.status
    if status in OPEN_STATUSES:
        if status in BEFORE_APPROVAL:
            actions.extend(["refuse", "refuse_part"])
        if extension_allowed(
            first_due_date=request.due_date, today=today, already_extended_months=request.extension_months, months=1
        ):
            actions.append("extend")
        if request.effective_due_date < today and not request.enforcement_case_id and not request.clock_suspended_at:
            actions.append("escalate")
        actions.append("resume_clock" if request.clock_suspended_at else "ask_information")
    if status in (*UNVERIFIED_STATUSES, *BEFORE_APPROVAL):
        actions.append("withdraw")
    # Only restriction and objection requests restrict faces (one query for those alone).
    if request.request_type in (RequestType.RESTRICTION, RequestType.OBJECTION) and restricted_faces(request):
        # GDPR Art. 18(3): the requester is told first, the faces are released afterwards.
        actions.append("lift_restriction" if request.restriction_lift_announced_at else "announce_restriction_lift")
    if status not in (RequestStatus.EXPIRED, RequestStatus.WITHDRAWN):
        actions.append("reissue_status_link")
    actions.append("message")
    return actions


@dataclass
class AnswerOverview:
    """Everything the review page shows about a request's answer."""

    request: DataSubjectRequest
    run: MatchingRun | None
    matches: list[RequestMatch]
    package: AccessPackage | None
    erasure: ErasureRecord | None
    pending: int = 0
    counts: dict = field(default_factory=dict)
    problems: dict = field(default_factory=dict)

    @property
    def can_review(self) -> bool:
        """Matches can be decided (the same rule as the service that decides them)."""
        return review_allowed(
            request_status=self.request.status, erasure_status=self.erasure.status if self.erasure else None
        )

    @property
    def identity_mismatch(self) -> bool:
        return self.request.identity_check == IdentityCheck.MISMATCH

    @property
    def can_assess_identity(self) -> bool:
        return self.request.status == RequestStatus.AWAITING_REVIEW

    @property
    def can_finish_review(self) -> bool:
        return self.request.status == RequestStatus.AWAITING_REVIEW and not self.problems.get("finish_review")

    @property
    def can_reopen(self) -> bool:
        return self.request.status in (RequestStatus.PREPARING, RequestStatus.AWAITING_APPROVAL)

    @property
    def can_approve(self) -> bool:
        return self.request.status == RequestStatus.AWAITING_APPROVAL and not self.problems.get("approve")

    @property
    def erasing(self) -> bool:
        return self.request.request_type in (RequestType.ERASURE, RequestType.BOTH) or (
            self.request.request_type == RequestType.OBJECTION and self.request.outcome == "objection_upheld"
        )


def answer_overview(request: DataSubjectRequest) -> AnswerOverview:
    matches = list(
        RequestMatch.objects.filter(request=request)
        .select_related("reviewed_by")
        .order_by("distance", "face_id_snapshot")
    )
    erasure = ErasureRecord.objects.filter(request=request).select_related("approved_by", "confirmed_by").first()
    counts = {status: sum(1 for m in matches if m.review_status == status) for status in ReviewStatus.values}
    problems = {
        # The approval itself records the erasure's confirmation and a right's decision.
        name: guard_problems(request, name, skip=("erasure_confirmed", "decision_recorded"))
        for name in ("finish_review", "approve", "finish_erasure")
        if transition_fits(request, name)
    }
    return AnswerOverview(
        request=request,
        run=MatchingRun.objects.filter(request=request).first(),
        matches=matches,
        package=AccessPackage.objects.filter(request=request).first(),
        erasure=erasure,
        pending=counts[ReviewStatus.PENDING],
        counts=counts,
        problems=problems,
    )
