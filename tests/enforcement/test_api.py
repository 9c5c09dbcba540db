import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import spectacular_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from enforcement.api.schema import ENFORCEMENT_ENUM_NAME_OVERRIDES
from enforcement.models import Appeal, Case, ChangeRecord, Decision, Fine
from enforcement.selectors import case_list
from tests.enforcement.factories import CaseFactory, DecisionFactory, FineFactory, OrderFactory, PenaltyFactory

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"


@pytest.fixture
def api():
    return APIClient()


def login(api, user):
    api.force_login(user)
    return api


@pytest.fixture
def hidden_case():
    case = CaseFactory(reference="hidden-case", published=False, internal_notes="call the controller's counsel")
    FineFactory(decision=DecisionFactory(case=case))
    return case


def all_pages(api, url):
    results = []
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content
        results += response.json()["results"]
        url = response.json()["next"]
    return results


# --- roles ---------------------------------------------------------------------------------------


def test_anonymous_reads_published_only_and_never_internal_notes(api, clearview, hidden_case):
    refs = [c["reference"] for c in all_pages(api, CASES)]
    assert len(refs) == 14 and "hidden-case" not in refs
    assert api.get(f"{CASES}{hidden_case.public_id}/").status_code == 404
    published = Case.objects.get(reference="nl-ap-2024")
    Case.objects.filter(pk=published.pk).update(internal_notes="secret")
    detail = api.get(f"{CASES}{published.public_id}/").json()
    assert "internal_notes" not in detail
    assert "secret" not in str(detail)
    fine_ids = [f["id"] for f in all_pages(api, "/api/v1/fines/")]
    assert str(hidden_case.decisions.get().fines.get().public_id) not in fine_ids
    assert api.post(CASES, {"reference": "x"}).status_code in (401, 403)


def test_outsider_is_treated_like_the_public(api, outsider_user, clearview, hidden_case):
    login(api, outsider_user)
    assert "hidden-case" not in [c["reference"] for c in all_pages(api, CASES)]
    fine = Fine.objects.get(decision__import_key="nl-ap-2024")
    assert api.patch(f"/api/v1/fines/{fine.public_id}/", {"payment_status": "paid"}).status_code == 403


def test_auditor_reads_everything_but_cannot_write(api, auditor_user, hidden_case):
    login(api, auditor_user)
    detail = api.get(f"{CASES}{hidden_case.public_id}/").json()
    assert detail["internal_notes"] == "call the controller's counsel"
    assert api.patch(f"{CASES}{hidden_case.public_id}/", {"title": "x"}, format="json").status_code == 403
    assert api.delete(f"/api/v1/fines/{hidden_case.decisions.get().fines.get().public_id}/").status_code == 403


