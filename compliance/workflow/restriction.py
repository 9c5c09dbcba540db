"""Restriction of processing of a requester's faces (GDPR Art. 18), as this store does it.

In this store, processing a face beyond keeping it means returning it in a search. A restricted
face is therefore kept (photo, face row and encoding stay) but withheld from every search run
for customers and from the staff's store search (biometrics.selectors.faces_searchable,
biometrics.services.customer_search), until the restriction is lifted. The data-subject request
workflow still finds it: it must, to answer the same person's access, erasure or lifting.

Where restrictions come from (compliance.workflow.rights decides the requests):

1. a restriction request (Art. 18(1)) that staff grant: the confirmed faces, at the approval;
2. an objection (Art. 21(1)), at once when the store search finishes: every face the search
   found, confident or possible, pending the decision (Art. 18(1)(d)); faces staff then reject
   as not the requester's are released when the review finishes (they are not the requester's
   data), and the requester's own withdrawal of the request releases the rest. A refusal to
   act on the objection (Art. 12(5), (6)) keeps them withheld until staff lift them as below.

Lifting (Art. 18(3)): the requester is told before, in their language, on the status page and by
email (`restriction_lift_announce`, with the reasons); the faces are released no earlier than
LIFT_NOTICE_DAYS later (`restriction_lift`). A rejected objection announces the lift in its
decision letter. Erasing a face ends its restriction with it.

Art. 19 (compliance.workflow.recipients): when faces are restricted, and again when the
restriction is lifted, every customer whose searches returned one of them is told by email
(outbox, in the same transaction), so that a customer told of the restriction does not keep
treating the faces as restricted; customers without an address are counted in the audit record
for staff to tell by other means.

Every change writes the audit trail in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from biometrics.selectors import restrictions_of_request
from biometrics.services import face_restrictions_add, face_restrictions_lift
from compliance.i18n import in_requesters_language
from compliance.models import DataSubjectRequest, RequestMessage, ReviewStatus
from compliance.workflow import lifecycle
from compliance.workflow.recipients import (
    RESTRICTION_LIFT_NOTICE_KIND,
    RESTRICTION_NOTICE_KIND,
    recipients_notify,
)
from core.audit import audit_record

# Days between telling the requester that a restriction will be lifted and lifting it. Art. 18(3)
# only says "before"; two weeks leave the requester time to complain or go to court (Art. 77,
# 79) while the faces are still withheld. A policy of this controller, not a figure of the law.
LIFT_NOTICE_DAYS = 14
MIN_REASON_LENGTH = 10

BASIS_RESTRICTION = "art_18_1"  # granted on a restriction request
BASIS_OBJECTION_PENDING = "art_18_1_d"  # an objection, pending the decision


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def restricted_faces(request: DataSubjectRequest) -> list[int]:
    """The faces restricted for this request now."""
    return [row.face_id for row in restrictions_of_request(request_public_id=request.public_id) if not row.lifted_at]


def restriction_apply(
    *, request: DataSubjectRequest, face_ids: Iterable[int], basis: str, actor=None, now: datetime | None = None
) -> int:
    """Withhold these faces from every search for customers and tell the customers that received
    them (Art. 19); returns how many were added."""
    now = _now(now)
    face_ids = sorted(set(face_ids))
    with transaction.atomic():
        added = face_restrictions_add(face_ids=face_ids, request_public_id=request.public_id, basis=basis, now=now)
        if added:
            told, without_address = recipients_notify(
                request=request, face_ids=face_ids, kind=RESTRICTION_NOTICE_KIND, now=now
            )
            audit_record(
                action="request.faces_restricted",
                actor=actor,
                actor_label="" if actor else "worker",
                request=request,
                details={
                    "faces": added,
                    "basis": basis,
                    "recipients_told": told,
                    "recipients_without_address": without_address,
                },
            )
    return added


def restriction_release_unconfirmed(*, request: DataSubjectRequest, now: datetime | None = None) -> int:
    """Release the faces staff rejected as not the requester's (step 2 of the module docstring)."""
    now = _now(now)
    confirmed = set(
        request.matches.filter(review_status=ReviewStatus.CONFIRMED, face__isnull=False).values_list(
            "face_id", flat=True
        )
    )
    others = [face for face in restricted_faces(request) if face not in confirmed]
    if not others:
        return 0
    with transaction.atomic():
        lifted = face_restrictions_lift(request_public_id=request.public_id, face_ids=others, now=now)
        audit_record(
            action="request.restriction_released",
            actor_label="system",
            request=request,
            details={"faces": lifted, "why": "not the requester's faces (rejected at review)"},
        )
    return lifted


