"""Staff edit forms for enforcement records.

The forms only validate and hand their cleaned data to enforcement.services, which save, write
the history and refresh the list columns. They never call `save()` themselves: a ModelForm's
validation writes the new values onto its instance, so the views give the form one copy of the
record and the service another (the one whose old values go into the history).

Verification state is edited with every record: the fields that no source confirms are ticked,
and their notes are written one per line as "field: note".
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from enforcement.currencies import ISO_4217, validate_currency
from enforcement.models import Authority, Case, ComplianceCheck, Fine, Order

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VerificationFields(forms.Form):
    """Mixin for ModelForms of VerifiableModel rows: `unverified_fields` and their notes."""

    #: model field names that can be marked unverified on this form (defaults to Meta.fields)
    verifiable: tuple[str, ...] = ()

    unverified_fields = forms.MultipleChoiceField(
        label="Unverified values",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every value that no source confirms; it is shown as UNVERIFIED everywhere.",
    )
    verification_notes_text = forms.CharField(
        label="Verification notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='One per line, as "field: note", e.g. "payment_status: reported unpaid by one source only".',
    )

    def _setup_verification(self) -> None:
        names = self.verifiable or tuple(name for name in self._meta.fields if name in self.fields)
        choices = [(name, self._label_of(name)) for name in names]
        self.fields["unverified_fields"].choices = choices
        instance = getattr(self, "instance", None)
        if instance is not None and not self.is_bound:
            self.initial.setdefault("unverified_fields", list(instance.unverified_fields or []))
            notes = instance.verification_notes or {}
            self.initial.setdefault(
                "verification_notes_text", "\n".join(f"{field}: {note}" for field, note in notes.items())
            )

    def _label_of(self, name: str) -> str:
        field = self.fields.get(name)
        if field is not None and field.label:
            return str(field.label)
        return self._meta.model._meta.get_field(name).verbose_name.capitalize()

    def clean_verification_notes_text(self) -> dict[str, str]:
        text = self.cleaned_data.get("verification_notes_text", "")
        known = {field.name for field in self._meta.model._meta.get_fields()}
        notes: dict[str, str] = {}
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line:
                continue
            field, sep, note = line.partition(":")
            field, note = field.strip(), note.strip()
            if not sep or not field or not note:
                raise ValidationError(
                    f'Line {number}: write "field: note" (for example "amount: per one source only").'
                )
            if field not in known:
                raise ValidationError(f'Line {number}: "{field}" is not a field of this record.')
            notes[field] = note
        return notes

    def verification_data(self) -> dict:
        return {
            "unverified_fields": list(self.cleaned_data.get("unverified_fields") or []),
            "verification_notes": self.cleaned_data.get("verification_notes_text") or {},
        }


class ServiceForm(forms.ModelForm):
    """A ModelForm whose data goes to a service: `service_data()` maps model fields to values."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(self, VerificationFields):
            self._setup_verification()

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}
        if isinstance(self, VerificationFields):
            data.update(self.verification_data())
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the matching fields (or above the form)."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                target = field if field in self.fields else None
                for message in messages:
                    if target is None and field != "__all__":
                        message = f"{field}: {message}"
                    self.add_error(target, message)
        else:
            for message in error.messages:
                self.add_error(None, message)


class CaseForm(VerificationFields, ServiceForm):
    verifiable = ("title", "legal_framework", "origin", "status", "summary", "appeal_summary")

    class Meta:
        model = Case
        fields = (
            "reference",
            "title",
            "authority",
            "respondent",
            "legal_framework",
            "legal_framework_detail",
            "origin",
            "origin_detail",
            "lead_authority",
            "concerned_authorities",
            "status",
            "summary",
            "appeal_summary",
            "public_notes",
            "published",
            "internal_notes",
        )
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "appeal_summary": forms.Textarea(attrs={"rows": 3}),
            "public_notes": forms.Textarea(attrs={"rows": 3}),
            "internal_notes": forms.Textarea(attrs={"rows": 4}),
            "concerned_authorities": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "published": "Published cases appear in the public register (internal notes never do).",
            "concerned_authorities": "For cross-border cases; hold Ctrl (or Cmd) to choose several.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        authorities = Authority.objects.order_by("country", "subdivision", "name")
        for name in ("authority", "lead_authority", "concerned_authorities"):
            self.fields[name].queryset = authorities
            self.fields[name].label_from_instance = lambda a: f"{a.country_code} · {a.short_name or a.name}"

    def clean(self):
        cleaned = super().clean()
        origin = cleaned.get("origin")
        lead = cleaned.get("lead_authority")
        if lead is not None and origin not in (Case.Origin.CROSS_BORDER, Case.Origin.JOINT_INVESTIGATION):
            self.add_error("lead_authority", "A lead authority only applies to cross-border or joint cases.")
        return cleaned


class CurrencyField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("min_length", 3)
        kwargs.setdefault("help_text", "ISO 4217 code, e.g. EUR, GBP, SEK.")
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocapitalize": "characters", "list": "iso-4217", "size": "5"})

    def to_python(self, value):
        return super().to_python(value).strip().upper()

    def validate(self, value):
        super().validate(value)
        if value:
            validate_currency(value)


class FineForm(VerificationFields, ServiceForm):
    verifiable = ("amount", "currency", "payment_status")
    currency = CurrencyField(label="Currency")

    class Meta:
        model = Fine
        fields = ("amount", "currency", "payment_status", "payment_note")
        widgets = {"payment_note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"amount": "The amount as decided, in the decision's currency (not converted)."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs.update({"min": "0", "step": "0.01", "inputmode": "decimal"})
        self.fields["amount"].error_messages["min_value"] = "A fine cannot be negative."

    def clean_amount(self):
        amount = self.cleaned_data.get("amount")
        if amount is not None and amount < 0:
            raise ValidationError("A fine cannot be negative.")
        return amount


class OrderForm(VerificationFields, ServiceForm):
    verifiable = ("text", "applies_to", "deadline", "compliance_status")

    class Meta:
        model = Order
        fields = ("text", "binding", "applies_to", "applies_to_detail", "deadline", "compliance_status")
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "deadline": DATE_INPUT}


class ComplianceCheckForm(ServiceForm):
    complied = forms.TypedChoiceField(
        label="Result",
        choices=[("", "—"), ("no", "Not complied"), ("yes", "Complied")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        help_text="A check showing compliance stops the accrual of a penalty payment from that day.",
    )

    class Meta:
        model = ComplianceCheck
        fields = ("checked_on", "complied", "note", "source_url")
        widgets = {"checked_on": DATE_INPUT, "note": forms.Textarea(attrs={"rows": 3})}
        labels = {"checked_on": "Checked on", "source_url": "Source URL"}

    def clean_source_url(self):
        url = self.cleaned_data.get("source_url", "")
        if url and not url.lower().startswith(("http://", "https://")):
            raise ValidationError("Give an http:// or https:// address.")
        return url


CURRENCY_CODES = sorted(ISO_4217)
