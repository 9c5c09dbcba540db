"""Every output states the same totals (issue 15): dashboard, case page, API, CSV/JSON export and
the PDF summary agree with the sources. CNIL: EUR 20M fine; its penalty 52 days, EUR 5.2M
liquidated (a liquidated penalty payment, not a fine); AP: EUR 30.5M fine and a EUR 5.1M cap,
shown as a cap and never added to a liquidated amount."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from enforcement.models import Decision
from enforcement.services import fine_create
from reports.models import ReportKind, ReportStatus
from reports.services import report_request
from tests.reports.conftest import has, pdf_text

pytestmark = pytest.mark.django_db

AS_OF = "2026-11-26"  # long after the record ends: accrual must still be the 52 liquidated days


def _page(response) -> str:
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_every_output_states_the_same_totals(
    clearview, auditor_client, auditor_user, django_capture_on_commit_callbacks
):
    france, dutch = clearview["fr-cnil-2022-san-019"], clearview["nl-ap-2024"]

    # Dashboard: fines by authority, and the penalty quantities apart.
    dashboard = _page(auditor_client.get(reverse("enforcement:dashboard")))
    assert "CNIL: EUR 20,000,000" in dashboard and "EUR 25,200,000" not in dashboard
    assert "penalty payments liquidated (not fines)" in dashboard
    assert 'title="EUR 5,200,000"' in dashboard  # liquidated
    assert 'title="EUR 5,100,000"' in dashboard  # the AP cap
    assert "EUR 10,300,000" not in dashboard and "exposure" not in dashboard  # cap + liquidated is no total
    assert 'title="EUR 60,000,000"' in dashboard  # unpaid fines: IT + GR + FR, not + 5.2M

    # Case pages.
    cnil_page = _page(auditor_client.get(reverse("enforcement:case_detail", args=[france.public_id])))
    assert "Fines (EUR equivalent)</dt><dd>EUR 20,000,000" in cnil_page
    assert "Penalty payments liquidated (not fines)</dt><dd>EUR 5,200,000" in cnil_page
    assert "EUR 11,500,000" not in cnil_page and "EUR 6,300,000" not in cnil_page
    ap_page = _page(auditor_client.get(reverse("enforcement:case_detail", args=[dutch.public_id])))
    assert "Fines (EUR equivalent)</dt><dd>EUR 30,500,000" in ap_page
    assert "Penalty cap (a limit, not owed)</dt><dd>EUR 5,100,000" in ap_page
    assert "Penalty payments liquidated" not in ap_page

    # API.
    api = APIClient()
    api.force_login(auditor_user)
    case = api.get(f"/api/v1/cases/{france.public_id}/").json()
    assert case["fines_eur_total"] == "20000000.00"
    penalties = api.get("/api/v1/penalty-payments/", {"as_of": AS_OF, "page_size": 100}).json()
    rows = penalties["results"] if isinstance(penalties, dict) else penalties
    cnil = next(p for p in rows if p["liquidations"])
    assert (cnil["accrual"]["units"], cnil["accrual"]["amount"]) == (52, "5200000.00")
    assert (cnil["accrual"]["liquidated"], cnil["accrual"]["outstanding"]) == ("5200000.00", "0.00")
    assert cnil["liquidations"][0]["payment_status"] == "unpaid"
    ap = next(p for p in rows if p["cap"] == "5100000.00")
    assert ap["accrual"]["liquidated"] == "0.00"
    fines = api.get("/api/v1/fines/", {"page_size": 100}).json()
    fine_rows = fines["results"] if isinstance(fines, dict) else fines
    assert sorted(f["amount"] for f in fine_rows if f["currency"] == "EUR") == [
        "20000000.00",
        "20000000.00",
        "20000000.00",
        "30500000.00",
    ]
    totals = api.get("/api/v1/cases/totals/").json()
    assert totals["penalties"]["liquidated_eur"] == "5200000.00"
    assert totals["penalties"]["caps_eur"] == "5100000.00"
    fr_totals = api.get("/api/v1/cases/totals/", {"country": "FR"}).json()
    assert fr_totals["total_eur"] == "20000000.00" and fr_totals["penalties"]["liquidated_eur"] == "5200000.00"

    # CSV and JSON exports.
    response = auditor_client.get(reverse("enforcement:case_list_csv"), {"country": "FR"})
    rows = list(csv.DictReader(io.StringIO(_page(response).lstrip("\ufeff"))))
    (row,) = [r for r in rows if r["reference"] == france.reference]
    assert row["fines_eur_total"] == "20000000.00" and row["fines"] == "EUR 20000000.00"
    assert row["penalties_liquidated"].startswith("EUR 5200000.00 (52 units")
    assert row["penalty_caps"] == ""
    response = auditor_client.get(reverse("enforcement:case_list_csv"), {"country": "NL"})
    (row,) = list(csv.DictReader(io.StringIO(_page(response).lstrip("\ufeff"))))
    assert (row["fines_eur_total"], row["penalty_caps"], row["penalties_liquidated"]) == (
        "30500000.00",
        "EUR 5100000.00",
        "",
    )
    records = json.loads(_page(auditor_client.get(reverse("enforcement:case_list_json"), {"country": "FR"})))
    records = records.get("cases", records) if isinstance(records, dict) else records
    (record,) = [r for r in records if r["reference"] == france.reference]
    assert record["fines_eur_total"] == "20000000.00"
    assert [item["amount"] for item in record["penalties_liquidated"]] == ["5200000.00"]

    # PDF summary.
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(kind=ReportKind.ENFORCEMENT_SUMMARY, parameters={"query": ""}, user=auditor_user)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.last_error
    text = pdf_text(report.file.path)
    assert has(text, "Penalty payments liquidated (EUR, not fines) EUR 5,200,000")
    assert has(text, "Penalty caps (EUR, limits, not owed) EUR 5,100,000")
    assert not has(text, "EUR 25,200,000") and not has(text, "EUR 10,300,000")
    assert has(text, "liquidated penalty, not a fine: EUR 5,200,000")
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(
            kind=ReportKind.ENFORCEMENT_SUMMARY, parameters={"query": "country=FR"}, user=auditor_user
        )
    report.refresh_from_db()
    text = pdf_text(report.file.path)
    assert has(text, "Total fines in EUR EUR 20,000,000")
    assert has(text, "Penalty payments liquidated (EUR, not fines) EUR 5,200,000")


def test_a_liquidated_penalty_cannot_be_recorded_as_a_fine(clearview, staff_user):
    liquidation = Decision.objects.get(import_key="fr-cnil-2023-astreinte")
    with pytest.raises(ValidationError, match="not a fine"):
        fine_create(decision=liquidation, user=staff_user, data={"amount": Decimal("5200000"), "currency": "EUR"})
