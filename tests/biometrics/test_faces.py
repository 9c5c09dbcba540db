"""Detection from a skipped pyramid level gives the plain face_recognition run's boxes (and so its
encodings) on the shared photos; the 5-point model is the one used. Small faces in large photos:
tests/biometrics/test_small_faces.py."""

import csv

import face_recognition
import numpy as np
import pytest

from biometrics.faces import (
    DETECT_MAX_SIDE,
    LANDMARK_MODEL,
    MAX_SKIPPED_LEVELS,
    detect_boxes,
    detect_faces,
    levels_to_skip,
)
from biometrics.images import ImageLimits, image_to_array, load_image_checked

LIMITS = ImageLimits(max_bytes=50 * 1024 * 1024, max_pixels=100_000_000)


def test_levels_to_skip():
    assert levels_to_skip(240, 320, max_side=DETECT_MAX_SIDE) == 0  # small: the plain detector
    assert levels_to_skip(1137, 910, max_side=DETECT_MAX_SIDE) == 4
    # Never more than MAX_SKIPPED_LEVELS, whatever the size: faces of about 90 px stay findable.
    assert MAX_SKIPPED_LEVELS == 5
    assert levels_to_skip(1428, 2000, max_side=DETECT_MAX_SIDE) == 5
    assert levels_to_skip(3000, 4000, max_side=DETECT_MAX_SIDE) == 5
    assert levels_to_skip(1428, 2000, max_side=DETECT_MAX_SIDE, max_skip=99) == 7  # the old start
    assert levels_to_skip(1428, 2000, max_side=None) == 0
    with pytest.raises(ValueError):
        detect_boxes(np.zeros((10, 10, 3), np.uint8), upsample=2)


def test_the_five_point_model_is_used():
    assert LANDMARK_MODEL == "small"


@pytest.mark.faces
def test_boxes_and_encodings_match_the_plain_run_on_the_shared_photos(faces_dir):
    with open(faces_dir / "manifest.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    identical, worst = 0, 0.0
    for row in rows:
        rgb = image_to_array(load_image_checked(faces_dir / row["path"], limits=LIMITS))
        plain = face_recognition.face_locations(rgb)  # upsample 1, HOG: the naive call
        fast = detect_faces(rgb)
        assert len(fast) == len(plain) == int(row["faces"]), row["path"]
        identical += sorted(plain) == sorted(face.box for face in fast)
        plain_encodings = face_recognition.face_encodings(rgb, plain)
        for encoding in plain_encodings:
            worst = max(worst, min(float(np.linalg.norm(encoding - face.encoding)) for face in fast))
    # Every box equal, so every encoding too (the pyramid levels are built exactly; with the first
    # levels approximated by one resize, Biden's box in group/obama_and_biden.jpg moved a level).
    assert identical == len(rows)
    assert worst <= 0.01


@pytest.mark.faces
def test_a_photo_too_large_for_the_exact_pyramid_gets_its_first_levels_by_one_resize(faces_dir, monkeypatch):
    import biometrics.faces

    rgb = image_to_array(load_image_checked(faces_dir / "group/obama_and_biden.jpg", limits=LIMITS))
    exact = detect_boxes(rgb)  # 2000 x 1428: the upsampled copy is 11.4 MP, below EXACT_MAX_PIXELS
    built = []
    resize = biometrics.faces.dlib.resize_image
    monkeypatch.setattr(biometrics.faces, "EXACT_MAX_PIXELS", 4_000_000)
    monkeypatch.setattr(
        biometrics.faces.dlib,
        "resize_image",
        lambda image, rows, cols: built.append(rows * cols) or resize(image, rows, cols),
    )
    approximated = detect_boxes(rgb)
    assert built and built[0] <= 4_000_000  # the memory bound held: no 11.4 MP level was built
    assert len(approximated) == len(exact) == 3
    for box in exact:  # the same faces, though a box may move by a pixel or a level
        top, right, bottom, left = box
        assert any(abs(other[0] - top) + abs(other[3] - left) < 0.2 * (right - left) for other in approximated)
