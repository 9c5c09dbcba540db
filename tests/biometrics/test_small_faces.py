"""Small faces in large photos (issue 14): the project's detector finds every face the full
detector (face_recognition.face_locations, HOG, upsample 1) finds, with the same box and so the
same encoding, on photos generated from the shared photos with faces pasted at 3-10 % of the
long side (biometrics.testing.small_faces)."""

import face_recognition
import numpy as np
import pytest

from biometrics.faces import detect_boxes, detect_faces
from biometrics.images import image_to_array, load_image_checked
from biometrics.testing.small_faces import FACE_SIZES, box_iou, found, make_photo

pytestmark = pytest.mark.faces


def _rgb(photo):
    return image_to_array(load_image_checked(photo.path))


def test_the_set_is_deterministic_and_its_boxes_have_the_asked_sizes(faces_dir, tmp_path):
    first = make_photo(faces_dir, tmp_path / "a.jpg", seed=7, long_side=3000)
    second = make_photo(faces_dir, tmp_path / "b.jpg", seed=7, long_side=3000)
    assert first.faces == second.faces
    assert (tmp_path / "a.jpg").read_bytes() == (tmp_path / "b.jpg").read_bytes()
    assert (first.width, first.height) == (3000, 2250)
    assert sorted(face.size_percent for face in first.faces) == sorted(FACE_SIZES)
    for face in first.faces:
        top, right, bottom, left = face.box
        assert abs((right - left) - face.size_percent * 30) <= 2
        assert 0 <= left < right <= first.width and 0 <= top < bottom <= first.height
    for face in first.faces:  # no two pasted faces overlap
        assert all(box_iou(face.box, other.box) == 0 for other in first.faces if other is not face)


@pytest.mark.slow
@pytest.mark.parametrize(("long_side", "portrait", "seed"), [(3000, False, 1), (4000, True, 2)])
def test_every_face_the_full_detector_finds_is_found_with_its_box(faces_dir, tmp_path, long_side, portrait, seed):
    photo = make_photo(faces_dir, tmp_path / "photo.jpg", seed=seed, long_side=long_side, portrait=portrait)
    rgb = _rgb(photo)
    full = face_recognition.face_locations(rgb)
    faces = detect_faces(rgb)
    boxes = [face.box for face in faces]
    for face in photo.faces:
        assert found(face, full), f"the full detector misses the {face.size_percent} % face"
        assert found(face, boxes) == found(face, full), f"{face.size_percent} % face"
    assert sorted(boxes) == sorted(full)
    encodings = dict(zip(boxes, (face.encoding for face in faces), strict=True))
    for box, encoding in zip(full, face_recognition.face_encodings(rgb, full), strict=True):
        assert float(np.linalg.norm(encodings[box] - encoding)) <= 0.01


@pytest.mark.slow
def test_starting_at_1152_px_as_before_loses_the_small_faces(faces_dir, tmp_path):
    photo = make_photo(faces_dir, tmp_path / "photo.jpg", seed=3, long_side=3500, sizes=(3, 4, 10))
    old = detect_boxes(_rgb(photo), max_skip=99)
    assert [face.size_percent for face in photo.faces if found(face, old)] == [10]
