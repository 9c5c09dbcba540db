"""Staff forms for a case and what hangs off it directly: the parties, sources and provisions."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from enforcement.forms.base import DATE_INPUT, ServiceForm, VerificationFields, WebAddressField, editable_fields
from enforcement.models import ArticleReference, Authority, Case, Decision, Respondent, Source
from enforcement.services.records import AUTHORITY_FIELDS, CASE_FIELDS, RESPONDENT_FIELDS


def decision_label(decision: Decision) -> str:
    return f"{decision.get_kind_display()} · {decision.decision_date_display}"


def authority_label(authority: Authority) -> str:
    return f"{authority.country_code} · {authority.short_name or authority.name}"


class CaseForm(VerificationFields, ServiceForm):
    verifiable = ("title", "legal_framework", "origin", "status", "summary", "appeal_summary")

    class Meta:
        model = Case
        fields = editable_fields(CASE_FIELDS)
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "appeal_summary": forms.Textarea(attrs={"rows": 3}),
            "public_notes": forms.Textarea(attrs={"rows": 3}),
            "internal_notes": forms.Textarea(attrs={"rows": 4}),
            "concerned_authorities": forms.SelectMultiple(attrs={"size": 6}),
            "violation_types": forms.CheckboxSelectMultiple,
            "complaint_received_on": DATE_INPUT,
        }
        help_texts = {
            "published": "Published cases appear in the public register (internal notes never do).",
            "concerned_authorities": "For cross-border cases; hold Ctrl (or Cmd) to choose several.",
            "sector": "Saving the sector or violation types here keeps them from the classifier.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        authorities = Authority.objects.order_by("country", "subdivision", "name")
        for name in ("authority", "lead_authority", "concerned_authorities"):
            self.set_choices(name, authorities, label=authority_label)

    def clean(self):
        cleaned = super().clean()
        origin = cleaned.get("origin")
        lead = cleaned.get("lead_authority")
        if lead is not None and origin not in (Case.Origin.CROSS_BORDER, Case.Origin.JOINT_INVESTIGATION):
            self.add_error("lead_authority", "A lead authority only applies to cross-border or joint cases.")
        return cleaned


class AuthorityForm(ServiceForm):
    class Meta:
        model = Authority
        fields = AUTHORITY_FIELDS
        help_texts = {"slug": "A short unique name for links and imports, e.g. nl-ap."}

    def clean_country(self):
        return (self.cleaned_data.get("country") or "").strip().upper()

    def clean_subdivision(self):
        return (self.cleaned_data.get("subdivision") or "").strip().upper()


class RespondentForm(VerificationFields, ServiceForm):
    verifiable = ("name", "country_of_establishment", "eu_establishment", "art27_representative", "sector")

    class Meta:
        model = Respondent
        fields = editable_fields(RESPONDENT_FIELDS)
        help_texts = {"slug": "A short unique name for links and imports, e.g. clearview-ai."}

    def clean_country_of_establishment(self):
        return (self.cleaned_data.get("country_of_establishment") or "").strip().upper()


class SourceForm(ServiceForm):
    url = WebAddressField(label="Address")

    class Meta:
        model = Source
        fields = ("url", "title", "kind", "language", "decision")
        help_texts = {"decision": "The decision this source reports, if it is about one."}

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.set_choices("decision", case.decisions.all(), label=decision_label)

    def clean_language(self):
        language = (self.cleaned_data.get("language") or "").strip().lower()
        if language and not (len(language) == 2 and language.isascii() and language.isalpha()):
            raise ValidationError("Give a two-letter ISO 639-1 code, e.g. en, nl, fr; or leave it empty.")
        return language

    def clean_url(self):
        url = self.cleaned_data.get("url")
        others = self.case.sources.filter(url=url)
        if self.instance.pk is not None:
            others = others.exclude(pk=self.instance.pk)
        if url and others.exists():
            raise ValidationError("This case already lists this source.")
        return url


class ArticleForm(VerificationFields, ServiceForm):
    verifiable = ("label", "article")

    class Meta:
        model = ArticleReference
        fields = ("instrument", "article", "paragraph", "point", "read_with", "label", "note", "role", "decision")
        labels = {"label": "As written in the decision", "read_with": "Read with"}
        help_texts = {
            "instrument": "Empty for the case's GDPR or UK GDPR; otherwise the instrument, e.g. APP, BC PIPA.",
            "article": "Empty when the decision describes the violation only in words.",
            "point": "E.g. a, b, f.",
            "read_with": "E.g. 15 for Art. 12(3) read with 15.",
        }

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        # Most provisions are ones found violated; only a legal basis (e.g. Art. 84) needs the choice.
        self.fields["role"].required = False
        self.set_choices("decision", case.decisions.all(), label=decision_label)

    def clean_point(self):
        point = (self.cleaned_data.get("point") or "").strip().strip("()").lower()
        if point and not point.isalnum():
            raise ValidationError("Give the point as letters or digits, e.g. a or f.")
        return point

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("article") is None and (cleaned.get("paragraph") is not None or cleaned.get("point")):
            self.add_error("article", "Give the article when you give a paragraph or point.")
        return cleaned

    def clean_role(self):
        return self.cleaned_data.get("role") or ArticleReference.Role.VIOLATED
