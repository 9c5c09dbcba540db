"""Irreversibly blurring faces in an image.

Used twice when answering data-subject requests:
- the access copy (GDPR Art. 15(4), the rights and freedoms of others): every face in a matched
  photo except the requester's is blurred, both the faces stored for the photo and any face the
  detector finds again in the copy (so a face the ingestion missed is not disclosed either);
- the erasure of a face from a photo that other people are also in (GDPR Art. 17): the
  requester's face is blurred in the stored file and the others are kept.

Faces to blur that are not stored are found with the full detector (`detect_all_faces`:
face_recognition's HOG with upsample 1 on every pyramid level, down to faces of about 40 px),
the one ingestion uses (biometrics.faces); a photo stored before ingestion used it (faces under
about 90 px were skipped until issue 14) is covered all the same.

A blurred region is pixelated to a few blocks across and then Gaussian-blurred, over the face
box enlarged on every side (hair, ears and jaw identify people too). Pixelation alone can be
partly undone by matching candidates; a face reduced to ~6 blocks and then smoothed cannot be
recognised or re-identified by the encoder (tests check the detector no longer finds it).
"""

from collections.abc import Iterable

from PIL import Image, ImageFilter

from biometrics.faces import detect_boxes
from biometrics.images import image_to_array

Box = tuple[int, int, int, int]  # (top, right, bottom, left), face_recognition order

EXPAND = 0.3  # fraction of the box width/height added on each side
BLOCKS_ACROSS = 6


def expanded(box: Box, width: int, height: int, *, expand: float = EXPAND) -> tuple[int, int, int, int]:
    """The box enlarged by `expand` on each side and clipped to the image, as (left, top, right, bottom)."""
    top, right, bottom, left = box
    grow_x = round((right - left) * expand)
    grow_y = round((bottom - top) * expand)
    return (
        max(0, left - grow_x),
        max(0, top - grow_y),
        min(width, right + grow_x),
        min(height, bottom + grow_y),
    )


def overlap_ratio(a: Box, b: Box) -> float:
    """Intersection over the smaller box's area (1.0 when one box lies inside the other)."""
    top, right = max(a[0], b[0]), min(a[1], b[1])
    bottom, left = min(a[2], b[2]), max(a[3], b[3])
    if right <= left or bottom <= top:
        return 0.0
    inter = (right - left) * (bottom - top)
    smaller = min((a[1] - a[3]) * (a[2] - a[0]), (b[1] - b[3]) * (b[2] - b[0]))
    return inter / smaller if smaller > 0 else 0.0


def detect_all_faces(image: Image.Image) -> list[Box]:
    """Every face the full detector finds in `image` (RGB), whatever its size."""
    return detect_boxes(image_to_array(image))


def blur_faces(image: Image.Image, boxes: Iterable[Box], *, expand: float = EXPAND) -> Image.Image:
    """A copy of `image` (RGB) with each box pixelated and blurred beyond recognition."""
    result = image.convert("RGB").copy()
    width, height = result.size
    for box in boxes:
        left, top, right, bottom = expanded(box, width, height, expand=expand)
        if right - left < 2 or bottom - top < 2:
            continue
        region = result.crop((left, top, right, bottom))
        region_width, region_height = region.size
        blocks_x = max(1, min(BLOCKS_ACROSS, region_width))
        blocks_y = max(1, min(region_height, round(BLOCKS_ACROSS * region_height / region_width)))
        region = region.resize((blocks_x, blocks_y), Image.Resampling.BOX).resize(
            (region_width, region_height), Image.Resampling.NEAREST
        )
        region = region.filter(ImageFilter.GaussianBlur(radius=max(2, region_width // 8)))
        result.paste(region, (left, top))
    return result


def boxes_to_blur_for_access_copy(
    *, keep: list[Box], stored: list[Box], detected: list[Box], same_face_overlap: float = 0.5
) -> list[Box]:
    """Every face but the requester's: stored faces not kept, plus freshly detected faces that are
    not the requester's (a detected box overlapping a kept box by `same_face_overlap` of the
    smaller box is the kept face itself)."""
    to_blur = [box for box in stored if box not in keep]
    for box in detected:
        if any(overlap_ratio(box, kept) >= same_face_overlap for kept in keep):
            continue
        if any(overlap_ratio(box, other) >= same_face_overlap for other in to_blur):
            continue
        to_blur.append(box)
    return to_blur
