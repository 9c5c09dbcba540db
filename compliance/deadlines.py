"""Legal deadlines for data-subject requests.

GDPR Art. 12(3): the controller answers "without undue delay and in any event within one month of
receipt of the request"; the period "may be extended by two further months where necessary",
and the data subject is informed of any extension, with the reasons, within the first month.

Periods are computed as Regulation (EEC, Euratom) No 1182/71 lays down (Art. 3):
1. the period starts on the day of receipt and a period in months ends on the day of the last
   month that has the same date as the day of receipt (Art. 3(2)(c));
2. if that month has no such date (receipt on 31 January, month of February), the period ends on
   the last day of that month (Art. 3(2)(c));
3. periods include Saturdays, Sundays and public holidays (Art. 3(3));
4. if the last day is a Saturday, Sunday or public holiday, the period ends on the next working
   day (Art. 3(4)).

An extended period is computed as one period of 1 + n months from receipt (not n months from the
rolled-forward first due date), so month-end clamping and weekend roll-over are applied once.
The public holidays are those of the requester's country of residence (Holiday table, seeded
from compliance/data/holidays.csv; staff can correct it in the admin).
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

FIRST_PERIOD_MONTHS = 1
MAX_EXTENSION_MONTHS = 2


def add_months(start: date, months: int) -> date:
    """Same day `months` later, or the last day of that month when it has no such day."""
    if months < 0:
        raise ValueError("months must not be negative")
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def is_working_day(day: date, holidays: set[date] | frozenset[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def next_working_day(day: date, holidays: set[date] | frozenset[date]) -> date:
    """`day` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    return day


def holidays_for(country: str, *, start: date | None = None, end: date | None = None) -> frozenset[date]:
    """The public holidays recorded for `country` (optionally within [start, end])."""
    from compliance.models import Holiday

    queryset = Holiday.objects.filter(country=(country or "").upper())
    if start:
        queryset = queryset.filter(date__gte=start)
    if end:
        queryset = queryset.filter(date__lte=end)
    return frozenset(queryset.values_list("date", flat=True))


def due_date_for(
    *, received: date, country: str, months: int = FIRST_PERIOD_MONTHS, holidays: set[date] | None = None
) -> date:
    """The last day of a period of `months` months running from `received` (see module docstring).

    `holidays` defaults to the Holiday rows of `country`; pass a set to compute without the
    database (tests, previews).
    """
    if months < 1:
        raise ValueError("a period lasts at least one month")
    nominal_end = add_months(received, months)
    if holidays is None:
        # Weekends and holidays can only push the end a couple of weeks forward.
        holidays = holidays_for(country, start=nominal_end, end=nominal_end + timedelta(days=31))
    return next_working_day(nominal_end, holidays)


@dataclass(frozen=True)
class ExtensionCheck:
    ok: bool
    message: str = ""

    def __bool__(self) -> bool:
        return self.ok


def extension_allowed(
    *, first_due_date: date, today: date, already_extended_months: int, months: int, reason: str = "x"
) -> ExtensionCheck:
    """Whether the period may be extended by `months` further months today (GDPR Art. 12(3)).

    1. only by one or two months, and by no more than two in total;
    2. only with stated reasons;
    3. only while the first month runs (up to and including its last day), because the
       requester must be told of the extension "within one month of receipt of the request".
    """
    if months not in (1, 2):
        return ExtensionCheck(False, str(_("An extension is one or two further months.")))
    if already_extended_months + months > MAX_EXTENSION_MONTHS:
        return ExtensionCheck(
            False,
            str(_("The period can be extended by at most two further months in total (GDPR Art. 12(3)).")),
        )
    if not (reason or "").strip():
        return ExtensionCheck(False, str(_("An extension needs the reasons that make it necessary.")))
    if today > first_due_date:
        return ExtensionCheck(
            False,
            str(
                _("The first month ended on %(date)s: the period can only be extended while it runs.")
                % {"date": first_due_date.isoformat()}
            ),
        )
    return ExtensionCheck(True)


def extended_due_date_for(
    *, received: date, country: str, total_extension_months: int, holidays: set[date] | None = None
) -> date:
    return due_date_for(
        received=received, country=country, months=FIRST_PERIOD_MONTHS + total_extension_months, holidays=holidays
    )
