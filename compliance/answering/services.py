"""Answering a request (issue 6): the actions staff and the workflow take, as services.

    verified --(answering_schedule_matching, on commit)--> matching task --> processing
      --> awaiting_staff_review: staff confirm or reject each possible match (review_decide)
      --> review_finish: access/both build the package (task), then awaiting_approval
      --> answer_approve: access: the package is released and the request completed;
          erasure/both: the package (both) is released and the erasure runs (task); the request
          is completed when the re-check finds nothing left.

Every function is keyword-only, checks permission and state, changes state with a conditional
update and writes the audit trail in the same transaction; tasks are sent on commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from compliance.answering.access import package_discard, packages_expire
from compliance.audit import audit_record
from compliance.models import (
    AccessPackage,
    AccessPackageStatus,
    DataSubjectRequest,
    ErasureRecord,
    ErasureStatus,
    MatchingRun,
    RequestMatch,
    RequestStatus,
    RequestType,
    ReviewStatus,
)
from config.resilience import enqueue_on_commit
from config.roles import Perm, can

ACCESS_TYPES = (RequestType.ACCESS, RequestType.BOTH)
STALLED_AFTER = timedelta(minutes=15)
ERASURE_TYPES = (RequestType.ERASURE, RequestType.BOTH)


class AnswerNotAllowed(ValidationError):
    """The action does not fit the request's state; the message is shown to staff."""


def _require_staff(user) -> None:
    if not can(user, Perm.EDIT):
        raise PermissionDenied("Only DPA staff can act on requests.")


def answering_schedule_matching(*, request: DataSubjectRequest) -> None:
    """Queue the matching task after the current transaction commits (call it on verification)."""
    from compliance.answering_tasks import answering_match_request

    enqueue_on_commit(answering_match_request, request.pk)


def answering_sweep(*, now: datetime | None = None, grace: timedelta = timedelta(minutes=2)) -> int:
    """Beat safety net: queue the matching of verified requests that have no finished search and
    the erasures approved but never started, a few minutes after they should have started (a
    task lost between commit and the broker). Each task is idempotent, so a duplicate costs
    nothing. Also deletes the files of released packages past their retention period. Returns
    how many tasks were queued."""
    from compliance.answering_tasks import answering_build_package, answering_execute_erasure, answering_match_request
    from compliance.models import MatchingStatus

    now = now or timezone.now()
    queued = 0
    waiting = DataSubjectRequest.objects.filter(
        status__in=[RequestStatus.VERIFIED, RequestStatus.PROCESSING], email_verified_at__lte=now - grace
    ).exclude(matching_run__status__in=[MatchingStatus.DONE, MatchingStatus.FAILED])
    for request_id in waiting.values_list("pk", flat=True):
        answering_match_request.delay(request_id)
        queued += 1
    # Approved but never started, or started long ago and still running (its worker died and the
    # broker will only redeliver after its visibility timeout): a duplicate delivery of a run that
    # is in fact alive returns at once (erasure._exclusive).
    stalled = ErasureRecord.objects.filter(
        Q(status=ErasureStatus.PLANNED, approved_at__lte=now - grace)
        | Q(status=ErasureStatus.RUNNING, started_at__lte=now - STALLED_AFTER)
    )
    for request_id in stalled.values_list("request_id", flat=True):
        answering_execute_erasure.delay(request_id)
        queued += 1
    unbuilt = AccessPackage.objects.filter(
        status__in=[AccessPackageStatus.PENDING, AccessPackageStatus.BUILDING],
        created_at__lte=now - STALLED_AFTER,
        request__status=RequestStatus.AWAITING_REVIEW,
    )
    for request_id in unbuilt.values_list("request_id", flat=True):
        answering_build_package.delay(request_id, None)
        queued += 1
    packages_expire(now=now)
    return queued


def review_allowed(*, request_status: str, erasure_status: str | None) -> bool:
    """Staff may confirm or reject matches: in review, and again when an erasure's re-check
    found faces of the person left in the store (they are added as matches to decide)."""
    return request_status == RequestStatus.AWAITING_REVIEW or erasure_status == ErasureStatus.ALERT


def review_open(request: DataSubjectRequest) -> bool:
    erasure_status = ErasureRecord.objects.filter(request=request).values_list("status", flat=True).first()
    return review_allowed(request_status=request.status, erasure_status=erasure_status)


def review_decide(*, match: RequestMatch, user, confirm: bool, now: datetime | None = None) -> bool:
    """Confirm (it is the requester) or reject (someone else) one match, while the request is in
    review. A changed decision is allowed until review is finished; each one is audited."""
    _require_staff(user)
    now = now or timezone.now()
    new_status = ReviewStatus.CONFIRMED if confirm else ReviewStatus.REJECTED
    with transaction.atomic():
        request = DataSubjectRequest.objects.select_for_update().get(pk=match.request_id)
        if not review_open(request):
            raise AnswerNotAllowed(
                "Matches can only be decided while the request awaits staff review, or after an erasure's re-check"
                " found faces left."
            )
        changed = (
            RequestMatch.objects.filter(pk=match.pk)
            .exclude(review_status=new_status, reviewed_by=user)
            .update(review_status=new_status, reviewed_by=user, reviewed_at=now)
        )
        if changed:
            audit_record(
                action="answering.match_confirmed" if confirm else "answering.match_rejected",
                actor=user,
                request=request,
                object_type="compliance.requestmatch",
                object_id=match.pk,
                details={"band": match.band, "distance": round(match.distance, 4), "face_ref": match.face_id_snapshot},
            )
    match.refresh_from_db()
    return bool(changed)


