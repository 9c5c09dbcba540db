"""Synthetic enforcement cases for scale tests (`manage.py generate_cases N`).

Deterministic for a given seed: the same N and seed give the same cases (public ids included).
Rows are written with bulk_create in batches, with the denormalised list columns (latest decision
date, EUR total) and the EUR equivalent of each fine computed from the stored rate table, so the
result is immediately consistent with what the services would have produced. Generated records
are marked by their reference prefix and write no history.
"""

import datetime as dt
import random
import uuid
from bisect import bisect_right
from collections.abc import Callable
from decimal import Decimal
from typing import cast

from django.db import connection, transaction
from django.utils.text import slugify
from faker import Faker

from enforcement.dates import DatePrecision
from enforcement.models import (
    Appeal,
    AppealEvent,
    ArticleReference,
    Authority,
    Case,
    Decision,
    ExchangeRate,
    Fine,
    Order,
    PenaltyPayment,
    Respondent,
    Source,
)
from enforcement.services.money import exchange_rates_seed

# (country, short name, name, currency): real authority names; countries whose currency has a
# stored rate (see data/ecb_reference_rates.csv).
AUTHORITY_POOL = (
    ("FR", "CNIL", "Commission nationale de l'informatique et des libertés", "EUR"),
    ("IT", "Garante", "Garante per la protezione dei dati personali", "EUR"),
    ("ES", "AEPD", "Agencia Española de Protección de Datos", "EUR"),
    ("NL", "AP", "Autoriteit Persoonsgegevens", "EUR"),
    ("DE", "BfDI", "Bundesbeauftragte für den Datenschutz und die Informationsfreiheit", "EUR"),
    ("IE", "DPC", "Data Protection Commission", "EUR"),
    ("AT", "DSB", "Österreichische Datenschutzbehörde", "EUR"),
    ("BE", "APD", "Autorité de protection des données", "EUR"),
    ("LU", "CNPD", "Commission nationale pour la protection des données", "EUR"),
    ("PT", "CNPD", "Comissão Nacional de Proteção de Dados", "EUR"),
    ("GR", "HDPA", "Hellenic Data Protection Authority", "EUR"),
    ("FI", "TSV", "Office of the Data Protection Ombudsman", "EUR"),
    ("PL", "UODO", "Urząd Ochrony Danych Osobowych", "PLN"),
    ("SE", "IMY", "Integritetsskyddsmyndigheten", "SEK"),
    ("DK", "Datatilsynet", "Datatilsynet", "DKK"),
    ("NO", "Datatilsynet", "Datatilsynet", "NOK"),
    ("GB", "ICO", "Information Commissioner's Office", "GBP"),
    ("CA", "OPC", "Office of the Privacy Commissioner of Canada", "CAD"),
    ("AU", "OAIC", "Office of the Australian Information Commissioner", "AUD"),
)
SECTORS = ("retail", "health", "telecoms", "finance", "public sector", "education", "media", "transport", "tech")
ARTICLES = (
    (5, 1, "a"),
    (5, 1, "c"),
    (5, 1, "e"),
    (6, 1, ""),
    (9, None, ""),
    (12, 3, ""),
    (13, None, ""),
    (15, None, ""),
    (17, None, ""),
    (21, None, ""),
    (25, None, ""),
    (28, None, ""),
    (32, None, ""),
    (33, None, ""),
    (35, None, ""),
)
ORDER_TEXTS = (
    ("erase the personal data of the complainant", "complainant", "the complainant"),
    ("answer the complainant's access request", "complainant", "the complainant"),
    ("stop processing the data of residents of {country}", "residents_of_country", "residents of {country}"),
    ("bring the processing into conformity with the GDPR", "all_data_subjects", ""),
    ("appoint a data protection officer", "other", ""),
)
FIRST_DAY = dt.date(2021, 1, 4)
LAST_DAY = dt.date(2025, 10, 31)


class _Rates:
    """In-memory copy of the rate table with the same rule as services.money.rate_for."""

    def __init__(self):
        self.by_currency: dict[str, list[ExchangeRate]] = {}
        for rate in ExchangeRate.objects.order_by("currency", "valid_from"):
            self.by_currency.setdefault(rate.currency, []).append(rate)

    def convert(self, amount: Decimal, currency: str, on: dt.date) -> tuple[Decimal | None, ExchangeRate | None]:
        if currency == "EUR":
            return amount, None
        rates = self.by_currency.get(currency, [])
        index = bisect_right([rate.valid_from for rate in rates], on) - 1
        if index < 0:
            return None, None
        rate = rates[index]
        return (amount * rate.rate_to_eur).quantize(Decimal("0.01")), rate


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _authorities(prefix: str) -> list[tuple[Authority, str]]:
    result = []
    for country, short, name, currency in AUTHORITY_POOL:
        kind = (
            Authority.Kind.UK
            if country == "GB"
            else (Authority.Kind.OTHER if country in ("CA", "AU") else "eu_eea_dpa")
        )
        authority, _ = Authority.objects.get_or_create(
            slug=slugify(f"{prefix}-{country}-{short}")[:120],
            defaults={"name": name, "short_name": short, "country": country, "kind": kind},
        )
        result.append((authority, currency))
    return result


