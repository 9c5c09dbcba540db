"""Staff edit forms: validation messages and the data they hand to the services."""

from decimal import Decimal

import pytest

from enforcement.forms import CaseForm, ComplianceCheckForm, FineForm, OrderForm
from enforcement.models import Fine
from tests.enforcement.factories import CaseFactory, FineFactory, OrderFactory

pytestmark = pytest.mark.django_db


def fine_data(**changes) -> dict:
    return {"amount": "100.00", "currency": "EUR", "payment_status": "unpaid", "payment_note": "", **changes}


def test_fine_form_service_data_and_currency_normalisation():
    fine = FineFactory()
    form = FineForm(
        fine_data(
            currency=" gbp ",
            unverified_fields=["amount"],
            verification_notes_text="amount: one source\n\npayment_status: per press only",
        ),
        instance=Fine.objects.get(pk=fine.pk),
    )
    assert form.is_valid(), form.errors
    assert form.service_data() == {
        "amount": Decimal("100.00"),
        "currency": "GBP",
        "payment_status": "unpaid",
        "payment_note": "",
        "ceiling": "",
        "turnover": None,
        "turnover_currency": "",
        "turnover_year": None,
        "unverified_fields": ["amount"],
        "verification_notes": {"amount": "one source", "payment_status": "per press only"},
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "-0.01"}, "amount", "A fine cannot be negative."),
        ({"amount": "abc"}, "amount", "Enter a number."),
        ({"amount": "1" * 20}, "amount", "Ensure that there are no more than 16 digits in total."),
        ({"currency": "XYZ"}, "currency", "XYZ is not an ISO 4217 currency code"),
        ({"currency": ""}, "currency", "This field is required."),
        ({"payment_status": "maybe"}, "payment_status", "Select a valid choice."),
        ({"unverified_fields": ["payment_note"]}, "unverified_fields", "Select a valid choice."),
        ({"verification_notes_text": "amount"}, "verification_notes_text", 'Line 1: write "field: note"'),
        ({"verification_notes_text": "colour: red"}, "verification_notes_text", '"colour" is not a field'),
    ],
)
def test_fine_form_rejects_bad_input_with_clear_messages(changes, field, message):
    form = FineForm(fine_data(**changes), instance=FineFactory())
    assert not form.is_valid()
    assert any(message in error for error in form.errors[field]), form.errors


def test_fine_form_shows_current_verification_state():
    fine = FineFactory(unverified_fields=["amount"], verification_notes={"amount": "UNVERIFIED (press)"})
    form = FineForm(instance=fine)
    assert form.initial["unverified_fields"] == ["amount"]
    assert form.initial["verification_notes_text"] == "amount: UNVERIFIED (press)"
    assert [name for name, _ in form.fields["unverified_fields"].choices] == [
        "amount",
        "currency",
        "payment_status",
        "ceiling",
        "turnover",
    ]


def test_case_form_lead_authority_only_for_cross_border_cases():
    case = CaseFactory()
    data = {
        "reference": case.reference,
        "title": "t",
        "authority": case.authority_id,
        "respondent": case.respondent_id,
        "legal_framework": "gdpr",
        "origin": "complaint",
        "status": "open",
        "lead_authority": case.authority_id,
    }
    form = CaseForm(data, instance=case)
    assert not form.is_valid()
    assert "A lead authority only applies to cross-border or joint cases." in form.errors["lead_authority"]
    form = CaseForm({**data, "origin": "cross_border"}, instance=case)
    assert form.is_valid(), form.errors


def test_case_form_does_not_save_by_itself():
    """The service writes (and records history); the form only validates."""
    case = CaseFactory(title="Before")
    data = {
        "reference": case.reference,
        "title": "After",
        "authority": case.authority_id,
        "respondent": case.respondent_id,
        "legal_framework": "gdpr",
        "origin": "unknown",
        "status": "open",
    }
    form = CaseForm(data, instance=case)
    assert form.is_valid()
    case.refresh_from_db()
    assert case.title == "Before"


def test_order_form_requires_text_and_a_real_date():
    order = OrderFactory()
    form = OrderForm(
        {"text": "", "applies_to": "complainant", "deadline": "2023-02-29", "compliance_status": "pending"},
        instance=order,
    )
    assert not form.is_valid()
    assert form.errors["text"] == ["This field is required."]
    assert form.errors["deadline"] == ["Enter a valid date."]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"checked_on": "", "complied": "yes"}, "checked_on", "This field is required."),
        ({"checked_on": "2024-01-01", "complied": ""}, "complied", "This field is required."),
        ({"checked_on": "2024-01-01", "complied": "perhaps"}, "complied", "Select a valid choice."),
        (
            {"checked_on": "2024-01-01", "complied": "no", "source_url": "javascript:alert(1)"},
            "source_url",
            "Enter a valid URL.",
        ),
        (
            {"checked_on": "2024-01-01", "complied": "no", "source_url": "ftp://example.org/x"},
            "source_url",
            "Give an http:// or https:// address.",
        ),
    ],
)
def test_compliance_check_form_errors(data, field, message):
    form = ComplianceCheckForm(data)
    assert not form.is_valid()
    assert any(message in error for error in form.errors[field]), form.errors


def test_compliance_check_form_coerces_the_result():
    form = ComplianceCheckForm({"checked_on": "2024-01-01", "complied": "no", "note": "still online"})
    assert form.is_valid(), form.errors
    assert form.service_data()["complied"] is False
