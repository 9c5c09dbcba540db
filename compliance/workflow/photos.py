"""The requester's photos (selfie, identity document): checked once and encoded once.

`photo_check` reads an upload the way the rest of the system reads images
(biometrics.images.load_image_checked: size, format from the bytes, pixel count before decoding,
corruption, EXIF orientation), counts its faces with the store's detector and re-encodes it as
JPEG (no EXIF: no GPS position, no device). The form calls it so that the citizen learns at once,
in their language, that a photo cannot be used; what it returns is kept (PendingUpload) and
filed as is by the intake (compliance.workflow.intake.photo_jpeg): the photo is encoded once.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from biometrics.faces import QUERY_MAX_SIDE, detect_boxes
from biometrics.images import ImageRejected, image_to_array, image_to_jpeg_bytes, load_image_checked

MAX_NAME_LENGTH = 120  # of the original file name shown back to the citizen
JPEG_QUALITY = 95


@dataclass(frozen=True)
class CheckedPhoto:
    """A photo that passed the checks, re-encoded as JPEG (no EXIF: no GPS position, no device)."""

    jpeg: bytes
    original_name: str
    faces: int


def display_name(name: str) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return name[:MAX_NAME_LENGTH] or gettext("photo")


def too_large_message() -> str:
    return _("The file is too large: the limit is %(mb)s MB.") % {"mb": round(settings.UPLOAD_MAX_BYTES / 1_048_576, 1)}


def photo_check(upload, *, require_single_face: bool) -> CheckedPhoto:
    """Read an uploaded photo safely, count its faces and encode it as JPEG; raise
    ImageRejected (code, a message a citizen understands) for a photo that cannot be used.

    A selfie must show exactly one face. An identity document may show two (many EU identity
    cards carry a small second "ghost" portrait), so it needs at least one."""
    if upload.size is not None and upload.size > settings.UPLOAD_MAX_BYTES:
        raise ImageRejected("too_large", too_large_message())
    image = load_image_checked(upload)
    faces = len(detect_boxes(image_to_array(image), max_side=QUERY_MAX_SIDE))
    if faces == 0 and not require_single_face:
        raise ImageRejected(
            "no_face",
            _(
                "We could not find a face on this document photo. Photograph the page with your portrait, "
                "flat and in good light."
            ),
        )
    if faces == 0:
        raise ImageRejected(
            "no_face",
            _(
                "We could not find a face in this photo. Use a clear photo of your face, looking at the camera, "
                "in good light, without sunglasses."
            ),
        )
    if require_single_face and faces > 1:
        raise ImageRejected(
            "several_faces",
            ngettext(
                "This photo shows %(count)d face. Use a photo that shows only your own face.",
                "This photo shows %(count)d faces. Use a photo that shows only your own face.",
                faces,
            )
            % {"count": faces},
        )
    return CheckedPhoto(
        jpeg=image_to_jpeg_bytes(image, quality=JPEG_QUALITY),
        original_name=display_name(upload.name),
        faces=faces,
    )
