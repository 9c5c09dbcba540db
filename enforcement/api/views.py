"""DRF viewsets for /api/v1/. Reads: anyone (published cases only unless the user may see internal
data); writes: staff (core.roles.ApiRolePermission). Writes call enforcement.services, whose
ValidationErrors become 400 responses keyed by field."""

from collections.abc import Callable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Prefetch
from django.utils import timezone
from django.utils.translation import get_language
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import filters, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from enforcement import services
from enforcement.api.serializers import (
    AppealSerializer,
    AuthoritySerializer,
    CaseDetailSerializer,
    CaseListSerializer,
    DecisionSerializer,
    EurTotalSerializer,
    FineSerializer,
    PenaltyPaymentSerializer,
    RespondentSerializer,
    as_of_from,
)
from enforcement.filters import CaseFilterSet, DecisionFilterSet
from enforcement.listcache import CachedCountPaginator, cached, cached_count, one_version
from enforcement.models import (
    Appeal,
    Authority,
    Decision,
    Fine,
    Order,
    PenaltyPayment,
    Respondent,
)
from enforcement.selectors import case_eur_breakdown, case_facet_counts, case_queryset, penalty_totals, sees_internal


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    rows_from = None  # set by ServiceViewSet.paginate_queryset

    def django_paginator_class(self, queryset, page_size):
        """The count and each page's ids are cached per filter (enforcement.listcache)."""
        return CachedCountPaginator(queryset, page_size, rows_from=self.rows_from)


def drf_error(exc: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError({key: [str(m) for m in exc.message_dict[key]] for key in exc.message_dict})
    return serializers.ValidationError({"non_field_errors": exc.messages})


class ServiceViewSet(viewsets.ModelViewSet):
    """A resource whose writes call the domain services with the validated data:
    `create_service(user=..., data=...)`, with the record it belongs to (`owner_field`, popped from
    the data) as a keyword of the same name; `update_service(<record_kwarg>=the record, user=...,
    data=...)`; `delete_service(obj=the record, user=...)`."""

    pagination_class = StandardPagination
    create_service: Callable[..., Model]
    update_service: Callable[..., Model]
    delete_service: Callable[..., None] = staticmethod(services.record_delete)
    record_kwarg: str  # the update service's name for the record: fine_update(fine=...)
    owner_field: str | None = None  # "case" for decision_create(case=...), "decision" for fine_create(...)

    def dispatch(self, request, *args, **kwargs):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            with one_version():  # one read of the data version for every cached aggregate
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        """The page as DRF renders it, kept per URL until enforcement data changes
        (enforcement.listcache): serialising 50 records with their nested decisions and fines
        costs more than every query of the page. The key holds what the output depends on
        besides the data: who may see internal data, the language, today's date (penalty
        accruals run to today unless `as_of` is given), the host (the next/previous links) and
        the URL (filters, ordering, page, page size, as_of); the filtered queryset's SQL is part
        of it too. Invalid filters raise before anything is cached."""
        queryset = self.filter_queryset(self.get_queryset())
        key = ":".join(
            (
                "api_list",
                type(self).__name__,
                str(sees_internal(request.user)),
                get_language() or "",
                timezone.localdate().isoformat(),
                request.get_host(),
                request.get_full_path(),
            )
        )
        return Response(cached(name=key, queryset=queryset, compute=lambda: self.list_data(queryset)))

    def list_data(self, queryset) -> object:
        page = self.paginate_queryset(queryset)
        if page is not None:
            return self.get_paginated_response(self.get_serializer(page, many=True).data).data
        return self.get_serializer(queryset, many=True).data

    def paginate_queryset(self, queryset):
        # A page's rows are fetched by id from the visible records without the user's filters.
        if self.paginator is not None:
            self.paginator.rows_from = self.get_queryset()
        return super().paginate_queryset(queryset)

    def call(self, function, **kwargs):
        try:
            return function(user=self.request.user, **kwargs)
        except DjangoValidationError as exc:
            raise drf_error(exc) from exc

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        owner = {self.owner_field: data.pop(self.owner_field)} if self.owner_field else {}
        serializer.instance = self.call(self.create_service, **owner, data=data)

    def perform_update(self, serializer):
        serializer.instance = self.call(
            self.update_service, **{self.record_kwarg: serializer.instance}, data=serializer.validated_data
        )

    def perform_destroy(self, instance):
        self.call(self.delete_service, obj=instance)


class CaseRecordViewSet(ServiceViewSet):
    """A record that belongs to a case, found by its public id. Users who may not see internal
    data see the records of published cases only (`case_path` leads from the record to its case)."""

    lookup_field = "public_id"
    case_path: str

    def get_queryset(self):
        records = super().get_queryset()
        return records if sees_internal(self.request.user) else records.filter(**{f"{self.case_path}published": True})


class AsOfContextMixin:
    """Serializers get the `?as_of=` date that penalty accruals are computed for (default today)."""

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "as_of": as_of_from(self.request.query_params)}


# --- authorities and respondents ----------------------------------------------------------------


class AuthorityViewSet(ServiceViewSet):
    """Data protection authorities (public)."""

    serializer_class = AuthoritySerializer
    queryset = Authority.objects.all()
    lookup_field = "slug"
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter, filters.SearchFilter]
    filterset_fields = ["country", "kind"]
    search_fields = ["name", "short_name"]
    ordering_fields = ["name", "short_name", "country"]
    ordering = ["country", "subdivision", "name"]
    create_service = staticmethod(services.authority_create)
    update_service = staticmethod(services.authority_update)
    delete_service = staticmethod(services.party_delete)
    record_kwarg = "authority"


