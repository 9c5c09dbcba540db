"""Property-based tests (hypothesis) of the functions that stand between untrusted input and the
system: the image loader every upload and scraped file goes through, the legal deadline of a
request, and the partial dates of the enforcement record.

Derandomized with bounded example counts so that CI runs the same examples every time.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from biometrics.images import ImageLimits, ImageRejected, load_image_checked
from compliance.deadlines import add_months, due_date_for, is_working_day
from enforcement.dates import DatePrecision, parse_partial_date, partial_date_display, partial_date_iso

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
LIMITS = ImageLimits(max_bytes=2_000_000, max_pixels=4_000_000, max_side=4_000)


def encoded(mode: str, size: tuple[int, int], fmt: str) -> bytes:
    image = Image.new(mode, size)
    # Some texture, so that mutations hit entropy-coded data and not only constant runs.
    if mode in ("RGB", "RGBA", "L", "LA", "P", "CMYK"):
        for x in range(0, size[0], 3):
            for y in range(0, size[1], 2):
                image.putpixel(
                    (x, y), (x * 7 + y) % 255 if mode in ("L", "P") else tuple([(x * 7 + y) % 255] * len(mode))
                )
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


BASE_JPEG = encoded("RGB", (48, 32), "JPEG")
BASE_PNG = encoded("RGBA", (40, 30), "PNG")


def loads_or_rejects(data: bytes):
    """The only acceptable outcomes: an 8-bit RGB image, or ImageRejected with a message."""
    try:
        image = load_image_checked(data, limits=LIMITS)
    except ImageRejected as rejected:
        assert rejected.code and str(rejected.message)
        return None
    assert image.mode == "RGB"
    assert 1 <= image.width <= LIMITS.max_side and 1 <= image.height <= LIMITS.max_side
    assert image.width * image.height <= LIMITS.max_pixels
    return image


@PROPERTY_SETTINGS
@given(st.binary(max_size=4096))
def test_random_bytes_are_rejected_cleanly(data):
    loads_or_rejects(data)


@PROPERTY_SETTINGS
@given(
    st.sampled_from([b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"RIFF", b"\x00\x00\x00\x18ftypheic"]),
    st.binary(max_size=2048),
)
def test_random_bytes_behind_a_real_signature_are_rejected_cleanly(signature, tail):
    loads_or_rejects(signature + tail)


mutation = st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255))


@PROPERTY_SETTINGS
@given(
    st.sampled_from(["jpeg", "png"]),
    st.lists(mutation, max_size=8),
    st.one_of(st.none(), st.floats(min_value=0.0, max_value=1.0)),
)
def test_mutated_valid_images_load_right_or_are_rejected(kind, mutations, keep):
    """Flip bytes and/or cut the file: the loader returns an RGB image of the size the file
    declares, or refuses it; it never raises anything else (and never half-decodes)."""
    data = bytearray(BASE_JPEG if kind == "jpeg" else BASE_PNG)
    for position, value in mutations:
        data[position % len(data)] = value
    if keep is not None:
        data = data[: int(len(data) * keep)]
    image = loads_or_rejects(bytes(data))
    if image is not None:
        declared = Image.open(io.BytesIO(bytes(data))).size
        assert image.size == declared


@PROPERTY_SETTINGS
@given(
    st.sampled_from(
        [
            ("RGB", "JPEG"),
            ("L", "JPEG"),
            ("CMYK", "JPEG"),
            ("RGB", "PNG"),
            ("RGBA", "PNG"),
            ("L", "PNG"),
            ("LA", "PNG"),
            ("P", "PNG"),
            ("I;16", "PNG"),
            ("1", "PNG"),
        ]
    ),  # fmt: skip
    st.integers(min_value=1, max_value=64),
    st.integers(min_value=1, max_value=64),
)
def test_valid_images_of_every_mode_become_rgb_of_the_same_size(mode_format, width, height):
    mode, fmt = mode_format
    image = load_image_checked(encoded(mode, (width, height), fmt), limits=LIMITS)
    assert image.mode == "RGB" and image.size == (width, height)


# --- deadlines (GDPR Art. 12(3), Regulation 1182/71) --------------------------------------------------

received_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
holiday_sets = st.frozensets(st.dates(min_value=date(2000, 1, 1), max_value=date(2091, 3, 31)), max_size=40)


@PROPERTY_SETTINGS
@given(received_dates, holiday_sets)
def test_due_date_is_a_working_day_about_one_month_later(received, holidays):
    due = due_date_for(received=received, holidays=holidays)
    assert is_working_day(due, holidays)
    assert due >= add_months(received, 1) >= received + timedelta(days=28)
    # Only a run of weekend days and holidays can push it further.
    run = 0
    day = add_months(received, 1)
    while not is_working_day(day, holidays):
        run += 1
        day += timedelta(days=1)
    assert due == add_months(received, 1) + timedelta(days=run)
    assert due <= received + timedelta(days=31 + 2 + len(holidays))


@PROPERTY_SETTINGS
@given(received_dates, received_dates, holiday_sets)
def test_due_date_is_monotonic_in_the_received_date(first, second, holidays):
    early, late = sorted((first, second))
    assert due_date_for(received=early, holidays=holidays) <= due_date_for(received=late, holidays=holidays)


@PROPERTY_SETTINGS
@given(received_dates, holiday_sets, st.integers(min_value=1, max_value=2))
def test_an_extension_never_shortens_the_period(received, holidays, extra):
    first = due_date_for(received=received, holidays=holidays)
    extended = due_date_for(received=received, months=1 + extra, holidays=holidays)
    assert extended > first
    assert extended >= add_months(received, 1 + extra)


def test_due_date_examples_from_the_regulation():
    """Anchors for the properties above: 31 January ends on the last day of February."""
    assert due_date_for(received=date(2023, 1, 31), holidays=frozenset()) == date(2023, 2, 28)
    assert due_date_for(received=date(2024, 1, 31), holidays=frozenset()) == date(2024, 2, 29)
    # 15 June 2025 + 1 month = Tuesday 15 July; a holiday that day moves it to the 16th.
    assert due_date_for(received=date(2025, 6, 15), holidays={date(2025, 7, 15)}) == date(2025, 7, 16)


# --- partial dates ----------------------------------------------------------------------------------

precisions = st.sampled_from([DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR, DatePrecision.UNKNOWN])


def normalised(day: date, precision: str) -> date | None:
    if precision == DatePrecision.UNKNOWN:
        return None
    if precision == DatePrecision.YEAR:
        return date(day.year, 1, 1)
    if precision == DatePrecision.MONTH:
        return date(day.year, day.month, 1)
    return day


@PROPERTY_SETTINGS
@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)), precisions)
def test_partial_dates_round_trip_and_show_nothing_finer_than_known(day, precision):
    stored = normalised(day, precision)
    iso = partial_date_iso(stored, precision)
    assert parse_partial_date(iso) == (stored, precision)
    shown = partial_date_display(stored, precision)
    if precision == DatePrecision.UNKNOWN:
        assert shown == "unknown"
    elif precision == DatePrecision.YEAR:
        assert shown == str(day.year)
    elif precision == DatePrecision.MONTH:
        assert shown == stored.strftime("%b %Y") and str(stored.day) not in shown.split()[:1]
    else:
        assert shown.split()[0] == str(day.day)


@PROPERTY_SETTINGS
@given(st.text(max_size=20))
def test_partial_date_parsing_refuses_anything_else_with_value_error(text):
    try:
        parsed, precision = parse_partial_date(text)
    except ValueError:
        return
    assert precision in DatePrecision.values
    if parsed is not None:
        assert partial_date_iso(parsed, precision) == text.strip()


@pytest.mark.parametrize(
    "text",
    [
        "2024-13",
        "2024-02-30",
        "24-01-01",
        "2024-1-1",
        "2024-01-01T00:00",
        "２０２４",  # full-width digits: int() would read them as 2024
        "٢٠٢٤-٠١",  # Arabic-Indic digits
    ],
)
def test_partial_date_examples_that_must_fail(text):
    with pytest.raises(ValueError):
        parse_partial_date(text)
