"""Staff forms for appeals and the dated events of their course."""

from __future__ import annotations

from django import forms

from enforcement.forms.base import PartialDateField, PartialDates, ServiceForm, VerificationFields
from enforcement.forms.cases import decision_label
from enforcement.models import Appeal, AppealEvent, Case


class AppealForm(VerificationFields, ServiceForm):
    verifiable = ("court", "case_number", "outcome", "status_text")

    class Meta:
        model = Appeal
        fields = ("decision", "court", "case_number", "outcome", "status_text")
        labels = {"decision": "Decision appealed", "status_text": "Position as reported"}
        widgets = {"status_text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_choices("decision", case.decisions.all(), label=decision_label)


class AppealEventForm(PartialDates, ServiceForm):
    partial_dates = {"when": ("date", "date_precision")}
    when = PartialDateField(label="Date")

    class Meta:
        model = AppealEvent
        fields = ("kind", "note", "unverified")
        labels = {"unverified": "No source confirms this event (shown as UNVERIFIED)"}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    field_order = ("kind", "when", "note", "unverified")
