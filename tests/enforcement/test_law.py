"""Corrective powers and fining law as data (Art. 58, 83) and the complainant's right to hear of
progress (Art. 77(2)/78(2)): the rules in services.law, the forms, the case page, the worklist
and the API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from enforcement import services
from enforcement.law import CorrectivePower, FineCeiling, InvestigativePower
from enforcement.models import Case, ComplainantUpdate, FineCriterionAssessment, InvestigativeAct
from enforcement.selectors import staff_worklist
from enforcement.services.law import CeilingFlag, complaint_due_date
from tests.enforcement.factories import CaseFactory, DecisionFactory

pytestmark = pytest.mark.django_db


def fine(amount: str, *, user=None, **extra):
    decision = DecisionFactory()
    return services.fine_create(
        decision=decision, user=user, data={"amount": Decimal(amount), "currency": "EUR", **extra}
    )


# --- Art. 83(4)-(6): the ceiling check ------------------------------------------------------------


def test_a_fine_above_the_fixed_ceiling_with_no_turnover_is_flagged():
    check = services.fine_ceiling_assess(fine=fine("30500000"))
    assert check.flag == CeilingFlag.ABOVE_FIXED_NO_TURNOVER
    assert check.fixed_eur == Decimal("20000000")  # no paragraph recorded: the highest fixed ceiling
    assert "no turnover is recorded" in check.message


def test_a_fine_at_the_fixed_ceiling_is_not_flagged():
    assert not services.fine_ceiling_assess(fine=fine("20000000")).flagged


def test_art_83_4_has_the_lower_fixed_ceiling():
    check = services.fine_ceiling_assess(fine=fine("12000000", ceiling=FineCeiling.ART_83_4))
    assert check.flag == CeilingFlag.ABOVE_FIXED_NO_TURNOVER
    assert check.fixed_eur == Decimal("10000000")


def test_a_recorded_turnover_allows_a_fine_up_to_its_share():
    # 4 % of EUR 1bn = EUR 40M > EUR 20M: EUR 30.5M fits.
    allowed = fine("30500000", ceiling=FineCeiling.ART_83_5, turnover=Decimal("1000000000"), turnover_currency="EUR")
    check = services.fine_ceiling_assess(fine=allowed)
    assert not check.flagged
    assert check.maximum_eur == Decimal("40000000.00")
    # 4 % of EUR 500M = EUR 20M: the fixed ceiling stays the maximum, and EUR 30.5M is above it.
    above = fine("30500000", ceiling=FineCeiling.ART_83_5, turnover=Decimal("500000000"), turnover_currency="EUR")
    check = services.fine_ceiling_assess(fine=above)
    assert check.flag == CeilingFlag.ABOVE_MAXIMUM
    assert check.maximum_eur == Decimal("20000000")


def test_a_turnover_in_a_currency_without_a_stored_rate_is_flagged_for_a_manual_check():
    odd = fine("30500000", turnover=Decimal("10"), turnover_currency="JPY", turnover_year=2023)
    assert services.fine_ceiling_assess(fine=odd).flag == CeilingFlag.TURNOVER_NOT_CONVERTIBLE


def test_a_turnover_needs_its_currency():
    with pytest.raises(ValidationError) as error:
        fine("100", turnover=Decimal("5"))
    assert "currency" in str(error.value)


def test_the_worklist_flags_the_dutch_fine_against_clearview_and_not_the_french_one(clearview):
    flagged = {f.decision.case.authority.country for f, _check in staff_worklist().fines_flagged}
    assert "NL" in flagged  # EUR 30.5M, above EUR 20M, and no source states Clearview's turnover
    assert "FR" not in flagged  # EUR 20M: at the fixed ceiling


# --- Art. 83(2) criteria and Art. 58 powers -------------------------------------------------------


def test_each_art_83_2_criterion_is_recorded_once_per_fine():
    the_fine = fine("1000")
    services.fine_criterion_create(
        fine=the_fine, user=None, data={"criterion": "e", "effect": "aggravating", "note": "fined in 2022"}
    )
    with pytest.raises(ValidationError):
        services.fine_criterion_create(fine=the_fine, user=None, data={"criterion": "e", "effect": "neutral"})
    assert FineCriterionAssessment.objects.get(fine=the_fine).get_criterion_display().startswith("(e) relevant")


def test_staff_classify_an_order_and_record_criteria_and_an_investigation_through_the_forms(staff_client):
    decision = DecisionFactory()
    case = decision.case
    the_fine = services.fine_create(
        decision=decision, user=None, data={"amount": Decimal("12000000"), "currency": "EUR"}
    )
    url = reverse("enforcement:order_add", args=[case.public_id, decision.pk])
    response = staff_client.post(
        url,
        {
            "text": "Delete the photos of Dutch residents",
            "power": "g",
            "applies_to": "unknown",
            "compliance_status": "unknown",
            "binding": "on",
        },
    )
    assert response.status_code == 302
    assert decision.orders.get().power == CorrectivePower.RECTIFY_ERASE_RESTRICT

    url = reverse("enforcement:fine_criterion_add", args=[case.public_id, the_fine.pk])
    response = staff_client.post(url, {"criterion": "a", "effect": "aggravating", "note": "billions of photos"})
    assert response.status_code == 302
    response = staff_client.post(url, {"criterion": "z", "effect": "aggravating"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()

    url = reverse("enforcement:investigative_act_add", args=[case.public_id])
    response = staff_client.post(url, {"power": "a", "date": "2021-05-04", "description": "Questions sent"})
    assert response.status_code == 302
    act = InvestigativeAct.objects.get(case=case)
    assert act.power == InvestigativePower.PROVIDE_INFORMATION
    response = staff_client.post(url, {"power": "a", "date": "2999-01-01"})
    assert response.status_code == 400
    assert "in the future" in response.content.decode()

    page = staff_client.get(reverse("enforcement:case_detail", args=[case.public_id])).content.decode()
    assert "Art. 58(2)(g): order to rectify, erase or restrict" in page
    assert "(a) nature, gravity and duration of the infringement" in page
    assert "Art. 58(1)(a): order to provide information" in page
    # EUR 12M with no paragraph recorded is under the highest fixed ceiling: no flag...
    assert "Check the amount:" not in page
    # ...but under Art. 83(4) it is above EUR 10M and no turnover is recorded.
    response = staff_client.post(
        reverse("enforcement:fine_edit", args=[case.public_id, the_fine.pk]),
        {"amount": "12000000", "currency": "EUR", "payment_status": "unknown", "ceiling": "83(4)"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = staff_client.get(reverse("enforcement:case_detail", args=[case.public_id])).content.decode()
    assert "Check the amount:" in page
    assert "EUR 10,000,000" in page
    # A turnover without its currency comes back with a message and nothing saved.
    response = staff_client.post(
        reverse("enforcement:fine_edit", args=[case.public_id, the_fine.pk]),
        {
            "amount": "12000000",
            "currency": "EUR",
            "payment_status": "unknown",
            "ceiling": "83(4)",
            "turnover": "900000000",
        },
    )
    assert response.status_code == 400
    assert "turnover" in response.content.decode().lower()
    the_fine.refresh_from_db()
    assert the_fine.turnover is None

    # The public register shows the powers and criteria, never the staff flag.
    case.published = True
    case.save()
    public = staff_client.get(reverse("enforcement:register_case", args=[case.public_id])).content.decode()
    assert "Art. 58(2)(g)" in public
    assert "Check the amount:" not in public


def test_the_api_returns_the_power_ceiling_and_criteria(staff_client):
    decision = DecisionFactory()
    order = services.order_create(decision=decision, user=None, data={"text": "Stop", "power": "f"})
    the_fine = services.fine_create(
        decision=decision, user=None, data={"amount": Decimal("5"), "currency": "EUR", "ceiling": "83(5)"}
    )
    services.fine_criterion_create(fine=the_fine, user=None, data={"criterion": "f", "effect": "mitigating"})
    body = staff_client.get(f"/api/v1/fines/{the_fine.public_id}/").json()
    assert body["ceiling"] == "83(5)"
    assert body["criteria"] == [{"criterion": "f", "effect": "mitigating", "note": ""}]
    decision_body = staff_client.get(f"/api/v1/decisions/{decision.public_id}/").json()
    assert [o["power"] for o in decision_body["orders"]] == [order.power] == ["f"]


# --- Art. 77(2): the complainant's right to hear of progress ---------------------------------------


@pytest.mark.parametrize(
    ("received", "updates", "due"),
    [
        (dt.date(2025, 1, 10), [], dt.date(2025, 4, 10)),
        (dt.date(2024, 11, 30), [], dt.date(2025, 2, 28)),  # month end: 28 Feb, not 2 March
        (dt.date(2023, 11, 30), [], dt.date(2024, 2, 29)),  # leap year
        (dt.date(2025, 1, 10), [("progress", dt.date(2025, 3, 1))], dt.date(2025, 6, 1)),
        (dt.date(2025, 1, 10), [("progress", dt.date(2025, 3, 1)), ("outcome", dt.date(2025, 5, 1))], None),
        (None, [("progress", dt.date(2025, 3, 1))], None),
    ],
)
def test_the_due_date_is_three_months_after_the_complaint_or_the_last_update(received, updates, due):
    rows = [ComplainantUpdate(kind=kind, informed_on=on) for kind, on in updates]
    assert complaint_due_date(received_on=received, updates=rows) == due


def test_complaint_cases_go_overdue_and_an_update_clears_them(staff_client):
    case = CaseFactory(origin=Case.Origin.COMPLAINT)
    services.case_update(case=case, user=None, data={"complaint_received_on": dt.date(2025, 1, 10)})
    case.refresh_from_db()
    assert case.complainant_update_due == dt.date(2025, 4, 10)
    worklist = staff_worklist(as_of=dt.date(2025, 4, 11))
    assert case in worklist.overdue
    page = staff_client.get(reverse("enforcement:worklist")).content.decode()
    assert case.reference in page

    # Staff record a progress update: due three months later, no longer overdue on 11 April.
    response = staff_client.post(
        reverse("enforcement:complainant_update_add", args=[case.public_id]),
        {"informed_on": "2025-04-09", "kind": "progress", "note": "Investigation opened"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.complainant_update_due == dt.date(2025, 7, 9)
    assert case not in staff_worklist(as_of=dt.date(2025, 4, 11)).overdue

    # An update dated before the complaint is refused with a message.
    response = staff_client.post(
        reverse("enforcement:complainant_update_add", args=[case.public_id]),
        {"informed_on": "2024-12-01", "kind": "progress"},
    )
    assert response.status_code == 400
    assert "before the complaint was received" in response.content.decode()

    # The outcome ends the duty; deleting that update brings it back.
    outcome = services.complainant_update_create(
        case=case, user=None, data={"informed_on": dt.date(2025, 6, 1), "kind": "outcome"}
    )
    case.refresh_from_db()
    assert case.complainant_update_due is None
    services.record_delete(obj=outcome, user=None)
    case.refresh_from_db()
    assert case.complainant_update_due == dt.date(2025, 7, 9)


def test_only_complaint_cases_have_a_complainant_to_inform():
    case = CaseFactory(origin=Case.Origin.OWN_INITIATIVE)
    with pytest.raises(ValidationError) as error:
        services.complainant_update_create(case=case, user=None, data={"informed_on": dt.date(2025, 1, 1)})
    assert "Only a complaint case" in str(error.value)
    services.case_update(case=case, user=None, data={"complaint_received_on": dt.date(2025, 1, 1)})
    case.refresh_from_db()
    assert case.complainant_update_due is None  # not a complaint: no duty


def test_open_complaint_cases_without_a_received_date_are_listed():
    missing = CaseFactory(origin=Case.Origin.COMPLAINT, status=Case.Status.OPEN)
    closed = CaseFactory(origin=Case.Origin.COMPLAINT, status=Case.Status.CLOSED)
    listed = staff_worklist().no_received_date
    assert missing in listed
    assert closed not in listed


def test_the_complaint_dates_are_internal_in_the_api(client, staff_client):
    case = CaseFactory(origin=Case.Origin.COMPLAINT, published=True)
    services.case_update(case=case, user=None, data={"complaint_received_on": dt.date(2025, 1, 10)})
    staff_body = staff_client.get(f"/api/v1/cases/{case.public_id}/").json()
    assert staff_body["complaint_received_on"] == "2025-01-10"
    assert staff_body["complainant_update_due"] == "2025-04-10"
    client.logout()
    public_body = client.get(f"/api/v1/cases/{case.public_id}/").json()
    assert "complaint_received_on" not in public_body
    assert "complainant_update_due" not in public_body


def test_a_received_date_in_the_future_is_refused():
    case = CaseFactory(origin=Case.Origin.COMPLAINT)
    with pytest.raises(ValidationError) as error:
        services.case_update(case=case, user=None, data={"complaint_received_on": dt.date(2999, 1, 1)})
    assert "in the future" in str(error.value)
