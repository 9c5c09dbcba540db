"""Reads of the enforcement domain for the HTML views, the API and the reports.

Visibility: users with Perm.VIEW_INTERNAL (staff, auditors) see every case; everyone else sees
published cases only (the public register). Internal notes are never part of public output.

    case_queryset(*, user) -> QuerySet[Case]                      visible cases, list-ready
    case_filterset(*, user, data) -> CaseFilterSet                 bound to GET data (form + qs)
    case_list(*, user, filters: dict) -> QuerySet[Case]            filtered; constant query count
    case_eur_total(queryset) -> Decimal                            EUR total of the filtered set
    case_eur_breakdown(queryset) -> EurTotal                       per currency, with the rates used
    case_facet_counts(filterset) -> dict[facet, list[FacetCount]]  cases per sector / violation type
    case_detail(*, public_id, user) -> Case                        everything the case page shows
    case_penalty_accruals(*, case, as_of) -> list[(PenaltyPayment, AccrualResult)]
    decision_list(*, user, filters: dict) -> QuerySet[Decision]
    dashboard_stats(*, user, as_of=None) -> dict                   chart series (see its docstring)
    penalty_totals(penalties) -> PenaltyTotals                     liquidated and caps, never added
    exchange_rates_in_use() -> QuerySet[ExchangeRate]
    staff_worklist(*, as_of=None) -> Worklist                      Art. 77(2) dates, fines above a ceiling
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.http import Http404
from django.utils import timezone

from core.roles import Perm, can
from enforcement import listcache
from enforcement.filters import CaseFilterSet, DecisionFilterSet
from enforcement.law import LOWEST_FIXED_CEILING_EUR
from enforcement.models import (
    Appeal,
    ArticleReference,
    Case,
    ChangeRecord,
    Decision,
    ExchangeRate,
    Fine,
    Order,
    PenaltyLiquidation,
    PenaltyPayment,
    Sector,
    ViolationCode,
)
from enforcement.services.law import CeilingAssessment, fine_ceiling_assess
from enforcement.services.penalties import AccrualResult, penalty_accrued


def _cents(value) -> Decimal:
    return (value or Decimal(0)).quantize(Decimal("0.01"))


def sees_internal(user) -> bool:
    return can(user, Perm.VIEW_INTERNAL)


def case_queryset(*, user) -> QuerySet[Case]:
    """Visible cases with what a list row shows, in a constant number of queries per page:
    one for the page (authority, respondent joined), one each for decisions (+fines) and GDPR
    articles."""
    cases = Case.objects.select_related("authority", "respondent")
    if not sees_internal(user):
        cases = cases.filter(published=True).defer("internal_notes")
    return cases.prefetch_related(
        Prefetch(
            "decisions",
            queryset=Decision.objects.order_by("decision_date", "id").prefetch_related(
                Prefetch("fines", queryset=Fine.objects.select_related("eur_rate").order_by("id"))
            ),
        ),
        Prefetch("articles", queryset=ArticleReference.objects.order_by("instrument", "article", "paragraph", "point")),
    )


def case_filterset(*, user, data) -> CaseFilterSet:
    return CaseFilterSet(data=data or {}, queryset=case_queryset(user=user))


def case_list(*, user, filters: dict) -> QuerySet[Case]:
    """The filtered, ordered cases. Invalid filters raise django.core.exceptions.ValidationError
    with the FilterSet's messages; views that show the form should use case_filterset()."""
    filterset = case_filterset(user=user, data=filters)
    if not filterset.is_valid():
        raise DjangoValidationError(filterset.errors)
    return filterset.qs


def case_eur_total(queryset: QuerySet[Case]) -> Decimal:
    """Sum of the cases' fines in EUR (each converted with the stored rate of its decision date)."""
    total = queryset.order_by().aggregate(total=Sum("fines_eur_total"))["total"]
    return (total or Decimal(0)).quantize(Decimal("0.01"))


