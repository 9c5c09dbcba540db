"""Face detection and encoding with face_recognition (dlib).

Encodings use dlib's ResNet model with the default 5-point landmark predictor (`model="small"`):
the 68-point predictor's licence forbids commercial use without clearance.

Why detection is not simply "run HOG on a downscaled copy": an encoding depends on the exact
box it is computed from (a one-pixel change in the box moves the 5 landmarks by a pixel, which
moves the encoding by about 0.03), so boxes found at an arbitrary scale give encodings up to
0.15 away from those of a plain `face_locations` + `face_encodings` run. Instead detection
reproduces the plain run's own image pyramid and skips only its most expensive levels:

1. The plain run (upsample 1) scans P_0 = the image upsampled to twice its size, then
   P_1, P_2 ... each 5/6 of the previous one (dlib `pyramid_down<6>`). Level k finds faces of
   about `36 * 1.2**k` pixels and up (its 80-pixel window is that big in the photo); most of the
   run's time is the HOG scan of the first, largest levels.
2. We skip k levels: enough that P_k's long side is at most DETECT_MAX_SIDE, but never more than
   MAX_SKIPPED_LEVELS (5), so that faces of about 90 px and up are found in a photo of any size.
3. P_k is built pixel for pixel as the plain run builds it (dlib's bilinear pyramid_up, then k
   times pyramid_down<6>), and the detector runs on it without upsampling: it scans P_k,
   P_k+1 ... exactly as the plain run scans them. Any shortcut in building P_k (one bilinear
   resize for the first levels, tried before) moves about one box in twenty by a pixel or a level.
4. Each box is mapped back to the original image with dlib's own point mapping through k + j
   levels (j being the level inside P_k where it was found), rounded exactly where dlib rounds,
   so that the box equals the plain run's box.
5. Encodings are computed from the full-resolution image, as in the plain run.

What it finds (tests/biometrics/test_faces.py, benchmarks/ingest.py --small-faces 12):
- every face of the plain run at about 90 px (36 * 1.2**5) and up, with the plain run's box, so
  its encoding is the plain run's to the last bit: on the shared photos (29 faces) and on large
  photos with faces pasted at 3, 4, 5, 6, 7 and 10 % of a 3000-4000 px long side (recall 100 %
  at every size, like the plain run; starting at 1152 px as before found none of 12 at 3 and 4 %,
  5 at 5 %, 11 at 6 %);
- not the faces the plain run finds between its own floor (about 40 px) and 36 * 1.2**k px: 44
  to 90 px, i.e. 6.3 to 7.6 % of the long side of photos of 580-1430 px and about 90 px in larger
  ones (2.3 % of a 4000 px photo; it was 7 %, 280 px). A face of 75-90 px may also be found one
  level higher than the plain run finds it, with a box that is not the plain run's. Photos of
  576 px or less run the plain detector unchanged. Redaction of third parties never relies on
  this: it runs the full detector (biometrics.redaction.detect_all_faces).

Cost: building P_k exactly costs about as much as the plain run's own pyramid (P_0 of a
4000 x 3000 photo is 48 MP; about 1 s of the plain run's 5-6 s), and encoding costs the same as
in the plain run (about 85 ms a face), so what is saved is the HOG scan of levels 0-4. Measured
by `python -m benchmarks.ingest --small-faces 12 --min-photos 74 --no-store` (25 shared + 12
large photos, twice), with the second core free (load average 1.4 2.4 2.7 during the run):
naive loop 0.59 photos/s, fast pipeline with 2 processes 2.54 photos/s, ratio 4.29x against the
4x target (PASS); CPU per photo 774 ms against the plain run's 1686 ms (one process 2.18x
cheaper; the rest is the second process). An earlier run while other work held the second core
(load average 4.3) gave 2.56x: the ratio needs both cores, and one process cannot be made much
cheaper while its boxes stay the plain run's.

Photos whose upsampled copy would exceed EXACT_MAX_PIXELS (above 16 MP) get their first levels
from one bilinear resize instead, to bound a worker's memory; their boxes may then differ as in
step 3.
"""

import math
from dataclasses import dataclass

import dlib
import face_recognition
import numpy as np
from face_recognition import api as _fr

ENCODING_MODEL = "dlib_face_recognition_resnet_model_v1"
LANDMARK_MODEL = "small"  # 5-point
MODEL_VERSION = f"{ENCODING_MODEL}+shape_predictor_5_face_landmarks"

# Longest side of the pyramid level that detection starts from, in photos small enough that
# MAX_SKIPPED_LEVELS does not stop it first (up to 1433 px): faces down to 6.3-7.6 % of the
# long side (the smallest face in the shared group photos is 7.7 %; at 1024 px it is found with
# a score just above the threshold, too close to rely on).
DETECT_MAX_SIDE = 1152
# Never skip more levels than this: level 5 finds faces of about 36 * 1.2**5 = 90 px, in a photo
# of any size (3 % of a 3000 px photo). Each level fewer costs a third more HOG scanning.
MAX_SKIPPED_LEVELS = 5
# Above this many pixels in the upsampled copy (photos above 16 MP) the first levels are one
# bilinear resize instead of the exact chain, so that a worker never holds gigabytes of pyramid.
EXACT_MAX_PIXELS = 64_000_000

