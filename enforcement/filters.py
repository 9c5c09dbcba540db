"""FilterSets shared by the HTML lists (enforcement.views) and the API (enforcement.api).

Every parameter is validated by its form field: a bad value makes the FilterSet invalid, which the
API turns into a 400 with the field's message and the HTML list shows next to the filter.
"""

import re

import django_filters
import django_filters.fields
from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from enforcement.currencies import country_code_from_text, country_name
from enforcement.models import ArticleReference, Authority, Case, Decision, Fine, Respondent, Sector, ViolationCode

ARTICLE_PATTERN = re.compile(r"^\s*(?:art\.?\s*)?(\d{1,3})(?:\((\d{1,2})\))?(?:\(([a-z]{1,4})\))?\s*$", re.IGNORECASE)


def parse_article_filter(value: str) -> dict:
    """'5' -> {article: 5}; '5(1)' -> +paragraph; '5(1)(a)' -> +point. Raises ValidationError."""
    match = ARTICLE_PATTERN.match(value or "")
    if not match:
        raise forms.ValidationError("Write an article like 9, 5(1) or 5(1)(a).", code="invalid_article")
    lookup = {"article": int(match[1])}
    if match[2]:
        lookup["paragraph"] = int(match[2])
    if match[3]:
        lookup["point"] = match[3].lower()
    return lookup


class ArticleField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if value:
            parse_article_filter(value)
        return value


class CountryField(django_filters.fields.ChoiceField):
    """A select of the countries of the authorities on record, by name. A code or an English name
    in the address (NL, nl, Netherlands) is accepted too; anything else is refused with a
    message, never cut short (a 2-character box made "Netherlands" "Ne" and 0 cases)."""

    def to_python(self, value):
        code = country_code_from_text(str(value or ""))
        if code is None:
            raise forms.ValidationError(
                "Unknown country %(value)s: choose one from the list, or give its two-letter ISO 3166-1 country code "
                "(e.g. NL) or its English name (e.g. Netherlands).",
                code="invalid_country",
                params={"value": repr(str(value))[:60]},
            )
        return code

    def validate(self, value):
        # Any ISO country is a valid filter (it may just have no authority on record yet).
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class ArticleFilter(django_filters.CharFilter):
    field_class = ArticleField


def country_choices() -> list[tuple[str, str]]:
    """The countries of the authorities on record, by name (one small query)."""
    codes = Authority.objects.order_by().values_list("country", flat=True).distinct()
    return sorted(((code, country_name(code)) for code in codes), key=lambda choice: choice[1].casefold())


# A long select gets a "type to narrow" box (enforcement/static/enforcement/searchable_select.js);
# without script it stays a plain select.
SEARCHABLE = {
    "data-searchable": "",
    "data-search-label": _("Type to narrow"),
    "data-search-placeholder": _("Type to narrow…"),
}


class CountryFilter(django_filters.ChoiceFilter):
    field_class = CountryField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", country_choices)
        kwargs.setdefault("widget", forms.Select(attrs=SEARCHABLE))
        super().__init__(*args, **kwargs)


# Free text. Each table is searched on its own and the ids are unioned: on PostgreSQL every branch
# is then a scan of one trigram index on UPPER(column) (migration 0006), where one OR over columns
# of joined tables made it test every joined row of the 100,000 cases. Results are the same as the
# OR (icontains everywhere, SQLite included).


def case_ids_matching_text(value: str) -> QuerySet:
    """Ids of the cases whose title, reference, summary, respondent name, authority name or short
    name, or one of whose decisions' references, contains `value` (ignoring case).

    The matching authorities are looked up first (one small query: there are a few dozen). As a
    subquery, PostgreSQL cannot know how many match and plans for a whole authority's cases every
    time, i.e. a scan of every case; as a list of ids it sees that usually none does."""
    own = Case.objects.filter(Q(title__icontains=value) | Q(reference__icontains=value) | Q(summary__icontains=value))
    respondents = Respondent.objects.filter(name__icontains=value).order_by().values("pk")
    authority_ids = list(
        Authority.objects.filter(Q(name__icontains=value) | Q(short_name__icontains=value)).values_list("pk", flat=True)
    )
    others = [
        Case.objects.filter(respondent__in=respondents).order_by().values("pk"),
        Decision.objects.filter(reference__icontains=value).order_by().values("case_id"),
    ]
    if authority_ids:
        others.append(Case.objects.filter(authority__in=authority_ids).order_by().values("pk"))
    return own.order_by().values("pk").union(*others)


