"""Safe loading of untrusted images (uploads, scraped files).

Steps, in order, each failing with an `ImageRejected` whose message can be shown to a citizen:
1. size: empty files and files above UPLOAD_MAX_BYTES are refused before decoding;
2. header: Pillow identifies the format from the bytes (never from the file name or the
   declared content type); only JPEG (and MPO, a phone's multi-picture JPEG), PNG, HEIC/HEIF,
   WEBP and AVIF are accepted (ACCEPTED_FORMATS);
3. dimensions: width x height is checked against UPLOAD_MAX_PIXELS and each side against
   MAX_SIDE from the header, before any pixel is decoded, so a decompression bomb never
   allocates its memory and a 20,000-pixel-wide strip is refused as absurd;
4. decoding: only the first frame is decoded (an animated WEBP, AVIF or PNG, an MPO's main
   photo); truncated or corrupt data raises here (Pillow's truncated-image tolerance is off);
5. orientation: the EXIF Orientation tag is applied (phones store selfies rotated);
6. colour: every mode (RGBA, P, L, I;16, CMYK ...) becomes 8-bit RGB; transparency is composed
   on white.
"""

import io
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError, features

try:  # HEIC/HEIF (iPhone photos) through libheif, when the wheel is installed
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIF_FORMATS = {"HEIF"}
except ImportError:  # pragma: no cover - pillow-heif is in requirements.txt
    HEIF_FORMATS = set()

# weasyprint and face_recognition both set Pillow's global LOAD_TRUNCATED_IMAGES to True when
# imported, which would let a truncated upload decode as a half-grey picture. The loader below
# switches it back off right before every decode, whatever was imported since.
ImageFile.LOAD_TRUNCATED_IMAGES = False
# What Pillow's decoders and its EXIF parser raise on malformed input (all of them were seen on
# fuzzed files); each becomes a "corrupt" rejection instead of a server error.
_DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    struct.error,
    KeyError,
    IndexError,
    TypeError,
    ZeroDivisionError,
)
# MPO is how phones and stereo cameras save several pictures in one JPEG file (the main photo
# first, then previews or a second view). It, and every animated file (WEBP, AVIF, APNG), is
# read as its first frame: the photo itself, or the still a browser shows before playing.
MULTI_PICTURE_FORMATS = {"MPO"}
# WEBP and AVIF are what the web serves, and the store is scraped from the web. Pillow reads both
# itself (AVIF since Pillow 11.3 through its bundled libavif; the check keeps a Pillow built
# without it from accepting files it then calls damaged).
WEB_FORMATS = {"WEBP", *({"AVIF"} if features.check("avif") else set())}
ACCEPTED_FORMATS = {"JPEG", "PNG", *HEIF_FORMATS, *MULTI_PICTURE_FORMATS, *WEB_FORMATS}
# For a file input's `accept` attribute: what the browser's file picker offers first (the bytes
# are checked here whatever the picker let through).
ACCEPT_ATTRIBUTE = (
    "image/jpeg,image/png,image/heic,image/heif,image/webp,image/avif,.jpg,.jpeg,.png,.heic,.heif,.webp,.avif,.mpo"
)
# What a stored original is named after (from the format Pillow read, never the file name).
FORMAT_SUFFIX = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "HEIF": ".heic", "WEBP": ".webp", "AVIF": ".avif"}


class ImageRejected(Exception):
    """An image we will not process; `code` is stable for tests and logs, `message` is for people."""

    def __init__(self, code: str, message):
        super().__init__(code)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


# No camera or scraped photo is wider or taller than this; longer sides are banners, strips or
# attacks on the decoder, and dlib's detector would spend seconds on them.
MAX_SIDE = 12_000


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int
    max_pixels: int
    max_side: int = MAX_SIDE

    @classmethod
    def from_settings(cls) -> "ImageLimits":
        return cls(max_bytes=settings.UPLOAD_MAX_BYTES, max_pixels=settings.UPLOAD_MAX_PIXELS)


def _read_bytes(source: str | Path | bytes | BinaryIO, limit: int) -> bytes:
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str | Path):
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise ImageRejected("unreadable", _("The file could not be read.")) from exc
        if size > limit:
            raise _too_large(limit)
        data = path.read_bytes()
    else:
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(limit + 1)
        if hasattr(source, "seek"):
            source.seek(0)
    if len(data) > limit:
        raise _too_large(limit)
    if not data:
        raise ImageRejected("empty", _("The file is empty."))
    return data


