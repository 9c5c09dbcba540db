"""A deterministic set of large photos with small faces, built from the shared photos (issue 14).

Steps, all driven by one seed:
1. sources: the single-face shared photos whose face is found at 180 px or more, not cut by the
   border (so a pasted face is mostly a reduction, never a blow-up of a tiny face);
2. background: a large image (3000-4000 px long side) of smooth coloured value noise at several
   scales with blocks, bars and a fine grain: texture everywhere for the HOG features to see, and
   no face (detections that match no pasted face are reported by the benchmark, not hidden);
3. faces: for each size in FACE_SIZES (percent of the long side), the head of a source photo
   (the face box plus MARGIN of its size on each side) is scaled so that the face box is that
   size, blended in through a feathered ellipse at a random free place, and its box recorded;
4. the photo is saved as a JPEG (quality 92), the way scraped photos arrive.

Nothing is stored in the repository: tests and benchmarks generate the set into a temp folder.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from biometrics.faces import Box, box_iou, detect_boxes
from biometrics.images import ImageLimits, image_to_array, load_image_checked

# Percent of the long side. 1 % of 3000-4000 px is 30-40 px, at and under the full detector's
# floor (about 40 px); 1.5-3 % (45-120 px) is where the detector before issue 14 lost faces.
FACE_SIZES = (1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 10)
LONG_SIDES = (3000, 3500, 4000)
MARGIN = 0.6  # of the face box, on each side: forehead, hair, ears and chin come with the face
MIN_SOURCE_FACE = 180
_LIMITS = ImageLimits(max_bytes=50 * 1024 * 1024, max_pixels=100_000_000)


@dataclass(frozen=True)
class PastedFace:
    box: Box  # (top, right, bottom, left) in the generated photo
    size_percent: float
    source: str  # the shared photo's path in the manifest


@dataclass(frozen=True)
class SmallFacePhoto:
    path: Path
    width: int
    height: int
    faces: tuple[PastedFace, ...]


@dataclass(frozen=True)
class _Source:
    path: str
    rgb: np.ndarray
    box: Box


def _candidates(faces_dir: Path) -> list[str]:
    with open(faces_dir / "manifest.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [row["path"] for row in rows if row["faces"] == "1" and row["path"].startswith("people/")]


@cache
def _source(faces_dir: Path, path: str) -> _Source | None:
    """The photo and its face box, or None when it is not a usable source (face too small, or cut
    by the border). The box is the full detector's (biometrics.faces.detect_boxes)."""
    rgb = image_to_array(load_image_checked(faces_dir / path, limits=_LIMITS))
    boxes = detect_boxes(rgb)
    if len(boxes) != 1:
        return None
    top, right, bottom, left = boxes[0]
    inside = top > 0 and left > 0 and bottom < rgb.shape[0] and right < rgb.shape[1]
    if not inside or min(bottom - top, right - left) < MIN_SOURCE_FACE:
        return None
    return _Source(path=path, rgb=rgb, box=boxes[0])


def _pick_source(faces_dir: Path, picker: random.Random) -> _Source:
    candidates = _candidates(faces_dir)
    for _ in range(10 * len(candidates)):
        source = _source(faces_dir, candidates[picker.randrange(len(candidates))])
        if source is not None:
            return source
    raise ValueError(f"no single-face photo with a face of {MIN_SOURCE_FACE} px or more in {faces_dir}")