@dataclass
class CurrencyLine:
    currency: str
    amount: Decimal
    fines: int
    amount_eur: Decimal | None
    rate_to_eur: Decimal | None
    rate_valid_from: dt.date | None
    rate_source: str


@dataclass
class EurTotal:
    total_eur: Decimal
    lines: list[CurrencyLine] = field(default_factory=list)
    unconverted: list[CurrencyLine] = field(default_factory=list)

    @property
    def rates_used(self) -> list[CurrencyLine]:
        return [line for line in self.lines if line.rate_to_eur is not None]


def case_eur_breakdown(queryset: QuerySet[Case]) -> EurTotal:
    """The EUR total of the cases' fines, per currency and rate: which stored rate converted what.
    Fines whose currency had no rate on their date are listed as unconverted (not guessed).
    Cached per filtered set until enforcement data changes (enforcement.listcache)."""
    cases = queryset.order_by().prefetch_related(None)
    return listcache.cached(name="eur_breakdown", queryset=cases, compute=lambda: _eur_breakdown(cases))


def _eur_breakdown(cases: QuerySet[Case]) -> EurTotal:
    fines = Fine.objects.filter(decision__case__in=cases.values("pk"))
    rows = (
        fines.values("currency", "eur_rate__rate_to_eur", "eur_rate__valid_from", "eur_rate__source")
        .annotate(amount=Sum("amount"), amount_eur=Sum("amount_eur"), count=Count("pk"))
        .order_by("currency", "eur_rate__valid_from")
    )
    result = EurTotal(total_eur=Decimal(0))
    for row in rows:
        line = CurrencyLine(
            currency=row["currency"],
            amount=row["amount"],
            fines=row["count"],
            amount_eur=row["amount_eur"],
            rate_to_eur=row["eur_rate__rate_to_eur"],
            rate_valid_from=row["eur_rate__valid_from"],
            rate_source=row["eur_rate__source"] or ("" if row["currency"] == "EUR" else "no rate stored"),
        )
        if row["amount_eur"] is None:
            result.unconverted.append(line)
        else:
            result.lines.append(line)
            result.total_eur += row["amount_eur"]
    result.total_eur = result.total_eur.quantize(Decimal("0.01"))
    return result


@dataclass(frozen=True)
class FacetCount:
    value: str
    label: str
    count: int


FACETS = ("sector", "violation_type")


def _cases_without_filter(filterset: CaseFilterSet, facet: str) -> QuerySet[Case]:
    """The filterset's cases with every filter applied but `facet`'s own (its cleaned values are
    reused: nothing is validated or looked up again)."""
    cases = filterset.queryset.prefetch_related(None).order_by()
    for name, value in filterset.form.cleaned_data.items():
        if name not in (facet, "ordering"):
            cases = filterset.filters[name].filter(cases, value)
    return cases


def case_facet_counts(filterset: CaseFilterSet) -> dict[str, list[FacetCount]]:
    """For each facet, how many of the visible cases have each value, among the cases that match
    every other filter (so that the counts say what choosing a value would give, as on the public
    trackers). One aggregate query per facet, whatever the number of cases; every value of the
    controlled list is listed, with 0 where no case has it. `filterset` must be valid.
    The counts are cached per filtered set until enforcement data changes (enforcement.listcache);
    the labels are the current language's."""
    sectors, violations = listcache.cached(
        name="facet_counts",
        queryset=filterset.qs.order_by().prefetch_related(None),
        compute=lambda: _facet_counts(filterset),
    )
    return {
        "sector": [FacetCount(value, str(label), sectors.get(value, 0)) for value, label in Sector.choices],
        "violation_type": [
            FacetCount(value, str(label), violations.get(value, 0)) for value, label in ViolationCode.choices
        ],
    }


