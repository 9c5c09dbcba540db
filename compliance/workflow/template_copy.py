"""The requester's own face templates, on request (issue 16 item 10).

The right of access covers all personal data undergoing processing, including biometric data
derived from a photo (CJEU C-487/21: a copy of the data itself). The access package leaves the
templates out by default (128 numbers per face mean nothing to most people, and a file of them
is itself special-category data that then lives on the requester's devices); the letter says they
can be had, and the status page offers them as a file: built when asked, never stored, from the
confirmed matches whose face the store still holds. Each download is audited (a count, never
the numbers).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from biometrics.faces import MODEL_VERSION
from biometrics.models import Face, encoding_from_bytes
from compliance.models import DataSubjectRequest, RequestStatus, RequestType, ReviewStatus
from core.audit import audit_record

FORMAT = "dpa-tracker/face-templates"


def templates_available(request: DataSubjectRequest) -> bool:
    """An answered access request whose person is not pseudonymised and whose confirmed faces
    the store still holds."""
    return (
        request.status == RequestStatus.COMPLETED
        and request.request_type in (RequestType.ACCESS, RequestType.BOTH)
        and not request.pseudonymised_at
        and request.matches.filter(review_status=ReviewStatus.CONFIRMED, face__isnull=False).exists()
    )


def templates_copy(*, request: DataSubjectRequest, now: datetime | None = None) -> dict | None:
    """The file's content, or None when nothing is available."""
    now = now or timezone.now()
    if not templates_available(request):
        return None
    matches = request.matches.filter(review_status=ReviewStatus.CONFIRMED, face__isnull=False).order_by("pk")
    faces = Face.objects.in_bulk([match.face_id for match in matches])
    templates = [
        {
            "photo_id": str(match.photo_public_id),
            "box": {"top": match.top, "right": match.right, "bottom": match.bottom, "left": match.left},
            "template": [round(float(value), 7) for value in encoding_from_bytes(faces[match.face_id].encoding)],
        }
        for match in matches
        if match.face_id in faces
    ]
    audit_record(
        action="request.templates_copied",
        actor_label="citizen",
        request=request,
        details={"templates": len(templates)},
    )
    return {
        "format": FORMAT,
        "request": str(request.public_id),
        "generated_at": now.isoformat(),
        "encoder": MODEL_VERSION,
        "explanation": (
            "Each template is the 128 numbers the store computed from your face in that photo; it is "
            "what customers' searches compare. It cannot be turned back into a picture."
        ),
        "templates": templates,
    }
