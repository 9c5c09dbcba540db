"""Sector and violation-type facets, the public register export and short summaries (issue 15,
"Browse like the public trackers")."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from enforcement.models import Case, Sector, ViolationType
from enforcement.selectors import case_facet_counts, case_filterset
from enforcement.services.facets import facets_classify, short_summary_from
from enforcement.services.records import case_update, decision_update
from enforcement.services.tabular_import import tabular_dataset_load, tabular_import
from enforcement.services.tabular_parse import mapping_load
from tests.enforcement.factories import CaseFactory, DecisionFactory, FineFactory, RespondentFactory

pytestmark = pytest.mark.django_db

TIDY = "gdpr_violations_tidytuesday.tsv"


def tidy_rows(shared_data_dir) -> list[dict]:
    with (shared_data_dir / TIDY).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode()


# --- the classifier, on the real strings of another tracker ---------------------------------------

VIOLATION_STRINGS = {
    "Non-compliance with lawful basis for data processing": {"lawful_basis"},
    "Failure to implement sufficient measures to ensure information security": {"security"},
    "Information obligation non-compliance": {"transparency"},
    "Non-compliance with subjects' rights protection safeguards": {"rights"},
    "Failure to comply with data processing principles": {"other"},
    "Non-cooperation with Data Protection Authority": {"cooperation"},
    "Failure to cooperate with supervisory authority": {"cooperation"},
    "Non-compliance with the right of consent": {"lawful_basis"},
    "Non-compliance (Data Breach)": {"security"},
    "Failure to appoint a data protection officer": {"dpo"},
    "Non-compliance with lawful basis for data processing and information obligation non-compliance": {
        "lawful_basis",
        "transparency",
    },
    "Failure to implement sufficient measures to ensure information security and information obligation "
    "non-compliance": {"security", "transparency"},
    # Says nothing about the violation: not classified, never a guess.
    "Several": set(),
    "Unknown": set(),
}

SECTOR_STRINGS = {
    "Vodafone España": "telecoms",
    "Telefónica SA": "telecoms",
    "Polish Mayor": "public",
    "Gladsaxe Municipality": "public",
    "Hospital": "health",
    "Asociación de Médicos Demócratas": "health",
    "Raiffeisen Bank SA": "finance",
    "British Airways": "transport",
    "Google Inc.": "technology",
    "Skellefteå school": "education",
    "Newspaper": "media",
    "Ikea Ibérica": "retail",
    "Unknown": "",
    "Not disclosed": "",
}


def test_classifier_maps_the_real_violation_types_of_the_tidytuesday_export(shared_data_dir):
    types_in_file = {row["type"] for row in tidy_rows(shared_data_dir)}
    for text, expected in VIOLATION_STRINGS.items():
        assert text in types_in_file, text  # real strings, not invented ones
        assert set(facets_classify(violation_text=text).violation_types) == expected, text


def test_classifier_maps_the_real_controllers_of_the_tidytuesday_export_to_sectors(shared_data_dir):
    controllers = {row["controller"] for row in tidy_rows(shared_data_dir)}
    for text, expected in SECTOR_STRINGS.items():
        assert text in controllers, text
        assert facets_classify(sector_texts=[text]).sector == expected, text


def test_classifier_adds_the_types_of_gdpr_articles_and_tries_texts_in_order():
    facets = facets_classify(violation_text="", articles=[9, 28, 5])
    assert set(facets.violation_types) == {"special_category", "processor"}
    # The respondent's name decides before a summary that mentions a bank.
    assert facets_classify(sector_texts=["Vodafone Romania", "paid by bank transfer"]).sector == "telecoms"
    assert facets_classify(sector_texts=["Unknown company", "the bank lost data"]).sector == "finance"


def test_short_summary_keeps_whole_sentences_and_marks_a_cut():
    text = "First sentence here. " + "word " * 100
    assert short_summary_from(text) == "First sentence here."
    cut = short_summary_from("x" * 10 + " " + "long " * 100)
    assert len(cut) <= 300 and cut.endswith("…")
    assert short_summary_from("Short.") == "Short."


# --- applied on import, by the command, and overridden by staff ------------------------------------


def test_tabular_import_classifies_cases_and_fills_short_summaries(shared_data_dir):
    dataset = tabular_dataset_load(content=(shared_data_dir / TIDY).read_bytes(), file_name=TIDY)
    tabular_import(dataset=dataset, mapping=mapping_load("tidytuesday"), source_name=TIDY, keep_valid=True)

    mayor = Case.objects.get(respondent__name="Polish Mayor")
    assert mayor.sector == Sector.PUBLIC and mayor.facets_derived
    # "Non-compliance with lawful basis" from the type column, Art. 28 (processor) from the articles.
    assert set(mayor.violation_types.values_list("code", flat=True)) == {"lawful_basis", "processor"}
    decision = mayor.decisions.get()
    assert decision.short_summary and len(decision.short_summary) <= 300
    assert decision.summary.startswith(decision.short_summary.rstrip("…"))

    cases = Case.objects.count()
    classified = Case.objects.filter(violation_types__isnull=False).distinct().count()
    assert classified >= cases - 10, (classified, cases)  # "Several", "Unknown"... stay unclassified
    assert Case.objects.exclude(sector="").count() >= cases * 3 // 4


def test_classify_command_classifies_stored_cases_and_keeps_staff_choices(staff_user):
    case = CaseFactory(
        respondent=RespondentFactory(name="Vodafone Espana"),
        public_notes="Violation type as a tracker reports it: Information obligation non-compliance",
    )
    DecisionFactory(case=case, summary="The operator sent no notice. It was fined.")
    call_command("classify_cases", stdout=io.StringIO())
    case.refresh_from_db()
    assert case.sector == "telecoms" and case.facets_derived
    assert list(case.violation_types.values_list("code", flat=True)) == ["transparency"]

    case_update(case=case, user=staff_user, data={"sector": "retail"})
    case.refresh_from_db()
    assert not case.facets_derived
    call_command("classify_cases", stdout=io.StringIO())
    case.refresh_from_db()
    assert case.sector == "retail"
    call_command("classify_cases", overwrite_staff=True, stdout=io.StringIO())
    case.refresh_from_db()
    assert case.sector == "telecoms"


def test_staff_edit_sector_and_violation_types_in_the_case_form(staff_client):
    case = CaseFactory(sector="health", facets_derived=True)
    page = body(staff_client.get(reverse("enforcement:case_edit", args=[case.public_id])))
    assert 'name="sector"' in page and 'name="violation_types"' in page


# --- filters: HTML and API alike, with counts --------------------------------------------------------


@pytest.fixture
def faceted():
    types = {t.code: t for t in ViolationType.objects.all()}
    world = {}
    for reference, sector, codes, published in [
        ("hosp-1", "health", ["security"], True),
        ("hosp-2", "health", ["security", "lawful_basis"], True),
        ("hosp-3", "health", ["rights"], True),
        ("bank-1", "finance", ["lawful_basis"], True),
        ("tel-1", "telecoms", [], True),
        ("hidden-health", "health", ["security"], False),
    ]:
        case = CaseFactory(reference=reference, sector=sector, published=published)
        case.violation_types.set([types[code] for code in codes])
        FineFactory(decision=DecisionFactory(case=case))
        world[reference] = case
    return world


FILTERS = [
    {"sector": "health"},
    {"violation_type": "security"},
    {"sector": "health", "violation_type": "lawful_basis"},
    {"violation_type": "lawful_basis"},
    {"sector": "media"},
]


def api_references(params, user=None) -> set[str]:
    api = APIClient()
    if user is not None:
        api.force_login(user)
    response = api.get("/api/v1/cases/", params)
    assert response.status_code == 200, response.content
    return {row["reference"] for row in response.json()["results"]}


def page_references(page: str, world) -> set[str]:
    return {reference for reference in world if f">{reference}<" in page or f"{reference}</" in page}


def test_facet_filters_give_the_same_cases_in_html_api_and_register(faceted, staff_client, staff_user, client):
    expected = {
        "sector=health": {"hosp-1", "hosp-2", "hosp-3", "hidden-health"},
        "violation_type=security": {"hosp-1", "hosp-2", "hidden-health"},
        "sector=health&violation_type=lawful_basis": {"hosp-2"},
        "violation_type=lawful_basis": {"hosp-2", "bank-1"},
        "sector=media": set(),
    }
    for params in FILTERS:
        key = "&".join(f"{k}={v}" for k, v in params.items())
        staff_page = body(staff_client.get(reverse("enforcement:case_list"), params))
        assert page_references(staff_page, faceted) == expected[key], key
        assert api_references(params, staff_user) == expected[key], key
        public = expected[key] - {"hidden-health"}
        register = body(client.get(reverse("enforcement:register"), params))
        assert page_references(register, faceted) == public, key
        assert api_references(params) == public, key


def test_a_value_outside_the_list_is_refused_in_html_and_api(staff_client, staff_user):
    assert staff_client.get(reverse("enforcement:case_list"), {"sector": "nuclear"}).status_code == 400
    api = APIClient()
    api.force_login(staff_user)
    assert api.get("/api/v1/cases/", {"violation_type": "nuclear"}).status_code == 400


def test_counts_next_to_the_filters_and_in_the_api_totals(faceted, client, staff_client):
    register = body(client.get(reverse("enforcement:register")))
    assert '<option value="health">Health (3)</option>' in register  # the unpublished one not counted
    assert '<option value="finance">Finance and insurance (1)</option>' in register
    assert '<option value="media">Media (0)</option>' in register
    assert '<option value="security">Security (2)</option>' in register
    assert '<option value="lawful_basis">Lawful basis (2)</option>' in register

    # With a sector chosen, the sector counts still say what each sector would give, and the
    # violation-type counts are those of the chosen sector.
    filtered = body(staff_client.get(reverse("enforcement:case_list"), {"sector": "health"}))
    assert '<option value="finance">Finance and insurance (1)</option>' in filtered
    assert '<option value="health" selected>Health (4)</option>' in filtered
    assert '<option value="lawful_basis">Lawful basis (1)</option>' in filtered
    assert '<option value="security">Security (3)</option>' in filtered

    totals = APIClient().get("/api/v1/cases/totals/", {"sector": "health"}).json()
    by_type = {item["value"]: item["count"] for item in totals["facets"]["violation_type"]}
    by_sector = {item["value"]: item["count"] for item in totals["facets"]["sector"]}
    assert by_type["security"] == 2 and by_type["lawful_basis"] == 1 and by_type["rights"] == 1
    assert by_sector["health"] == 3 and by_sector["finance"] == 1 and by_sector["telecoms"] == 1
    assert totals["count"] == 3


def test_facet_counts_cost_one_query_per_facet_whatever_the_number_of_cases(staff_user):
    types = list(ViolationType.objects.all())

    def make(count):
        for index in range(count):
            case = CaseFactory(sector=Sector.values[index % len(Sector.values)])
            case.violation_types.set(types[index % 3 : index % 3 + 2])

    def queries(data):
        filterset = case_filterset(user=staff_user, data=data)
        assert filterset.is_valid()
        with CaptureQueriesContext(connection) as captured:
            counts = case_facet_counts(filterset)
        return len(captured), counts

    plain = {"violation_type": "security", "status": "decided"}
    # Free text looks the matching authorities up first (one small query each time it applies).
    searched = {**plain, "q": "case"}
    make(3)
    small = [queries(plain)[0], queries(searched)[0]]
    make(30)
    large, counts = queries(plain)
    # One aggregate per facet, plus one read of the data version that keys the cached counts.
    assert small == [large, queries(searched)[0]] and large == 3
    assert sum(item.count for item in counts["sector"]) == Case.objects.filter(violation_types__code="security").count()


def test_staff_list_query_count_does_not_grow_with_faceted_rows(staff_client):
    types = list(ViolationType.objects.all())

    def make(count):
        for _ in range(count):
            case = CaseFactory(sector="health")
            case.violation_types.set(types[:2])
            FineFactory(decision=DecisionFactory(case=case, short_summary="A short summary."))

    def queries(params):
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(reverse("enforcement:case_list"), params).status_code == 200
        return len(captured)

    params = {"sector": "health", "violation_type": types[0].code}
    make(3)
    small = queries(params)
    make(30)
    assert queries(params) == small


# --- the public export ---------------------------------------------------------------------------


@pytest.fixture
def export_world(faceted):
    shown = faceted["hosp-1"]
    shown.internal_notes = "INTERNAL notes: call counsel"
    shown.complainant = "Jane Complainant"
    shown.save()
    named = faceted["bank-1"]
    named.complainant, named.complainant_public = "Consumer Org", True
    named.internal_notes = "INTERNAL too"
    named.save()
    faceted["hidden-health"].title = "Hidden case title"
    faceted["hidden-health"].save()
    return faceted


def test_public_csv_export_holds_published_cases_only_and_no_internal_field(export_world, client):
    response = client.get(reverse("enforcement:register_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = body(response)
    rows = list(csv.DictReader(text.lstrip("\ufeff").splitlines()))
    assert {row["reference"] for row in rows} == {"hosp-1", "hosp-2", "hosp-3", "bank-1", "tel-1"}
    assert "INTERNAL" not in text and "Jane Complainant" not in text and "Hidden case" not in text
    assert "published" not in rows[0] and "internal_notes" not in rows[0]
    bank = next(row for row in rows if row["reference"] == "bank-1")
    assert bank["complainant"] == "Consumer Org" and bank["sector"] == "Finance and insurance"
    assert bank["violation_types"] == "Lawful basis"
    assert "/register/" in bank["url"]


def test_public_json_export_is_filtered_like_the_register(export_world, client):
    response = client.get(reverse("enforcement:register_json"), {"sector": "health"})
    assert response.status_code == 200
    text = body(response)
    data = json.loads(text)
    assert {case["reference"] for case in data["cases"]} == {"hosp-1", "hosp-2", "hosp-3"}
    assert data["count"] == 3
    assert "INTERNAL" not in text and "Jane Complainant" not in text
    assert all("published" not in case and "internal_notes" not in case for case in data["cases"])
    assert client.get(reverse("enforcement:register_json"), {"sector": "nuclear"}).status_code == 400


def test_register_links_to_its_exports_with_the_filters(faceted, client):
    page = body(client.get(reverse("enforcement:register"), {"sector": "health"}))
    assert f'href="{reverse("enforcement:register_csv")}?sector=health"' in page
    assert f'href="{reverse("enforcement:register_json")}?sector=health"' in page


# --- short summaries -------------------------------------------------------------------------------


def test_short_summary_is_shown_in_the_register_and_staff_editable(client, staff_user):
    case = CaseFactory(reference="summarised")
    decision = DecisionFactory(case=case)
    decision_update(decision=decision, user=staff_user, data={"short_summary": "Cameras filmed the staff room."})
    page = body(client.get(reverse("enforcement:register")))
    assert "Cameras filmed the staff room." in page
    with pytest.raises(ValidationError):
        decision_update(decision=decision, user=staff_user, data={"short_summary": "x" * 301})
