"""Deadlines per GDPR Art. 12(3) computed like Regulation 1182/71 (month ends, leap years,
weekends, holidays, extensions)."""

from datetime import date

import pytest

from compliance.deadlines import add_months, due_date_for, extended_due_date_for, extension_allowed, holidays_for
from compliance.models import Holiday
from compliance.services import holiday_seed_from_file

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
    assert due_date_for(received=date(2025, 1, 31), country="NL", holidays=NO_HOLIDAYS) == date(2025, 2, 28)


def test_leap_year_month_end_rolls_over_the_weekend():
    # 31 Jan 2026 + 1 month = Sat 28 Feb 2026 -> Mon 2 Mar 2026.
    assert due_date_for(received=date(2026, 1, 31), country="NL", holidays=NO_HOLIDAYS) == date(2026, 3, 2)
    # 31 Jan 2024 + 1 month = Thu 29 Feb 2024 (leap day).
    assert due_date_for(received=date(2024, 1, 31), country="NL", holidays=NO_HOLIDAYS) == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (date(2025, 4, 5), date(2025, 5, 5)),  # Mon: stays (no holidays passed)
        (date(2025, 4, 10), date(2025, 5, 12)),  # Sat 10 May -> Mon 12 May
        (date(2025, 4, 11), date(2025, 5, 12)),  # Sun 11 May -> Mon 12 May
    ],
)
def test_saturday_and_sunday_move_to_monday(received, expected):
    assert due_date_for(received=received, country="NL", holidays=NO_HOLIDAYS) == expected


def test_public_holiday_moves_to_next_working_day():
    # Received 25 Nov 2025 -> Thu 25 Dec 2025 (Christmas) and Fri 26 Dec (Second Christmas Day)
    # -> weekend -> Mon 29 Dec 2025.
    holidays = {date(2025, 12, 25), date(2025, 12, 26)}
    assert due_date_for(received=date(2025, 11, 25), country="NL", holidays=holidays) == date(2025, 12, 29)


@pytest.mark.django_db
def test_holiday_calendar_is_per_country_from_the_database():
    holiday_seed_from_file()
    # 14 July is a public holiday in France, not in the Netherlands (Mon 14 July 2025).
    assert due_date_for(received=date(2025, 6, 14), country="FR") == date(2025, 7, 15)
    assert due_date_for(received=date(2025, 6, 14), country="NL") == date(2025, 7, 14)
    # King's Day 2025 is Saturday 26 April in NL: Monday 28 April is a working day.
    assert due_date_for(received=date(2025, 3, 26), country="NL") == date(2025, 4, 28)
    # Easter Monday 21 April 2025 in both; Good Friday 18 April 2025 is a German holiday.
    assert due_date_for(received=date(2025, 3, 21), country="IT") == date(2025, 4, 22)
    assert due_date_for(received=date(2025, 3, 18), country="DE") == date(2025, 4, 22)
    # A country without a calendar only skips weekends.
    assert due_date_for(received=date(2025, 3, 21), country="PT") == date(2025, 4, 21)


@pytest.mark.django_db
def test_seeded_calendars_cover_the_contract_countries_and_years():
    holiday_seed_from_file()
    for country in ("NL", "FR", "IT", "BE", "DE", "GR"):
        for year in range(2024, 2028):
            days = holidays_for(country, start=date(year, 1, 1), end=date(year, 12, 31))
            assert date(year, 1, 1) in days, (country, year)
            assert date(year, 12, 25) in days, (country, year)
            assert len(days) >= 8, (country, year)


@pytest.mark.django_db
def test_staff_added_holiday_is_honoured():
    Holiday.objects.create(country="BE", date=date(2025, 2, 14), name="Test closure day")
    assert due_date_for(received=date(2025, 1, 14), country="BE") == date(2025, 2, 17)


def test_extension_adds_two_months_from_receipt_with_month_end_and_weekend_rules():
    # 31 Jan 2025 + 3 months = Wed 30 Apr 2025 (April has no 31st).
    assert extended_due_date_for(
        received=date(2025, 1, 31), country="NL", total_extension_months=2, holidays=NO_HOLIDAYS
    ) == date(2025, 4, 30)
    # 31 Jan 2025 + 2 months = Mon 31 Mar 2025.
    assert extended_due_date_for(
        received=date(2025, 1, 31), country="NL", total_extension_months=1, holidays=NO_HOLIDAYS
    ) == date(2025, 3, 31)
    # 15 Mar 2025 + 3 months = Sun 15 Jun 2025 -> Mon 16 Jun 2025.
    assert extended_due_date_for(
        received=date(2025, 3, 15), country="NL", total_extension_months=2, holidays=NO_HOLIDAYS
    ) == date(2025, 6, 16)


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
        due_date_for(received=date(2025, 1, 1), country="NL", months=0, holidays=NO_HOLIDAYS)
    with pytest.raises(ValueError):
        add_months(date(2025, 1, 1), -1)