def _facet_counts(filterset: CaseFilterSet) -> tuple[dict[str, int], dict[str, int]]:
    sectors = dict(
        _cases_without_filter(filterset, "sector")
        .values("sector")
        .annotate(count=Count("pk"))
        .values_list("sector", "count")
    )
    tagged = Case.violation_types.through.objects.filter(
        case__in=_cases_without_filter(filterset, "violation_type").values("pk")
    )
    violations = dict(
        tagged.order_by()
        .values("violationtype__code")
        .annotate(count=Count("case_id"))
        .values_list("violationtype__code", "count")
    )
    return sectors, violations


@dataclass
class PenaltyTotals:
    """Periodic penalty payments in EUR, beside (never inside) the fines.

    Three quantities are kept apart everywhere: Art. 83 fines (Fine), liquidated penalty
    payments (amounts a liquidation decision fixed, owed like a fine but not a fine) and caps
    (the most a penalty may reach: a limit, not an amount anyone owes). No total adds two of
    them: a cap added to a liquidated amount is no quantity at all. Penalties in another
    currency are counted in `not_in_eur` and left out (no rate is applied to a penalty)."""

    liquidated_eur: Decimal = Decimal("0.00")
    liquidated_unpaid_eur: Decimal = Decimal("0.00")
    liquidations: int = 0
    caps_eur: Decimal = Decimal("0.00")
    capped_penalties: int = 0
    not_in_eur: int = 0


def penalty_totals(penalties: QuerySet[PenaltyPayment]) -> PenaltyTotals:
    """Three aggregate queries, whatever the number of penalties; cached per set of penalties
    until enforcement data changes (enforcement.listcache)."""
    penalties = penalties.order_by()
    return listcache.cached(name="penalty_totals", queryset=penalties, compute=lambda: _penalty_totals(penalties))


def _penalty_totals(penalties: QuerySet[PenaltyPayment]) -> PenaltyTotals:
    eur = penalties.filter(currency="EUR")
    liquidations = PenaltyLiquidation.objects.filter(penalty__in=eur.values("pk")).aggregate(
        total=Sum("amount"),
        unpaid=Sum("amount", filter=Q(payment_status=Fine.PaymentStatus.UNPAID)),
        count=Count("pk"),
    )
    caps = eur.aggregate(total=Sum("cap"), count=Count("pk", filter=Q(cap__isnull=False)))
    return PenaltyTotals(
        liquidated_eur=_cents(liquidations["total"]),
        liquidated_unpaid_eur=_cents(liquidations["unpaid"]),
        liquidations=liquidations["count"],
        caps_eur=_cents(caps["total"]),
        capped_penalties=caps["count"],
        not_in_eur=penalties.exclude(currency="EUR").count(),
    )


def case_detail(*, public_id, user) -> Case:
    """One visible case with everything its page shows (raises Http404 when not visible)."""
    cases = Case.objects.select_related("authority", "respondent", "lead_authority").prefetch_related(
        "concerned_authorities",
        "sources",
        "investigative_acts",
        "complainant_updates",
        Prefetch("articles", queryset=ArticleReference.objects.select_related("decision")),
        Prefetch(
            "decisions",
            queryset=Decision.objects.order_by("decision_date", "announced_date", "id").prefetch_related(
                Prefetch(
                    "fines",
                    queryset=Fine.objects.select_related("eur_rate").prefetch_related("quoted_conversions", "criteria"),
                ),
                Prefetch("orders", queryset=Order.objects.prefetch_related("checks")),
                Prefetch(
                    "penalty_payments",
                    queryset=PenaltyPayment.objects.select_related("order", "decision").prefetch_related(
                        "liquidations__decision", "order__checks", "decision__orders__checks"
                    ),
                ),
                "sources",
                "children",
            ),
        ),
        Prefetch("appeals", queryset=Appeal.objects.select_related("decision").prefetch_related("events")),
        Prefetch("history", queryset=ChangeRecord.objects.select_related("changed_by").order_by("-changed_at", "-id")),
    )
    if not sees_internal(user):
        cases = cases.filter(published=True)
    try:
        return cases.get(public_id=public_id)
    except (Case.DoesNotExist, ValueError, DjangoValidationError) as exc:  # a malformed id is just not found
        raise Http404("No such case") from exc


