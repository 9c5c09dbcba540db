"""Face detection and encoding with face_recognition (dlib).

Encodings use dlib's ResNet model with the default 5-point landmark predictor (`model="small"`):
the 68-point predictor's licence forbids commercial use without clearance.

The store's detector is the full one: `face_recognition.face_locations` (HOG, upsample 1) on the
whole photo, boxes and encodings exactly as a plain face_recognition run gives them. It finds
faces down to about 40 px in a photo of any size, and the store holds, discloses and erases every
face it finds. Ingestion, rescans and the redaction of third parties use it as it is.

Why not something faster (issue 14). Until commit 572565b detection skipped the first five
levels of that pyramid (rebuilt pixel for pixel, so boxes stayed the plain run's): ingestion
was 4.29x the naive loop on 2 cores, but faces of 44-90 px (6.3-7.6 % of a 580-1430 px photo,
1-2.3 % of a 4000 px one) were neither stored nor found: a requester in a group photo could be
left out of an access answer and an erasure. Finding exactly the faces the full detector finds
means running its scan over every window of those levels: the detector's score is linear in
HOG features that are normalised for contrast, so no cheap statistic of a region bounds the
score there (only a perfectly flat region scores nothing), and no region can be skipped without
losing faces the full detector finds. That scan is most of the naive loop's time, so no exact
method that runs dlib's scan gets far beyond the number of cores; `python -m benchmarks.ingest`
prints the share and the bound it puts on the ratio, beside the measured ratio (76 %: at most
2.62x on 2 cores, measured 2.01x). Only a faster implementation of the same scan, to the same
scores, would raise the bound.

Uploads read while someone waits for the page run the same detector on a copy of bounded size
(`detect_boxes(rgb, max_side=...)`); the boxes are mapped back to the photo and the encodings
computed from it at full resolution. On a 40 MP photo the full detector takes 17.6 s and 1.5 GB
here, on a 12 MP one 4.8 s and 0.45 GB (measured on this 2-core machine):
- a requester's selfie or identity document, where only the main face counts (one face, or the
  largest): at most QUERY_MAX_SIDE px, so a 40 MP upload to a public form costs what a 1 MP one
  costs; faces under about 4 % of the long side are not seen there;
- a staff search by photo (every face in it is searched): at most SEARCH_MAX_SIDE px, faces down
  to about 1 % of the long side.
The `search_faces` command, with no one waiting on a page, runs the full detector on the whole
photo, as ingestion and redaction do.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import face_recognition
import numpy as np
from face_recognition import api as _fr
from PIL import Image

ENCODING_MODEL = "dlib_face_recognition_resnet_model_v1"
LANDMARK_MODEL = "small"  # 5-point
MODEL_VERSION = f"{ENCODING_MODEL}+shape_predictor_5_face_landmarks"

# Longest side detection sees in a requester's own photos (selfie, identity document): the full
# detector's floor of about 40 px is then 4 % of the photo's long side, far below any selfie's
# face and below the small "ghost" portrait of an identity card photographed whole; a check
# costs about what a 1 MP photo costs, whatever the upload's size.
QUERY_MAX_SIDE = 1000
# Longest side detection sees in a staff search upload: 4000 px (12 MP at 4:3) keeps a search
# under about 5 s and 0.5 GB, and finds faces down to 1 % of the long side.
SEARCH_MAX_SIDE = 4000

# Names the detection that found a stored photo's faces (SourcePhoto.detector). Photos stored
# before issue 14 have "": their faces under about 90 px were skipped, and `manage.py
# rescan_photos` runs this detector on them and adds what it finds.
DETECTOR = "hog-upsample-1"

Box = tuple[int, int, int, int]  # (top, right, bottom, left), face_recognition's order


@dataclass(frozen=True)
class DetectedFace:
    box: Box  # in full-resolution pixels of the upright image
    encoding: np.ndarray  # float64, shape (128,)


def _reduced(rgb: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
    """A copy whose long side is at most max_side, and the factor from its pixels to rgb's."""
    height, width = rgb.shape[:2]
    scale = max(height, width) / max_side
    if scale <= 1:
        return rgb, 1.0
    size = (max(1, round(width / scale)), max(1, round(height / scale)))
    small = Image.fromarray(rgb).resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return np.asarray(small), scale


def detect_boxes(rgb: np.ndarray, *, max_side: int | None = None) -> list[Box]:
    """Face boxes in rgb's pixels: the full detector (HOG, upsample 1) on the whole photo, or with
    max_side on a copy of at most that long side (queries where only the main face counts)."""
    image, scale = (rgb, 1.0) if max_side is None else _reduced(rgb, max_side)
    boxes = [_fr._rect_to_css(rect) for rect in _fr.face_detector(image, 1)]
    if scale != 1.0:
        boxes = [tuple(round(value * scale) for value in box) for box in boxes]
    boxes = [_fr._trim_css_to_bounds(box, rgb.shape) for box in boxes]
    return [tuple(int(v) for v in box) for box in boxes if box[2] > box[0] and box[1] > box[3]]


def encode_boxes(rgb: np.ndarray, boxes: list[Box]) -> list[np.ndarray]:
    if not boxes:
        return []
    return face_recognition.face_encodings(rgb, known_face_locations=boxes, num_jitters=1, model=LANDMARK_MODEL)


def detect_faces(rgb: np.ndarray, *, max_side: int | None = None) -> list[DetectedFace]:
    """Boxes as detect_boxes finds them, each encoded from rgb at full resolution."""
    boxes = detect_boxes(rgb, max_side=max_side)
    encodings = encode_boxes(rgb, boxes)
    return [
        DetectedFace(box=box, encoding=np.asarray(enc, dtype=np.float64))
        for box, enc in zip(boxes, encodings, strict=True)
    ]


def largest_face(faces: Sequence[DetectedFace]) -> DetectedFace:
    """The face with the largest box: the requester's own in a selfie or identity document."""
    return max(faces, key=lambda face: (face.box[2] - face.box[0]) * (face.box[1] - face.box[3]))


def box_iou(a: Box, b: Box) -> float:
    """Intersection over union of two (top, right, bottom, left) boxes."""
    top, right, bottom, left = max(a[0], b[0]), min(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3])
    if right <= left or bottom <= top:
        return 0.0
    inter = (right - left) * (bottom - top)
    union = (a[1] - a[3]) * (a[2] - a[0]) + (b[1] - b[3]) * (b[2] - b[0]) - inter
    return inter / union
