"""Deadlines per GDPR Art. 12(3) computed like Regulation 1182/71 (month ends, leap years,
weekends, holidays, extensions), over the public holidays of the controller's country
(Art. 2(1): the Member State where the answer is given), never the requester's."""

from datetime import date, datetime, timedelta

import holidays as holiday_calendars
import pytest
from django.core.checks import run_checks
from django.urls import reverse

from compliance.deadlines import (
    CALENDAR_COUNTRIES,
    HolidayCalendarMissing,
    add_months,
    controller_country_problems,
    due_date_for,
    extended_due_date_for,
    extension_allowed,
    holidays_for,
)
from compliance.models import Holiday
from compliance.services import holiday_override_set
from tests.compliance.conftest import AMSTERDAM

NO_HOLIDAYS: set = set()


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (date(2025, 1, 31), date(2025, 2, 28)),  # no 31 February: last day of February
        (date(2024, 1, 31), date(2024, 2, 29)),  # leap year
        (date(2024, 1, 30), date(2024, 2, 29)),
        (date(2025, 1, 29), date(2025, 2, 28)),
        (date(2025, 3, 31), date(2025, 4, 30)),
        (date(2025, 12, 15), date(2026, 1, 15)),  # across the year end
        (date(2025, 2, 28), date(2025, 3, 28)),  # same date, not "last day of month"
    ],
)
def test_add_months_follows_article_3_2_c(received, expected):
    assert add_months(received, 1) == expected


def test_month_end_period_that_lands_on_a_weekday_stays():
    # 31 Jan 2025 + 1 month = Fri 28 Feb 2025, a working day.
    assert due_date_for(received=date(2025, 1, 31), holidays=NO_HOLIDAYS) == date(2025, 2, 28)


def test_leap_year_month_end_rolls_over_the_weekend():
    # 31 Jan 2026 + 1 month = Sat 28 Feb 2026 -> Mon 2 Mar 2026.
    assert due_date_for(received=date(2026, 1, 31), holidays=NO_HOLIDAYS) == date(2026, 3, 2)
    # 31 Jan 2024 + 1 month = Thu 29 Feb 2024 (leap day).
    assert due_date_for(received=date(2024, 1, 31), holidays=NO_HOLIDAYS) == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (date(2025, 4, 5), date(2025, 5, 5)),  # Mon: stays (no holidays passed)
        (date(2025, 4, 10), date(2025, 5, 12)),  # Sat 10 May -> Mon 12 May
        (date(2025, 4, 11), date(2025, 5, 12)),  # Sun 11 May -> Mon 12 May
    ],
)
def test_saturday_and_sunday_move_to_monday(received, expected):
    assert due_date_for(received=received, holidays=NO_HOLIDAYS) == expected


def test_public_holiday_moves_to_next_working_day():
    # Received 25 Nov 2025 -> Thu 25 Dec 2025 (Christmas) and Fri 26 Dec (Second Christmas Day)
    # -> weekend -> Mon 29 Dec 2025.
    holidays = {date(2025, 12, 25), date(2025, 12, 26)}
    assert due_date_for(received=date(2025, 11, 25), holidays=holidays) == date(2025, 12, 29)


# --- whose calendar: the controller's (Reg. 1182/71 Art. 2(1)) ------------------------------------

SATURDAY_14_JUNE_2025 = datetime(2025, 6, 14, 10, 0, tzinfo=AMSTERDAM)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("controller", "due"),
    [
        ("FR", date(2025, 7, 15)),  # Mon 14 July is Bastille Day in France
        ("NL", date(2025, 7, 14)),  # an ordinary Monday in the Netherlands
    ],
)
def test_same_controller_same_day_same_due_date_whatever_the_requesters_country(submit, settings, controller, due):
    settings.CONTROLLER_COUNTRY = controller
    requests = [
        submit(
            data={"country": country, "region": "BY" if country == "DE" else "", "email": f"{country}@example.org"},
            at=SATURDAY_14_JUNE_2025,
        )[0]
        for country in ("FR", "NL", "DE")
    ]
    assert [request.due_date for request in requests] == [due, due, due]


@pytest.mark.django_db
def test_a_spanish_controller_is_not_due_on_christmas_day(settings):
    settings.CONTROLLER_COUNTRY = "ES"
    # 25 Nov 2025 + 1 month = Thu 25 Dec 2025; 26 December is no national holiday in Spain.
    assert due_date_for(received=date(2025, 11, 25)) == date(2025, 12, 26)


@pytest.mark.django_db
def test_a_dutch_controller_is_not_due_on_new_years_day_2031(settings):
    settings.CONTROLLER_COUNTRY = "NL"
    # 1 Dec 2030 + 1 month = Wed 1 Jan 2031, a year the old frozen calendar did not hold.
    assert due_date_for(received=date(2030, 12, 1)) == date(2031, 1, 2)


