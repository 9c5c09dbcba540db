"""Identity check: does the face on the optional ID document photo match the selfie?

Steps (EDPB Guidelines 01/2022 on the right of access, §§ 73-79: identification must be
proportionate and no copy of an ID document is to be kept):
1. detect faces on both photos (biometrics.faces.detect_faces, 5-point model);
2. the selfie must show one face; on the document, the largest face is the holder's portrait
   (many EU ID cards also carry a small "ghost" copy of it);
3. compare the two 128-dimension encodings by Euclidean distance against a STRICT tolerance,
   IDENTITY_TOLERANCE = 0.5 (face_recognition's usual 0.6 is tuned for recall; here a false
   match would hand someone else's data out, so we ask for more certainty). On the shared
   photos the same person scores 0.10-0.36 and other people 0.82-0.90;
4. record matched / mismatch, and delete the document photo at once, whatever the result.
   Neither the distance nor any encoding is stored or logged.
Staff can still verify the identity manually (request_verify_identity_manually).
"""

import logging
from datetime import datetime

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from biometrics.faces import QUERY_MAX_SIDE, detect_faces, largest_face
from biometrics.images import ImageRejected, image_to_array, load_image_checked
from compliance.models import DataSubjectRequest, IdentityCheck
from core.audit import audit_record

logger = logging.getLogger(__name__)

IDENTITY_TOLERANCE = 0.5


def identity_tolerance() -> float:
    return float(settings.COMPLIANCE_IDENTITY_TOLERANCE)


def _faces_of(field_file):
    with field_file.storage.open(field_file.name, "rb") as handle:
        data = handle.read()
    return detect_faces(image_to_array(load_image_checked(data)), max_side=QUERY_MAX_SIDE)


def faces_match(selfie_faces, document_faces, *, tolerance: float) -> tuple[bool, str]:
    """(matched, outcome code) for already detected faces."""
    if len(selfie_faces) != 1:
        return False, "selfie_not_single_face"
    if not document_faces:
        return False, "no_face_on_document"
    distance = float(np.linalg.norm(largest_face(document_faces).encoding - selfie_faces[0].encoding))
    return (True, "matched") if distance <= tolerance else (False, "different_person")


def request_check_identity(*, request: DataSubjectRequest, now: datetime | None = None) -> str:
    """Run the check for a request whose identity_check is pending; returns the resulting
    identity_check value. Running it again does nothing (the state is no longer pending)."""
    now = now or timezone.now()
    request.refresh_from_db()
    if request.identity_check != IdentityCheck.PENDING:
        return request.identity_check
    outcome = "photo_missing"
    matched = False
    if request.selfie and request.id_document:
        try:
            matched, outcome = faces_match(
                _faces_of(request.selfie), _faces_of(request.id_document), tolerance=identity_tolerance()
            )
        except (ImageRejected, OSError) as exc:
            outcome = f"unreadable_photo:{getattr(exc, 'code', type(exc).__name__)}"
    result = IdentityCheck.MATCHED if matched else IdentityCheck.MISMATCH
    id_file = request.id_document
    with transaction.atomic():
        updated = DataSubjectRequest.objects.filter(pk=request.pk, identity_check=IdentityCheck.PENDING).update(
            identity_check=result, identity_checked_at=now, id_document=None, updated=now
        )
        if updated:
            audit_record(
                action="request.identity_checked",
                actor_label="worker",
                request=request,
                details={
                    "result": result,
                    "outcome": outcome,
                    "tolerance": identity_tolerance(),
                    "id_photo_deleted": bool(id_file),
                },
            )
    # The document photo goes whatever happened: its only purpose was this comparison.
    if id_file and id_file.name:
        id_file.storage.delete(id_file.name)
    request.refresh_from_db()
    return request.identity_check
