import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from enforcement.models import ChangeRecord, ComplianceCheck, Decision, ExchangeRate, PenaltyPayment
from enforcement.services import (
    case_update,
    compliance_check_create,
    decision_create,
    decision_update,
    exchange_rate_set,
    fine_create,
    fine_update,
    money_to_eur,
    penalty_accrued,
    penalty_update,
    record_delete,
)
from tests.enforcement.factories import CaseFactory, DecisionFactory, FineFactory, OrderFactory, PenaltyFactory

pytestmark = pytest.mark.django_db


# --- penalty payments: the two records the issue names ---------------------------------------


def test_france_52_days_make_5_2_million(clearview):
    penalty = PenaltyPayment.objects.get(decision__import_key="fr-cnil-2022-san-019")
    result = penalty_accrued(penalty=penalty, as_of=dt.date(2023, 2, 9))
    assert result.units == 52
    assert result.amount == Decimal("5200000.00")
    assert not result.capped
    assert result.liquidated == Decimal("5200000.00")
    assert result.outstanding == Decimal("0.00")
    # The accrual computed for the liquidated period equals what the 2023 decision liquidated.
    liquidation = penalty.liquidations.get()
    again = penalty_accrued(penalty=penalty, as_of=liquidation.period_end)
    assert (again.units, again.amount) == (liquidation.units, liquidation.amount)


def test_france_day_before_end_is_51_days(clearview):
    penalty = PenaltyPayment.objects.get(decision__import_key="fr-cnil-2022-san-019")
    assert penalty_accrued(penalty=penalty, as_of=dt.date(2023, 2, 8)).amount == Decimal("5100000.00")
    assert penalty_accrued(penalty=penalty, as_of=dt.date(2022, 12, 19)).amount == Decimal("0")
    assert penalty_accrued(penalty=penalty, as_of=dt.date(2022, 11, 1)).units == 0


def test_dutch_cap_as_imported(clearview):
    penalty = PenaltyPayment.objects.get(decision__import_key="nl-ap-2024")
    result = penalty_accrued(penalty=penalty, as_of=dt.date(2025, 1, 1))
    # The per-order amount and unit are UNVERIFIED in the data: nothing is invented...
    assert result.amount is None and not result.known
    assert "amount per unit is not known" in result.explanation
    # ...but the exposure is bounded by the EUR 5.1M total cap.
    assert result.cap == Decimal("5100000.00")
    assert result.max_exposure == Decimal("5100000.00")
    assert result.remaining_to_cap == Decimal("5100000.00")


def test_dutch_cap_stops_accrual_once_an_amount_is_recorded(clearview, staff_user):
    """Once staff record a per-unit amount (here an illustrative EUR 100,000 a week, not from the
    data), the accrual runs and stops exactly at the EUR 5.1M cap."""
    penalty = PenaltyPayment.objects.get(decision__import_key="nl-ap-2024")
    penalty_update(
        penalty=penalty,
        user=staff_user,
        data={"amount_per_unit": Decimal("100000"), "unit": "week", "starts_on": dt.date(2024, 9, 3)},
    )
    # Accrual only counts non-compliance that is on record: an (illustrative) check finding the
    # order still breached in September 2026.
    order = penalty.order if penalty.order_id else penalty.decision.orders.first()
    ComplianceCheck.objects.create(order=order, checked_on=dt.date(2026, 9, 3), complied=False)
    fifty_weeks = penalty_accrued(penalty=penalty, as_of=dt.date(2024, 9, 3) + dt.timedelta(weeks=50))
    assert (fifty_weeks.units, fifty_weeks.amount, fifty_weeks.capped) == (50, Decimal("5000000.00"), False)
    assert fifty_weeks.remaining_to_cap == Decimal("100000.00")
    two_years = penalty_accrued(penalty=penalty, as_of=dt.date(2026, 9, 3))
    assert two_years.capped and two_years.amount == Decimal("5100000.00")
    assert two_years.remaining_to_cap == Decimal("0")
    assert "cap" in two_years.explanation


def test_compliance_check_stops_accrual():
    order = OrderFactory()
    penalty = PenaltyFactory(decision=order.decision, order=order, starts_on=dt.date(2024, 1, 1))
    ComplianceCheck.objects.create(order=order, checked_on=dt.date(2024, 1, 5), complied=False)
    ComplianceCheck.objects.create(order=order, checked_on=dt.date(2024, 1, 11), complied=True)
    result = penalty_accrued(penalty=penalty, as_of=dt.date(2024, 3, 1))
    assert result.units == 10 and result.amount == Decimal("10000.00")
    assert result.stopped_on == dt.date(2024, 1, 11)