def _too_large(limit: int) -> ImageRejected:
    return ImageRejected(
        "too_large", _("The file is too large: the limit is %(mb)s MB.") % {"mb": round(limit / 1_048_576, 1)}
    )


def load_image_checked(source: str | Path | bytes | BinaryIO, *, limits: ImageLimits | None = None) -> Image.Image:
    """Return the image as an upright 8-bit RGB Pillow image, or raise ImageRejected."""
    return load_image_and_format(source, limits=limits)[0]


def load_image_and_format(
    source: str | Path | bytes | BinaryIO, *, limits: ImageLimits | None = None
) -> tuple[Image.Image, str]:
    """`load_image_checked`, and the format Pillow read from the bytes ("JPEG", "WEBP" ...): the
    RGB copy no longer knows it, and ingestion names the stored original after it."""
    limits = limits or ImageLimits.from_settings()
    data = _read_bytes(source, limits.max_bytes)
    with warnings.catch_warnings():
        # Pillow warns (and past 2x its own limit raises) on decompression bombs; we check the
        # pixel count ourselves first, with our own limit, so both become a plain rejection.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels(limits.max_pixels) from exc
        except UnidentifiedImageError as exc:
            if _has_accepted_signature(data):
                raise ImageRejected("corrupt", _("The image file is damaged and cannot be read.")) from exc
            raise ImageRejected(
                "not_an_image", _("This file is not an image we can read (use JPEG, PNG, HEIC, WEBP or AVIF).")
            ) from exc
        except (OSError, SyntaxError, ValueError) as exc:
            raise ImageRejected("corrupt", _("The image file is damaged and cannot be read.")) from exc
        if image.format not in ACCEPTED_FORMATS:
            raise ImageRejected(
                "unsupported_format",
                _("%(format)s images are not accepted: use JPEG, PNG, HEIC, WEBP or AVIF.")
                % {"format": image.format or "This"},
            )
        width, height = image.size
        if width < 1 or height < 1 or width * height > limits.max_pixels:
            raise _too_many_pixels(limits.max_pixels)
        if max(width, height) > limits.max_side:
            raise ImageRejected(
                "absurd_size",
                _("The image is %(width)s x %(height)s pixels: no side may be longer than %(limit)s pixels.")
                % {"width": width, "height": height, "limit": limits.max_side},
            )
        source_format = image.format
        try:
            ImageFile.LOAD_TRUNCATED_IMAGES = False
            if getattr(image, "n_frames", 1) > 1:
                image.seek(0)  # every frame has the checked size; only the first is decoded
            image.load()
            image = ImageOps.exif_transpose(image)
            return _to_rgb(image), source_format
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels(limits.max_pixels) from exc
        except MemoryError as exc:
            raise _too_many_pixels(limits.max_pixels) from exc
        except _DECODE_ERRORS as exc:
            raise ImageRejected("corrupt", _("The image file is damaged or incomplete and cannot be read.")) from exc


def _has_accepted_signature(data: bytes) -> bool:
    """Starts like a JPEG, PNG, WEBP or HEIF/AVIF file (so a failure to read it means damage,
    not format)."""
    return (
        data[:3] == b"\xff\xd8\xff"
        or data[:8] == b"\x89PNG\r\n\x1a\n"
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
        or data[4:8] == b"ftyp"
    )


def _too_many_pixels(limit: int) -> ImageRejected:
    return ImageRejected(
        "too_many_pixels",
        _("The image has too many pixels: the limit is %(mp)s megapixels.") % {"mp": round(limit / 1_000_000, 1)},
    )


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode in {"I;16", "I;16B", "I;16L", "I"}:
        # 16/32-bit greyscale: scale to 8 bits instead of clipping everything above 255 to white.
        array = np.asarray(image, dtype=np.float64)
        peak = array.max() or 1.0
        image = Image.fromarray((array * (255.0 / peak)).astype(np.uint8), mode="L")
    if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def image_to_array(image: Image.Image) -> np.ndarray:
    """HxWx3 uint8 array, the layout face_recognition expects (no copy when already RGB)."""
    if image.mode != "RGB":
        image = image.convert("RGB")
    return np.asarray(image, dtype=np.uint8)


def image_to_jpeg_bytes(image: Image.Image, *, quality: int = 90) -> bytes:
    """Re-encode: drops EXIF (GPS, device) and any payload appended to the original bytes."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()