@pytest.mark.django_db
def test_an_extension_uses_the_controllers_calendar(settings):
    settings.CONTROLLER_COUNTRY = "FR"
    # 14 Apr 2025 + 3 months = Mon 14 July 2025, Bastille Day.
    assert extended_due_date_for(received=date(2025, 4, 14), total_extension_months=2) == date(2025, 7, 15)
    settings.CONTROLLER_COUNTRY = "NL"
    assert extended_due_date_for(received=date(2025, 4, 14), total_extension_months=2) == date(2025, 7, 14)


def one_month_before(day: date) -> date | None:
    """The receipt date whose one-month period ends on `day` by Art. 3(2)(c), if `day` exists in
    the month before (a period never ends on 31 March: 28/29 February + 1 month is 28/29 March)."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    try:
        return date(year, month, day.day)
    except ValueError:
        return None


@pytest.mark.django_db
@pytest.mark.parametrize("country", CALENDAR_COUNTRIES)
def test_a_period_ending_on_any_public_holiday_up_to_2035_ends_on_the_next_working_day(settings, country):
    """For each national holiday of every EU/EEA state, GB and CH from 2024 to 2035, a request
    received one month earlier is due on the first day after it that is neither a weekend day
    nor a holiday (read from the library here, independently of compliance.deadlines)."""
    settings.CONTROLLER_COUNTRY = country
    calendar = holiday_calendars.country_holidays(country, years=range(2024, 2037))
    years_checked = set()
    for holiday in sorted(day for day in calendar if day.year <= 2035):
        received = one_month_before(holiday)
        if received is None:
            continue
        due = due_date_for(received=received)
        assert due > holiday, (country, holiday, due)
        assert due.weekday() < 5 and due not in calendar, (country, received, due)
        skipped = [holiday + timedelta(days=n) for n in range((due - holiday).days)]
        assert all(day.weekday() >= 5 or day in calendar for day in skipped), (country, received, due)
        years_checked.add(holiday.year)
    assert years_checked == set(range(2024, 2036)), country


@pytest.mark.django_db
def test_staff_overrides_add_and_remove_days_of_the_controllers_calendar(settings):
    settings.CONTROLLER_COUNTRY = "NL"
    # Fri 14 Feb 2025 is no Dutch holiday; staff add it (the office is closed).
    assert due_date_for(received=date(2025, 1, 14)) == date(2025, 2, 14)
    holiday_override_set(country="NL", day=date(2025, 2, 14), name="Office closed")
    assert due_date_for(received=date(2025, 1, 14)) == date(2025, 2, 17)
    # Thu 29 May 2025 is Ascension Day; staff say the office works that day.
    assert due_date_for(received=date(2025, 4, 29)) == date(2025, 5, 30)
    holiday_override_set(country="NL", day=date(2025, 5, 29), name="Office open", is_holiday=False)
    assert due_date_for(received=date(2025, 4, 29)) == date(2025, 5, 29)
    # An override of another country's calendar does not count.
    holiday_override_set(country="BE", day=date(2025, 3, 14), name="Closed in Brussels")
    assert due_date_for(received=date(2025, 2, 14)) == date(2025, 3, 14)
    # An override can itself be turned round.
    holiday_override_set(country="NL", day=date(2025, 2, 14), name="Open after all", is_holiday=False)
    assert due_date_for(received=date(2025, 1, 14)) == date(2025, 2, 14)


@pytest.mark.django_db
def test_staff_remove_a_library_holiday_in_the_admin(client, django_user_model, settings):
    settings.CONTROLLER_COUNTRY = "NL"
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "x"))
    add_url = reverse("admin:compliance_holiday_add")
    assert 'name="country" value="NL"' in client.get(add_url).content.decode()  # the controller's
    response = client.post(add_url, {"country": "NL", "date": "2025-05-29", "name": "Office open"})  # unchecked
    assert response.status_code == 302
    assert Holiday.objects.get().is_holiday is False
    assert due_date_for(received=date(2025, 4, 29)) == date(2025, 5, 29)  # Ascension Day no longer counts


@pytest.mark.django_db
def test_holidays_for_lists_the_controllers_national_calendar(settings):
    settings.CONTROLLER_COUNTRY = "DE"
    days = holidays_for(start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert {date(2025, 1, 1), date(2025, 4, 18), date(2025, 10, 3), date(2025, 12, 26)} <= days
    # Regional holidays are not counted: Epiphany is a holiday in Bavaria only.
    assert date(2025, 1, 6) not in days
    # Nor, for GB, England's Easter Monday: staff add it as an override if the controller closes.
    settings.CONTROLLER_COUNTRY = "GB"
    assert date(2025, 4, 21) not in holidays_for(start=date(2025, 4, 1), end=date(2025, 4, 30))
    holiday_override_set(country="GB", day=date(2025, 4, 21), name="Easter Monday (England)")
    assert date(2025, 4, 21) in holidays_for(start=date(2025, 4, 1), end=date(2025, 4, 30))


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["XX", "US", "EU", ""])
def test_an_unknown_or_unset_controller_country_is_a_start_up_error(settings, code):
    settings.CONTROLLER_COUNTRY = code
    errors = [error for error in run_checks() if error.id == "compliance.E002"]
    assert len(errors) == 1
    assert "CONTROLLER_COUNTRY" in errors[0].msg
    assert repr(code) in errors[0].msg or not code
    settings.DEBUG = True  # a demo run with a wrong country fails as loudly
    assert [error for error in run_checks() if error.id == "compliance.E002"]


@pytest.mark.parametrize("code", CALENDAR_COUNTRIES)
def test_every_supported_controller_country_passes_the_start_up_check(settings, code):
    settings.CONTROLLER_COUNTRY = code
    assert controller_country_problems(today=date(2026, 6, 1)) == []


def test_the_start_up_check_refuses_a_year_the_library_cannot_provide(settings):
    settings.CONTROLLER_COUNTRY = "NL"
    problems = controller_country_problems(today=date(2100, 6, 1))
    assert len(problems) == 1 and "NL" in problems[0] and "2101" in problems[0]


@pytest.mark.django_db
def test_a_year_without_a_calendar_raises_a_clear_error_not_no_holidays(settings):
    settings.CONTROLLER_COUNTRY = "NL"
    with pytest.raises(HolidayCalendarMissing, match=r"country NL in 2101.*covers 1966-2100"):
        due_date_for(received=date(2101, 1, 10))
    with pytest.raises(HolidayCalendarMissing, match=r"country NL in 2101"):
        holidays_for(start=date(2100, 12, 20), end=date(2101, 1, 20))


@pytest.mark.django_db
def test_a_country_without_a_calendar_raises_a_clear_error_at_request_time(settings):
    settings.CONTROLLER_COUNTRY = "XX"
    with pytest.raises(HolidayCalendarMissing, match=r"'XX' in 2025"):
        due_date_for(received=date(2025, 5, 1))
    settings.CONTROLLER_COUNTRY = ""
    with pytest.raises(HolidayCalendarMissing, match="CONTROLLER_COUNTRY is not set"):
        due_date_for(received=date(2025, 5, 1))


def test_extension_adds_two_months_from_receipt_with_month_end_and_weekend_rules():
    # 31 Jan 2025 + 3 months = Wed 30 Apr 2025 (April has no 31st).
    extended = extended_due_date_for(received=date(2025, 1, 31), total_extension_months=2, holidays=NO_HOLIDAYS)
    assert extended == date(2025, 4, 30)
    # 31 Jan 2025 + 2 months = Mon 31 Mar 2025.
    extended = extended_due_date_for(received=date(2025, 1, 31), total_extension_months=1, holidays=NO_HOLIDAYS)
    assert extended == date(2025, 3, 31)
    # 15 Mar 2025 + 3 months = Sun 15 Jun 2025 -> Mon 16 Jun 2025.
    extended = extended_due_date_for(received=date(2025, 3, 15), total_extension_months=2, holidays=NO_HOLIDAYS)
    assert extended == date(2025, 6, 16)


def test_extension_allowed_only_inside_the_first_month_with_reasons_and_at_most_two_months():
    first_due = date(2025, 2, 28)
    assert extension_allowed(
        first_due_date=first_due,
        today=date(2025, 2, 1),
        already_extended_months=0,
        months=2,
        reason="Many systems to search",
    )
    # on the last day of the first month: still allowed
    assert extension_allowed(
        first_due_date=first_due, today=first_due, already_extended_months=0, months=1, reason="Many systems to search"
    )
    late = extension_allowed(
        first_due_date=first_due,
        today=date(2025, 3, 1),
        already_extended_months=0,
        months=1,
        reason="Many systems to search",
    )
    assert not late and "first month" in late.message
    no_reason = extension_allowed(
        first_due_date=first_due, today=date(2025, 2, 1), already_extended_months=0, months=1, reason="   "
    )
    assert not no_reason and "reasons" in no_reason.message
    assert not extension_allowed(
        first_due_date=first_due, today=date(2025, 2, 1), already_extended_months=0, months=3, reason="x"
    )
    assert not extension_allowed(
        first_due_date=first_due, today=date(2025, 2, 1), already_extended_months=2, months=1, reason="x"
    )
    assert extension_allowed(
        first_due_date=first_due, today=date(2025, 2, 1), already_extended_months=1, months=1, reason="x"
    )


def test_negative_or_zero_months_are_refused():
    with pytest.raises(ValueError):
        due_date_for(received=date(2025, 1, 1), months=0, holidays=NO_HOLIDAYS)
    with pytest.raises(ValueError):
        add_months(date(2025, 1, 1), -1)
