"""Staff overrides of the controller's public-holiday calendar (compliance/deadlines.py)."""

from datetime import date

from django.db import transaction

from compliance.models import Holiday


@transaction.atomic
def holiday_override_set(*, country: str, day: date, name: str, is_holiday: bool = True) -> Holiday:
    """Add (`is_holiday`) or remove (not `is_holiday`) `day` in `country`'s calendar; replaces an
    earlier override of the same day."""
    holiday, _created = Holiday.objects.update_or_create(
        country=country.upper(), date=day, defaults={"name": name, "is_holiday": is_holiday}
    )
    return holiday