def decision_ids_matching_text(value: str) -> QuerySet:
    """Ids of the decisions whose reference or summary, or whose case's title or reference,
    contains `value` (ignoring case)."""
    cases = Case.objects.filter(Q(title__icontains=value) | Q(reference__icontains=value)).order_by().values("pk")
    return (
        Decision.objects.filter(Q(reference__icontains=value) | Q(summary__icontains=value))
        .order_by()
        .values("pk")
        .union(Decision.objects.filter(case__in=cases).order_by().values("pk"))
    )


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Descending sorts put unknown values (no fine, no date) last on every database; ties are
    broken by reference so that pages never overlap."""

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        field_name = self.param_map[param[1:] if descending else param]
        expression = F(field_name)
        return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)

    def filter(self, qs, value):
        if value in ([], (), {}, "", None):
            return qs
        return qs.order_by(*[self.get_ordering_value(param) for param in value], "reference", "pk")


CASE_ORDERING = (
    ("latest_decision_date", "date"),
    ("fines_eur_total", "amount"),
    ("reference", "reference"),
    ("authority__short_name", "authority"),
    ("respondent__name", "respondent"),
    ("status", "status"),
    ("updated", "updated"),
)


class CaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search", max_length=200)
    country = CountryFilter(field_name="authority__country", label="Country")
    authority = django_filters.ModelChoiceFilter(
        queryset=Authority.objects.all(), to_field_name="slug", label="Authority", widget=forms.Select(attrs=SEARCHABLE)
    )
    respondent = django_filters.ModelChoiceFilter(
        queryset=Respondent.objects.all(),
        to_field_name="slug",
        label="Respondent",
        widget=forms.Select(attrs=SEARCHABLE),
    )
    legal_framework = django_filters.ChoiceFilter(choices=Case.LegalFramework.choices, label="Legal framework")
    status = django_filters.ChoiceFilter(choices=Case.Status.choices, label="Status")
    decision_kind = django_filters.ChoiceFilter(
        choices=Decision.Kind.choices, method="filter_decision_kind", label="Decision kind"
    )
    article = ArticleFilter(method="filter_article", label="GDPR article", max_length=20)
    amount_min = django_filters.NumberFilter(
        field_name="fines_eur_total", lookup_expr="gte", min_value=0, label="Fines from (EUR)"
    )
    amount_max = django_filters.NumberFilter(
        field_name="fines_eur_total", lookup_expr="lte", min_value=0, label="Fines up to (EUR)"
    )
    date_from = django_filters.DateFilter(method="filter_date_from", label="Decided from")
    date_to = django_filters.DateFilter(method="filter_date_to", label="Decided until")
    unpaid_only = django_filters.BooleanFilter(
        method="filter_unpaid", widget=forms.CheckboxInput, label="Unpaid fines only"
    )
    sector = django_filters.ChoiceFilter(choices=Sector.choices, label="Sector")
    violation_type = django_filters.ChoiceFilter(
        choices=ViolationCode.choices, method="filter_violation_type", label="Violation type"
    )
    ordering = NullsLastOrderingFilter(fields=CASE_ORDERING, label="Sort by")

    class Meta:
        model = Case
        fields: list[str] = []

    def is_valid(self):
        valid = super().is_valid()
        data = self.form.cleaned_data if valid else {}
        low, high = data.get("amount_min"), data.get("amount_max")
        start, end = data.get("date_from"), data.get("date_to")
        if low is not None and high is not None and low > high:
            self.form.add_error("amount_max", "Must not be below the lower amount.")
        if start and end and start > end:
            self.form.add_error("date_to", "Must not be before the start date.")
        return valid and not self.form.errors

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(pk__in=case_ids_matching_text(value))

    def filter_decision_kind(self, queryset, name, value):
        return queryset.filter(Exists(Decision.objects.filter(case=OuterRef("pk"), kind=value)))

    def filter_article(self, queryset, name, value):
        lookup = parse_article_filter(value)
        # Provisions found violated only: Art. 84 as the decision's legal basis matches nothing.
        refs = ArticleReference.objects.filter(
            case=OuterRef("pk"), instrument="", role=ArticleReference.Role.VIOLATED, **lookup
        )
        return queryset.filter(Exists(refs))

    def _decided_between(self, queryset, **bounds):
        decisions = Decision.objects.filter(case=OuterRef("pk")).annotate(
            effective=Coalesce("decision_date", "announced_date")
        )
        return queryset.filter(Exists(decisions.filter(**bounds)))

    def filter_date_from(self, queryset, name, value):
        return self._decided_between(queryset, effective__gte=value)

    def filter_date_to(self, queryset, name, value):
        return self._decided_between(queryset, effective__lte=value)

    def filter_violation_type(self, queryset, name, value):
        tagged = Case.violation_types.through.objects.filter(case=OuterRef("pk"), violationtype__code=value)
        return queryset.filter(Exists(tagged))

    def filter_unpaid(self, queryset, name, value):
        if not value:
            return queryset
        unpaid = Fine.objects.filter(decision__case=OuterRef("pk"), payment_status=Fine.PaymentStatus.UNPAID)
        return queryset.filter(Exists(unpaid))


class DecisionFilterSet(django_filters.FilterSet):
    """Decisions of the visible cases (public register, API /decisions/)."""

    q = django_filters.CharFilter(method="filter_q", label="Search", max_length=200)
    case = django_filters.UUIDFilter(field_name="case__public_id", label="Case")
    country = CountryFilter(field_name="case__authority__country", label="Country")
    authority = django_filters.ModelChoiceFilter(
        field_name="case__authority",
        queryset=Authority.objects.all(),
        to_field_name="slug",
        label="Authority",
        widget=forms.Select(attrs=SEARCHABLE),
    )
    kind = django_filters.ChoiceFilter(choices=Decision.Kind.choices, label="Kind")
    date_from = django_filters.DateFilter(method="filter_date_from", label="Decided from")
    date_to = django_filters.DateFilter(method="filter_date_to", label="Decided until")
    ordering = NullsLastOrderingFilter(
        fields=(("decision_date", "date"), ("announced_date", "announced"), ("kind", "kind")), label="Sort by"
    )

    class Meta:
        model = Decision
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(pk__in=decision_ids_matching_text(value))

    def filter_date_from(self, queryset, name, value):
        return queryset.annotate(effective=Coalesce("decision_date", "announced_date")).filter(effective__gte=value)

    def filter_date_to(self, queryset, name, value):
        return queryset.annotate(effective=Coalesce("decision_date", "announced_date")).filter(effective__lte=value)
