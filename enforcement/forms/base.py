"""What every staff edit form shares: the verification-state fields, the hand-over of cleaned data
to a service, and the field types of the domain (currency codes, partial dates, web addresses)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from enforcement.currencies import ISO_4217, validate_currency
from enforcement.dates import DatePrecision, parse_partial_date, partial_date_iso
from enforcement.services.records import VERIFICATION

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CURRENCY_CODES = sorted(ISO_4217)


def editable_fields(service_fields: tuple[str, ...]) -> tuple[str, ...]:
    """A form's model fields: what the service accepts, less the verification state (which
    VerificationFields edits as ticks and notes)."""
    return tuple(name for name in service_fields if name not in VERIFICATION)


class VerificationFields(forms.Form):
    """Mixin for ModelForms of VerifiableModel rows: `unverified_fields` and their notes.

    The fields that no source confirms are ticked, and their notes are written one per line as
    "field: note"."""

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
        if instance is not None and instance.pk is not None and not self.is_bound:
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


class PartialDateField(forms.CharField):
    """One text box for a date that may be partial: "2024-10-03", "2024-10", "2024" or empty
    (unknown). Cleans to (date or None, precision)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("help_text", "YYYY-MM-DD, or YYYY-MM or YYYY when only that is known; empty if unknown.")
        super().__init__(**kwargs)
        self.widget.attrs.update({"placeholder": "YYYY-MM-DD", "inputmode": "numeric", "size": "12"})

    def prepare_value(self, value):
        if isinstance(value, tuple):
            return partial_date_iso(*value) or ""
        return value

    def to_python(self, value) -> tuple[dt.date | None, str]:
        text = super().to_python(value)
        try:
            return parse_partial_date(text)
        except ValueError:
            raise ValidationError(
                "Enter a date as YYYY-MM-DD, or YYYY-MM or YYYY when only that is known"
                " (e.g. 2022-10-17, 2024-10, 2026).",
                code="invalid",
            ) from None
        except OverflowError:
            raise ValidationError("Enter a real date.", code="invalid") from None

    def validate(self, value):
        date, _precision = value
        if self.required and date is None:
            raise ValidationError(self.error_messages["required"], code="required")


class PartialDates(forms.Form):
    """Mixin: `partial_dates` maps a form field (a PartialDateField) to the model's date and
    precision fields; the form shows one box and the service gets both values."""

    partial_dates: dict[str, tuple[str, str]] = {}

    def _setup_partial_dates(self) -> None:
        instance = getattr(self, "instance", None)
        for name, (date_field, precision_field) in self.partial_dates.items():
            if instance is not None and not self.is_bound:
                date = getattr(instance, date_field, None)
                precision = getattr(instance, precision_field, DatePrecision.UNKNOWN)
                self.initial.setdefault(name, partial_date_iso(date, precision) or "")

    def partial_date_data(self) -> dict:
        data = {}
        for name, (date_field, precision_field) in self.partial_dates.items():
            date, precision = self.cleaned_data.get(name) or (None, DatePrecision.UNKNOWN)
            data[date_field] = date
            data[precision_field] = precision
        return data


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


class WebAddressField(forms.URLField):
    """An http(s) address: what a source link must be to be shown as a link."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)

    def run_validators(self, value):
        super().run_validators(value)  # "Enter a valid URL." first
        if value and not value.lower().startswith(("http://", "https://")):
            raise ValidationError("Give an http:// or https:// address.", code="invalid")


class ServiceForm(forms.ModelForm):
    """A ModelForm whose data goes to a service: `service_data()` maps model fields to values.

    The forms never call `save()`: a ModelForm's validation writes the new values onto its
    instance, so the views give the form one copy of the record and the service another (the one
    whose old values go into the history)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(self, VerificationFields):
            self._setup_verification()
        if isinstance(self, PartialDates):
            self._setup_partial_dates()

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}
        if isinstance(self, VerificationFields):
            data.update(self.verification_data())
        if isinstance(self, PartialDates):
            data.update(self.partial_date_data())
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the matching fields (or above the form)."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                target = self._form_field_for(field)
                for message in messages:
                    if target is None and field != "__all__":
                        message = f"{field}: {message}"
                    self.add_error(target, message)
        else:
            for message in error.messages:
                self.add_error(None, message)

    def _form_field_for(self, model_field: str) -> str | None:
        if model_field in self.fields:
            return model_field
        for name, fields in getattr(self, "partial_dates", {}).items():
            if model_field in fields and name in self.fields:
                return name
        return None

    def set_choices(self, name: str, queryset, *, label=None) -> None:
        """Offer `queryset` (e.g. only the decisions of the case being edited) in a choice field."""
        if name in self.fields:
            self.fields[name].queryset = queryset
            if label is not None:
                self.fields[name].label_from_instance = label
