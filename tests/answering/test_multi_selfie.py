"""Up to three selfies (issue 14.3): a stored face is a match only within tolerance of every
selfie (compliance.workflow.matching.store_search_selfies), on the shared photos in the store."""

import pytest
from django.urls import reverse

from compliance.models import RequestMessage, RequestStatus
from compliance.workflow import lifecycle
from compliance.workflow.matching import selfie_faces, store_search, store_search_selfies
from tests.answering.conftest import encoding_distance, person_paths

pytestmark = [pytest.mark.faces]


def matched_paths(request, store) -> set[str]:
    by_id = {photo_id: path for path, photo_id in store.items()}
    return {by_id[photo_id] for photo_id in request.matches.values_list("photo_id_snapshot", flat=True)}


def test_with_one_selfie_the_search_is_unchanged(store, detections):
    for path, (_size, faces) in detections.items():
        for face in faces:
            assert store_search_selfies([face.encoding], tolerance=0.6) == store_search(face.encoding, tolerance=0.6), (
                path
            )


def test_two_selfies_of_the_same_person_find_all_their_photos(store, file_request, manifest):
    request = file_request(selfie="people/obama/obama.jpg", extra_selfies=("people/obama/obama2.jpg",))
    assert request.status == RequestStatus.AWAITING_REVIEW
    assert request.selfie and request.selfie_2 and not request.selfie_3
    assert matched_paths(request, store) == person_paths(manifest, "obama")
    one, two = (face.encoding for face in selfie_faces(request))
    for match in request.matches.select_related("face"):
        stored = match.face.encoding_array()
        expected = max(encoding_distance(one, stored), encoding_distance(two, stored))
        assert match.distance == pytest.approx(expected, abs=1e-5)
    assert len(request.matching_run.extra_selfie_boxes) == 1
    assert not RequestMessage.objects.filter(request=request, body__contains="may not show one person").exists()


def test_three_selfies_of_the_same_person_find_all_their_photos(store, file_request, manifest):
    request = file_request(
        selfie="people/kit_harington/kit1.jpg",
        extra_selfies=("people/kit_harington/kit2.jpg", "people/kit_harington/kit3.jpg"),
    )
    assert request.selfie_3
    assert matched_paths(request, store) == person_paths(manifest, "kit_harington")


def test_a_stranger_near_one_selfie_but_not_the_other_is_excluded(store, file_request, settings):
    """At a tolerance wide enough that obama2.jpg alone reaches Kit Harington's kit1.jpg (0.827
    away; obama4.jpg is 0.946 away), adding obama4.jpg as a second selfie drops him while every
    photo of Obama is still found."""
    settings.FACE_MATCH_POSSIBLE = 0.85
    alone = file_request(selfie="people/obama/obama2.jpg", email="one@example.org")
    assert "people/kit_harington/kit1.jpg" in matched_paths(alone, store)
    both = file_request(
        selfie="people/obama/obama2.jpg", extra_selfies=("people/obama/obama4.jpg",), email="two@example.org"
    )
    found = matched_paths(both, store)
    assert "people/kit_harington/kit1.jpg" not in found
    assert found < matched_paths(alone, store)
    assert {"people/obama/obama.jpg", "people/obama/obama3.jpg", "group/two_people.jpg"} <= found


def test_a_second_selfie_of_somebody_else_widens_nothing_and_staff_are_told(store, file_request, manifest):
    """Biden's photos are near the added Biden selfie but not near the requester's: none is
    listed, nor any of Obama's, and a staff note says the selfies disagree."""
    biden_alone = file_request(selfie="people/biden/biden.jpg", email="joe@example.org")
    assert matched_paths(biden_alone, store) == person_paths(manifest, "biden")
    request = file_request(selfie="people/obama/obama.jpg", extra_selfies=("people/biden/biden.jpg",))
    assert request.status == RequestStatus.AWAITING_REVIEW
    assert not request.matches.exists()
    note = RequestMessage.objects.get(request=request, body__contains="may not show one person")
    assert not note.visible_to_requester