def test_accrual_is_never_extrapolated_past_the_record():
    """No check and no liquidation: nothing is established, whatever today's date."""
    order = OrderFactory()
    penalty = PenaltyFactory(decision=order.decision, order=order, starts_on=dt.date(2024, 1, 1))
    assert penalty_accrued(penalty=penalty, as_of=dt.date(2026, 1, 1)).units == 0
    ComplianceCheck.objects.create(order=order, checked_on=dt.date(2024, 1, 21), complied=False)
    result = penalty_accrued(penalty=penalty, as_of=dt.date(2026, 1, 1))
    assert result.units == 20 and result.established_until == dt.date(2024, 1, 21)
    assert "nothing is recorded after" in result.explanation


def test_cnil_penalty_today_is_the_52_liquidated_days(clearview):
    """The record of non-compliance ends with the liquidated period (19 Dec 2022 to 9 Feb 2023).
    The liquidation decision of 13 April 2023 is not a compliance check: counting to that day
    made 115 days and EUR 11.5M, of which EUR 6.3M "outstanding", that no source states."""
    penalty = PenaltyPayment.objects.get(liquidations__amount=Decimal("5200000"))
    result = penalty_accrued(penalty=penalty, as_of=dt.date(2026, 11, 26))
    assert result.established_until == dt.date(2023, 2, 9)
    assert (result.units, result.amount) == (52, Decimal("5200000.00"))
    assert result.liquidated == Decimal("5200000.00")
    assert result.outstanding == Decimal("0.00")
    assert "nothing is recorded after that date" in result.explanation


def test_import_invents_no_compliance_check(clearview):
    """The orders' "not complied" status comes from the liquidation and says it is derived."""
    parent = Decision.objects.get(import_key="fr-cnil-2022-san-019")
    assert not ComplianceCheck.objects.exists()
    for order in parent.orders.all():
        assert order.compliance_status == "not_complied"
        assert order.verification_notes["compliance_status"].startswith("Derived")
    penalty = parent.penalty_payments.get()
    assert penalty.verification_notes["starts_on"].startswith("Derived")


def test_monthly_units_count_whole_months():
    penalty = PenaltyFactory(unit="month", starts_on=dt.date(2024, 1, 31), amount_per_unit=Decimal("10"))
    ComplianceCheck.objects.create(
        order=OrderFactory(decision=penalty.decision), checked_on=dt.date(2024, 6, 1), complied=False
    )
    assert penalty_accrued(penalty=penalty, as_of=dt.date(2024, 3, 30)).units == 1
    assert penalty_accrued(penalty=penalty, as_of=dt.date(2024, 3, 31)).units == 2


def test_hamburg_question_sets_cannot_be_accrued_from_dates(clearview):
    penalty = PenaltyPayment.objects.get(decision__import_key="de-hmbbfdi-2020-auskunft")
    result = penalty_accrued(penalty=penalty, as_of=dt.date(2021, 1, 1))
    assert result.amount is None
    assert "not a period of time" in result.explanation


# --- money ---------------------------------------------------------------------------------------


def test_money_to_eur_uses_latest_rate_on_or_before_date():
    exchange_rate_set(currency="GBP", valid_from=dt.date(2022, 1, 3), units_per_eur=Decimal("0.84135"), source="t")
    exchange_rate_set(currency="GBP", valid_from=dt.date(2022, 5, 18), units_per_eur=Decimal("0.8467"), source="t")
    assert money_to_eur(Decimal("846.70"), "GBP", dt.date(2022, 5, 18)) == Decimal("1000.00")
    assert money_to_eur(Decimal("846.70"), "GBP", dt.date(2022, 5, 17)) == Decimal("1006.36")
    assert money_to_eur(Decimal("846.70"), "GBP", dt.date(2021, 12, 31)) is None  # no rate yet: not guessed
    assert money_to_eur(Decimal("5"), "EUR", None) == Decimal("5.00")
    assert money_to_eur(Decimal("5"), "USD", dt.date(2022, 5, 18)) is None


