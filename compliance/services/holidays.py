"""Public holiday calendar used by compliance/deadlines.py."""

import csv
from pathlib import Path

from django.db import transaction

from compliance.models import Holiday

HOLIDAYS_CSV = Path(__file__).resolve().parent.parent / "data" / "holidays.csv"


@transaction.atomic
def holiday_seed_from_file(*, path: Path = HOLIDAYS_CSV) -> int:
    """Insert the holidays listed in `path` (country,date,name) that are missing; returns the
    number of rows in the file. Existing rows (including staff corrections) are kept."""
    with Path(path).open(newline="", encoding="utf-8") as handle:
        rows = [Holiday(country=r["country"].upper(), date=r["date"], name=r["name"]) for r in csv.DictReader(handle)]
    Holiday.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def holiday_set(*, country: str, day, name: str) -> Holiday:
    holiday, _created = Holiday.objects.update_or_create(country=country.upper(), date=day, defaults={"name": name})
    return holiday
