"""Identity check with the real shared photos: the ID document's face against the selfie's, at
the strict tolerance, and the ID photo deleted as soon as the check is done (EDPB 01/2022)."""

import numpy as np
import pytest

from biometrics.faces import detect_faces
from biometrics.images import image_to_array, load_image_checked
from compliance import services
from compliance.models import IdentityCheck
from compliance.services.identity import IDENTITY_TOLERANCE, faces_match
from core.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.faces]


def photo(faces_dir, relative):
    return (faces_dir / relative).read_bytes()


def faces(faces_dir, relative):
    return detect_faces(image_to_array(load_image_checked(faces_dir / relative)))


def test_tolerance_is_strict_and_separates_the_shared_photos(faces_dir):
    assert IDENTITY_TOLERANCE == 0.5  # stricter than face_recognition's 0.6
    selfie = faces(faces_dir, "people/obama/obama.jpg")
    same = faces(faces_dir, "people/obama/obama2.jpg")
    other = faces(faces_dir, "people/biden/biden.jpg")
    assert np.linalg.norm(same[0].encoding - selfie[0].encoding) < IDENTITY_TOLERANCE
    assert np.linalg.norm(other[0].encoding - selfie[0].encoding) > IDENTITY_TOLERANCE
    assert faces_match(selfie, same, tolerance=IDENTITY_TOLERANCE) == (True, "matched")
    assert faces_match(selfie, other, tolerance=IDENTITY_TOLERANCE) == (False, "different_person")
    assert faces_match(selfie, [], tolerance=IDENTITY_TOLERANCE) == (False, "no_face_on_document")


def _submit_with_id(submit, faces_dir, id_relative):
    request, _token = submit(
        selfie=photo(faces_dir, "people/obama/obama.jpg"),
        id_file=photo(faces_dir, id_relative) if id_relative else None,
    )
    request.refresh_from_db()
    return request


def _id_files(media_root):
    folder = media_root / "private" / "requests" / "id-documents"
    return list(folder.rglob("*")) if folder.exists() else []


def test_matching_document_is_recorded_and_deleted(submit, faces_dir, media_root):
    request = _submit_with_id(submit, faces_dir, "people/obama/obama2.jpg")
    assert request.identity_check == IdentityCheck.MATCHED
    assert request.identity_checked_at is not None
    assert not request.id_document
    assert not [p for p in _id_files(media_root) if p.is_file()]
    assert request.selfie  # the selfie stays until the request ends
    event = AuditEvent.objects.get(action="request.identity_checked", request_public_id=request.public_id)
    assert event.details["result"] == "matched" and event.details["id_photo_deleted"] is True
    assert set(event.details) == {"result", "outcome", "tolerance", "id_photo_deleted"}  # no distance, no encoding


def test_other_persons_document_is_a_mismatch_and_deleted(submit, faces_dir, media_root):
    request = _submit_with_id(submit, faces_dir, "people/biden/biden.jpg")
    assert request.identity_check == IdentityCheck.MISMATCH
    assert not request.id_document
    assert not [p for p in _id_files(media_root) if p.is_file()]


def test_document_without_a_face_is_a_mismatch_and_deleted(submit, faces_dir, plain_photo):
    request, _token = submit(selfie=photo(faces_dir, "people/obama/obama.jpg"), id_file=plain_photo)
    request.refresh_from_db()
    assert request.identity_check == IdentityCheck.MISMATCH and not request.id_document
    event = AuditEvent.objects.get(action="request.identity_checked", request_public_id=request.public_id)
    assert event.details["outcome"] == "no_face_on_document"


def test_no_document_means_no_check(submit, faces_dir):
    request = _submit_with_id(submit, faces_dir, None)
    assert request.identity_check == IdentityCheck.NOT_PROVIDED
    assert not AuditEvent.objects.filter(action="request.identity_checked").exists()


def test_running_the_check_twice_changes_nothing(submit, faces_dir):
    request = _submit_with_id(submit, faces_dir, "people/obama/obama2.jpg")
    checked_at = request.identity_checked_at
    assert services.request_check_identity(request=request) == IdentityCheck.MATCHED
    request.refresh_from_db()
    assert request.identity_checked_at == checked_at
    assert AuditEvent.objects.filter(action="request.identity_checked").count() == 1
