"""Country names in the UI language (django-countries) in the filters, and names typed in that
language accepted as filters."""

import pytest
from django.utils import translation

from enforcement.currencies import country_code_from_text, country_name
from enforcement.filters import country_choices
from tests.enforcement.factories import AuthorityFactory, CaseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "netherlands", "germany"),
    [("en", "Netherlands", "Germany"), ("nl", "Nederland", "Duitsland"), ("fr", "Pays-Bas", "Allemagne")],
)
def test_country_names_follow_the_ui_language(language, netherlands, germany):
    AuthorityFactory(country="NL")
    AuthorityFactory(country="DE")
    with translation.override(language):
        assert country_name("NL") == netherlands
        assert dict(country_choices()) == {"NL": netherlands, "DE": germany}
        assert country_code_from_text(netherlands) == "NL"
    assert country_code_from_text("Netherlands") == "NL"  # English is always understood
    assert country_code_from_text("Narnia") is None


def test_a_country_typed_in_the_ui_language_filters_the_case_list(staff_client):
    dutch = CaseFactory(authority=AuthorityFactory(country="NL"))
    german = CaseFactory(authority=AuthorityFactory(country="DE"))
    response = staff_client.get("/enforcement/cases/?country=Nederland", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    page = response.content.decode()
    assert dutch.reference in page
    assert german.reference not in page
    assert "data-searchable" in page
