"""Plausibility of decision dates (issue 15, item 4): one rule (enforcement.dates.decision_dates_check)
for the service, the form, the API and the importer."""

import copy
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from enforcement.dates import decision_dates_check
from enforcement.models import Decision
from enforcement.services import decision_create
from enforcement.services.import_parse import ImportValidationError
from enforcement.services.importer import enforcement_import
from tests.enforcement.factories import CaseFactory

TODAY = dt.date(2026, 12, 5)


def check(decided, announced="", decided_precision="day", announced_precision="day"):
    return decision_dates_check(
        decision_date=dt.date.fromisoformat(decided) if decided else None,
        decision_date_precision=decided_precision if decided else "unknown",
        announced_date=dt.date.fromisoformat(announced) if announced else None,
        announced_date_precision=announced_precision if announced else "unknown",
        today=TODAY,
    )


def test_plausible_dates_pass():
    assert check("2022-10-17", "2022-10-20") == {}
    assert check("2023-04-13", "2023-04-13") == {}  # announced the day it was decided
    assert check("", "2021-02-11") == {}
    assert check("2026-12-05") == {}  # today
    # A year-only announcement in the decision's year may be the same day or later.
    assert check("2023-05-09", "2023-01-01", announced_precision="year") == {}


@pytest.mark.parametrize(
    ("decided", "announced", "field", "words"),
    [
        ("2031-03-01", "", "decision_date", "is in the future"),
        ("2022-01-01", "2031-01-01", "announced_date", "is in the future"),
        ("1899-06-01", "", "decision_date", "before 1970"),
        ("", "1899-06-01", "announced_date", "before 1970"),
        ("2023-05-09", "2016-05-09", "announced_date", "cannot be announced before it is taken"),
    ],
)
def test_implausible_dates_are_refused_with_a_clear_message(decided, announced, field, words):
    problems = check(decided, announced)
    assert list(problems) == [field] and words in problems[field]


def test_a_year_only_date_in_the_current_year_is_not_in_the_future():
    assert check("2026-01-01", decided_precision="year") == {}
    assert "in the future" in check("2027-01-01", decided_precision="year")["decision_date"]


def _future() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=5 * 366)


@pytest.mark.django_db
def test_service_refuses_a_future_decision_and_one_announced_years_before(staff_user):
    case = CaseFactory()
    with pytest.raises(ValidationError) as error:
        decision_create(case=case, user=staff_user, data={"kind": "fine", "decision_date": _future()})
    assert "is in the future" in error.value.message_dict["decision_date"][0]
    with pytest.raises(ValidationError) as error:
        decision_create(
            case=case,
            user=staff_user,
            data={"kind": "fine", "decision_date": dt.date(2023, 5, 9), "announced_date": dt.date(2016, 5, 9)},
        )
    assert "before it is taken" in error.value.message_dict["announced_date"][0]
    assert not Decision.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_form_refuses_1899(staff_client):
    case = CaseFactory()
    response = staff_client.post(
        reverse("enforcement:decision_add", args=[case.public_id]), {"kind": "fine", "decided": "1899-06-01"}
    )
    assert response.status_code == 400
    assert "before 1970" in response.content.decode()
    assert not Decision.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_api_refuses_a_future_decision(staff_user):
    case = CaseFactory()
    api = APIClient()
    api.force_login(staff_user)
    response = api.post(
        "/api/v1/decisions/",
        {"case": str(case.public_id), "kind": "fine", "decision_date": _future().isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert "is in the future" in str(response.json()["decision_date"])


@pytest.mark.django_db
def test_importer_refuses_implausible_dates_and_writes_nothing(clearview_rows):
    rows = copy.deepcopy(clearview_rows)
    rows[0]["decision_date"] = _future().isoformat()
    rows[1]["decision_date"], rows[1]["announced_date"] = "2022-07-13", "2015-07-15"
    rows[2]["announced_date"] = "1899-10-20"
    with pytest.raises(ImportValidationError) as error:
        enforcement_import(rows=rows)
    text = str(error.value)
    assert "it-garante-2022-50" in text and "is in the future" in text
    assert "gr-hdpa-2022-35" in text and "before it is taken" in text
    assert "fr-cnil-2022-san-019" in text and "before 1970" in text
    assert not Decision.objects.exists()
