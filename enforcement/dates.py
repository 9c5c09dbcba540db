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


# The first data protection law (Hesse, 1970) and so the earliest date a data protection
# authority can have decided anything; an earlier year is a typing error (e.g. 1899 for 2019).
EARLIEST_DECISION_DATE = dt.date(1970, 1, 1)


def partial_date_range(date: dt.date | None, precision: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day a partial date may stand for (None when unknown)."""
    if date is None or precision == DatePrecision.UNKNOWN:
        return None
    if precision == DatePrecision.YEAR:
        return date.replace(month=1, day=1), date.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        first = date.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return first, following - dt.timedelta(days=1)
    return date, date


def date_plausibility_problem(*, label: str, span: tuple[dt.date, dt.date], shown: str, today: dt.date) -> str:
    """Rules 1 and 2 of decision_dates_check for any date of the record (a partial one as the
    span of days it may stand for): the message, or "" when the date is plausible."""
    if span[1] < EARLIEST_DECISION_DATE:
        return f"{label} ({shown}) is before 1970, before any data protection law: check the year."
    if span[0] > today:
        return f"{label} ({shown}) is in the future (today is {today.isoformat()}): check the year."
    return ""


def decision_dates_check(
    *,
    decision_date: dt.date | None,
    decision_date_precision: str,
    announced_date: dt.date | None,
    announced_date_precision: str,
    today: dt.date,
) -> dict[str, str]:
    """The plausibility rule for a decision's dates, field name -> message (empty: plausible).

    One rule for the forms, the API and the importer (all reach it through Decision.clean() or,
    for a file, before anything is written):
    1. no date before 1970 (EARLIEST_DECISION_DATE);
    2. no date in the future: a decision is recorded once it has been taken or announced;
    3. a decision is not announced before it is taken: the announcement may not end before the
       decision date begins (partial dates compare by the days they may stand for).
    """
    problems: dict[str, str] = {}
    labels = {"decision_date": "The decision date", "announced_date": "The announcement date"}
    ranges = {
        "decision_date": partial_date_range(decision_date, decision_date_precision),
        "announced_date": partial_date_range(announced_date, announced_date_precision),
    }
    for name, span in ranges.items():
        if span is None:
            continue
        shown = partial_date_display(span[0], _precision_of(name, decision_date_precision, announced_date_precision))
        problem = date_plausibility_problem(label=labels[name], span=span, shown=shown, today=today)
        if problem:
            problems[name] = problem
    decided, announced = ranges["decision_date"], ranges["announced_date"]
    if decided and announced and not problems and announced[1] < decided[0]:
        problems["announced_date"] = (
            f"The announcement date ({partial_date_display(announced_date, announced_date_precision)}) is before "
            f"the decision date ({partial_date_display(decision_date, decision_date_precision)}): a decision cannot "
            "be announced before it is taken. Check both dates."
        )
    return problems


def _precision_of(name: str, decision_precision: str, announced_precision: str) -> str:
    return decision_precision if name == "decision_date" else announced_precision
