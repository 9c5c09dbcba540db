"""The store's detector is the full one: on the shared photos it gives the plain face_recognition
run's boxes and encodings; the 5-point model is the one used. Queries (a requester's own photos)
run it on a bounded copy. Small faces in large photos: tests/biometrics/test_small_faces.py."""

import csv

import face_recognition
import numpy as np
import pytest
from face_recognition import api as fr
from PIL import Image

from biometrics.faces import LANDMARK_MODEL, QUERY_MAX_SIDE, box_iou, detect_boxes, detect_faces
from biometrics.images import ImageLimits, image_to_array, load_image_checked

LIMITS = ImageLimits(max_bytes=50 * 1024 * 1024, max_pixels=100_000_000)


def test_the_five_point_model_is_used():
    assert LANDMARK_MODEL == "small"


# The largest shared photos and those with several faces (every shared face is found by
# ingestion: tests/biometrics/test_ingest.py).
PLAIN_RUN_PHOTOS = {
    "people/obama/obama3.jpg",
    "people/biden/biden.jpg",
    "people/alex_lacamoire/alex2.jpg",
    "group/two_people.jpg",
    "group/obama_and_biden.jpg",
    "group/kit_with_rose.jpg",
    "odd/32bit.png",
}


@pytest.mark.faces
def test_boxes_and_encodings_are_the_plain_run_s_on_the_shared_photos(faces_dir):
    with open(faces_dir / "manifest.csv", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["path"] in PLAIN_RUN_PHOTOS]
    assert len(rows) == len(PLAIN_RUN_PHOTOS)
    for row in rows:
        rgb = image_to_array(load_image_checked(faces_dir / row["path"], limits=LIMITS))
        plain = face_recognition.face_locations(rgb)  # upsample 1, HOG: the naive call
        faces = detect_faces(rgb)
        assert len(plain) == int(row["faces"]), row["path"]
        assert [face.box for face in faces] == plain, row["path"]
        for face, encoding in zip(faces, face_recognition.face_encodings(rgb, plain, model="small"), strict=True):
            assert float(np.linalg.norm(face.encoding - encoding)) == 0.0, row["path"]


@pytest.mark.faces
def test_a_query_photo_is_scanned_at_most_query_max_side_and_its_boxes_map_back(faces_dir, monkeypatch):
    rgb = image_to_array(load_image_checked(faces_dir / "people/obama/obama3.jpg", limits=LIMITS))  # 1434 x 2333
    large = np.asarray(Image.fromarray(rgb).resize((2868, 4666)))  # a 13 MP upload
    scanned = []
    detector = fr.face_detector

    def spy(image, upsample):
        scanned.append(image.shape)
        return detector(image, upsample)

    monkeypatch.setattr(fr, "face_detector", spy)
    (box,) = detect_boxes(large, max_side=QUERY_MAX_SIDE)
    assert scanned == [(1000, 615, 3)]  # the detector never saw the 13 MP image
    (full,) = face_recognition.face_locations(large)
    assert box_iou(box, full) > 0.5  # the same face (HOG boxes come in steps of scale), in the upload's pixels
    (face,) = detect_faces(large, max_side=QUERY_MAX_SIDE)
    assert face.box == box
    assert float(np.linalg.norm(face.encoding - face_recognition.face_encodings(large, [full], model="small")[0])) < 0.2


@pytest.mark.faces
def test_a_photo_within_query_max_side_is_scanned_as_it_is(faces_dir):
    rgb = image_to_array(load_image_checked(faces_dir / "people/rose_leslie/rose2.jpg", limits=LIMITS))
    assert max(rgb.shape[:2]) <= QUERY_MAX_SIDE
    boxes = detect_boxes(rgb, max_side=QUERY_MAX_SIDE)
    assert len(boxes) == 1 and boxes == face_recognition.face_locations(rgb)
