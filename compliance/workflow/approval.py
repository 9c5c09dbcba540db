"""Staff approve the answer (compliance/workflow/machine.py, transition `approve`).

- access: the answer's facts are final; the selfie goes and the final documents are issued from
  the approved draft (compliance.workflow.documents);
- erasure, both: approval asks for the confirmation of the plan staff were shown (photos to
  delete, photos to blur, with thumbnails: compliance.workflow.erasure.erasure_preview); the
  confirmation is recorded on the erasure with its counts, in the same transaction as the
  transition, and the erasure runs on a worker.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from compliance.models import DataSubjectRequest, ErasureRecord, RequestStatus
from compliance.workflow import documents, erasure, lifecycle
from compliance.workflow.machine import approval_erases
from compliance.workflow.review import require_staff
from core.audit import audit_record


def _confirm_erasure(request: DataSubjectRequest, user, now: datetime) -> None:
    plan = erasure.erasure_preview(request)
    record, _created = ErasureRecord.objects.get_or_create(request=request)
    ErasureRecord.objects.filter(pk=record.pk).update(
        approved_by=user,
        approved_at=now,
        confirmed_by=user,
        confirmed_at=now,
        confirmed_photos_to_delete=sum(1 for p in plan if p.delete_photo),
        confirmed_photos_to_blur=sum(1 for p in plan if not p.delete_photo),
        confirmed_faces=sum(len(p.face_ids) for p in plan),
    )
    audit_record(
        action="answering.erasure_confirmed",
        actor=user,
        request=request,
        object_type="compliance.erasurerecord",
        object_id=record.pk,
        details={
            "files_to_delete": sum(1 for p in plan if p.delete_photo),
            "files_to_blur": sum(1 for p in plan if not p.delete_photo),
            "faces": sum(len(p.face_ids) for p in plan),
        },
    )


def answer_approve(
    *,
    request: DataSubjectRequest,
    user,
    confirm_erasure: bool = False,
    outcome: str = "",
    outcome_reason: str = "",
    now: datetime | None = None,
) -> bool:
    """Approve (see the module docstring). A rectification, restriction or objection is approved
    with its decision (compliance.workflow.rights validates it and calls this). False when it
    was already approved."""
    require_staff(user)
    now = now or timezone.now()
    erasing = approval_erases(request.request_type, outcome or request.outcome)
    if erasing and not confirm_erasure and request.status == RequestStatus.AWAITING_APPROVAL:
        raise ValidationError({"confirm": "Confirm the erasure: what will be deleted and blurred is listed above."})
    with transaction.atomic():
        if erasing and request.status == RequestStatus.AWAITING_APPROVAL:
            _confirm_erasure(request, user, now)
        moved = lifecycle.request_approve(
            request=request, user=user, outcome=outcome, outcome_reason=outcome_reason, now=now
        )
        if moved and request.status == RequestStatus.ERASING:
            erasure.erasure_schedule(request=request)
        elif moved:
            documents.documents_schedule(request=request)
    return moved
