from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enforcement.filters import CaseFilterSet, DecisionFilterSet
from enforcement.models import Case, Decision
from enforcement.selectors import case_list, case_queryset
from tests.enforcement.factories import AuthorityFactory, CaseFactory, DecisionFactory, FineFactory, RespondentFactory

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
    # CNIL: the EUR 20M fine; its liquidated EUR 5.2M penalty payment is not a fine.
    assert refs({"amount_min": "25000000"}) == ["nl-ap-2024"]
    assert "fr-cnil-2022-san-019" in refs({"amount_min": "20000000", "amount_max": "20000000"})
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


# --- free text -----------------------------------------------------------------------------------


def test_free_text_matches_every_searched_field_ignoring_case(staff_user):
    CaseFactory(title="Unrelated", summary="Nothing to see.")
    by_title = CaseFactory(title="Scraping by Glimmerware Inc.")
    by_reference = CaseFactory(reference="xx-dpa-2024-quokka-7")
    by_summary = CaseFactory(summary="The controller kept VANTABLACK records for years.")
    by_respondent = CaseFactory(respondent=RespondentFactory(name="Marmoset Analytics GmbH"))
    by_short_name = CaseFactory(authority=AuthorityFactory(short_name="ZebraDPA", name="Office of the Commissioner"))
    by_authority_name = CaseFactory(authority=AuthorityFactory(name="Ocelot Data Protection Board"))
    by_decision = DecisionFactory(reference="Okapi/2023/0042").case
    hidden = CaseFactory(title="Glimmerware, second case", published=False)

    expected = {
        "glimmerWARE": by_title,
        "QUOKKA-7": by_reference,
        "vantablack": by_summary,
        "marmoset analytics": by_respondent,
        "zebradpa": by_short_name,
        "OCELOT DATA": by_authority_name,
        "okapi/2023": by_decision,
    }
    for text, case in expected.items():
        assert refs({"q": text}) == [case.reference], text
        assert refs({"q": f"  {text} "}) == [case.reference], "surrounding spaces are ignored"
    # Staff also see unpublished cases; a case found through several fields is listed once.
    assert set(refs({"q": "glimmerware"}, user=staff_user)) == {by_title.reference, hidden.reference}
    DecisionFactory(case=by_title, reference="GLIMMERWARE/1")
    assert sorted(refs({"q": "glimmerware"}, user=staff_user)) == sorted([by_title.reference, hidden.reference])
    assert refs({"q": "nothing matches this"}) == []


def test_free_text_takes_percent_and_underscore_literally():
    percent = CaseFactory(summary="Fine reduced by 50% on appeal.")
    CaseFactory(summary="Fine reduced by 500 on appeal.")
    underscore = CaseFactory(reference="xx_dpa_1")
    CaseFactory(reference="xx-dpa-1")
    assert refs({"q": "50%"}) == [percent.reference]
    assert refs({"q": "xx_dpa"}) == [underscore.reference]


def test_free_text_combines_with_the_other_filters(clearview):
    assert refs({"q": "clearview", "country": "FR"}) == ["fr-cnil-2022-san-019"]
    assert refs({"q": "clearview", "ordering": "-amount"})[:2] == ["nl-ap-2024", "fr-cnil-2022-san-019"]
    assert refs({"q": "san-2022", "unpaid_only": "true"}) == ["fr-cnil-2022-san-019"]


def test_decision_free_text_matches_reference_summary_and_the_case():
    case = CaseFactory(title="Walrus Holdings case", reference="yy-dpa-2022-narwhal")
    by_case_title = DecisionFactory(case=case, reference="D-1")
    by_reference = DecisionFactory(reference="Capybara/2021/7")
    by_summary = DecisionFactory(summary="Order to delete the AXOLOTL database.")
    DecisionFactory(reference="D-2", summary="Unrelated.")

    def decision_refs(text: str) -> set[str]:
        filterset = DecisionFilterSet(data={"q": text}, queryset=Decision.objects.all())
        assert filterset.is_valid(), filterset.errors
        return {decision.reference for decision in filterset.qs}

    assert decision_refs("WALRUS") == {by_case_title.reference}
    assert decision_refs("narwhal") == {by_case_title.reference}
    assert decision_refs("capybara/2021") == {by_reference.reference}
    assert decision_refs("axolotl") == {by_summary.reference}
    assert decision_refs("nothing matches this") == set()


def _needle_cases(count: int, start: int) -> None:
    """Cases found by the word "needle" through different fields (and each with a fine)."""
    for number in range(start, start + count):
        case = CaseFactory(
            title=f"Needle case {number}" if number % 3 == 0 else f"Case {number}",
            respondent=RespondentFactory(name=f"Needle Works {number}") if number % 3 == 1 else RespondentFactory(),
            authority=AuthorityFactory(short_name=f"NEEDLE{number}") if number % 3 == 2 else AuthorityFactory(),
        )
        FineFactory(decision=DecisionFactory(case=case, reference=f"needle/{number}"))
        CaseFactory()  # one that does not match


def _free_text_queries(user) -> tuple[int, int]:
    """(cases listed, SQL queries) for a page of the list searched for "needle", rows rendered."""
    with CaptureQueriesContext(connection) as queries:
        cases = list(case_list(user=user, filters={"q": "needle"})[:50])
        for case in cases:
            str(case.authority), str(case.respondent), case.has_unpaid
            [str(fine) for decision in case.decisions.all() for fine in decision.fines.all()]
            [str(ref) for ref in case.articles.all()]
    return len(cases), len(queries)


@pytest.mark.parametrize("who", ["staff", "public"])
def test_free_text_list_query_count_does_not_grow_with_matches(who, staff_user):
    user = staff_user if who == "staff" else AnonymousUser()
    case_list(user=user, filters={})  # staff: their permissions are read once and cached
    _needle_cases(3, 0)
    few, few_queries = _free_text_queries(user)
    _needle_cases(9, 3)
    many, many_queries = _free_text_queries(user)
    assert (few, many) == (3, 12)
    # The matching authorities, the page, decisions, fines, articles.
    assert few_queries == many_queries <= 5


# --- issue 15, item 5: the country filter, the menus ---------------------------------------------


def test_country_filter_takes_names_and_codes_and_never_cuts_them_short(clearview):
    assert refs({"country": "Netherlands"}) == ["nl-ap-2024"]
    assert refs({"country": "the netherlands"}) == ["nl-ap-2024"]
    assert refs({"country": "nl"}) == ["nl-ap-2024"]
    assert "country" in errors({"country": "Netherlandz"})
    assert "Netherlandz" in " ".join(errors({"country": "Netherlandz"})["country"])


def test_country_filter_is_a_select_of_the_countries_on_record_by_name(clearview):
    field = CaseFilterSet(data={}).form.fields["country"]
    choices = list(field.choices)
    assert choices[0][0] == ""
    assert ("NL", "Netherlands") in choices and ("FR", "France") in choices
    assert [code for code, _ in choices[1:]] == [
        code for code, _ in sorted(choices[1:], key=lambda choice: choice[1].casefold())
    ]
    assert len(choices) == 1 + 10  # the ten countries of the Clearview record