def test_new_rate_recomputes_eur_of_fines(staff_user):
    decision = DecisionFactory(decision_date=dt.date(2022, 6, 1))
    fine = fine_create(decision=decision, user=staff_user, data={"amount": Decimal("1000"), "currency": "GBP"})
    assert fine.amount_eur is None and decision.case.fines_eur_total == Decimal("0.00")
    rate, changed = exchange_rate_set(
        currency="GBP", valid_from=dt.date(2022, 5, 18), units_per_eur=Decimal("0.8"), source="test"
    )
    assert changed
    fine.refresh_from_db()
    assert fine.amount_eur == Decimal("1250.00") and fine.eur_rate == rate
    decision.case.refresh_from_db()
    assert decision.case.fines_eur_total == Decimal("1250.00")
    assert (
        exchange_rate_set(currency="GBP", valid_from=dt.date(2022, 5, 18), units_per_eur=Decimal("0.8"), source="test")[
            1
        ]
        is False
    )


def test_exchange_rate_rejects_unknown_currency():
    with pytest.raises(ValidationError) as excinfo:
        exchange_rate_set(currency="XYZ", valid_from=dt.date(2022, 1, 1), units_per_eur=Decimal("1"), source="t")
    assert "currency" in excinfo.value.message_dict
    assert not ExchangeRate.objects.exists()


# --- history -------------------------------------------------------------------------------------


def test_case_update_writes_history(staff_user):
    case = CaseFactory(status="open", title="Old title")
    case_update(case=case, user=staff_user, data={"status": "decided", "title": "New title", "summary": ""})
    records = {r.field: r for r in ChangeRecord.objects.filter(case=case)}
    assert set(records) == {"status", "title"}  # summary did not change
    assert (records["status"].old_value, records["status"].new_value) == ("Open", "Decided")
    assert records["title"].changed_by == staff_user
    assert records["title"].changed_at is not None


def test_fine_update_validates_and_keeps_history(staff_user):
    fine = FineFactory(amount=Decimal("100"))
    with pytest.raises(ValidationError) as excinfo:
        fine_update(fine=fine, user=staff_user, data={"amount": Decimal("-5"), "currency": "EURO"})
    assert set(excinfo.value.message_dict) == {"amount", "currency"}
    assert not ChangeRecord.objects.exists()
    fine.refresh_from_db()
    fine_update(fine=fine, user=staff_user, data={"amount": Decimal("250"), "payment_status": "paid"})
    changes = dict(ChangeRecord.objects.values_list("field", "new_value"))
    assert changes == {"amount": "250.00", "payment_status": "Paid"}
    fine.decision.case.refresh_from_db()
    assert fine.decision.case.fines_eur_total == Decimal("250.00")


def test_unknown_field_is_rejected(staff_user):
    case = CaseFactory()
    with pytest.raises(ValidationError) as excinfo:
        case_update(case=case, user=staff_user, data={"public_id": "x"})
    assert "public_id" in excinfo.value.message_dict


def test_decision_partial_dates_are_normalised(staff_user):
    case = CaseFactory()
    decision = decision_create(
        case=case,
        user=staff_user,
        data={"kind": "order", "decision_date": dt.date(2026, 5, 17), "decision_date_precision": "year"},
    )
    assert decision.decision_date == dt.date(2026, 1, 1) and decision.decision_date_display == "2026"
    decision_update(decision=decision, user=staff_user, data={"decision_date": None})
    assert decision.decision_date_precision == "unknown"
    with pytest.raises(ValidationError):
        decision_update(
            decision=decision,
            user=staff_user,
            data={"decision_date": dt.date(2026, 5, 17), "decision_date_precision": "unknown"},
        )


def test_decision_parent_must_be_same_case_and_acyclic(staff_user):
    first = DecisionFactory()
    second = DecisionFactory(case=first.case, parent=first)
    other = DecisionFactory()
    with pytest.raises(ValidationError, match="same case"):
        decision_update(decision=first, user=staff_user, data={"parent": other})
    with pytest.raises(ValidationError, match="ancestor"):
        decision_update(decision=first, user=staff_user, data={"parent": second})


def test_compliance_check_updates_order_status(staff_user):
    order = OrderFactory()
    compliance_check_create(order=order, user=staff_user, data={"checked_on": dt.date(2024, 2, 1), "complied": True})
    order.refresh_from_db()
    assert order.compliance_status == "complied"
    assert ChangeRecord.objects.filter(field="compliance_status", new_value="Complied").exists()


def test_record_delete_keeps_a_history_line(staff_user):
    fine = FineFactory()
    case = fine.decision.case
    record_delete(obj=fine, user=staff_user)
    record = ChangeRecord.objects.get(case=case, action="delete")
    assert record.model_label == "fine" and "EUR" in record.old_value
    parent = DecisionFactory(case=case)
    DecisionFactory(case=case, parent=parent)
    with pytest.raises(ValidationError):
        record_delete(obj=parent, user=staff_user)
    assert Decision.objects.filter(pk=parent.pk).exists()
