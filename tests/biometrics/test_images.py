"""Hostile and unusual images: each is either read correctly or refused with a clear reason."""

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from biometrics.images import (
    ImageLimits,
    ImageRejected,
    image_to_array,
    image_to_jpeg_bytes,
    load_image_and_format,
    load_image_checked,
)

LIMITS = ImageLimits(max_bytes=5 * 1024 * 1024, max_pixels=40_000_000)


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def photo_jpeg(size=(120, 90)) -> bytes:
    rng = np.random.default_rng(1)
    return encode(Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)), "JPEG")


def rejected(data, limits=LIMITS) -> ImageRejected:
    with pytest.raises(ImageRejected) as info:
        load_image_checked(data, limits=limits)
    assert str(info.value.message)  # a sentence for people, never empty
    return info.value


def png_with_header_size(width: int, height: int) -> bytes:
    """A tiny valid-looking PNG whose header claims width x height (a decompression bomb)."""
    data = encode(Image.new("L", (8, 8)), "PNG")
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    patched = struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk) & 0xFFFFFFFF)
    return data[:8] + patched + data[8 + 25 :]


def test_plain_jpeg_is_read_as_rgb():
    image = load_image_checked(photo_jpeg(), limits=LIMITS)
    assert image.mode == "RGB" and image.size == (120, 90)
    assert image_to_array(image).shape == (90, 120, 3)


def test_empty_file():
    assert rejected(b"").code == "empty"


def test_random_bytes_are_not_an_image():
    assert rejected(b"this is a text file, not a photo\n" * 10).code == "not_an_image"


def test_svg_is_not_accepted():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    assert rejected(svg).code == "not_an_image"


def test_corrupt_jpeg_body():
    data = bytearray(photo_jpeg())
    data[200:600] = b"\x00" * 400  # entropy-coded data destroyed, markers intact at the start
    data[-2:] = b"\x00\x00"  # and no end-of-image marker
    error = rejected(bytes(data[:700]))
    assert error.code == "corrupt"


