"""Partial dates: a DateField plus a precision.

A year-only date is stored as 1 January with precision "year", a month-only date as the 1st of the
month with precision "month", and an unknown date as NULL with precision "unknown". Nothing finer
than the precision is ever shown.
"""

import datetime as dt
import re

from django.db import models


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    UNKNOWN = "unknown", "Unknown"


_PARTIAL = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")  # ASCII digits only


def parse_partial_date(text: str | None) -> tuple[dt.date | None, str]:
    """'2024-10-03' -> (date, 'day'); '2024-10' -> (2024-10-01, 'month'); '2026' -> (2026-01-01,
    'year'); None/'' -> (None, 'unknown'). Raises ValueError for anything else (e.g. '2024-13')."""
    if text is None or not str(text).strip():
        return None, DatePrecision.UNKNOWN
    match = _PARTIAL.match(str(text).strip())
    if not match:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
    year, month, day = match.groups()
    if day:
        return dt.date(int(year), int(month), int(day)), DatePrecision.DAY
    if month:
        return dt.date(int(year), int(month), 1), DatePrecision.MONTH
    return dt.date(int(year), 1, 1), DatePrecision.YEAR


def partial_date_display(date: dt.date | None, precision: str) -> str:
    """Show only what is known: '17 Oct 2022', 'Oct 2024', '2026' or 'unknown'."""
    if date is None or precision == DatePrecision.UNKNOWN:
        return "unknown"
    if precision == DatePrecision.YEAR:
        return f"{date.year}"
    if precision == DatePrecision.MONTH:
        return date.strftime("%b %Y")
    return f"{date.day} {date.strftime('%b %Y')}"


def partial_date_iso(date: dt.date | None, precision: str) -> str | None:
    """The ISO form truncated to the precision ('2024-10', '2026'), for APIs and exports."""
    if date is None or precision == DatePrecision.UNKNOWN:
        return None
    if precision == DatePrecision.YEAR:
        return f"{date.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()
