"""Rescanning photos stored before issue 14 (biometrics.rescan, manage.py rescan_photos): the
faces the earlier detector skipped are added and recorded, stored faces are kept and not
duplicated, a face of someone who asked never to be collected again is not added, and a rerun
does nothing."""

import io

import numpy as np
import pytest
from django.core.management import call_command

from biometrics import selectors, services
from biometrics.faces import DETECTOR
from biometrics.ingest import analyse_file, ingest_limits
from biometrics.models import FaceChange, FaceChangeKind, SourcePhoto, encoding_from_bytes
from biometrics.rescan import run_rescan
from biometrics.testing.small_faces import found, make_photo
from tests.biometrics.factories import SourcePhotoFactory

pytestmark = [pytest.mark.faces, pytest.mark.django_db]


@pytest.fixture(scope="module")
def group(faces_dir, tmp_path_factory):
    """A 2000 px photo with a 300 px face and a 60 px one (3 %: under the earlier floor of about
    90 px), and what ingestion finds in it today."""
    target = tmp_path_factory.mktemp("rescan") / "group.jpg"
    photo = make_photo(faces_dir, target, seed=5, long_side=2000, sizes=(15, 3))
    analysis = analyse_file(str(photo.path), ingest_limits())
    assert len(analysis.faces) == 2
    return photo, analysis


def _stored_as_before_issue_14(group, *, shift: int = 0) -> SourcePhoto:
    """The photo stored with its large face only, as the earlier detector stored it (its box
    moved by `shift` px, as a face found one pyramid level higher), and not marked."""
    photo, analysis = group
    large = next(face for face in analysis.faces if found(photo.faces[0], [face.box]))
    top, right, bottom, left = large.box
    large = services.FaceFound(box=(top + shift, right + shift, bottom + shift, left + shift), encoding=large.encoding)
    outcome = services.photo_ingest(
        data=photo.path.read_bytes(),
        sha256=analysis.sha256,
        suffix=".jpg",
        width=analysis.width,
        height=analysis.height,
        faces=[large],
    )
    SourcePhoto.objects.filter(pk=outcome.photo_id).update(detector="")
    return SourcePhoto.objects.get(pk=outcome.photo_id)


def test_the_skipped_face_is_added_and_recorded_and_a_rerun_does_nothing(group, media_root):
    photo, analysis = group
    stored = _stored_as_before_issue_14(group)
    assert selectors.store_statistics().photos_to_rescan == 1

    report = run_rescan(workers=1)

    assert (report.total, report.completed, report.faces_added) == (1, 1, 1)
    assert not report.suppressed and not report.unreadable
    small = next(face for face in analysis.faces if found(photo.faces[1], [face.box]))
    boxes = sorted(face.box for face in stored.faces.all())
    assert boxes == sorted(face.box for face in analysis.faces)
    added = stored.faces.get(top=small.box[0], left=small.box[3])
    assert bytes(added.encoding) == small.encoding
    assert FaceChange.objects.filter(face_id=added.pk, kind=FaceChangeKind.ADDED).count() == 1
    stored.refresh_from_db()
    assert stored.detector == DETECTOR and selectors.store_statistics().photos_to_rescan == 0

    again = run_rescan(workers=1)
    assert (again.total, again.faces_added) == (0, 0) and stored.faces.count() == 2


def test_a_stored_face_with_a_slightly_different_box_is_not_added_twice(group, media_root):
    stored = _stored_as_before_issue_14(group, shift=4)
    report = run_rescan(workers=1)
    assert report.faces_added == 1 and stored.faces.count() == 2  # the large face kept with its old box


def test_a_face_of_a_suppressed_person_is_not_added_and_the_photo_is_reported(group, media_root):
    photo, analysis = group
    stored = _stored_as_before_issue_14(group)
    small = next(face for face in analysis.faces if found(photo.faces[1], [face.box]))
    services.suppression_entry_add(
        encoding=encoding_from_bytes(small.encoding) + np.float64(0.001),
        consented_at=stored.created_at,
        request_public_id="2f1e3a3c-9a5e-4a53-9a29-6c1d8f1b2e7a",
    )
    report = run_rescan(workers=1)
    assert report.suppressed == [str(stored.public_id)] and report.completed == 0
    assert stored.faces.count() == 1
    stored.refresh_from_db()
    assert stored.detector == ""  # reported again by every rescan until staff deletes it


@pytest.mark.django_db(transaction=True)
def test_the_command_rescans_in_worker_processes_and_reports_unreadable_files(group, media_root):
    _stored_as_before_issue_14(group)
    lost = SourcePhotoFactory(detector="")  # its file is not in the storage
    out = io.StringIO()
    call_command("rescan_photos", "--workers", "2", "--no-progress", stdout=out)
    text = out.getvalue()
    assert "photos to rescan      2" in text
    assert "faces added           1" in text
    assert "unreadable            1" in text and str(lost.public_id) in text
    assert selectors.photos_to_rescan().get() == lost
