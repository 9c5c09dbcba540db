"""Rectification (GDPR Art. 16), restriction (Art. 18) and objection (Art. 21): what each means
in this store and how staff decide it.

All three are filed on the same form as access and erasure, with a selfie (to find the faces
concerned) and a statement; they run the same way until staff approve: email confirmation, store
search, review of every match and of the identity (machine.py). The period to answer is the
Art. 12(3) month, extensible like the others (compliance.deadlines, on the controller's
calendar). Staff then record the decision with its reasons, which is the approval
(`rights_decide`); the decision letter is issued once, from the final facts
(compliance.workflow.documents). Refusing to act (Art. 12(5), (6), 23) stays the refusal of
compliance.workflow.handling.

Rectification (Art. 16). The requester states what is inaccurate (for example a URL or a date
recorded for a matched photo, or a face attributed to them that is not theirs). Staff decide:
- rectified: staff correct the store with the tools it has (e.g. reject a match that is not the
  requester's, or erase a photo through an erasure request) and state in the reasons what was
  corrected; the letter states it. Every customer whose searches returned one of the confirmed
  faces is told, with those reasons (Art. 19; compliance.workflow.recipients), in the approval's
  transaction; the letter names them, except those a partial refusal withholds (Art. 23);
- not rectified: the data are accurate; the reasons say why.
Nothing in the store is changed by the decision itself: the store holds photos and the facts of
their collection, and this module does not invent an edit for them.

Restriction (Art. 18). The requester states which condition of Art. 18(1) applies. Staff decide:
- restricted: every confirmed face is withheld from searches for customers and from any
  processing but storage (compliance.workflow.restriction) until staff lift it, and lifting needs
  the requester to be told first (Art. 18(3));
- not restricted: no condition of Art. 18(1) applies; the reasons say why.

Objection (Art. 21(1)). The requester states the grounds relating to their particular situation.
The faces the search finds are withheld from customers at once, pending the decision (Art.
18(1)(d); restriction.py). Staff decide:
- upheld: processing must stop; keeping the faces while never processing them again would need a
  template of the face to recognise it (suppression), which the requester has not necessarily
  consented to, so the faces are erased through the erasure door (erasure.py), with its plan
  confirmation, re-check, Art. 19 notices and certificate;
- rejected: staff state the compelling legitimate grounds that override the requester's
  interests, rights and freedoms, or the legal claims (Art. 21(1)); the letter states them and
  tells the requester that the restriction will be lifted no earlier than the notice period
  after the decision (Art. 18(3)); staff lift it afterwards on the request's page.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from compliance.models import DataSubjectRequest, ReviewStatus, RightsOutcome
from compliance.workflow import approval, restriction
from compliance.workflow.machine import DECIDED_TYPES, OUTCOMES_OF_TYPE
from compliance.workflow.recipients import RECTIFICATION_NOTICE_KIND, recipients_notify
from core.audit import audit_record

MIN_REASON_LENGTH = 10


def outcome_choices(request: DataSubjectRequest) -> list[tuple[str, str]]:
    """The decisions open for this request's type."""
    allowed = OUTCOMES_OF_TYPE.get(request.request_type, ())
    return [(value, label) for value, label in RightsOutcome.choices if value in allowed]


def _clean_decision(request: DataSubjectRequest, outcome: str, reason: str) -> tuple[str, str]:
    if request.request_type not in DECIDED_TYPES:
        raise ValidationError({"outcome": "Only a rectification, restriction or objection takes a decision."})
    if outcome not in OUTCOMES_OF_TYPE[request.request_type]:
        raise ValidationError({"outcome": "Choose one of the decisions for this request."})
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        message = "State the reasons of the decision (at least 10 characters); the letter prints them."
        if outcome == RightsOutcome.OBJECTION_REJECTED:
            message = (
                "State the compelling legitimate grounds that override the requester's interests, rights and "
                "freedoms, or the legal claims (GDPR Art. 21(1)); the letter prints them."
            )
        raise ValidationError({"reason": message})
    return outcome, reason


def _rectification_notify(*, request: DataSubjectRequest, face_ids, user, now: datetime) -> None:
    """GDPR Art. 19: tell the recipients of the confirmed faces what was rectified (Art. 16)."""
    told, without_address = recipients_notify(
        request=request, face_ids=face_ids, kind=RECTIFICATION_NOTICE_KIND, now=now
    )
    audit_record(
        action="request.rectification_notified",
        actor=user,
        request=request,
        details={"recipients_told": told, "recipients_without_address": without_address},
    )


def rights_decide(
    *,
    request: DataSubjectRequest,
    user,
    outcome: str,
    reason: str,
    confirm_erasure: bool = False,
    now: datetime | None = None,
) -> bool:
    """Record staff's decision on a rectification, restriction or objection (the approval), then
    what it does in the store (module docstring), in one transaction. An upheld objection asks
    for the confirmation of the erasure plan, as an erasure does. False when already decided."""
    now = now or timezone.now()
    outcome, reason = _clean_decision(request, outcome, reason)
    with transaction.atomic():
        moved = approval.answer_approve(
            request=request,
            user=user,
            confirm_erasure=confirm_erasure,
            outcome=outcome,
            outcome_reason=reason,
            now=now,
        )
        if not moved:
            return False
        faces = request.matches.filter(review_status=ReviewStatus.CONFIRMED, face__isnull=False)
        if outcome == RightsOutcome.RECTIFIED:
            _rectification_notify(request=request, face_ids=faces.values_list("face_id", flat=True), user=user, now=now)
        elif outcome == RightsOutcome.RESTRICTED:
            restriction.restriction_apply(
                request=request,
                face_ids=faces.values_list("face_id", flat=True),
                basis=restriction.BASIS_RESTRICTION,
                actor=user,
                now=now,
            )
        elif outcome == RightsOutcome.OBJECTION_REJECTED and restriction.restricted_faces(request):
            # The decision letter tells the requester (Art. 18(3)); no separate message.
            restriction.restriction_lift_announce(request=request, user=user, reason=reason, message=False, now=now)
    request.refresh_from_db()
    return True