def case_penalty_accruals(*, case: Case, as_of: dt.date | None = None) -> list[tuple[PenaltyPayment, AccrualResult]]:
    as_of = as_of or timezone.localdate()
    return [
        (penalty, penalty_accrued(penalty=penalty, as_of=as_of))
        for decision in case.decisions.all()
        for penalty in decision.penalty_payments.all()
    ]


def decision_list(*, user, filters: dict) -> QuerySet[Decision]:
    decisions = Decision.objects.select_related("case__authority", "case__respondent", "parent").prefetch_related(
        "fines"
    )
    if not sees_internal(user):
        decisions = decisions.filter(case__published=True)
    filterset = DecisionFilterSet(data=filters or {}, queryset=decisions)
    if not filterset.is_valid():
        raise DjangoValidationError(filterset.errors)
    return filterset.qs


def exchange_rates_in_use() -> QuerySet[ExchangeRate]:
    return ExchangeRate.objects.filter(Q(pk__in=Fine.objects.values("eur_rate"))).order_by("currency", "valid_from")


def dashboard_stats(*, user, as_of: dt.date | None = None, top: int = 12) -> dict:
    """Series for the dashboard charts, over the cases the user may see. Amounts are EUR, each
    fine converted with the stored rate of its decision date (unconverted fines are counted apart).

    Returns {"fines_by_authority", "fines_by_country", "fines_by_year": [(label, eur, count)],
    "payment_status": [(status label, eur, count)], "unpaid_total_eur", "total_eur",
    "unconverted_fines", "penalties": [{"label", "case", "currency", "accrued", "liquidated",
    "cap", "capped", "known", "explanation"}], "penalty_totals" (PenaltyTotals: liquidated penalty
    payments and caps, apart from the fines and from each other), "counts": {...},
    "rates": [ExchangeRate]}.
    """
    as_of = as_of or timezone.localdate()
    fines = Fine.objects.all()
    if not sees_internal(user):
        fines = fines.filter(decision__case__published=True)
    converted = fines.filter(amount_eur__isnull=False)

    def series(key):
        rows = converted.values(key).annotate(eur=Sum("amount_eur"), count=Count("pk")).order_by("-eur")
        return [(row[key], _cents(row["eur"]), row["count"]) for row in rows]

    by_authority = [
        (
            f"{row['decision__case__authority__short_name'] or row['decision__case__authority__name']}",
            row["eur"],
            row["count"],
        )
        for row in converted.values("decision__case__authority__short_name", "decision__case__authority__name")
        .annotate(eur=Sum("amount_eur"), count=Count("pk"))
        .order_by("-eur")[:top]
    ]
    by_country = series("decision__case__authority__country")[:top]
    by_year = [
        (row["year"], _cents(row["eur"]), row["count"])
        for row in converted.annotate(year=ExtractYear(Coalesce("decision__decision_date", "decision__announced_date")))
        .values("year")
        .annotate(eur=Sum("amount_eur"), count=Count("pk"))
        .order_by("year")
        if row["year"] is not None
    ]
    status_labels = dict(Fine.PaymentStatus.choices)
    by_status = [(status_labels[key], eur, count) for key, eur, count in series("payment_status")]
    unpaid_total = converted.filter(payment_status=Fine.PaymentStatus.UNPAID).aggregate(t=Sum("amount_eur"))["t"]

    penalties = PenaltyPayment.objects.select_related("decision__case__authority", "order").prefetch_related(
        "liquidations", "order__checks", "decision__orders__checks"
    )
    if not sees_internal(user):
        penalties = penalties.filter(decision__case__published=True)
    penalty_rows = []
    for penalty in penalties.order_by(F("cap").desc(nulls_last=True), "id")[: top * 4]:
        accrual = penalty_accrued(penalty=penalty, as_of=as_of)
        case = penalty.decision.case
        penalty_rows.append(
            {
                "label": f"{case.authority.short_name or case.authority.name} {case.reference}",
                "case": case,
                "penalty": penalty,
                "currency": penalty.currency,
                "accrued": accrual.amount,
                "liquidated": accrual.liquidated,
                "cap": accrual.cap,
                "capped": accrual.capped,
                "known": accrual.known,
                "explanation": accrual.explanation,
            }
        )
    visible_cases = Case.objects.all() if sees_internal(user) else Case.objects.filter(published=True)
    return {
        "fines_by_authority": by_authority,
        "fines_by_country": by_country,
        "fines_by_year": by_year,
        "payment_status": by_status,
        "unpaid_total_eur": (unpaid_total or Decimal(0)).quantize(Decimal("0.01")),
        "total_eur": (converted.aggregate(t=Sum("amount_eur"))["t"] or Decimal(0)).quantize(Decimal("0.01")),
        "unconverted_fines": fines.filter(amount_eur__isnull=True).count(),
        "penalties": penalty_rows[:top],
        "penalty_totals": penalty_totals(penalties),
        "counts": {
            "cases": visible_cases.count(),
            "decisions": Decision.objects.filter(case__in=visible_cases).count(),
            "fines": fines.count(),
        },
        "rates": list(exchange_rates_in_use()),
        "as_of": as_of,
    }