def test_truncated_jpeg():
    data = photo_jpeg((400, 300))
    assert rejected(data[: len(data) // 2]).code == "corrupt"


def test_truncated_png():
    rng = np.random.default_rng(2)
    data = encode(Image.fromarray(rng.integers(0, 255, (200, 200, 3), dtype=np.uint8)), "PNG")
    assert rejected(data[: len(data) // 2]).code == "corrupt"


def test_png_with_broken_checksum_and_garbage_is_corrupt():
    data = bytearray(encode(Image.new("RGB", (50, 50), "red"), "PNG"))
    data[40:60] = b"\xff" * 20
    assert rejected(bytes(data)).code == "corrupt"


def test_decompression_bomb_is_refused_from_the_header():
    bomb = png_with_header_size(30_000, 30_000)  # 900 megapixels claimed by a ~100-byte file
    assert len(bomb) < 200
    error = rejected(bomb)
    assert error.code == "too_many_pixels"
    assert "40.0 megapixels" in str(error.message)


def test_pixel_limit_is_ours_not_pillows():
    assert rejected(photo_jpeg((200, 100)), limits=ImageLimits(max_bytes=10**7, max_pixels=10_000)).code == (
        "too_many_pixels"
    )


def test_one_pixel_image_is_read():
    image = load_image_checked(encode(Image.new("RGB", (1, 1), "white"), "PNG"), limits=LIMITS)
    assert image.size == (1, 1)


def test_twenty_thousand_pixels_wide_is_absurd():
    strip = encode(Image.new("RGB", (20_000, 4), "gray"), "PNG")
    error = rejected(strip)
    assert error.code == "absurd_size"
    assert "20000 x 4" in str(error.message)


def test_file_size_limit_before_decoding():
    error = rejected(photo_jpeg((300, 300)), limits=ImageLimits(max_bytes=1000, max_pixels=10**8))
    assert error.code == "too_large"


def test_cmyk_jpeg_becomes_rgb():
    cmyk = Image.new("CMYK", (40, 30), (0, 255, 255, 0))  # pure red in CMYK
    image = load_image_checked(encode(cmyk, "JPEG"), limits=LIMITS)
    assert image.mode == "RGB"
    red, green, blue = image.getpixel((20, 15))
    assert red > 200 and green < 60 and blue < 60


def test_sixteen_bit_png_is_scaled_not_clipped():
    values = np.array([[0, 16_000, 32_000]], dtype=np.uint16)
    image = load_image_checked(encode(Image.fromarray(values), "PNG"), limits=LIMITS)
    grey = [image.getpixel((x, 0))[0] for x in range(3)]
    assert grey[0] == 0 and grey[2] == 255 and 120 <= grey[1] <= 135  # proportional, not all white


def test_rgba_png_is_composed_on_white():
    rgba = Image.new("RGBA", (10, 10), (255, 0, 0, 0))  # fully transparent red
    image = load_image_checked(encode(rgba, "PNG"), limits=LIMITS)
    assert image.mode == "RGB" and image.getpixel((5, 5)) == (255, 255, 255)


def test_animated_gif_is_refused():
    frames = [Image.new("P", (10, 10), color) for color in (1, 2, 3)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    assert rejected(data).code == "unsupported_format"


def test_animated_png_is_read_as_its_first_frame():
    frames = [Image.new("RGB", (10, 10), color) for color in ("red", "blue")]
    data = encode(frames[0], "PNG", save_all=True, append_images=frames[1:])
    assert Image.open(io.BytesIO(data)).n_frames == 2
    assert load_image_checked(data, limits=LIMITS).getpixel((5, 5)) == (255, 0, 0)


def photo(size=(120, 90), seed=3) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8))


@pytest.mark.parametrize(("fmt", "options"), [("WEBP", {}), ("WEBP", {"lossless": True}), ("AVIF", {})])
def test_web_formats_are_read(fmt, options):
    """WEBP and AVIF (what the web serves, issue 14 item 1) were refused as "WEBP images are not
    accepted"; they are read like a JPEG, pixels intact (lossless WEBP) or close (lossy)."""
    original = photo()
    data = encode(original, fmt, **options)
    assert Image.open(io.BytesIO(data)).format == fmt
    image = load_image_checked(data, limits=LIMITS)
    assert image.mode == "RGB" and image.size == (120, 90)
    if options.get("lossless"):
        assert np.array_equal(image_to_array(image), np.asarray(original))


def test_transparent_webp_is_composed_on_white():
    data = encode(Image.new("RGBA", (10, 10), (255, 0, 0, 0)), "WEBP", lossless=True)
    assert load_image_checked(data, limits=LIMITS).getpixel((5, 5)) == (255, 255, 255)


@pytest.mark.parametrize("fmt", ["WEBP", "AVIF"])
def test_animated_web_image_is_read_as_its_first_frame(fmt):
    frames = [Image.new("RGB", (64, 48), color) for color in ("red", "blue", "green")]
    data = encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100)
    assert Image.open(io.BytesIO(data)).n_frames == 3
    image = load_image_checked(data, limits=LIMITS)
    assert image.size == (64, 48)
    red, green, blue = image.getpixel((32, 24))
    assert red > 200 and green < 60 and blue < 60  # the first frame (red)


@pytest.mark.parametrize("fmt", ["WEBP", "AVIF"])
@pytest.mark.parametrize("keep", [0.5, 0.1])
def test_truncated_web_image_is_corrupt(fmt, keep):
    data = encode(photo((400, 300)), fmt)
    error = rejected(data[: int(len(data) * keep)])
    assert error.code == "corrupt"
    assert "damaged" in str(error.message)


def webp_with_header_size(width: int, height: int) -> bytes:
    """A tiny lossless WEBP whose VP8L header claims width x height (a decompression bomb)."""
    data = encode(Image.new("RGB", (8, 8)), "WEBP", lossless=True)
    header = data.index(b"VP8L") + 8  # chunk id and size, then the signature byte 0x2f
    bits = int.from_bytes(data[header + 1 : header + 5], "little")
    bits = (bits & ~((1 << 28) - 1)) | (width - 1) | ((height - 1) << 14)
    return data[: header + 1] + bits.to_bytes(4, "little") + data[header + 5 :]


@pytest.mark.parametrize("side", [8_000, 16_000])
def test_webp_decompression_bomb_is_refused_from_the_header(side):
    """Below Pillow's own bomb limit (8,000 x 8,000) our limit refuses it; above it, Pillow's
    error becomes the same refusal."""
    bomb = webp_with_header_size(side, side)
    assert len(bomb) < 100
    error = rejected(bomb)
    assert error.code == "too_many_pixels"


def test_avif_is_read_by_the_installed_pillow():
    """The wheel pinned in requirements.txt decodes AVIF itself (no plugin needed): if a build
    without it were installed, AVIF would silently become "not accepted" again."""
    from PIL import features

    assert features.check("avif")


def test_multi_picture_camera_jpeg_is_read_as_its_first_frame():
    """Phones save MPO files (the photo first, then a preview or a second view): issue 12 item 8,
    they were refused as "MPO images are not accepted"."""
    frames = [Image.new("RGB", (40, 30), color) for color in ("red", "blue")]
    data = encode(frames[0], "MPO", save_all=True, append_images=frames[1:])
    assert Image.open(io.BytesIO(data)).format == "MPO"
    image = load_image_checked(data, limits=LIMITS)
    assert image.mode == "RGB" and image.size == (40, 30)
    red, green, blue = image.getpixel((20, 15))
    assert red > 200 and blue < 60  # the first frame (red), not the second (blue)


def test_single_frame_gif_and_bmp_are_unsupported_formats_with_a_message():
    for fmt in ("GIF", "BMP"):
        error = rejected(encode(Image.new("RGB", (10, 10)), fmt))
        assert error.code == "unsupported_format"
        assert fmt in str(error.message)
        assert "JPEG, PNG, HEIC, WEBP or AVIF" in str(error.message)


def test_the_format_read_is_reported_with_the_image():
    for fmt, expected in (("WEBP", "WEBP"), ("AVIF", "AVIF"), ("PNG", "PNG"), ("JPEG", "JPEG")):
        image, read = load_image_and_format(encode(photo(), fmt), limits=LIMITS)
        assert read == expected and image.size == (120, 90)


def test_wrong_extension_is_read_from_the_bytes(tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(encode(Image.new("RGB", (30, 20), "blue"), "PNG"))
    assert load_image_checked(path, limits=LIMITS).size == (30, 20)


def test_polyglot_jpeg_with_appended_archive_reads_and_reencoding_drops_the_payload():
    payload = b"PK\x03\x04" + b"<script>alert(1)</script>" * 20
    image = load_image_checked(photo_jpeg() + payload, limits=LIMITS)
    assert image.size == (120, 90)
    assert b"<script>" not in image_to_jpeg_bytes(image)


def test_html_with_a_jpeg_signature_is_corrupt_not_a_crash():
    assert rejected(b"\xff\xd8\xff\xe0" + b"<html><body>hello</body></html>" * 5).code == "corrupt"


def test_exif_orientation_is_applied(faces_dir):
    raw = Image.open(faces_dir / "odd" / "obama_exif_rotated.jpg")
    upright = load_image_checked(faces_dir / "odd" / "obama_exif_rotated.jpg", limits=LIMITS)
    assert raw.size == (1200, 626)
    assert upright.size == (626, 1200)


def test_unreadable_path():
    assert rejected("/nonexistent/photo.jpg").code == "unreadable"


def test_file_object_is_read_from_the_start():
    handle = io.BytesIO(photo_jpeg())
    handle.read(10)
    assert load_image_checked(handle, limits=LIMITS).size == (120, 90)