def restriction_release_withdrawn(*, request: DataSubjectRequest, now: datetime | None = None) -> int:
    """The requester withdrew the request that restricted the faces: they are released at once
    (no notice is owed for what the requester asked)."""
    now = _now(now)
    with transaction.atomic():
        lifted = face_restrictions_lift(request_public_id=request.public_id, now=now)
        if lifted:
            audit_record(
                action="request.restriction_released",
                actor_label="citizen",
                request=request,
                details={"faces": lifted, "why": "request withdrawn"},
            )
    return lifted


def restriction_lift_earliest(request: DataSubjectRequest):
    """The first moment the announced lift may happen (None before an announcement)."""
    if request.restriction_lift_announced_at is None:
        return None
    return request.restriction_lift_announced_at + timedelta(days=LIFT_NOTICE_DAYS)


def restriction_lift_announce(
    *, request: DataSubjectRequest, user, reason: str, message: bool = True, now: datetime | None = None
) -> bool:
    """Tell the requester that the restriction will be lifted, and why (Art. 18(3)); the lift is
    possible LIFT_NOTICE_DAYS later. `message=False` when the decision letter tells them (a
    rejected objection). False when it was already announced."""
    now = _now(now)
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError({"reason": "State why the restriction is lifted (at least 10 characters)."})
    with transaction.atomic():
        locked = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        if locked.restriction_lift_announced_at is not None:
            return False
        if not restricted_faces(locked):
            raise lifecycle.ActionNotAllowed("No face is restricted for this request.")
        DataSubjectRequest.objects.filter(pk=locked.pk).update(
            restriction_lift_announced_at=now, restriction_lift_reason=reason, updated=now
        )
        locked.refresh_from_db()
        earliest = restriction_lift_earliest(locked)
        audit_record(
            action="request.restriction_lift_announced",
            actor=user,
            request=locked,
            details={"reason": reason, "not_before": earliest, "by_message": message},
        )
        if message:
            body = in_requesters_language(
                locked,
                lambda: (
                    _(
                        "We will lift the restriction of the processing of your photos (GDPR Art. 18(3)) on "
                        "%(date)s at the earliest: from then on they may again be returned in searches. "
                        "Our reasons: %(reason)s"
                    )
                    % {"date": date_format(timezone.localtime(earliest), "DATE_FORMAT"), "reason": reason}
                ),
            )
            note = RequestMessage.objects.create(
                request=locked, author=user, body=body, visible_to_requester=True, created_at=now
            )
            if locked.email_verified_at:
                lifecycle.request_email(locked, "message", now=now, key=str(note.pk), message_id=note.pk)
    request.refresh_from_db()
    return True


def restriction_lift(*, request: DataSubjectRequest, user, now: datetime | None = None) -> int:
    """Lift the request's restrictions once the requester was told LIFT_NOTICE_DAYS before
    (Art. 18(3)) and tell the customers that received the faces (Art. 19); returns how many
    faces were released."""
    now = _now(now)
    with transaction.atomic():
        locked = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        earliest = restriction_lift_earliest(locked)
        if earliest is None:
            raise lifecycle.ActionNotAllowed(
                "Tell the requester first (GDPR Art. 18(3)): announce the lift with its reasons."
            )
        if now < earliest:
            raise lifecycle.ActionNotAllowed(
                f"The requester was told on {timezone.localdate(locked.restriction_lift_announced_at)}; "
                f"the restriction can be lifted from {timezone.localdate(earliest)}."
            )
        faces = restricted_faces(locked)
        lifted = face_restrictions_lift(request_public_id=locked.public_id, now=now)
        DataSubjectRequest.objects.filter(pk=locked.pk).update(restriction_lifted_at=now, updated=now)
        told = without_address = 0
        if lifted:
            told, without_address = recipients_notify(
                request=locked, face_ids=faces, kind=RESTRICTION_LIFT_NOTICE_KIND, now=now
            )
        audit_record(
            action="request.restriction_lifted",
            actor=user,
            request=locked,
            details={
                "faces": lifted,
                "reason": locked.restriction_lift_reason,
                "recipients_told": told,
                "recipients_without_address": without_address,
            },
        )
    request.refresh_from_db()
    return lifted
