"""Face detection and encoding with face_recognition (dlib).

Encodings use dlib's ResNet model with the default 5-point landmark predictor (`model="small"`):
the 68-point predictor's licence forbids commercial use without clearance.

Detection runs on a downscaled copy (HOG cost grows with pixel count; a 1080p frame takes about
0.7 s at upsample 1 against 0.16 s at upsample 0), the boxes are mapped back, and encodings are
computed from the full-resolution image so that they match a naive full-size run.
"""

from dataclasses import dataclass

import face_recognition
import numpy as np

ENCODING_MODEL = "dlib_face_recognition_resnet_model_v1"
LANDMARK_MODEL = "small"  # 5-point
MODEL_VERSION = f"{ENCODING_MODEL}+shape_predictor_5_face_landmarks"

# Longest side of the copy that detection runs on. HOG with upsample 1 finds faces down to
# about 40 px, so at this size it finds faces of about 40 * scale px in the original.
DETECT_MAX_SIDE = 1024


@dataclass(frozen=True)
class DetectedFace:
    box: tuple[int, int, int, int]  # (top, right, bottom, left) in full-resolution pixels
    encoding: np.ndarray  # float64, shape (128,)


def detect_boxes(
    rgb: np.ndarray, *, max_side: int = DETECT_MAX_SIDE, upsample: int = 1
) -> list[tuple[int, int, int, int]]:
    height, width = rgb.shape[:2]
    scale = min(1.0, max_side / max(height, width))
    if scale < 1.0:
        from PIL import Image

        small = np.asarray(
            Image.fromarray(rgb).resize((max(1, round(width * scale)), max(1, round(height * scale))), Image.BILINEAR)
        )
    else:
        small = rgb
    boxes = face_recognition.face_locations(small, number_of_times_to_upsample=upsample, model="hog")
    if scale == 1.0:
        return [tuple(int(v) for v in box) for box in boxes]
    mapped = []
    for top, right, bottom, left in boxes:
        mapped.append(
            (
                max(0, round(top / scale)),
                min(width, round(right / scale)),
                min(height, round(bottom / scale)),
                max(0, round(left / scale)),
            )
        )
    return mapped


def encode_boxes(rgb: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> list[np.ndarray]:
    if not boxes:
        return []
    return face_recognition.face_encodings(rgb, known_face_locations=boxes, num_jitters=1, model=LANDMARK_MODEL)


def detect_faces(rgb: np.ndarray, *, max_side: int = DETECT_MAX_SIDE, upsample: int = 1) -> list[DetectedFace]:
    boxes = detect_boxes(rgb, max_side=max_side, upsample=upsample)
    encodings = encode_boxes(rgb, boxes)
    return [
        DetectedFace(box=box, encoding=np.asarray(enc, dtype=np.float64))
        for box, enc in zip(boxes, encodings, strict=True)
    ]
