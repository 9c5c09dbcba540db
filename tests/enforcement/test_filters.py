from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from enforcement.filters import CaseFilterSet
from enforcement.models import Case
from enforcement.selectors import case_queryset

pytestmark = pytest.mark.django_db


def refs(data: dict, user=None) -> list[str]:
    filterset = CaseFilterSet(data=data, queryset=case_queryset(user=user or AnonymousUser()))
    assert filterset.is_valid(), filterset.errors
    return [case.reference for case in filterset.qs]


def errors(data: dict) -> dict:
    filterset = CaseFilterSet(data=data, queryset=Case.objects.all())
    assert not filterset.is_valid()
    return filterset.errors


def test_country_nl_shows_the_30_5m_decision_with_its_cap(clearview):
    assert refs({"country": "NL"}) == ["nl-ap-2024"]
    assert refs({"country": "nl"}) == ["nl-ap-2024"]
    case = case_queryset(user=AnonymousUser()).get(reference="nl-ap-2024")
    fine = case.decisions.all()[0].fines.all()[0]
    assert (fine.amount, fine.currency) == (Decimal("30500000.00"), "EUR")
    assert case.decisions.all()[0].penalty_payments.get().cap == Decimal("5100000.00")


def test_country_with_subdivisions(clearview):
    assert set(refs({"country": "CA"})) == {
        "ca-opc-2021",
        "ca-bc-oipc-2021-p21-08",
        "ca-ab-oipc-2021-p2021-12",
        "ca-qc-cai-2021",
    }


def test_authority_respondent_framework_status(clearview):
    assert refs({"authority": "fr-cnil"}) == ["fr-cnil-2022-san-019"]
    assert refs({"respondent": "polismyndigheten-swedish-police-authority"}) == ["se-imy-2021-police"]
    assert len(refs({"legal_framework": "national"})) == 6
    assert refs({"legal_framework": "uk_gdpr"}) == ["gb-ico-2022"]
    assert refs({"status": "under_appeal"}) == ["gb-ico-2022"]


def test_decision_kind_and_article(clearview):
    assert refs({"decision_kind": "penalty_liquidation"}) == ["fr-cnil-2022-san-019"]
    assert refs({"decision_kind": "information_request"}) == ["de-hmbbfdi-2020-auskunft"]
    assert set(refs({"article": "27"})) == {"it-garante-2022-50", "gr-hdpa-2022-35", "nl-ap-2024", "at-dsb-2023"}
    assert set(refs({"article": "5(1)(b)"})) == {"it-garante-2022-50", "at-dsb-2023"}
    assert set(refs({"article": "Art. 12(3)"})) == {"nl-ap-2024"}
    # BC PIPA s. 7 is not GDPR Art. 7
    assert refs({"article": "7"}) == []


def test_amount_range_is_in_eur(clearview):
    assert refs({"amount_min": "25000000"}) == ["nl-ap-2024", "fr-cnil-2022-san-019"]
    assert set(refs({"amount_min": "8000000", "amount_max": "9000000"})) == {"gb-ico-2022"}  # GBP 7.55M
    assert refs({"amount_max": "300000"}) == ["se-imy-2021-police"]  # SEK 2.5M


def test_date_range_uses_decision_or_announcement_date(clearview):
    assert set(refs({"date_from": "2024-01-01"})) == {"nl-ap-2024"}
    assert set(refs({"date_from": "2021-02-10", "date_to": "2021-02-12"})) == {"se-imy-2021-police"}
    assert set(refs({"date_from": "2023-04-01", "date_to": "2023-04-30"})) == {"fr-cnil-2022-san-019"}


def test_unpaid_only_and_free_text(clearview):
    assert set(refs({"unpaid_only": "true"})) == {"it-garante-2022-50", "gr-hdpa-2022-35", "fr-cnil-2022-san-019"}
    assert len(refs({"unpaid_only": "false"})) == 14
    assert refs({"q": "Polismyndigheten"}) == ["se-imy-2021-police"]
    assert refs({"q": "SAN-2022-019"}) == ["fr-cnil-2022-san-019"]
    assert refs({"q": "hellenic"}) == ["gr-hdpa-2022-35"]


def test_ordering_puts_unknown_amounts_last(clearview):
    ordered = refs({"ordering": "-amount"})
    assert ordered[:3] == ["nl-ap-2024", "fr-cnil-2022-san-019", "gr-hdpa-2022-35"]
    assert all(Case.objects.get(reference=r).fines_eur_total is None for r in ordered[7:])
    ascending = refs({"ordering": "amount"})
    assert ascending[0] == "se-imy-2021-police"
    assert refs({"ordering": "-date"})[0] == "nl-ap-2024"
    assert refs({})[0] == "nl-ap-2024"  # default: newest decision first


def test_invalid_values_have_messages(clearview):
    assert "country" in errors({"country": "XX"})
    assert "article" in errors({"article": "five"})
    assert "amount_min" in errors({"amount_min": "-3"})
    assert "amount_min" in errors({"amount_min": "lots"})
    assert "date_from" in errors({"date_from": "2024-13-01"})
    assert "amount_max" in errors({"amount_min": "10", "amount_max": "5"})
    assert "date_to" in errors({"date_from": "2024-02-01", "date_to": "2024-01-01"})
    assert "ordering" in errors({"ordering": "internal_notes"})
    assert "authority" in errors({"authority": "no-such-authority"})
    assert "status" in errors({"status": "lost"})