def test_staff_writes_through_services_with_history(api, staff_user, clearview):
    login(api, staff_user)
    case = Case.objects.get(reference="nl-ap-2024")
    response = api.patch(f"{CASES}{case.public_id}/", {"status": "closed", "internal_notes": "n"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed"
    record = ChangeRecord.objects.get(case=case, field="status", changed_by=staff_user)
    assert (record.old_value, record.new_value, record.changed_by) == ("Decided", "Closed", staff_user)

    decision = Decision.objects.get(import_key="nl-ap-2024")
    response = api.post(
        "/api/v1/fines/",
        {"decision": str(decision.public_id), "amount": "1000.00", "currency": "GBP", "payment_status": "unpaid"},
        format="json",
    )
    assert response.status_code == 201, response.content
    fine_id = response.json()["id"]
    # Decided 2024-05-16: the latest stored GBP rate on or before that date is the one of 2024-01-02.
    assert response.json()["eur_rate"]["valid_from"] == "2024-01-02"
    assert response.json()["amount_eur"] == str((Decimal("1000") / Decimal("0.86645")).quantize(Decimal("0.01")))
    assert api.delete(f"/api/v1/fines/{fine_id}/").status_code == 204
    assert ChangeRecord.objects.filter(case=case, action="delete", model_label="fine").exists()
    assert api.delete(f"{CASES}{case.public_id}/").status_code == 405


def test_inactive_staff_has_no_staff_rights(api, inactive_staff_user, hidden_case):
    login(api, inactive_staff_user)
    assert api.get(f"{CASES}{hidden_case.public_id}/").status_code == 404
    assert api.patch(f"{CASES}{hidden_case.public_id}/", {"title": "x"}, format="json").status_code in (401, 403)
    token = Token.objects.create(user=inactive_staff_user)
    tokened = APIClient()
    tokened.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    # DRF answers 403 (not 401) because session auth, listed first, sends no WWW-Authenticate.
    response = tokened.get(CASES)
    assert response.status_code in (401, 403) and "inactive" in response.json()["detail"]


def test_token_authentication_for_scripts(staff_user, hidden_case):
    token = Token.objects.create(user=staff_user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert "hidden-case" in [c["reference"] for c in api.get(CASES).json()["results"]]
    response = api.patch(f"{CASES}{hidden_case.public_id}/", {"published": True}, format="json")
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION="Token wrong")
    response = api.get(CASES)
    assert response.status_code in (401, 403) and response.json()["detail"] == "Invalid token."


# --- validation ----------------------------------------------------------------------------------


def test_writes_are_validated_with_clear_400s(api, staff_user, clearview):
    login(api, staff_user)
    decision = Decision.objects.get(import_key="nl-ap-2024")
    response = api.post(
        "/api/v1/fines/", {"decision": str(decision.public_id), "amount": "-5", "currency": "EURO"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["amount"] == ["Ensure this value is greater than or equal to 0."]
    assert "ISO 4217" in body["currency"][0] or "at most 3" in body["currency"][0]
    response = api.post(
        "/api/v1/fines/", {"decision": str(decision.public_id), "amount": "5", "currency": "XYZ"}, format="json"
    )
    assert response.status_code == 400 and "ISO 4217" in response.json()["currency"][0]
    case = Case.objects.get(reference="nl-ap-2024")
    response = api.post(
        "/api/v1/decisions/",
        {"case": str(case.public_id), "kind": "order", "decision_date": "2024-02-30"},
        format="json",
    )
    assert response.status_code == 400 and "decision_date" in response.json()
    response = api.post(
        "/api/v1/decisions/",
        {
            "case": str(case.public_id),
            "kind": "order",
            "decision_date": "2024-02-01",
            "decision_date_precision": "unknown",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "precision 'unknown'" in str(response.json())
    response = api.patch(f"{CASES}{case.public_id}/", {"unverified_fields": ["colour"]}, format="json")
    assert response.status_code == 400 and "colour" in response.json()["unverified_fields"][0]
    response = api.patch(f"{CASES}{case.public_id}/", {"authority": "nope"}, format="json")
    assert response.status_code == 400
    response = api.post(CASES, {"reference": "nl-ap-2024", "title": "dup"}, format="json")
    assert response.status_code == 400 and "reference" in response.json()
    assert api.get(f"{CASES}?amount_min=abc").status_code == 400
    assert api.get("/api/v1/penalty-payments/?as_of=yesterday").status_code == 400


def test_service_rules_reach_the_api_as_400s_keyed_by_field(api, staff_user):
    """The serializers only check shapes; the rules live in enforcement.services.records and
    their ValidationErrors come back as DRF field errors."""
    login(api, staff_user)
    decision, elsewhere = DecisionFactory(), DecisionFactory()
    child = DecisionFactory(case=decision.case, parent=decision)
    penalty, foreign_order = PenaltyFactory(decision=decision), OrderFactory(decision=elsewhere)
    url = f"/api/v1/decisions/{decision.public_id}/"
    for payload, expected in [
        ({"parent": str(elsewhere.public_id)}, {"parent": ["Must belong to the same case."]}),
        ({"parent": str(child.public_id)}, {"parent": ["A decision cannot be its own ancestor."]}),
        ({"parent": str(decision.public_id)}, {"parent": ["A decision cannot be its own ancestor."]}),
    ]:
        response = api.patch(url, payload, format="json")
        assert (response.status_code, response.json()) == (400, expected)
    response = api.post(
        "/api/v1/appeals/",
        {"case": str(decision.case.public_id), "decision": str(elsewhere.public_id), "court": "Conseil d'Etat"},
        format="json",
    )
    assert (response.status_code, response.json()) == (400, {"decision": ["Must belong to the same case."]})
    response = api.patch(f"/api/v1/penalty-payments/{penalty.public_id}/", {"order": foreign_order.pk}, format="json")
    assert (response.status_code, response.json()) == (400, {"order": ["The order must belong to the same decision."]})
    response = api.delete(url)
    assert (response.status_code, response.json()) == (
        400,
        {"parent": ["Delete the decisions that refer to this one first."]},
    )
    decision.refresh_from_db()
    assert decision.parent is None and Decision.objects.filter(pk=child.pk, parent=decision).exists()
    assert not ChangeRecord.objects.filter(case=decision.case).exists()


def test_records_keep_their_case_or_decision_on_update(api, staff_user):
    """case/decision are written on create and ignored on update: records do not move."""
    login(api, staff_user)
    decision, elsewhere = DecisionFactory(), DecisionFactory()
    home = decision.case_id
    fine, penalty = FineFactory(decision=decision), PenaltyFactory(decision=decision)
    response = api.post("/api/v1/appeals/", {"case": str(decision.case.public_id), "court": "CJEU"}, format="json")
    assert response.status_code == 201, response.content
    appeal = Appeal.objects.get(public_id=response.json()["id"])
    to_case, to_decision = str(elsewhere.case.public_id), str(elsewhere.public_id)
    for resource, record, payload in [
        ("decisions", decision, {"case": to_case, "reference": "DEC-moved"}),
        ("appeals", appeal, {"case": to_case, "court": "ECHR"}),
        ("fines", fine, {"decision": to_decision, "amount": "3"}),
        ("penalty-payments", penalty, {"decision": to_decision, "unit_detail": "per day"}),
    ]:
        response = api.patch(f"/api/v1/{resource}/{record.public_id}/", payload, format="json")
        assert response.status_code == 200, (resource, response.content)
    for record in (decision, appeal, fine, penalty):
        record.refresh_from_db()
    assert (decision.case_id, decision.reference) == (home, "DEC-moved")
    assert (appeal.case_id, appeal.court) == (home, "ECHR")
    assert (fine.decision_id, fine.amount) == (decision.pk, Decimal("3.00"))
    assert (penalty.decision_id, penalty.unit_detail) == (decision.pk, "per day")


def test_staff_can_create_a_case_and_decision(api, staff_user, clearview):
    login(api, staff_user)
    response = api.post(
        CASES,
        {
            "reference": "test-2025-1",
            "title": "A new case",
            "authority": "fr-cnil",
            "respondent": "clearview-ai-inc",
            "legal_framework": "gdpr",
            "status": "open",
            "unverified_fields": ["summary"],
            "verification_notes": {"summary": "UNVERIFIED (press only)"},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    case_id = response.json()["id"]
    response = api.post(
        "/api/v1/decisions/",
        {"case": case_id, "kind": "reprimand", "decision_date": "2025-03-01", "decision_date_precision": "month"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["decision_date"] == "2025-03-01"
    assert response.json()["decision_date_partial"] == "2025-03"
    detail = api.get(f"{CASES}{case_id}/").json()
    assert detail["unverified_fields"] == ["summary"]
    assert detail["latest_decision_date"] == "2025-03-01"


# --- same results as the HTML list / selectors ---------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"country": "NL"},
        {"country": "CA", "ordering": "reference"},
        {"article": "5(1)(a)", "ordering": "-amount"},
        {"unpaid_only": "true"},
        {"amount_min": "1000000", "date_from": "2022-01-01", "ordering": "-date"},
        {"q": "clearview", "legal_framework": "gdpr", "ordering": "authority"},
    ],
)
def test_api_list_equals_selector_list(api, clearview, query):
    from urllib.parse import urlencode

    from django.contrib.auth.models import AnonymousUser

    expected = [str(case.public_id) for case in case_list(user=AnonymousUser(), filters=query)]
    got = [c["id"] for c in all_pages(api, f"{CASES}?{urlencode(query)}")]
    assert got == expected


def test_verification_state_is_exposed(api, clearview):
    italy = Case.objects.get(reference="it-garante-2022-50")
    detail = api.get(f"{CASES}{italy.public_id}/").json()
    art9 = next(a for a in detail["articles"] if a["article"] == 9)
    assert art9["unverified_fields"] == ["article"]
    assert "cookiefines.eu" in art9["verification_notes"]["article"]
    assert detail["unverified_fields"] == ["appeal_summary"]
    sweden = Decision.objects.get(import_key="se-imy-2021-police")
    decision = api.get(f"/api/v1/decisions/{sweden.public_id}/").json()
    assert decision["decision_date"] is None and decision["decision_date_display"] == "unknown"
    assert decision["verification_notes"]["decision_date"] == "UNVERIFIED (published 2021-02-11)"


def test_penalty_accrual_in_the_api(api, clearview):
    rows = all_pages(api, "/api/v1/penalty-payments/?as_of=2023-02-09")
    france = next(r for r in rows if r["amount_per_unit"] == "100000.00")
    assert france["accrual"]["units"] == 52 and france["accrual"]["amount"] == "5200000.00"
    assert france["liquidations"][0]["amount"] == "5200000.00"
    netherlands = next(r for r in rows if r["cap"] == "5100000.00")
    assert netherlands["accrual"]["known"] is False
    assert netherlands["unverified_fields"] == ["amount_per_unit", "unit"]


def test_totals_endpoint_shows_rates(api, clearview):
    body = api.get(f"{CASES}totals/?country=GB").json()
    assert body["count"] == 1
    assert body["lines"][0]["currency"] == "GBP" and body["lines"][0]["rate_valid_from"] == "2022-05-18"
    assert Decimal(body["total_eur"]) == Decimal(body["lines"][0]["amount_eur"])


def test_appeals_and_authorities(api, clearview):
    appeals = all_pages(api, "/api/v1/appeals/?outcome=pending")
    assert len(appeals) == 1 and appeals[0]["court"] == "First-tier Tribunal"
    assert appeals[0]["events"][3]["date_display"] == "Oct 2024"
    authorities = all_pages(api, "/api/v1/authorities/?country=CA")
    assert {a["country_code"] for a in authorities} == {"CA", "CA-BC", "CA-AB", "CA-QC"}


def test_staff_write_authorities_and_respondents_through_the_party_services(api, staff_user):
    login(api, staff_user)
    response = api.post(
        "/api/v1/authorities/",
        {"slug": "lu-cnpd", "name": "Commission nationale pour la protection des données", "country": "LU"},
        format="json",
    )
    assert response.status_code == 201, response.content
    response = api.patch("/api/v1/authorities/lu-cnpd/", {"short_name": "CNPD"}, format="json")
    assert (response.status_code, response.json()["short_name"]) == (200, "CNPD")
    response = api.post("/api/v1/respondents/", {"slug": "acme", "name": "Acme SA"}, format="json")
    assert response.status_code == 201, response.content
    response = api.patch("/api/v1/respondents/acme/", {"sector": "retail"}, format="json")
    assert (response.status_code, response.json()["sector"]) == (200, "retail")
    response = api.patch("/api/v1/respondents/acme/", {"unverified_fields": ["colour"]}, format="json")
    assert response.status_code == 400 and "colour" in response.json()["unverified_fields"][0]
    in_use = CaseFactory().authority
    response = api.delete(f"/api/v1/authorities/{in_use.slug}/")
    assert (response.status_code, response.json()) == (
        400,
        {"non_field_errors": ["Cases refer to this record; it cannot be deleted."]},
    )
    assert api.delete("/api/v1/authorities/lu-cnpd/").status_code == 204
    assert api.delete("/api/v1/respondents/acme/").status_code == 204
    assert api.get("/api/v1/respondents/acme/").status_code == 404
    assert api.get(f"/api/v1/authorities/{in_use.slug}/").status_code == 200


# --- performance shape ---------------------------------------------------------------------------


def make_cases(count):
    for index in range(count):
        case = CaseFactory(published=True)
        decision = DecisionFactory(case=case, decision_date=dt.date(2023, 1, 1) + dt.timedelta(days=index))
        FineFactory(decision=decision)
        case.articles.create(article=6, paragraph=1, label="6(1)")


@pytest.mark.parametrize("query", ["", "?country=FR&ordering=-amount", "?article=6(1)&unpaid_only=true&q=case"])
def test_list_api_query_count_is_constant(api, query):
    make_cases(5)
    with CaptureQueriesContext(connection) as small:
        assert api.get(f"{CASES}{query}").status_code == 200
    make_cases(10)
    with CaptureQueriesContext(connection) as large:
        response = api.get(f"{CASES}{query}")
    assert response.json()["count"] == 15
    # Count, page, three prefetches, the free text's authority lookup and one read of the data
    # version that keys the cached count (enforcement.listcache).
    assert len(small) == len(large) <= 7, [q["sql"][:120] for q in large.captured_queries]


# --- OpenAPI -------------------------------------------------------------------------------------


def test_openapi_schema_has_no_warnings_or_errors():
    # The project settings name the shared enforcement choice sets (see enforcement/api/schema.py).
    for name, path in ENFORCEMENT_ENUM_NAME_OVERRIDES.items():
        assert spectacular_settings.ENUM_NAME_OVERRIDES.get(name) == path
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    warnings = dict(GENERATOR_STATS._warn_cache)
    errors = dict(GENERATOR_STATS._error_cache)
    # Everything except messages that name another app's code counts (enum collisions name no app).
    others = ("compliance", "biometrics", "report")
    ours = {k: v for k, v in {**warnings, **errors}.items() if not any(app in k.lower() for app in others)}
    assert ours == {}, ours
    paths = schema["paths"]
    for resource in ("authorities", "respondents", "cases", "decisions", "fines", "penalty-payments", "appeals"):
        assert f"/api/v1/{resource}/" in paths
    parameters = {p["name"] for p in paths["/api/v1/cases/"]["get"]["parameters"]}
    assert {"country", "article", "amount_min", "unpaid_only", "q", "ordering", "page"} <= parameters


def test_schema_and_docs_are_served(api):
    response = api.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/penalty-payments/" in response.content