def _respondents(prefix: str, count: int, seed: int) -> list[Respondent]:
    fake = Faker(["en_GB", "fr_FR", "de_DE", "it_IT", "nl_NL"])
    fake.seed_instance(seed)
    rng = random.Random(seed)
    wanted = []
    for index in range(count):
        name = fake.company()
        wanted.append(
            Respondent(
                name=name,
                slug=slugify(f"{prefix}-{index}-{name}")[:120],
                country_of_establishment=rng.choice(["FR", "DE", "IT", "NL", "IE", "US", "GB", "ES", ""]),
                eu_establishment=rng.choice(["yes", "yes", "no", "unknown"]),
                art27_representative=rng.choice(["yes", "no", "unknown"]),
                sector=rng.choice(SECTORS),
            )
        )
    existing = set(Respondent.objects.filter(slug__in=[r.slug for r in wanted]).values_list("slug", flat=True))
    Respondent.objects.bulk_create([r for r in wanted if r.slug not in existing], batch_size=1000)
    return list(Respondent.objects.filter(slug__in=[r.slug for r in wanted]).order_by("slug"))


def cases_generate(
    *,
    count: int,
    seed: int = 1,
    prefix: str = "gen",
    batch_size: int = 2000,
    published_share: float = 0.85,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Create `count` synthetic cases (with decisions, fines, orders, articles, sources, some
    penalty payments and appeals); returns how many were created. References are
    '<prefix>-<seed>-<n>'; generating the same prefix and seed twice is refused."""
    if count < 1:
        raise ValueError("count must be at least 1")
    prefix = slugify(prefix) or "gen"
    reference_prefix = f"{prefix}-{seed}-"
    if Case.objects.filter(reference__startswith=reference_prefix).exists():
        raise ValueError(f"cases with references {reference_prefix}* exist already; use another --prefix or --seed")
    exchange_rates_seed()
    rates = _Rates()
    authorities = _authorities(prefix)
    respondents = _respondents(prefix, max(50, min(5000, count // 20)), seed)
    rng = random.Random(seed)
    span = (LAST_DAY - FIRST_DAY).days
    created = 0
    for start in range(0, count, batch_size):
        size = min(batch_size, count - start)
        with transaction.atomic():
            _generate_batch(rng, start, size, reference_prefix, authorities, respondents, rates, span, published_share)
        created += size
        if progress:
            progress(size)
    _refresh_planner_statistics()
    return created


def _refresh_planner_statistics() -> None:
    """After a bulk load, PostgreSQL still plans with the statistics of the small tables it saw
    before (until autovacuum gets to them), and picks nested loops that are fine for 40 cases and
    take minutes for 100,000 (measured: a free-text search with a status filter took 255 s on a
    freshly generated 100,000 cases and 1.2 s after ANALYZE). Refresh them now."""
    if connection.vendor != "postgresql":
        return
    models = (Case, Decision, Fine, Order, PenaltyPayment, ArticleReference, Source, Appeal, AppealEvent, Respondent)
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")  # table names


def _generate_batch(rng, start, size, reference_prefix, authorities, respondents, rates, span, published_share):  # noqa: C901 - debt (issue 13)
    cases, plans = [], []
    for offset in range(size):
        number = start + offset + 1
        authority, currency = rng.choice(authorities)
        respondent = rng.choice(respondents)
        first_date = FIRST_DAY + dt.timedelta(days=rng.randrange(span))
        decision_specs = []
        for position in range(1 if rng.random() < 0.8 else 2):
            date = first_date + dt.timedelta(days=position * rng.randrange(30, 400))
            date = min(date, LAST_DAY)
            has_fine = rng.random() < 0.7
            amount = Decimal(int(10 ** rng.uniform(3, 7.6)) // 1000 * 1000 + 1000) if has_fine else None
            precision = DatePrecision.DAY if rng.random() < 0.97 else DatePrecision.YEAR
            if precision == DatePrecision.YEAR:
                date = date.replace(month=1, day=1)
            decision_specs.append((date, precision, amount))
        total_eur = None
        for date, _, amount in decision_specs:
            if amount is not None:
                eur, _ = rates.convert(amount, currency, date)
                if eur is not None:
                    total_eur = (total_eur or Decimal(0)) + eur
        status = rng.choices(["decided", "under_appeal", "closed", "open"], weights=[70, 10, 15, 5])[0]
        cases.append(
            Case(
                public_id=_uuid(rng),
                reference=f"{reference_prefix}{number:07d}",
                authority=authority,
                respondent=respondent,
                title=f"{authority.short_name} – {respondent.name} ({first_date.year})",
                legal_framework=Case.LegalFramework.UK_GDPR if authority.country == "GB" else Case.LegalFramework.GDPR,
                origin=rng.choice(["complaint", "complaint", "own_initiative", "cross_border", "unknown"]),
                status=status,
                summary=f"Synthetic case {number} for scale tests.",
                published=rng.random() < published_share,
                latest_decision_date=max(date for date, _, _ in decision_specs),
                fines_eur_total=total_eur,
                unverified_fields=["summary"] if rng.random() < 0.05 else [],
                verification_notes={},
            )
        )
        plans.append((authority, currency, decision_specs, status))
    Case.objects.bulk_create(cases)

    decisions, decision_plans = [], []
    for case, (authority, currency, plan, status) in zip(cases, plans, strict=True):
        for date, precision, amount in plan:
            kind = Decision.Kind.FINE if amount is not None else rng.choice(["order", "reprimand", "order"])
            decisions.append(
                Decision(
                    public_id=_uuid(rng),
                    case=case,
                    kind=kind,
                    reference=f"{authority.short_name}/{date.year}/{rng.randrange(1, 9999):04d}",
                    decision_date=date,
                    decision_date_precision=precision,
                    announced_date=date + dt.timedelta(days=rng.randrange(0, 30)),
                    announced_date_precision=DatePrecision.DAY,
                )
            )
            decision_plans.append((case, authority, currency, date, amount, status))
    Decision.objects.bulk_create(decisions)

    fines: list[Fine] = []
    orders: list[Order] = []
    penalties: list[PenaltyPayment] = []
    articles: list[ArticleReference] = []
    sources: list[Source] = []
    appeals: list[Appeal] = []
    for decision, (case, authority, currency, date, amount, status) in zip(decisions, decision_plans, strict=True):
        if amount is not None:
            eur, rate = rates.convert(amount, currency, date)
            fines.append(
                Fine(
                    public_id=_uuid(rng),
                    decision=decision,
                    amount=amount,
                    currency=currency,
                    payment_status=rng.choices(["paid", "unpaid", "contested", "unknown"], weights=[55, 15, 15, 15])[0],
                    amount_eur=eur,
                    eur_rate=rate,
                )
            )
        if rng.random() < 0.45:
            text, applies_to, detail = rng.choice(ORDER_TEXTS)
            orders.append(
                Order(
                    decision=decision,
                    text=text.format(country=authority.country),
                    applies_to=applies_to,
                    applies_to_detail=detail.format(country=authority.country),
                    deadline=date + dt.timedelta(days=rng.choice([30, 60, 90])),
                    compliance_status=rng.choice(["pending", "complied", "not_complied", "unknown"]),
                )
            )
            if rng.random() < 0.08:
                penalties.append(
                    PenaltyPayment(
                        public_id=_uuid(rng),
                        decision=decision,
                        amount_per_unit=Decimal(rng.choice([1000, 5000, 10000, 50000, 100000])),
                        currency=currency,
                        unit=PenaltyPayment.Unit.DAY,
                        unit_detail="per day of delay",
                        starts_on=date + dt.timedelta(days=60),
                        start_rule="after a 2-month compliance period",
                        cap=Decimal(rng.choice([100000, 500000, 1000000, 5000000])) if rng.random() < 0.6 else None,
                    )
                )
        for article, paragraph, point in rng.sample(ARTICLES, rng.randint(1, 3)):
            label = f"{article}" + (f"({paragraph})" if paragraph else "") + (f"({point})" if point else "")
            articles.append(
                ArticleReference(
                    case=case, decision=decision, article=article, paragraph=paragraph, point=point, label=label
                )
            )
        sources.append(
            Source(
                case=case,
                decision=decision,
                url=f"https://enforcement.example/{authority.slug}/{decision.public_id}",
                kind=Source.Kind.OFFICIAL,
                language="en",
            )
        )
        if status == "under_appeal" and not any(appeal.case_id == case.pk for appeal in appeals[-2:]):
            appeals.append(
                Appeal(
                    public_id=_uuid(rng),
                    case=case,
                    decision=decision,
                    court=f"Administrative court ({authority.country})",
                    case_number=f"{date.year}/{rng.randrange(1, 99999)}",
                    outcome=Appeal.Outcome.PENDING,
                )
            )
    Fine.objects.bulk_create(fines)
    Order.objects.bulk_create(orders)
    order_by_decision = {order.decision_id: order for order in orders}
    for penalty in penalties:
        penalty.order = order_by_decision.get(penalty.decision_id)
    PenaltyPayment.objects.bulk_create(penalties)
    ArticleReference.objects.bulk_create(articles)
    Source.objects.bulk_create(sources)
    Appeal.objects.bulk_create(appeals)
    AppealEvent.objects.bulk_create(
        # Every appeal above is built with its decision.
        AppealEvent(
            appeal=appeal, kind="filed", date=cast(Decision, appeal.decision).decision_date, date_precision="day"
        )
        for appeal in appeals
    )