_LEVEL_RATIO = 6 / 5
_LEVEL_BOX = 73.0  # height in pixels of the frontal detector's box at the level it was found
_PYRAMID_6 = dlib.pyramid_down(6)
_PYRAMID_2 = dlib.pyramid_down(2)

Box = tuple[int, int, int, int]  # (top, right, bottom, left), face_recognition's order


@dataclass(frozen=True)
class DetectedFace:
    box: Box  # in full-resolution pixels of the upright image
    encoding: np.ndarray  # float64, shape (128,)


def levels_to_skip(
    height: int, width: int, *, max_side: int | None, upsample: int = 1, max_skip: int = MAX_SKIPPED_LEVELS
) -> int:
    """How many levels of the plain run's pyramid to skip: enough that detection starts at most
    max_side, never more than max_skip (the levels below max_skip find the small faces)."""
    if max_side is None:
        return 0
    long_side = max(height, width) * (2**upsample)
    if long_side <= max_side:
        return 0
    return min(max_skip, math.ceil(math.log(long_side / max_side) / math.log(_LEVEL_RATIO)))


def _round(value: float) -> int:
    # dlib converts dpoint -> point by rounding half away from zero.
    return math.floor(value + 0.5) if value >= 0 else -math.floor(-value + 0.5)


def _level_image(rgb: np.ndarray, *, skip: int, upsample: int) -> np.ndarray:
    """P_skip, pixel for pixel as the plain run builds it: dlib's pyramid_up (a bilinear resize to
    `rect_up`'s size), then `skip` times pyramid_down<6>. Only when the upsampled photo would be
    larger than EXACT_MAX_PIXELS are its first levels replaced by one bilinear resize."""
    height, width = rgb.shape[:2]
    if upsample:
        up = _PYRAMID_2.rect_up(dlib.rectangle(0, 0, width - 1, height - 1))
        width, height = up.right() + 1, up.bottom() + 1
    approximated = 0
    while approximated < skip and width * height > EXACT_MAX_PIXELS:
        width, height = (5 * width) // 6, (5 * height) // 6
        approximated += 1
    level = dlib.resize_image(rgb, height, width) if upsample or approximated else rgb
    for _ in range(skip - approximated):
        level = _PYRAMID_6(level)
    return level


def _box_from_level(rect, *, skip: int, upsample: int) -> dlib.rectangle:
    """Map a detection on P_skip back to the original image exactly as the plain run would."""
    inner = max(0, round(math.log(max(rect.height(), 1) / _LEVEL_BOX) / math.log(_LEVEL_RATIO)))
    corners = [dlib.dpoint(rect.left(), rect.top()), dlib.dpoint(rect.right(), rect.bottom())]
    for _ in range(inner):
        corners = [_PYRAMID_6.point_down(p) for p in corners]
    corners = [dlib.dpoint(_round(p.x), _round(p.y)) for p in corners]  # the box at its own level
    for _ in range(skip + inner):
        corners = [_PYRAMID_6.point_up(p) for p in corners]
    box = dlib.rectangle(*(_round(v) for v in (corners[0].x, corners[0].y, corners[1].x, corners[1].y)))
    return _PYRAMID_2.rect_down(box) if upsample else box


def detect_boxes(
    rgb: np.ndarray, *, max_side: int | None = DETECT_MAX_SIDE, upsample: int = 1, max_skip: int = MAX_SKIPPED_LEVELS
) -> list[Box]:
    """Face boxes in full-resolution pixels; `max_side=None` runs the plain detector on everything."""
    if upsample not in (0, 1):
        raise ValueError("upsample must be 0 or 1")
    height, width = rgb.shape[:2]
    skip = levels_to_skip(height, width, max_side=max_side, upsample=upsample, max_skip=max_skip)
    if skip == 0:
        rects = _fr.face_detector(rgb, upsample)
    else:
        level = _level_image(rgb, skip=skip, upsample=upsample)
        rects = [_box_from_level(rect, skip=skip, upsample=upsample) for rect in _fr.face_detector(level, 0)]
    boxes = [_fr._trim_css_to_bounds(_fr._rect_to_css(rect), rgb.shape) for rect in rects]
    return [tuple(int(v) for v in box) for box in boxes if box[2] > box[0] and box[1] > box[3]]


def encode_boxes(rgb: np.ndarray, boxes: list[Box]) -> list[np.ndarray]:
    if not boxes:
        return []
    return face_recognition.face_encodings(rgb, known_face_locations=boxes, num_jitters=1, model=LANDMARK_MODEL)


def detect_faces(
    rgb: np.ndarray, *, max_side: int | None = DETECT_MAX_SIDE, upsample: int = 1, max_skip: int = MAX_SKIPPED_LEVELS
) -> list[DetectedFace]:
    boxes = detect_boxes(rgb, max_side=max_side, upsample=upsample, max_skip=max_skip)
    encodings = encode_boxes(rgb, boxes)
    return [
        DetectedFace(box=box, encoding=np.asarray(enc, dtype=np.float64))
        for box, enc in zip(boxes, encodings, strict=True)
    ]
