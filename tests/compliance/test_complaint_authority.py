"""The authority a requester may complain to (issue 16 item 3): chosen from a curated table by the
country where they live and, in Germany, their Land; printed with its contact in every letter."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from compliance.authorities import GERMAN_STATES, complaint_authority_for, region_clean
from compliance.forms import RequestForm
from compliance.models import COUNTRIES, DocumentKind, RefusalBasis
from tests.reports.conftest import has, pdf_text
from tests.reports.factories import RequestFactory, document_of, refuse


@pytest.mark.parametrize("country", [code for code, _name in COUNTRIES])
def test_every_country_of_the_form_has_an_authority_with_a_website(country):
    authority = complaint_authority_for(country)
    assert authority is not None and authority.name and authority.website.startswith("https://")
    assert "formation restreinte" not in authority.name  # a sanctions body receives no complaints


@pytest.mark.parametrize("state", [code for code, _name in GERMAN_STATES])
def test_every_german_state_has_its_own_authority(state):
    authority = complaint_authority_for("DE", state)
    assert authority.region == state and authority.region_name == dict(GERMAN_STATES)[state]
    assert authority.website.startswith("https://") and authority.short_name != "BfDI"


def test_residents_are_sent_to_their_own_authority_not_hamburg_or_the_sanctions_committee():
    assert complaint_authority_for("DE", "BY").short_name == "BayLDA"
    assert complaint_authority_for("DE", "HH").short_name == "HmbBfDI"
    assert complaint_authority_for("de", "nw").short_name == "LDI NRW"
    # A German request from before the Land was asked: the federal authority forwards complaints.
    assert complaint_authority_for("DE").short_name == "BfDI"
    assert complaint_authority_for("FR").name == "Commission nationale de l'informatique et des libertés"
    assert complaint_authority_for("GB").short_name == "ICO"
    assert "FDPIC" in complaint_authority_for("CH").short_name
    assert complaint_authority_for("US") is None


def test_the_land_is_required_in_germany_and_ignored_elsewhere():
    assert region_clean("NL", "BY") == ""
    assert region_clean("DE", " by ") == "BY"
    with pytest.raises(ValueError, match="German state"):
        region_clean("DE", "")
    with pytest.raises(ValueError, match="from the list"):
        region_clean("DE", "XX")


def test_the_form_asks_a_german_resident_for_their_land(submit_data):
    form = RequestForm(data={**submit_data, "country": "DE"})
    form.is_valid()
    assert "German state" in " ".join(form.errors["region"])
    form = RequestForm(data={**submit_data, "country": "NL", "region": "BY"})
    form.is_valid()
    assert "region" not in form.errors and form.cleaned_data["region"] == ""


def test_the_service_stores_the_land_and_refuses_a_german_request_without_it(submit):
    request, _token = submit(data={"country": "DE", "region": "BY"})
    assert request.region == "BY"
    with pytest.raises(ValidationError) as refused:
        submit(data={"country": "DE"})
    assert "region" in refused.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("country", "region", "expected", "absent"),
    [
        ("DE", "BY", ("Bayerisches Landesamt für Datenschutzaufsicht", "Promenade 18, 91522 Ansbach"), "Hamburg"),
        ("FR", "", ("Commission nationale de l'informatique et des libertés", "www.cnil.fr"), "formation restreinte"),
    ],
)
def test_the_refusal_letter_names_the_authority_with_its_contact(
    country, region, expected, absent, staff_user, django_capture_on_commit_callbacks
):
    request = RequestFactory(language="en", country=country, region=region)
    refused = refuse(
        request,
        staff=staff_user,
        capture=django_capture_on_commit_callbacks,
        basis=RefusalBasis.IDENTITY_NOT_ESTABLISHED,
        reason="The identity could not be established.",
        at=request.received_at + timedelta(days=3),
    )
    text = pdf_text(document_of(refused, DocumentKind.REFUSAL_LETTER).file.path)
    assert all(has(text, part) for part in expected), text
    assert absent not in text
