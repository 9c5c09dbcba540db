"""The request queue's filters, shared by the staff HTML list and the API (one FilterSet)."""

from datetime import timedelta

import django_filters
from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compliance.models import COUNTRIES, OPEN_STATUSES, DataSubjectRequest, RequestStatus, RequestType

EFFECTIVE_DUE = Coalesce("extended_due_date", "due_date")
MAX_DUE_WITHIN_DAYS = 366


class RequestFilterSet(django_filters.FilterSet):
    request_type = django_filters.ChoiceFilter(label=_("Type"), choices=RequestType.choices)
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=RequestStatus.choices)
    country = django_filters.ChoiceFilter(label=_("Country"), choices=COUNTRIES)
    language = django_filters.ChoiceFilter(label=_("Language"), choices=lambda: list(settings.LANGUAGES))
    due_within = django_filters.NumberFilter(
        label=_("Due within (days)"),
        method="filter_due_within",
        min_value=0,
        max_value=MAX_DUE_WITHIN_DAYS,
        help_text=_("Open requests due between today and this many days from today."),
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    identity_check = django_filters.CharFilter(method="filter_identity_check", label=_("Identity check"))
    q = django_filters.CharFilter(label=_("Name or email"), method="filter_search", max_length=200)

    class Meta:
        model = DataSubjectRequest
        fields = ["request_type", "status", "regime", "country", "language"]

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def filter_due_within(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.alias(effective_due=EFFECTIVE_DUE).filter(
            status__in=OPEN_STATUSES,
            effective_due__gte=self.today,
            effective_due__lte=self.today + timedelta(days=int(value)),
        )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(status__in=OPEN_STATUSES, effective_due__lt=self.today)
        queryset = queryset.alias(effective_due=EFFECTIVE_DUE)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_identity_check(self, queryset, name, value):
        return queryset.filter(identity_check=value) if value else queryset

    def filter_search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(email__icontains=value))
