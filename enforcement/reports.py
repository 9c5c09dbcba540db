"""PDF reports of the enforcement domain (the pipeline is reports/services.py).

- Case file (`case_file_*`): one case with its parties, decisions, fines and their payment
  status, orders and compliance checks, penalty accrual against its cap, appeals, sources, the
  change history, and every unverified fact marked. Small: generated inside the request.
- Enforcement summary (`summary_*`): any set of cases selected with the case list's filters
  (the same `CaseFilterSet`, given as the list's query string), with totals per authority,
  country and year, the dashboard's charts, and a table of every decision. Made on a worker.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.http import Http404, QueryDict
from django.utils import timezone

from core import charts
from enforcement import selectors
from enforcement.models import ArticleReference, Authority, Case, Decision, Fine, PenaltyPayment
from reports.services import ReportContent, ReportParameterError

MAX_QUERY_LENGTH = 4000
# Query-string keys that are not filters: pagination and the exports' own switches.
NON_FILTER_KEYS = {"page", "format", "export"}


# --- case file -----------------------------------------------------------------------------


def case_file_clean(*, parameters: dict, user) -> dict:
    raw = parameters.get("case")
    try:
        public_id = uuid.UUID(str(raw))
    except (TypeError, ValueError):
        raise ReportParameterError("Give the case's id (a UUID).") from None
    if not Case.objects.filter(public_id=public_id).exists():
        raise ReportParameterError("No case has this id.")
    try:
        selectors.case_detail(public_id=public_id, user=user)
    except Http404:
        raise ReportParameterError("You may not see this case.") from None
    return {"case": str(public_id)}


def case_file_build(*, report, parameters: dict, user) -> ReportContent:
    as_of = timezone.localdate()
    case = selectors.case_detail(public_id=parameters["case"], user=user)
    accruals = selectors.case_penalty_accruals(case=case, as_of=as_of)
    penalties = []
    for penalty, accrual in accruals:
        chart = None
        if accrual.known:
            chart = charts.cap_bar(
                value=accrual.amount,
                cap=accrual.cap,
                title=f"Accrued by {as_of:%d %b %Y}",
                unit=penalty.currency,
                width=520,
            )
        penalties.append({"penalty": penalty, "accrual": accrual, "chart": chart})
    decisions = list(case.decisions.all())
    fines = [(decision, fine) for decision in decisions for fine in decision.fines.all()]
    orders = [(decision, order) for decision in decisions for order in decision.orders.all()]
    eur_total = sum((fine.amount_eur for _, fine in fines if fine.amount_eur is not None), Decimal(0))
    return ReportContent(
        template="reports/pdf/case_file.html",
        context={
            "case": case,
            "as_of": as_of,
            "decisions": decisions,
            "fines": fines,
            "fines_eur_total": eur_total,
            "unconverted_fines": [fine for _, fine in fines if fine.amount_eur is None],
            "orders": orders,
            "penalties": penalties,
            "appeals": list(case.appeals.all()),
            "sources": list(case.sources.all()),
            "articles": [a for a in case.articles.all() if a.role == ArticleReference.Role.VIOLATED],
            "articles_legal_basis": [a for a in case.articles.all() if a.role == ArticleReference.Role.LEGAL_BASIS],
            "history": list(case.history.all()),
            "concerned": list(case.concerned_authorities.all()),
            "authority_kinds": dict(Authority.Kind.choices),
            "show_internal": selectors.sees_internal(user),
        },
        title=f"Case file {case.reference}",
        filter_text=f"case={case.public_id} ({case.reference})",
    )


# --- enforcement summary -------------------------------------------------------------------


def _filters_from_query(query: str) -> dict:
    if len(query) > MAX_QUERY_LENGTH:
        raise ReportParameterError("The filter is too long.")
    data = QueryDict(query.lstrip("?"), mutable=True)
    for key in NON_FILTER_KEYS:
        data.pop(key, None)
    return data


def _query_text(data: QueryDict) -> str:
    pairs = sorted((key, value) for key, values in data.lists() for value in values if value != "")
    return urlencode(pairs)


def summary_clean(*, parameters: dict, user) -> dict:
    data = _filters_from_query(str(parameters.get("query") or ""))
    filterset = selectors.case_filterset(user=user, data=data)
    if not filterset.is_valid():
        problems = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in filterset.errors.items())
        raise ReportParameterError(f"The filter is not valid: {problems}")
    return {"query": _query_text(data)}


def enforcement_summary_data(*, user, filters: dict) -> dict:
    """Totals and rows for the summary: a few aggregate queries over the filtered cases, then one
    query for the decisions table (with fines), whatever the number of cases."""
    cases = selectors.case_list(user=user, filters=filters)
    case_ids = cases.order_by().values("pk")
    fines = Fine.objects.filter(decision__case__in=case_ids)
    converted = fines.filter(amount_eur__isnull=False)
    decisions = Decision.objects.filter(case__in=case_ids)
    case_rows = Case.objects.filter(pk__in=case_ids)

    authority_rows = _grouped_rows(
        cases=case_rows.values("authority_id"),
        case_key="authority_id",
        decisions=decisions.values("case__authority_id"),
        decision_key="case__authority_id",
        fines=fines.values("decision__case__authority_id"),
        fine_key="decision__case__authority_id",
    )
    authorities = Authority.objects.in_bulk([row["key"] for row in authority_rows])
    for row in authority_rows:
        authority = authorities[row["key"]]
        row["name"] = authority.short_name or authority.name
        row["full_name"] = authority.name
        row["country"] = authority.country_code
    country_rows = _grouped_rows(
        cases=case_rows.values("authority__country"),
        case_key="authority__country",
        decisions=decisions.values("case__authority__country"),
        decision_key="case__authority__country",
        fines=fines.values("decision__case__authority__country"),
        fine_key="decision__case__authority__country",
    )
    year_rows = _grouped_rows(
        cases=None,
        case_key=None,
        decisions=decisions.annotate(year=ExtractYear(Coalesce("decision_date", "announced_date"))).values("year"),
        decision_key="year",
        fines=fines.annotate(year=ExtractYear(Coalesce("decision__decision_date", "decision__announced_date"))).values(
            "year"
        ),
        fine_key="year",
    )
    year_rows.sort(key=lambda row: (row["key"] is None, row["key"] or 0))

    decision_rows = list(
        decisions.select_related("case__authority", "case__respondent", "parent")
        .prefetch_related("fines", "liquidations__penalty")
        .order_by(Coalesce("decision_date", "announced_date").asc(nulls_last=True), "case__reference", "id")
    )
    status_labels = dict(Fine.PaymentStatus.choices)
    return {
        "case_count": case_rows.count(),
        "decision_count": len(decision_rows),
        "fine_count": fines.count(),
        "unconverted_fines": fines.filter(amount_eur__isnull=True).count(),
        "breakdown": selectors.case_eur_breakdown(cases),
        # Liquidated penalty payments and caps: beside the fines, never added to them.
        "penalties": selectors.penalty_totals(PenaltyPayment.objects.filter(decision__case__in=case_ids)),
        "unpaid_eur": converted.filter(payment_status=Fine.PaymentStatus.UNPAID).aggregate(t=Sum("amount_eur"))["t"]
        or Decimal(0),
        "by_authority": authority_rows,
        "by_country": country_rows,
        "by_year": year_rows,
        "payment_status": [
            (status_labels[row["payment_status"]], row["eur"] or Decimal(0), row["count"])
            for row in converted.values("payment_status")
            .annotate(eur=Sum("amount_eur"), count=Count("pk"))
            .order_by("-eur", "payment_status")
        ],
        "decisions": decision_rows,
    }


def _grouped_rows(*, cases, case_key, decisions, decision_key, fines, fine_key) -> list[dict]:
    rows: dict = defaultdict(lambda: {"cases": 0, "decisions": 0, "fines": 0, "eur": Decimal(0), "unpaid": Decimal(0)})
    if cases is not None:
        for row in cases.annotate(count=Count("pk", distinct=True)).order_by():
            rows[row[case_key]]["cases"] += row["count"]
    for row in decisions.annotate(count=Count("pk")).order_by():
        rows[row[decision_key]]["decisions"] += row["count"]
    for row in fines.annotate(
        count=Count("pk"),
        eur=Sum("amount_eur"),
        unpaid=Sum("amount_eur", filter=Q(payment_status=Fine.PaymentStatus.UNPAID)),
    ).order_by():
        rows[row[fine_key]]["fines"] += row["count"]
        rows[row[fine_key]]["eur"] += row["eur"] or 0
        rows[row[fine_key]]["unpaid"] += row["unpaid"] or 0
    return sorted(
        ({"key": key, **values} for key, values in rows.items()), key=lambda row: (-row["eur"], str(row["key"]))
    )


def summary_build(*, report, parameters: dict, user) -> ReportContent:
    query = parameters.get("query", "")
    filters = _filters_from_query(query)
    data = enforcement_summary_data(user=user, filters=filters)
    top = 12
    chart_svgs = {
        "by_authority": charts.bar_chart(
            [(row["name"], row["eur"]) for row in data["by_authority"] if row["eur"]][:top],
            title="Fines by authority (EUR)",
            unit="EUR",
            width=520,
            empty_message="No converted fines in this set",
        ),
        "by_country": charts.bar_chart(
            [(str(row["key"]), row["eur"]) for row in data["by_country"] if row["eur"]][:top],
            title="Fines by country (EUR)",
            unit="EUR",
            width=520,
            empty_message="No converted fines in this set",
        ),
        "by_year": charts.column_chart(
            [(str(row["key"]), row["eur"]) for row in data["by_year"] if row["key"] is not None],
            title="Fines by year of decision (EUR)",
            unit="EUR",
            width=520,
            empty_message="No dated fines in this set",
        ),
        "payment_status": charts.bar_chart(
            [(label, eur) for label, eur, _count in data["payment_status"]],
            title="Fines by payment status (EUR)",
            unit="EUR",
            width=520,
            empty_message="No converted fines in this set",
        ),
    }
    described = query or "all cases"
    return ReportContent(
        template="reports/pdf/enforcement_summary.html",
        context={
            "summary": data,
            "charts": chart_svgs,
            "query": query,
            "as_of": timezone.localdate(),
            "filters_list": sorted(filters.lists()),
        },
        title=f"Enforcement summary: {data['case_count']} case{'s' if data['case_count'] != 1 else ''}",
        filter_text=described,
    )


def summary_parameters_for_list(request_get: QueryDict) -> dict:
    """What the case list's "Export PDF" button sends: its own query string, minus the page."""
    data = request_get.copy()
    for key in NON_FILTER_KEYS:
        data.pop(key, None)
    return {"query": _query_text(data)}


__all__ = [
    "case_file_build",
    "case_file_clean",
    "enforcement_summary_data",
    "summary_build",
    "summary_clean",
    "summary_parameters_for_list",
]