def _background(rng: np.random.Generator, width: int, height: int) -> Image.Image:
    """Smooth coloured noise (octaves of 8 to 128 cells across) with blocks and bars, drawn at a
    quarter of the size and enlarged, then a fine grain at full size, as a camera sensor adds."""
    small_width, small_height = width // 4, height // 4
    canvas = np.zeros((small_height, small_width, 3), np.float32)
    weight = 1.0
    for cells in (8, 16, 32, 64, 128):
        cells_down = max(2, cells * height // width)
        noise = Image.fromarray((rng.random((cells_down, cells, 3)) * 255).astype(np.uint8))
        canvas += weight * np.asarray(noise.resize((small_width, small_height), Image.Resampling.BICUBIC), np.float32)
        weight *= 0.55
    image = Image.fromarray((canvas / canvas.max() * 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = int(rng.integers(0, small_width)), int(rng.integers(0, small_height))
        w = int(rng.integers(small_width // 40, small_width // 6))
        h = int(rng.integers(small_height // 40, small_height // 6))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.rectangle((x, y, x + w, y + h), fill=colour)
        else:
            draw.line((x, y, x + w, y + h), fill=colour, width=int(rng.integers(1, 8)))
    image = image.filter(ImageFilter.GaussianBlur(radius=1)).resize((width, height), Image.Resampling.BICUBIC)
    grain = rng.integers(-6, 7, (height, width, 1), dtype=np.int16)
    return Image.fromarray(np.clip(np.asarray(image, np.int16) + grain, 0, 255).astype(np.uint8))


def _head(source: _Source) -> tuple[Image.Image, Box]:
    """The source cropped to its face box plus MARGIN on each side, and the box inside the crop."""
    top, right, bottom, left = source.box
    height, width = source.rgb.shape[:2]
    grow_x, grow_y = round((right - left) * MARGIN), round((bottom - top) * MARGIN)
    crop_left, crop_top = max(0, left - grow_x), max(0, top - grow_y)
    crop_right, crop_bottom = min(width, right + grow_x), min(height, bottom + grow_y)
    crop = Image.fromarray(source.rgb[crop_top:crop_bottom, crop_left:crop_right])
    return crop, (top - crop_top, right - crop_left, bottom - crop_top, left - crop_left)


def _feathered_mask(width: int, height: int) -> Image.Image:
    feather = max(2, min(width, height) // 14)
    mask = Image.new("L", (width, height), 0)
    ImageDraw.Draw(mask).ellipse((feather, feather, width - 1 - feather, height - 1 - feather), fill=255)
    return mask.filter(ImageFilter.GaussianBlur(radius=feather / 2))


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def make_photo(
    faces_dir: Path,
    target: Path,
    *,
    seed: int,
    long_side: int,
    sizes: tuple[float, ...] = FACE_SIZES,
    portrait: bool = False,
) -> SmallFacePhoto:
    """One photo with one pasted face per size in `sizes`, written to `target` as a JPEG."""
    faces_dir = Path(faces_dir).resolve()
    rng = np.random.default_rng(seed)
    picker = random.Random(seed)
    short_side = long_side * 3 // 4
    width, height = (short_side, long_side) if portrait else (long_side, short_side)
    image = _background(rng, width, height)
    placed: list[tuple[int, int, int, int]] = []  # (left, top, right, bottom) of each pasted head
    faces = []
    for size in sorted(sizes, reverse=True):  # the largest first, while there is room
        source = _pick_source(faces_dir, picker)
        crop, (top, right, bottom, left) = _head(source)
        scale = size / 100 * long_side / (right - left)
        crop_width, crop_height = max(1, round(crop.width * scale)), max(1, round(crop.height * scale))
        head = crop.resize((crop_width, crop_height), Image.Resampling.LANCZOS)
        for _ in range(500):
            x = picker.randrange(0, width - crop_width)
            y = picker.randrange(0, height - crop_height)
            spot = (x, y, x + crop_width, y + crop_height)
            if not any(_overlaps(spot, other) for other in placed):
                break
        else:
            raise ValueError(f"no room for a {size} % face in a {width}x{height} photo")
        placed.append(spot)
        image.paste(head, (x, y), _feathered_mask(crop_width, crop_height))
        box = (
            y + round(top * scale),
            x + round(right * scale),
            y + round(bottom * scale),
            x + round(left * scale),
        )
        faces.append(PastedFace(box=box, size_percent=size, source=source.path))
    target.parent.mkdir(parents=True, exist_ok=True)
    image.save(target, format="JPEG", quality=92)
    return SmallFacePhoto(path=target, width=width, height=height, faces=tuple(faces))


def make_set(faces_dir: Path, folder: Path, *, photos: int = 6, seed: int = 14) -> list[SmallFacePhoto]:
    """`photos` photos cycling through LONG_SIDES, every other one in portrait, each with one face
    of every size in FACE_SIZES."""
    return [
        make_photo(
            faces_dir,
            Path(folder) / f"small-faces-{number:02d}.jpg",
            seed=seed * 1000 + number,
            long_side=LONG_SIDES[number % len(LONG_SIDES)],
            portrait=number % 2 == 1,
        )
        for number in range(photos)
    ]


def found(face: PastedFace, boxes: list[Box], *, min_iou: float = 0.5) -> Box | None:
    """The detected box that is this pasted face, if any."""
    best = max(boxes, key=lambda box: box_iou(face.box, box), default=None)
    return best if best is not None and box_iou(face.box, best) >= min_iou else None