def review_finish(*, request: DataSubjectRequest, user=None) -> None:
    """All matches decided: build the access package (access/both, on a worker) or, for an
    erasure alone, send the request for approval at once. `user` is None when the workflow does
    it by itself (no possible match to decide)."""
    from compliance.answering_tasks import answering_build_package
    from compliance.services.requests import request_mark_awaiting_approval

    if user is not None:
        _require_staff(user)
    with transaction.atomic():
        request = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != RequestStatus.AWAITING_REVIEW:
            raise AnswerNotAllowed("Review can only be finished while the request awaits staff review.")
        run = MatchingRun.objects.filter(request=request).first()
        if run is None or run.finished_at is None:
            raise AnswerNotAllowed("The store has not been searched yet.")
        pending = request.matches.filter(review_status=ReviewStatus.PENDING).count()
        if pending:
            raise AnswerNotAllowed(f"{pending} possible match(es) still need a decision.")
        audit_record(
            action="answering.review_finished",
            actor=user,
            actor_label="" if user else "worker",
            request=request,
            details={"disclosed": request.matches.exclude(review_status=ReviewStatus.REJECTED).count()},
        )
        if request.request_type in ACCESS_TYPES:
            package, _ = AccessPackage.objects.get_or_create(request=request, defaults={"language": request.language})
            if package.status not in (AccessPackageStatus.PENDING, AccessPackageStatus.RELEASED):
                package_discard(package=package)  # decisions may have changed since it was built
            enqueue_on_commit(answering_build_package, request.pk, getattr(user, "pk", None))
        else:
            request_mark_awaiting_approval(request=request, user=user)


def package_ready(*, request_id: int, user_id: int | None = None) -> None:
    """After the package is built: send the request for approval (called by the build task)."""
    from django.contrib.auth import get_user_model

    from compliance.services.requests import request_mark_awaiting_approval

    request = DataSubjectRequest.objects.get(pk=request_id)
    package = AccessPackage.objects.filter(request=request).first()
    if package is None or package.status != AccessPackageStatus.READY:
        return
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    if request.status == RequestStatus.AWAITING_REVIEW:
        request_mark_awaiting_approval(request=request, user=user)


def answer_approve(*, request: DataSubjectRequest, user, now: datetime | None = None) -> None:
    """Staff approve the answer (see the module docstring)."""
    from compliance.answering_tasks import answering_execute_erasure
    from compliance.services.requests import request_approve

    _require_staff(user)
    now = now or timezone.now()
    with transaction.atomic():
        request = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != RequestStatus.AWAITING_APPROVAL:
            raise AnswerNotAllowed("Only a request awaiting approval can be approved.")
        if request.request_type in ACCESS_TYPES:
            package = AccessPackage.objects.filter(request=request).first()
            if package is None or package.status not in (AccessPackageStatus.READY, AccessPackageStatus.RELEASED):
                raise AnswerNotAllowed("The access package is not ready.")
            if AccessPackage.objects.filter(pk=package.pk, status=AccessPackageStatus.READY).update(
                status=AccessPackageStatus.RELEASED, released_at=now, released_by=user
            ):
                audit_record(
                    action="answering.package_released",
                    actor=user,
                    request=request,
                    object_type="compliance.accesspackage",
                    object_id=package.pk,
                    details={"pdf_sha256": package.pdf_sha256, "zip_sha256": package.zip_sha256},
                )
        if request.request_type in ERASURE_TYPES:
            erasure, created = ErasureRecord.objects.get_or_create(
                request=request, defaults={"approved_by": user, "approved_at": now}
            )
            if created:
                audit_record(
                    action="answering.erasure_approved",
                    actor=user,
                    request=request,
                    object_type="compliance.erasurerecord",
                    object_id=erasure.pk,
                )
            if erasure.status in (ErasureStatus.PLANNED, ErasureStatus.RUNNING):
                enqueue_on_commit(answering_execute_erasure, request.pk)
        else:
            request_approve(request=request, user=user, now=now)


def erasure_retry(*, request: DataSubjectRequest, user) -> None:
    """Run a failed or alerted erasure again (e.g. after staff rejected the remaining faces or
    the store came back). The journal makes it resume where it stopped."""
    from compliance.answering_tasks import answering_execute_erasure

    _require_staff(user)
    with transaction.atomic():
        pending = request.matches.filter(review_status=ReviewStatus.PENDING, face__isnull=False).count()
        if pending:
            raise AnswerNotAllowed(f"{pending} face(s) found at the re-check still need a decision.")
        moved = ErasureRecord.objects.filter(
            request=request, status__in=[ErasureStatus.FAILED, ErasureStatus.ALERT]
        ).update(status=ErasureStatus.PLANNED, alert="", last_error="")
        if moved:
            audit_record(action="answering.erasure_retried", actor=user, request=request)
            enqueue_on_commit(answering_execute_erasure, request.pk)