# --- staff worklist: the fining law and the complainant's right to be informed ------------------


def fines_above_ceiling() -> list[tuple[Fine, CeilingAssessment]]:
    """Every fine the ceiling rule flags. Only fines above the lowest fixed ceiling (EUR 10M) can
    be flagged, so the database returns few rows even at 100,000 cases."""
    fines = (
        Fine.objects.filter(amount_eur__gt=LOWEST_FIXED_CEILING_EUR)
        .select_related("decision__case__authority", "decision__case__respondent")
        .order_by("-amount_eur", "pk")
    )
    flagged = []
    for fine in fines:
        assessment = fine_ceiling_assess(fine=fine)
        if assessment is not None and assessment.flagged:
            flagged.append((fine, assessment))
    return flagged


def complaints_overdue(*, as_of: dt.date | None = None):
    """Complaint cases whose complainant should have heard from the authority by now."""
    as_of = as_of or timezone.localdate()
    return (
        Case.objects.filter(complainant_update_due__lt=as_of)
        .select_related("authority", "respondent")
        .order_by("complainant_update_due", "reference")
    )


def complaints_due_soon(*, as_of: dt.date | None = None, days: int = 14):
    as_of = as_of or timezone.localdate()
    return (
        Case.objects.filter(complainant_update_due__gte=as_of, complainant_update_due__lte=as_of + dt.timedelta(days))
        .select_related("authority", "respondent")
        .order_by("complainant_update_due", "reference")
    )


def complaints_without_received_date():
    """Open complaint cases with no received date: their due date cannot be computed."""
    return (
        Case.objects.filter(origin=Case.Origin.COMPLAINT, complaint_received_on__isnull=True)
        .exclude(status=Case.Status.CLOSED)
        .select_related("authority", "respondent")
        .order_by("reference")
    )


@dataclass
class Worklist:
    overdue: list[Case]
    due_soon: list[Case]
    no_received_date: list[Case]
    fines_flagged: list[tuple[Fine, CeilingAssessment]]


def staff_worklist(*, as_of: dt.date | None = None, limit: int = 200) -> Worklist:
    """What staff must act on: complainants to inform (Art. 77(2)) and fines above a ceiling."""
    return Worklist(
        overdue=list(complaints_overdue(as_of=as_of)[:limit]),
        due_soon=list(complaints_due_soon(as_of=as_of)[:limit]),
        no_received_date=list(complaints_without_received_date()[:limit]),
        fines_flagged=fines_above_ceiling()[:limit],
    )
