"""Driving a request through the real workflow in tests (compliance/workflow/), never around it.

`fake_matching` stands in for the store search where a test's photos have no face: it records
the run as a matching worker would (the run row, then the lifecycle's own transitions), with the
matches given. Everything after that goes through the same services as the pages and the API.
"""

from __future__ import annotations

from django.utils import timezone

from compliance.models import MatchingRun, MatchingStatus, RequestStatus
from compliance.workflow import approval, lifecycle, review

IDENTITY_NOTE = "Email confirmed and the selfie matches; no document was needed."


def fake_matching(request, *, now=None) -> None:
    """verified -> processing -> awaiting_staff_review with no match (a search that found nothing)."""
    now = now or timezone.now()
    MatchingRun.objects.create(
        request=request, status=MatchingStatus.RUNNING, confident_tolerance=0.5, possible_tolerance=0.6, started_at=now
    )
    lifecycle.request_start_matching(request=request, now=now)
    MatchingRun.objects.filter(request=request).update(status=MatchingStatus.DONE, finished_at=now, matches_found=0)
    lifecycle.request_finish_matching(request=request, now=now)


def assess_identity(request, user, *, note: str = IDENTITY_NOTE, override: bool = False, now=None) -> None:
    outcome = "mismatch_overridden" if override else "established"
    review.identity_assess(request=request, user=user, outcome=outcome, note=note, now=now)


def decide_all(request, user, *, confirm: bool = True, now=None) -> int:
    ids = list(request.matches.filter(review_status="pending").values_list("pk", flat=True))
    return review.review_decide_many(request=request, match_ids=ids, user=user, confirm=confirm, now=now)


def to_status(request, status: str, *, staff, capture, now=None):
    """Move a verified request forward to `status` through the workflow (callbacks run)."""
    order = [
        RequestStatus.VERIFIED,
        RequestStatus.AWAITING_REVIEW,
        RequestStatus.AWAITING_APPROVAL,
        RequestStatus.COMPLETED,
    ]
    assert status in order, status
    request.refresh_from_db()
    if request.status == RequestStatus.VERIFIED and status != RequestStatus.VERIFIED:
        fake_matching(request, now=now)
    if request.status == RequestStatus.AWAITING_REVIEW and status in order[2:]:
        decide_all(request, staff, now=now)
        assess_identity(request, staff, now=now)
        with capture(execute=True):
            review.review_finish(request=request, user=staff, now=now)
        request.refresh_from_db()
    if request.status == RequestStatus.AWAITING_APPROVAL and status == RequestStatus.COMPLETED:
        with capture(execute=True):
            approval.answer_approve(request=request, user=staff, confirm_erasure=True, now=now)
        request.refresh_from_db()
    assert request.status == status, (request.status, status)
    return request
