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

Which period and which calendar a request gets depends on the law it is handled under:
compliance/regimes.py applies this module's arithmetic for the GDPR, the UK GDPR (England's bank
holidays) and the Swiss FADP (30 days). What follows is the GDPR's rule.

Whose public holidays: those "of the Member State ... where the action is to be taken"
(Reg. 1182/71 Art. 2(1)), and the action is the controller's answer. So every deadline uses the
calendar of the controller's country (setting CONTROLLER_COUNTRY), never the requester's:
1. the national public holidays of that country, from the `holidays` library at run time, for
   every EU/EEA state plus GB and CH (CALENDAR_COUNTRIES). Regional holidays (a German Land, a
   Spanish community; for GB, England's Easter Monday and August bank holiday) are not counted:
   the national calendar applies to every request; a controller closed on its region's holiday
   adds it as an override;
2. then the staff overrides in the Holiday table (admin): a row with is_holiday adds a day, a
   row without it removes a day the library lists.
A country or year the library has no calendar for raises HolidayCalendarMissing (and the system
check compliance.E002 refuses such a CONTROLLER_COUNTRY at start-up): a missing calendar is never
read as a year without holidays.
"""

import calendar
import functools
from dataclasses import dataclass
from datetime import date, timedelta

import holidays as holiday_calendars
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from compliance.models import Holiday

FIRST_PERIOD_MONTHS = 1
MAX_EXTENSION_MONTHS = 2
# A run of weekend days and holidays is never this long: the window of holidays read after a
# period's nominal end.
ROLL_FORWARD_WINDOW = timedelta(days=31)

EU_MEMBER_STATES = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip
EEA_EFTA_STATES = ("IS", "LI", "NO")
# The countries whose calendar a controller can use: the EU/EEA, the United Kingdom, Switzerland.
CALENDAR_COUNTRIES = (*EU_MEMBER_STATES, *EEA_EFTA_STATES, "GB", "CH")


class HolidayCalendarMissing(Exception):
    """No public-holiday calendar for a country or year: no deadline can be computed."""


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


def controller_country() -> str:
    """The controller's country (ISO 3166-1 alpha-2): its public holidays count for every deadline."""
    return (settings.CONTROLLER_COUNTRY or "").strip().upper()


@functools.lru_cache(maxsize=256)
def library_holidays(country: str, year: int, subdiv: str = "") -> frozenset[date]:
    """The national public holidays of `country` in `year` as the `holidays` library lists them
    (with `subdiv`, those of that subdivision: "ENG" for England's bank holidays, used by the UK
    rule of compliance/regimes.py).

    Raises HolidayCalendarMissing for a country outside CALENDAR_COUNTRIES or unknown to the
    library, and for a year outside the library's range (where it would answer "no holidays").
    """
    version = holiday_calendars.__version__
    if country not in CALENDAR_COUNTRIES:
        raise HolidayCalendarMissing(
            f"No public-holiday calendar for country {country!r} in {year}: deadlines use the calendar of an "
            f"EU/EEA state, GB or CH ({', '.join(CALENDAR_COUNTRIES)})."
        )
    try:
        calendar_of_year = holiday_calendars.country_holidays(country, subdiv=subdiv or None, years=year)
    except NotImplementedError as error:
        raise HolidayCalendarMissing(
            f"No public-holiday calendar for country {country} in {year}: the holidays library ({version}) has none."
        ) from error
    if not calendar_of_year.start_year <= year <= calendar_of_year.end_year:
        raise HolidayCalendarMissing(
            f"No public-holiday calendar for country {country} in {year}: the holidays library ({version}) covers "
            f"{calendar_of_year.start_year}-{calendar_of_year.end_year}. Upgrade it, or the deadline cannot be "
            "computed."
        )
    days = frozenset(calendar_of_year)
    if not days:
        raise HolidayCalendarMissing(
            f"No public-holiday calendar for country {country} in {year}: the holidays library ({version}) lists "
            "no holiday at all that year."
        )
    return days


def holidays_for(*, start: date, end: date, country: str | None = None, subdiv: str = "") -> frozenset[date]:
    """The public holidays in [start, end] of `country` (the controller's by default; of its
    subdivision `subdiv` when given): the library's calendar corrected by the staff overrides of
    that country (see module docstring)."""
    country = (country or controller_country()).upper()
    if not country:
        raise HolidayCalendarMissing("CONTROLLER_COUNTRY is not set: no deadline can be computed without it.")
    days: set[date] = set()
    for year in range(start.year, end.year + 1):
        days |= {day for day in library_holidays(country, year, subdiv) if start <= day <= end}
    for day, is_holiday in Holiday.objects.filter(country=country, date__range=(start, end)).values_list(
        "date", "is_holiday"
    ):
        if is_holiday:
            days.add(day)
        else:
            days.discard(day)
    return frozenset(days)


def controller_country_problems(*, today: date) -> list[str]:
    """What is wrong with CONTROLLER_COUNTRY (empty when its calendar covers this year and the
    next, the years in which requests received now fall due)."""
    country = controller_country()
    if not country:
        return ["CONTROLLER_COUNTRY is not set: deadlines count the public holidays of the controller's country"]
    problems = []
    for year in (today.year, today.year + 1):
        try:
            library_holidays(country, year)
        except HolidayCalendarMissing as error:
            problems.append(f"CONTROLLER_COUNTRY: {error}")
            break
    return problems


def due_date_for(*, received: date, months: int = FIRST_PERIOD_MONTHS, holidays: set[date] | None = None) -> date:
    """The last day of a period of `months` months running from `received` (see module docstring).

    `holidays` defaults to the controller's calendar (holidays_for); pass a set to compute
    without the database (tests, previews).
    """
    if months < 1:
        raise ValueError("a period lasts at least one month")
    nominal_end = add_months(received, months)
    if holidays is None:
        holidays = holidays_for(start=nominal_end, end=nominal_end + ROLL_FORWARD_WINDOW)
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


def extended_due_date_for(*, received: date, total_extension_months: int, holidays: set[date] | None = None) -> date:
    return due_date_for(received=received, months=FIRST_PERIOD_MONTHS + total_extension_months, holidays=holidays)