def test_the_extra_selfies_are_purged_with_the_first(store, file_request, django_capture_on_commit_callbacks):
    request = file_request(
        selfie="people/obama/obama.jpg", extra_selfies=("people/obama/obama2.jpg", "people/obama/obama4.jpg")
    )
    storage = request.selfie.storage
    names = [request.selfie.name, request.selfie_2.name, request.selfie_3.name]
    assert len(set(names)) == 3 and all(storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        assert lifecycle.request_purge_biometrics(request=request)
    request.refresh_from_db()
    for field in request.BIOMETRIC_FILE_FIELDS:
        assert not getattr(request, field), field
    assert request.biometrics_purged_at is not None
    assert not any(storage.exists(name) for name in names)


def test_the_review_page_shows_every_selfie(store, file_request, staff_client):
    request = file_request(selfie="people/obama/obama.jpg", extra_selfies=("people/obama/obama2.jpg",))
    html = staff_client.get(reverse("answering:review", args=[request.public_id])).content.decode()
    assert 'alt="Requester\'s selfie 1"' in html and 'alt="Requester\'s selfie 2"' in html
    assert "within the tolerance of every one of them" in html
    for number in (1, 2):
        crop = staff_client.get(reverse("answering:selfie_crop_n", args=[request.public_id, number]))
        assert crop.status_code == 200 and crop.content[:2] == b"\xff\xd8"
    assert staff_client.get(reverse("answering:selfie_crop_n", args=[request.public_id, 3])).status_code == 404


def test_the_sweep_keeps_held_extra_selfies_and_purges_them_from_a_finished_request(
    store, file_request, django_capture_on_commit_callbacks
):
    """The orphan sweep knows the extra selfies' files (a held one is not an orphan, however old),
    and the leftovers sweep purges a finished request that holds only an extra selfie."""
    import os
    from datetime import timedelta

    from django.utils import timezone

    from compliance.models import DataSubjectRequest
    from compliance.workflow.sweep import request_photos_delete_leftovers

    request = file_request(
        selfie="people/obama/obama.jpg", extra_selfies=("people/obama/obama2.jpg", "people/obama/obama4.jpg")
    )
    later = timezone.now() + timedelta(hours=3)
    paths = [getattr(request, field).path for field in request.SELFIE_FIELDS]
    for path in paths:
        os.utime(path, (later.timestamp() - 3 * 3600, later.timestamp() - 3 * 3600))
    with django_capture_on_commit_callbacks(execute=True):
        counts = request_photos_delete_leftovers(now=later)
    assert counts["orphan_files"] == 0 and counts["purged_requests"] == 0
    assert all(os.path.exists(path) for path in paths)

    # A crash left only the third selfie on a withdrawn request (raw fixture: every transition
    # to a final state purges all of them itself).
    DataSubjectRequest.objects.filter(pk=request.pk).update(status=RequestStatus.WITHDRAWN, selfie=None, selfie_2=None)
    with django_capture_on_commit_callbacks(execute=True):
        counts = request_photos_delete_leftovers(now=later)
    assert counts["purged_requests"] == 1
    request.refresh_from_db()
    assert not request.selfie_3 and request.biometrics_purged_at is not None
    assert not os.path.exists(paths[2])


def test_a_follow_up_erasure_reuses_every_held_selfie(store, file_request, staff_user, manifest):
    from compliance.workflow import intake
    from tests.workflow import decide_all

    access = file_request(selfie="people/obama/obama.jpg", extra_selfies=("people/obama/obama2.jpg",))
    decide_all(access, staff_user)
    erasure = intake.follow_up_erasure_create(source=access, selfie_consent=True)
    assert erasure.selfie and erasure.selfie_2 and not erasure.selfie_3
    assert erasure.selfie_2.name != access.selfie_2.name  # a copy of its own, purged on its own
    with access.selfie_2.open("rb") as source, erasure.selfie_2.open("rb") as copy:
        assert source.read() == copy.read()
