"""Staff review: a decision on every match, an identity assessment, then the answer is prepared.

- `review_decide` / `review_decide_many`: confirm (it is the requester) or reject (someone else)
  matches of either band, confident ones included, while the request is under review, and the
  faces an erasure's re-check added (the decisions the erasure acted on are final). What is
  disclosed or erased is exactly the confirmed set.
- `identity_assess`: staff record how the requester's identity was established (GDPR Art.
  12(6)). When the identity document did not match the selfie, only a written override
  (`mismatch_overridden`, at least 10 characters) lets an access answer be released; otherwise
  staff refuse the request (identity not established).
- `review_finish`: every guard of the transition holds (compliance/workflow/machine.py); access
  answers are then prepared as a draft for approval (compliance.workflow.access).
- `review_reopen`: back to review from the draft or the approval step; the draft is deleted.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from compliance.models import (
    DataSubjectRequest,
    ErasureRecord,
    ErasureStatus,
    IdentityAssessment,
    IdentityCheck,
    RequestMatch,
    RequestStatus,
    ReviewStatus,
)
from compliance.workflow import access, lifecycle, restriction
from core.audit import audit_record
from core.roles import Perm, can

MIN_NOTE_LENGTH = 10


def require_staff(user) -> None:
    if not can(user, Perm.EDIT):
        raise PermissionDenied("Only DPA staff can act on requests.")


def review_allowed(*, request_status: str, erasure_status: str | None) -> bool:
    """Matches can be decided under review, and when an erasure's re-check found faces left."""
    return request_status == RequestStatus.AWAITING_REVIEW or (
        request_status == RequestStatus.ERASING and erasure_status == ErasureStatus.ALERT
    )


def review_open(request: DataSubjectRequest) -> bool:
    erasure_status = ErasureRecord.objects.filter(request=request).values_list("status", flat=True).first()
    return review_allowed(request_status=request.status, erasure_status=erasure_status)


def review_decide_many(
    *, request: DataSubjectRequest, match_ids: list[int], user, confirm: bool, now: datetime | None = None
) -> int:
    """Confirm or reject several matches of one request at once; returns how many changed. Each
    change is audited on its own."""
    require_staff(user)
    now = now or timezone.now()
    new_status = ReviewStatus.CONFIRMED if confirm else ReviewStatus.REJECTED
    changed = 0
    with transaction.atomic():
        locked = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        if not review_open(locked):
            raise lifecycle.ActionNotAllowed(
                "Matches can only be decided while the request is under review, or after an erasure's re-check "
                "found faces left."
            )
        matches = RequestMatch.objects.filter(request=locked, pk__in=list(match_ids)).order_by("pk")
        if locked.status == RequestStatus.ERASING:
            # After approval the decisions are facts the erasure acted on (and an access answer
            # was drafted from): only the faces its re-check added can still be decided.
            confirmed_at = ErasureRecord.objects.get(request=locked).confirmed_at
            if matches.filter(created_at__lte=confirmed_at).exists():
                raise lifecycle.ActionNotAllowed(
                    "Decisions made before the erasure was approved are final; only faces its re-check found can be "
                    "decided now."
                )
        for match in matches:
            if match.review_status == new_status and match.reviewed_by_id == getattr(user, "pk", None):
                continue
            RequestMatch.objects.filter(pk=match.pk).update(review_status=new_status, reviewed_by=user, reviewed_at=now)
            audit_record(
                action="answering.match_confirmed" if confirm else "answering.match_rejected",
                actor=user,
                request=locked,
                object_type="compliance.requestmatch",
                object_id=match.pk,
                details={"band": match.band, "distance": round(match.distance, 4), "face_ref": match.face_id_snapshot},
            )
            changed += 1
    return changed


def review_decide(*, match: RequestMatch, user, confirm: bool, now: datetime | None = None) -> bool:
    """Confirm or reject one match (see the module docstring)."""
    changed = review_decide_many(request=match.request, match_ids=[match.pk], user=user, confirm=confirm, now=now)
    match.refresh_from_db()
    return bool(changed)


def identity_assess(*, request: DataSubjectRequest, user, outcome: str, note: str, now: datetime | None = None) -> bool:
    """Record the identity assessment (see the module docstring); False when unchanged."""
    require_staff(user)
    now = now or timezone.now()
    note = (note or "").strip()
    if outcome not in (IdentityAssessment.ESTABLISHED, IdentityAssessment.MISMATCH_OVERRIDDEN):
        raise ValidationError({"outcome": "Choose how the identity was established."})
    if len(note) < MIN_NOTE_LENGTH:
        raise ValidationError({"note": "Say how the identity was established (at least 10 characters)."})
    with transaction.atomic():
        locked = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != RequestStatus.AWAITING_REVIEW:
            raise lifecycle.ActionNotAllowed("The identity is assessed while the request is under review.")
        mismatch = locked.identity_check == IdentityCheck.MISMATCH
        if mismatch and outcome != IdentityAssessment.MISMATCH_OVERRIDDEN:
            raise ValidationError(
                {"outcome": "The identity document does not match the selfie: override it with a reason, or refuse."}
            )
        if not mismatch and outcome == IdentityAssessment.MISMATCH_OVERRIDDEN:
            raise ValidationError({"outcome": "There is no identity-document mismatch to override."})
        if locked.identity_assessment == outcome and locked.identity_assessment_note == note:
            return False
        DataSubjectRequest.objects.filter(pk=locked.pk).update(
            identity_assessment=outcome,
            identity_assessment_note=note,
            identity_assessed_by=user,
            identity_assessed_at=now,
            updated=now,
        )
        audit_record(
            action="request.identity_assessed",
            actor=user,
            request=locked,
            details={"outcome": outcome, "note": note, "identity_check": locked.identity_check},
        )
    request.refresh_from_db()
    return True


def review_finish(*, request: DataSubjectRequest, user, now: datetime | None = None) -> bool:
    """Finish the review; an access answer is then prepared as a draft (a worker)."""
    require_staff(user)
    moved = lifecycle.request_finish_review(request=request, user=user, now=now)
    if moved and request.request_type == "objection":
        restriction.restriction_release_unconfirmed(request=request, now=now)
    if moved and request.status == RequestStatus.PREPARING:
        with transaction.atomic():
            access.package_schedule(request=request)
    return moved


def review_reopen(*, request: DataSubjectRequest, user, now: datetime | None = None) -> bool:
    """Back to review (to change a decision or the identity assessment); the draft goes."""
    require_staff(user)
    moved = lifecycle.request_reopen_review(request=request, user=user, now=now)
    if moved:
        access.package_discard_for(request=request, reason="review reopened")
    return moved