class RespondentViewSet(ServiceViewSet):
    """Controllers and processors that decisions were taken against (public)."""

    serializer_class = RespondentSerializer
    queryset = Respondent.objects.all()
    lookup_field = "slug"
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter, filters.SearchFilter]
    filterset_fields = ["country_of_establishment", "eu_establishment", "art27_representative"]
    search_fields = ["name"]
    ordering_fields = ["name"]
    ordering = ["name"]
    create_service = staticmethod(services.respondent_create)
    update_service = staticmethod(services.respondent_update)
    delete_service = staticmethod(services.party_delete)
    record_kwarg = "respondent"


# --- cases ---------------------------------------------------------------------------------------


class CaseViewSet(ServiceViewSet):
    """Enforcement cases. Same filters as the HTML case list (enforcement.filters.CaseFilterSet).
    Anonymous users and outsiders see published cases only and never internal notes."""

    lookup_field = "public_id"
    filter_backends = [DjangoFilterBackend]
    filterset_class = CaseFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]  # cases are closed, not deleted
    create_service = staticmethod(services.case_create)
    update_service = staticmethod(services.case_update)
    record_kwarg = "case"

    def get_queryset(self):
        cases = case_queryset(user=self.request.user)
        if self.action in ("retrieve", "update", "partial_update"):
            cases = cases.prefetch_related(
                "violation_types",
                "sources",
                "appeals",
                "concerned_authorities",
                "lead_authority",
                "investigative_acts",
            )
        return cases

    def get_serializer_class(self):
        return CaseListSerializer if self.action in ("list", "totals") else CaseDetailSerializer

    @extend_schema(responses=EurTotalSerializer, summary="EUR total of the filtered cases, with the rates used")
    @action(detail=False, methods=["get"])
    def totals(self, request, *args, **kwargs):
        filterset = CaseFilterSet(data=request.query_params, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        queryset = filterset.qs
        breakdown = case_eur_breakdown(queryset)
        data = {
            "count": cached_count(queryset),
            "total_eur": breakdown.total_eur,
            "lines": breakdown.lines,
            "unconverted": breakdown.unconverted,
            "penalties": penalty_totals(
                PenaltyPayment.objects.filter(decision__case__in=queryset.order_by().values("pk"))
            ),
            "facets": case_facet_counts(filterset),
        }
        return Response(EurTotalSerializer(data).data)


# --- decisions, fines, penalties, appeals -------------------------------------------------------


AS_OF = OpenApiParameter(
    "as_of", OpenApiTypes.DATE, description="Date for penalty accrual (default: today).", required=False
)


@extend_schema_view(list=extend_schema(parameters=[AS_OF]), retrieve=extend_schema(parameters=[AS_OF]))
class DecisionViewSet(AsOfContextMixin, CaseRecordViewSet):
    """Decisions with their fines, orders and penalty payments."""

    serializer_class = DecisionSerializer
    queryset = (
        Decision.objects.select_related("case", "parent")
        .prefetch_related(
            Prefetch(
                "fines",
                queryset=Fine.objects.select_related("eur_rate").prefetch_related("quoted_conversions", "criteria"),
            ),
            Prefetch("orders", queryset=Order.objects.prefetch_related("checks")),
            Prefetch(
                "penalty_payments",
                queryset=PenaltyPayment.objects.select_related("order", "decision").prefetch_related(
                    "liquidations__decision", "order__checks", "decision__orders__checks"
                ),
            ),
        )
        .order_by("-decision_date", "-announced_date", "id")
    )
    case_path = "case__"
    filter_backends = [DjangoFilterBackend]
    filterset_class = DecisionFilterSet
    create_service = staticmethod(services.decision_create)
    update_service = staticmethod(services.decision_update)
    record_kwarg = "decision"
    owner_field = "case"


class FineViewSet(CaseRecordViewSet):
    """Fines with their EUR equivalent and the stored exchange rate used for it."""

    serializer_class = FineSerializer
    queryset = Fine.objects.select_related("decision__case", "eur_rate").prefetch_related(
        "quoted_conversions", "criteria"
    )
    case_path = "decision__case__"
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_fields = {"currency": ["exact"], "payment_status": ["exact"]}
    ordering_fields = ["amount", "amount_eur", "currency"]
    ordering = ["-amount_eur", "id"]
    create_service = staticmethod(services.fine_create)
    update_service = staticmethod(services.fine_update)
    record_kwarg = "fine"
    owner_field = "decision"


@extend_schema_view(list=extend_schema(parameters=[AS_OF]), retrieve=extend_schema(parameters=[AS_OF]))
class PenaltyPaymentViewSet(AsOfContextMixin, CaseRecordViewSet):
    """Periodic penalty payments with what has accrued (`?as_of=YYYY-MM-DD`, default today)."""

    serializer_class = PenaltyPaymentSerializer
    queryset = PenaltyPayment.objects.select_related("decision__case", "order").prefetch_related(
        "liquidations__decision", "order__checks", "decision__orders__checks"
    )
    case_path = "decision__case__"
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_fields = {"currency": ["exact"], "unit": ["exact"]}
    ordering_fields = ["cap", "amount_per_unit", "starts_on"]
    ordering = ["id"]
    create_service = staticmethod(services.penalty_create)
    update_service = staticmethod(services.penalty_update)
    record_kwarg = "penalty"
    owner_field = "decision"


class AppealViewSet(CaseRecordViewSet):
    """Appeals against decisions, with their dated events."""

    serializer_class = AppealSerializer
    queryset = Appeal.objects.select_related("case", "decision").prefetch_related("events")
    case_path = "case__"
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_fields = {"outcome": ["exact"]}
    ordering_fields = ["outcome", "court"]
    ordering = ["id"]
    create_service = staticmethod(services.appeal_create)
    update_service = staticmethod(services.appeal_update)
    record_kwarg = "appeal"
    owner_field = "case"
