"""biometrics.redaction: a blurred face can no longer be found or recognised; the choice of
faces to blur in an access copy keeps only the requester's."""

import numpy as np
import pytest
from PIL import Image

from biometrics.redaction import blur_faces, boxes_to_blur_for_access_copy, overlap_ratio


@pytest.mark.faces
def test_a_blurred_face_is_not_found_again(faces_dir):
    from biometrics.faces import detect_faces
    from biometrics.images import image_to_array, load_image_checked

    image = load_image_checked(faces_dir / "group/kit_with_rose.jpg")
    faces = detect_faces(image_to_array(image))
    assert len(faces) == 2
    kept, blurred = faces
    result = image_to_array(blur_faces(image, [blurred.box]))
    found = detect_faces(result)
    assert len(found) == 1
    assert float(np.linalg.norm(found[0].encoding - kept.encoding)) < 0.05  # the kept face is as it was
    top, right, bottom, left = kept.box
    assert np.array_equal(result[top:bottom, left:right], image_to_array(image)[top:bottom, left:right])


def test_blur_changes_only_the_enlarged_box():
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 255, (200, 300, 3), dtype=np.uint8)
    image = Image.fromarray(pixels)
    result = np.asarray(blur_faces(image, [(50, 150, 150, 50)]))  # 100x100 box, +30 px each side
    assert np.array_equal(result[:20], pixels[:20]) and np.array_equal(result[:, 181:], pixels[:, 181:])
    assert np.abs(result[60:140, 60:140].astype(int) - pixels[60:140, 60:140]).mean() > 30
    assert blur_faces(image, []).tobytes() == image.tobytes()


def test_access_copy_blurs_every_face_but_the_requesters():
    mine = (10, 110, 110, 10)
    other = (10, 310, 110, 210)
    missed_by_ingestion = (200, 110, 300, 10)
    detected_again_mine = (15, 112, 108, 12)
    chosen = boxes_to_blur_for_access_copy(
        keep=[mine], stored=[mine, other], detected=[detected_again_mine, (12, 305, 108, 215), missed_by_ingestion]
    )
    assert chosen == [other, missed_by_ingestion]
    assert overlap_ratio(mine, other) == 0.0 and overlap_ratio(mine, detected_again_mine) > 0.9


@pytest.mark.faces
@pytest.mark.slow
@pytest.mark.django_db
def test_a_small_third_party_the_store_does_not_hold_is_blurred_in_the_access_copy(faces_dir, tmp_path, media_root):
    """A 60 px face (3 % of a 2000 px photo): ingestion finds it (the full detector), but a store
    may lack it (a photo ingested before issue 14 skipped faces under about 90 px); the access
    copy still blurs it, because redaction runs the full detector again on the copy
    (compliance.workflow.access.redacted_copy -> biometrics.redaction.detect_all_faces)."""
    import face_recognition
    from django.core.files.base import ContentFile

    from biometrics.faces import detect_faces
    from biometrics.images import image_to_array, load_image_checked
    from biometrics.testing.small_faces import found, make_photo
    from compliance.workflow.access import redacted_copy
    from tests.biometrics.factories import FaceFactory, SourcePhotoFactory

    photo = make_photo(faces_dir, tmp_path / "group.jpg", seed=5, long_side=2000, sizes=(15, 3))
    requester, third_party = photo.faces
    rgb = image_to_array(load_image_checked(photo.path))
    ingested = detect_faces(rgb)
    assert found(third_party, [face.box for face in ingested])  # ingestion sees it today ...
    ingested = [face for face in ingested if found(requester, [face.box])]  # ... but the store holds only mine

    stored = SourcePhotoFactory(width=photo.width, height=photo.height)
    stored.image.save("group.jpg", ContentFile(photo.path.read_bytes()), save=True)
    mine = FaceFactory(photo=stored, **dict(zip(("top", "right", "bottom", "left"), ingested[0].box, strict=True)))
    copy = redacted_copy(photo=stored, keep_face_ids={mine.pk}, target=tmp_path / "copy.jpg")

    assert copy.faces_blurred == 1 and copy.requester_faces == 1
    after = face_recognition.face_locations(image_to_array(load_image_checked(copy.path)))
    assert not found(third_party, after)
    assert found(requester, after)
