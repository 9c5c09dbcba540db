"""Staff forms for decisions and what they impose: fines (with quoted conversions), orders (with
compliance checks) and penalty payments (with liquidations)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from enforcement.forms.base import (
    DATE_INPUT,
    CurrencyField,
    PartialDateField,
    PartialDates,
    ServiceForm,
    VerificationFields,
    WebAddressField,
    editable_fields,
)
from enforcement.forms.cases import decision_label
from enforcement.models import (
    ComplainantUpdate,
    ComplianceCheck,
    Decision,
    Fine,
    FineCriterionAssessment,
    InvestigativeAct,
    Order,
    PenaltyLiquidation,
    PenaltyPayment,
    QuotedConversion,
)
from enforcement.services.records import PENALTY_FIELDS

MONEY_ATTRS = {"min": "0", "step": "0.01", "inputmode": "decimal"}


def _money_inputs(form: forms.Form, *names: str) -> None:
    for name in names:
        form.fields[name].widget.attrs.update(MONEY_ATTRS)


class LinesField(forms.CharField):
    """A list of short texts, one per line (e.g. the errors reported in sources)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        for line in value:
            if len(line) > 500:
                raise ValidationError("Keep each line under 500 characters.", code="max_length")


class DecisionForm(PartialDates, VerificationFields, ServiceForm):
    verifiable = ("kind", "reference", "decision_date", "announced_date", "summary", "orders")
    partial_dates = {
        "decided": ("decision_date", "decision_date_precision"),
        "announced": ("announced_date", "announced_date_precision"),
    }

    decided = PartialDateField(label="Decision date")
    announced = PartialDateField(label="Announced", help_text="When it was made public, if known (same format).")
    source_discrepancies = LinesField(
        label="Sources disagree", required=False, help_text="One reported error or disagreement per line."
    )

    class Meta:
        model = Decision
        fields = ("kind", "reference", "parent", "summary", "short_summary", "source_discrepancies")
        labels = {"parent": "Enforces (parent decision)"}
        help_texts = {"parent": "A liquidation or follow-up belongs to the decision it enforces."}
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    field_order = (
        "kind",
        "reference",
        "decided",
        "announced",
        "parent",
        "summary",
        "short_summary",
        "source_discrepancies",
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        parents = case.decisions.all()
        if self.instance.pk is not None:
            parents = parents.exclude(pk=self.instance.pk)
        self.set_choices("parent", parents, label=decision_label)

    def _label_of(self, name: str) -> str:
        return {"decision_date": "Decision date", "announced_date": "Announced", "orders": "Orders"}.get(
            name
        ) or super()._label_of(name)


class FineForm(VerificationFields, ServiceForm):
    verifiable = ("amount", "currency", "payment_status", "ceiling", "turnover")
    currency = CurrencyField(label="Currency")
    turnover_currency = CurrencyField(label="Turnover currency", required=False)

    class Meta:
        model = Fine
        fields = (
            "amount",
            "currency",
            "payment_status",
            "payment_note",
            "ceiling",
            "turnover",
            "turnover_currency",
            "turnover_year",
        )
        widgets = {"payment_note": forms.Textarea(attrs={"rows": 3})}
        labels = {"ceiling": "Maximum (Art. 83)", "turnover": "Worldwide annual turnover", "turnover_year": "Of year"}
        help_texts = {"amount": "The amount as decided, in the decision's currency (not converted)."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _money_inputs(self, "amount", "turnover")
        self.fields["amount"].error_messages["min_value"] = "A fine cannot be negative."
        self.fields["turnover"].error_messages["min_value"] = "A turnover cannot be negative."
        self.fields["turnover_year"].widget.attrs.update({"min": "1970", "max": "2100"})

    def clean_turnover_year(self):
        year = self.cleaned_data.get("turnover_year")
        if year is not None and not 1970 <= year <= dt.date.today().year:
            raise ValidationError("Give the financial year, e.g. 2023 (not in the future).")
        return year

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("turnover") is not None and not cleaned.get("turnover_currency"):
            self.add_error("turnover_currency", "Give the turnover's currency.")
        if cleaned.get("turnover") is None and (cleaned.get("turnover_currency") or cleaned.get("turnover_year")):
            self.add_error("turnover", "Give the turnover, or leave its currency and year empty.")
        return cleaned

    def clean_amount(self):
        amount = self.cleaned_data.get("amount")
        if amount is not None and amount < 0:
            raise ValidationError("A fine cannot be negative.")
        return amount


class QuotedConversionForm(ServiceForm):
    """An amount as a source quoted it in another currency: kept as quoted, never recomputed."""

    currency = CurrencyField(label="Currency")
    source_url = WebAddressField(label="Source address", required=False)

    class Meta:
        model = QuotedConversion
        fields = ("amount", "currency", "quoted_on", "source_url", "note")
        widgets = {"quoted_on": DATE_INPUT}
        labels = {"quoted_on": "Quoted on"}
        help_texts = {"amount": "As the source wrote it, e.g. 33700000 for 'USD 33.7 million'."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _money_inputs(self, "amount")


class OrderForm(VerificationFields, ServiceForm):
    verifiable = ("text", "power", "applies_to", "deadline", "compliance_status")

    class Meta:
        model = Order
        fields = ("text", "power", "binding", "applies_to", "applies_to_detail", "deadline", "compliance_status")
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "deadline": DATE_INPUT}
        labels = {"power": "Corrective power (Art. 58(2))"}


class FineCriterionForm(ServiceForm):
    """How the decision weighed one Art. 83(2) criterion."""

    class Meta:
        model = FineCriterionAssessment
        fields = ("criterion", "effect", "note")
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        labels = {"criterion": "Art. 83(2) criterion", "effect": "Weighed as"}


class InvestigativeActForm(VerificationFields, ServiceForm):
    verifiable = ("power", "date", "description")

    class Meta:
        model = InvestigativeAct
        fields = ("power", "date", "description")
        widgets = {"date": DATE_INPUT, "description": forms.Textarea(attrs={"rows": 3})}
        labels = {"power": "Investigative power (Art. 58(1))"}


class ComplainantUpdateForm(ServiceForm):
    class Meta:
        model = ComplainantUpdate
        fields = ("informed_on", "kind", "note")
        widgets = {"informed_on": DATE_INPUT, "note": forms.Textarea(attrs={"rows": 3})}
        labels = {"informed_on": "Complainant informed on", "kind": "Of the"}
        help_texts = {"kind": "An update on the outcome ends the three-month duty (Art. 77(2))."}


class ComplianceCheckForm(ServiceForm):
    complied = forms.TypedChoiceField(
        label="Result",
        choices=[("", "—"), ("no", "Not complied"), ("yes", "Complied")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        help_text="A check showing compliance stops the accrual of a penalty payment from that day.",
    )
    source_url = WebAddressField(label="Source URL", required=False)

    class Meta:
        model = ComplianceCheck
        fields = ("checked_on", "complied", "note", "source_url")
        widgets = {"checked_on": DATE_INPUT, "note": forms.Textarea(attrs={"rows": 3})}
        labels = {"checked_on": "Checked on"}


class PenaltyForm(VerificationFields, ServiceForm):
    verifiable = ("amount_per_unit", "unit", "starts_on", "cap", "trigger")
    currency = CurrencyField(label="Currency")

    class Meta:
        model = PenaltyPayment
        fields = editable_fields(PENALTY_FIELDS)
        widgets = {"starts_on": DATE_INPUT, "trigger": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "order": "Order it enforces",
            "amount_per_unit": "Amount per unit",
            "units_count": "Separate penalties in this row",
            "starts_on": "Accrues from",
        }
        help_texts = {
            "start_rule": "As the decision words it, e.g. 'two months after notification'.",
            "cap": "The most that can accrue in total; empty if no cap is stated.",
            "max_units": "E.g. 17 question sets; empty if not limited.",
        }

    def __init__(self, *args, decision: Decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_choices("order", decision.orders.all(), label=lambda order: order.text[:90])
        _money_inputs(self, "amount_per_unit", "cap")


class LiquidationForm(ServiceForm):
    """A decision that fixes what a penalty payment has come to for a period. Its rules (period,
    what accrued, the cap) are the service's (enforcement.services.records._check_liquidation)."""

    class Meta:
        model = PenaltyLiquidation
        fields = ("decision", "period_start", "period_end", "units", "amount")
        widgets = {"period_start": DATE_INPUT, "period_end": DATE_INPUT}
        labels = {"decision": "Liquidation decision", "units": "Units liquidated"}
        help_texts = {
            "units": "E.g. 52 for 52 days.",
            "amount": "As the liquidation decision fixed it (it may be less than units × amount per unit).",
        }

    def __init__(self, *args, penalty: PenaltyPayment, **kwargs):
        super().__init__(*args, **kwargs)
        self.penalty = penalty
        self.set_choices("decision", penalty.decision.case.decisions.all(), label=decision_label)
        _money_inputs(self, "amount")
