import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from enforcement.models import Case
from enforcement.selectors import (
    case_detail,
    case_eur_breakdown,
    case_eur_total,
    case_list,
    case_penalty_accruals,
    dashboard_stats,
    decision_list,
)
from enforcement.services import exchange_rate_set
from tests.enforcement.factories import CaseFactory, DecisionFactory, FineFactory

pytestmark = pytest.mark.django_db


def make_cases(count: int, *, published: bool = True) -> None:
    for _ in range(count):
        case = CaseFactory(published=published)
        decision = DecisionFactory(case=case)
        FineFactory(decision=decision)
        case.articles.create(article=5, paragraph=1, point="a", label="5(1)(a)")


def render_rows(queryset) -> int:
    """Touch everything a list row shows; return how many queries that took."""
    with CaptureQueriesContext(connection) as queries:
        for case in queryset[:50]:
            str(case.authority), str(case.respondent), case.has_unpaid
            for decision in case.decisions.all():
                for fine in decision.fines.all():
                    str(fine), fine.eur_rate
            [str(ref) for ref in case.articles.all()]
    return len(queries)


def test_case_list_query_count_does_not_grow_with_cases(staff_user):
    make_cases(6)
    small = render_rows(case_list(user=staff_user, filters={"ordering": "-amount"}))
    make_cases(12)
    large = render_rows(case_list(user=staff_user, filters={"ordering": "-amount"}))
    assert Case.objects.count() == 18
    assert small == large <= 4


def test_public_sees_published_only(staff_user, auditor_user, outsider_user):
    make_cases(2, published=True)
    make_cases(3, published=False)
    assert case_list(user=AnonymousUser(), filters={}).count() == 2
    assert case_list(user=outsider_user, filters={}).count() == 2
    assert case_list(user=auditor_user, filters={}).count() == 5
    assert case_list(user=staff_user, filters={}).count() == 5
    hidden = Case.objects.filter(published=False).first()
    with pytest.raises(Http404):
        case_detail(public_id=hidden.public_id, user=AnonymousUser())
    assert case_detail(public_id=hidden.public_id, user=auditor_user) == hidden
    with pytest.raises(Http404):
        case_detail(public_id="not-a-uuid", user=staff_user)


def test_case_list_rejects_invalid_filters():
    with pytest.raises(ValidationError):
        case_list(user=AnonymousUser(), filters={"country": "XX"})


def test_eur_total_and_rates_used(clearview):
    everything = case_list(user=AnonymousUser(), filters={})
    breakdown = case_eur_breakdown(everything)
    assert case_eur_total(everything) == breakdown.total_eur
    by_currency = {line.currency: line for line in breakdown.lines}
    assert by_currency["EUR"].amount == Decimal("90500000.00") and by_currency["EUR"].fines == 4  # no liquidation
    assert by_currency["GBP"].rate_valid_from == dt.date(2022, 5, 18)
    assert "ECB" in by_currency["GBP"].rate_source
    assert by_currency["SEK"].rate_valid_from == dt.date(2021, 2, 11)
    expected = sum((line.amount_eur for line in breakdown.lines), Decimal(0))
    assert breakdown.total_eur == expected.quantize(Decimal("0.01"))
    assert breakdown.unconverted == []
    netherlands = case_list(user=AnonymousUser(), filters={"country": "NL"})
    assert case_eur_total(netherlands) == Decimal("30500000.00")


def test_unconverted_fines_are_listed_not_guessed(staff_user):
    FineFactory(currency="USD", amount=Decimal("100"))
    breakdown = case_eur_breakdown(case_list(user=staff_user, filters={}))
    assert breakdown.total_eur == Decimal("0.00")
    assert [line.currency for line in breakdown.unconverted] == ["USD"]
    exchange_rate_set(currency="USD", valid_from=dt.date(2023, 1, 2), units_per_eur=Decimal("1.0683"), source="t")
    assert case_eur_breakdown(case_list(user=staff_user, filters={})).total_eur == Decimal("93.61")


def test_case_detail_and_accruals(clearview):
    france = Case.objects.get(reference="fr-cnil-2022-san-019")
    case = case_detail(public_id=france.public_id, user=AnonymousUser())
    accruals = case_penalty_accruals(case=case, as_of=dt.date(2023, 2, 9))
    assert [(result.units, result.amount) for _, result in accruals] == [(52, Decimal("5200000.00"))]
    with CaptureQueriesContext(connection) as queries:
        for decision in case.decisions.all():
            [str(f) for f in decision.fines.all()]
            [o.checks.all() for o in decision.orders.all()]
        list(case.history.all()), list(case.appeals.all()), list(case.sources.all())
    assert len(queries) == 0


def test_dashboard_series(clearview):
    stats = dashboard_stats(user=AnonymousUser(), as_of=dt.date(2025, 1, 1))
    by_country = {label: eur for label, eur, _ in stats["fines_by_country"]}
    assert by_country["NL"] == Decimal("30500000.00")
    assert by_country["FR"] == Decimal("20000000.00")  # the fine; the liquidated EUR 5.2M is no fine
    years = [year for year, _, _ in stats["fines_by_year"]]
    assert years == sorted(years) and 2024 in years
    assert stats["unpaid_total_eur"] == Decimal("60000000.00")  # IT 20M + GR 20M + FR 20M
    assert stats["counts"] == {"cases": 14, "decisions": 15, "fines": 6}
    assert {rate.currency for rate in stats["rates"]} == {"GBP", "SEK"}
    dutch = next(row for row in stats["penalties"] if "nl-ap-2024" in row["label"])
    assert dutch["cap"] == Decimal("5100000.00") and not dutch["known"]
    # Liquidated amounts and caps are two quantities, never one "exposure" of 10.3M.
    totals = stats["penalty_totals"]
    assert (totals.liquidated_eur, totals.liquidated_unpaid_eur) == (Decimal("5200000.00"), Decimal("5200000.00"))
    assert (totals.caps_eur, totals.capped_penalties) == (Decimal("5100000.00"), 1)
    assert "penalty_exposure_eur" not in stats


def test_decision_list_filters(clearview):
    kinds = {d.kind for d in decision_list(user=AnonymousUser(), filters={"country": "FR"})}
    assert kinds == {"fine", "penalty_liquidation"}
    assert decision_list(user=AnonymousUser(), filters={"kind": "findings"}).get().case.reference == "ca-opc-2021"
