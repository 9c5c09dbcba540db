"""Money: the dated exchange-rate table and EUR equivalents.

EUR equivalents are only ever computed from `ExchangeRate` rows and the row used is stored next to
the result (`Fine.eur_rate`), so every total can say which rate it used. A conversion quoted by a
source (`QuotedConversion`) is never recomputed.
"""

import csv
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Coalesce

from enforcement.models import Case, Decision, ExchangeRate, Fine

CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.0000000001")
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
ECB_RATES_FILE = DATA_DIR / "ecb_reference_rates.csv"
ECB_SOURCE = "ECB euro foreign exchange reference rate of {date} (eurofxref-hist.csv)"


def rate_for(*, currency: str, on_date: dt.date | None) -> ExchangeRate | None:
    """The latest rate for `currency` with valid_from <= on_date (the latest of all if on_date is None)."""
    rates = ExchangeRate.objects.filter(currency=currency)
    if on_date is not None:
        rates = rates.filter(valid_from__lte=on_date)
    return rates.order_by("-valid_from").first()


def money_to_eur(amount: Decimal, currency: str, on_date: dt.date | None) -> Decimal | None:
    """`amount` in EUR using the latest stored rate valid on `on_date`; None when no rate is stored."""
    if amount is None:
        return None
    if currency == "EUR":
        return Decimal(amount).quantize(CENT)
    rate = rate_for(currency=currency, on_date=on_date)
    if rate is None:
        return None
    return (Decimal(amount) * rate.rate_to_eur).quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def exchange_rate_set(
    *, currency: str, valid_from: dt.date, units_per_eur: Decimal, source: str
) -> tuple[ExchangeRate, bool]:
    """Store a rate quoted as units of `currency` per EUR (the ECB convention); returns (rate, changed).

    Fines whose EUR equivalent depends on this currency are recomputed, explicitly, here.
    """
    units_per_eur = Decimal(units_per_eur)
    rate_to_eur = (Decimal(1) / units_per_eur).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
    rate = ExchangeRate.objects.filter(currency=currency, valid_from=valid_from).first()
    if rate is not None and (rate.rate_to_eur, rate.quoted_units_per_eur, rate.source) == (
        rate_to_eur,
        units_per_eur.quantize(Decimal("0.000001")),
        source,
    ):
        return rate, False
    rate = rate or ExchangeRate(currency=currency, valid_from=valid_from)
    rate.rate_to_eur = rate_to_eur
    rate.quoted_units_per_eur = units_per_eur
    rate.source = source
    rate.full_clean()
    rate.save()
    fines_refresh_eur(currency=currency)
    return rate, True


def exchange_rates_seed(*, path: Path = ECB_RATES_FILE) -> int:
    """Load the shipped ECB reference rates (idempotent); returns how many rows changed."""
    changed = 0
    with open(path, newline="", encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for row in rows:
            day = dt.date.fromisoformat(row.pop("date"))
            for currency, quoted in row.items():
                if quoted:
                    _, was_changed = exchange_rate_set(
                        currency=currency,
                        valid_from=day,
                        units_per_eur=Decimal(quoted),
                        source=ECB_SOURCE.format(date=day.isoformat()),
                    )
                    changed += was_changed
    return changed


def fine_eur_values(*, fine: Fine) -> tuple[Decimal | None, ExchangeRate | None]:
    """(amount_eur, eur_rate) of a fine: the rate valid on its decision's date; None when there is
    no usable rate. Used by fine_refresh_eur and by importers that create fines in bulk."""
    decision = fine.decision
    on_date = decision.decision_date or decision.announced_date
    if fine.currency == "EUR":
        return Decimal(fine.amount).quantize(CENT), None
    rate = rate_for(currency=fine.currency, on_date=on_date)
    return (None if rate is None else (Decimal(fine.amount) * rate.rate_to_eur).quantize(CENT)), rate


def fine_refresh_eur(*, fine: Fine) -> Fine:
    """Set fine.amount_eur and fine.eur_rate from the rate valid on its decision's date."""
    amount_eur, rate = fine_eur_values(fine=fine)
    if (fine.amount_eur, fine.eur_rate_id) != (amount_eur, rate.pk if rate else None):
        fine.amount_eur, fine.eur_rate = amount_eur, rate
        Fine.objects.filter(pk=fine.pk).update(amount_eur=amount_eur, eur_rate=rate)
    return fine


def fines_refresh_eur(*, currency: str) -> int:
    """Recompute the EUR equivalent of every fine in `currency` (after the rate table changed)."""
    count = 0
    case_ids = set()
    for fine in Fine.objects.filter(currency=currency).select_related("decision"):
        fine_refresh_eur(fine=fine)
        case_ids.add(fine.decision.case_id)
        count += 1
    for case in Case.objects.filter(pk__in=case_ids):
        case_refresh_summary(case=case)
    return count


def _summaries(case_ids) -> dict[int, tuple]:
    """case id -> (latest decision date, EUR total of fines): the rule of case_refresh_summary."""
    latest = dict(
        Decision.objects.filter(case_id__in=case_ids)
        .values("case_id")
        .annotate(latest=Max(Coalesce("decision_date", "announced_date")))
        .values_list("case_id", "latest")
    )
    fines: dict[int, list] = {}
    for case_id, amount in Fine.objects.filter(decision__case_id__in=case_ids).values_list(
        "decision__case_id", "amount_eur"
    ):
        fines.setdefault(case_id, []).append(amount)
    result = {}
    for case_id in case_ids:
        amounts = fines.get(case_id)
        total = sum((a for a in amounts if a is not None), Decimal(0)).quantize(CENT) if amounts else None
        result[case_id] = (latest.get(case_id), total)
    return result


def cases_refresh_summary(*, case_ids: list[int]) -> int:
    """case_refresh_summary for many cases in a few queries (bulk imports); returns how many changed."""
    summaries = _summaries(case_ids)
    changed = []
    for case in Case.objects.filter(pk__in=case_ids).only("id", "latest_decision_date", "fines_eur_total"):
        latest, total = summaries[case.pk]
        if (case.latest_decision_date, case.fines_eur_total) != (latest, total):
            case.latest_decision_date, case.fines_eur_total = latest, total
            changed.append(case)
    Case.objects.bulk_update(changed, ["latest_decision_date", "fines_eur_total"], batch_size=500)
    return len(changed)


def case_refresh_summary(*, case: Case) -> Case:
    """Recompute the denormalised list columns: latest decision date and EUR total of fines.

    The EUR total is NULL when the case has no fine; fines without a usable rate are left out
    (the selectors report them as unconverted).
    """
    latest, total = _summaries([case.pk])[case.pk]
    if (case.latest_decision_date, case.fines_eur_total) != (latest, total):
        case.latest_decision_date, case.fines_eur_total = latest, total
        Case.objects.filter(pk=case.pk).update(latest_decision_date=latest, fines_eur_total=total)
    return case
