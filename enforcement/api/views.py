"""DRF viewsets for /api/v1/. Reads: anyone (published cases only unless the user may see internal
data); writes: staff (config.roles.ApiRolePermission). Writes call enforcement.services, whose
ValidationErrors become 400 responses keyed by field."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
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
from enforcement.models import (
    Appeal,
    Authority,
    Decision,
    Fine,
    Order,
    PenaltyPayment,
    Respondent,
)
from enforcement.selectors import case_eur_breakdown, case_queryset, sees_internal


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def drf_error(exc: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError({key: [str(m) for m in exc.message_dict[key]] for key in exc.message_dict})
    return serializers.ValidationError({"non_field_errors": exc.messages})


class ServiceWriteMixin:
    """perform_create/update/destroy call the domain services with the validated data."""

    def call(self, function, **kwargs):
        try:
            return function(user=self.request.user, **kwargs)
        except DjangoValidationError as exc:
            raise drf_error(exc) from exc

    def perform_destroy(self, instance):
        self.call(services.record_delete, obj=instance)


def _visible(queryset, user, case_path: str):
    return queryset if sees_internal(user) else queryset.filter(**{f"{case_path}published": True})


# --- authorities and respondents ----------------------------------------------------------------


class AuthorityViewSet(ServiceWriteMixin, viewsets.ModelViewSet):
    """Data protection authorities (public)."""

    serializer_class = AuthoritySerializer
    queryset = Authority.objects.all()
    lookup_field = "slug"
    pagination_class = StandardPagination
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter, filters.SearchFilter]
    filterset_fields = ["country", "kind"]
    search_fields = ["name", "short_name"]
    ordering_fields = ["name", "short_name", "country"]
    ordering = ["country", "subdivision", "name"]

    def perform_create(self, serializer):
        serializer.instance = self.call(services.authority_create, data=serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = self.call(
            services.authority_update, authority=serializer.instance, data=serializer.validated_data
        )

    def perform_destroy(self, instance):
        self.call(services.party_delete, obj=instance)


class RespondentViewSet(ServiceWriteMixin, viewsets.ModelViewSet):
    """Controllers and processors that decisions were taken against (public)."""

    serializer_class = RespondentSerializer
    queryset = Respondent.objects.all()
    lookup_field = "slug"
    pagination_class = StandardPagination
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter, filters.SearchFilter]
    filterset_fields = ["country_of_establishment", "eu_establishment", "art27_representative"]
    search_fields = ["name"]
    ordering_fields = ["name"]
    ordering = ["name"]

    def perform_create(self, serializer):
        serializer.instance = self.call(services.respondent_create, data=serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = self.call(
            services.respondent_update, respondent=serializer.instance, data=serializer.validated_data
        )

    def perform_destroy(self, instance):
        self.call(services.party_delete, obj=instance)


# --- cases ---------------------------------------------------------------------------------------


class CaseViewSet(ServiceWriteMixin, viewsets.ModelViewSet):
    """Enforcement cases. Same filters as the HTML case list (enforcement.filters.CaseFilterSet).
    Anonymous users and outsiders see published cases only and never internal notes."""

    lookup_field = "public_id"
    pagination_class = StandardPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = CaseFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]  # cases are closed, not deleted

    def get_queryset(self):
        cases = case_queryset(user=self.request.user)
        if self.action in ("retrieve", "update", "partial_update"):
            cases = cases.prefetch_related("sources", "appeals", "concerned_authorities", "lead_authority")
        return cases

    def get_serializer_class(self):
        return CaseListSerializer if self.action in ("list", "totals") else CaseDetailSerializer

    def perform_create(self, serializer):
        serializer.instance = self.call(services.case_create, data=serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = self.call(services.case_update, case=serializer.instance, data=serializer.validated_data)

    @extend_schema(responses=EurTotalSerializer, summary="EUR total of the filtered cases, with the rates used")
    @action(detail=False, methods=["get"])
    def totals(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        breakdown = case_eur_breakdown(queryset)
        data = {
            "count": queryset.count(),
            "total_eur": breakdown.total_eur,
            "lines": breakdown.lines,
            "unconverted": breakdown.unconverted,
        }
        return Response(EurTotalSerializer(data).data)


# --- decisions, fines, penalties, appeals -------------------------------------------------------


def _decision_queryset():
    return Decision.objects.select_related("case", "parent").prefetch_related(
        Prefetch("fines", queryset=Fine.objects.select_related("eur_rate").prefetch_related("quoted_conversions")),
        Prefetch("orders", queryset=Order.objects.prefetch_related("checks")),
        Prefetch(
            "penalty_payments",
            queryset=PenaltyPayment.objects.select_related("order", "decision").prefetch_related(
                "liquidations__decision", "order__checks", "decision__orders__checks"
            ),
        ),
    )


AS_OF = OpenApiParameter(
    "as_of", OpenApiTypes.DATE, description="Date for penalty accrual (default: today).", required=False
)


@extend_schema_view(list=extend_schema(parameters=[AS_OF]), retrieve=extend_schema(parameters=[AS_OF]))
class DecisionViewSet(ServiceWriteMixin, viewsets.ModelViewSet):
    """Decisions with their fines, orders and penalty payments."""

    serializer_class = DecisionSerializer
    lookup_field = "public_id"
    pagination_class = StandardPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = DecisionFilterSet

    def get_queryset(self):
        return _visible(_decision_queryset(), self.request.user, "case__").order_by(
            "-decision_date", "-announced_date", "id"
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "as_of": as_of_from(self.request.query_params)}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        case = data.pop("case")
        serializer.instance = self.call(services.decision_create, case=case, data=data)

    def perform_update(self, serializer):
        serializer.instance = self.call(
            services.decision_update, decision=serializer.instance, data=serializer.validated_data
        )


class FineViewSet(ServiceWriteMixin, viewsets.ModelViewSet):
    """Fines with their EUR equivalent and the stored exchange rate used for it."""

    serializer_class = FineSerializer
    lookup_field = "public_id"
    pagination_class = StandardPagination
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_fields = {"currency": ["exact"], "payment_status": ["exact"]}
    ordering_fields = ["amount", "amount_eur", "currency"]
    ordering = ["-amount_eur", "id"]

    def get_queryset(self):
        fines = Fine.objects.select_related("decision__case", "eur_rate").prefetch_related("quoted_conversions")
        return _visible(fines, self.request.user, "decision__case__")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        decision = data.pop("decision")
        serializer.instance = self.call(services.fine_create, decision=decision, data=data)

    def perform_update(self, serializer):
        serializer.instance = self.call(services.fine_update, fine=serializer.instance, data=serializer.validated_data)


@extend_schema_view(list=extend_schema(parameters=[AS_OF]), retrieve=extend_schema(parameters=[AS_OF]))
class PenaltyPaymentViewSet(ServiceWriteMixin, viewsets.ModelViewSet):
    """Periodic penalty payments with what has accrued (`?as_of=YYYY-MM-DD`, default today)."""

    serializer_class = PenaltyPaymentSerializer
    lookup_field = "public_id"
    pagination_class = StandardPagination
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_fields = {"currency": ["exact"], "unit": ["exact"]}
    ordering_fields = ["cap", "amount_per_unit", "starts_on"]
    ordering = ["id"]

    def get_queryset(self):
        penalties = PenaltyPayment.objects.select_related("decision__case", "order").prefetch_related(
            "liquidations__decision", "order__checks", "decision__orders__checks"
        )
        return _visible(penalties, self.request.user, "decision__case__")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "as_of": as_of_from(self.request.query_params)}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        decision = data.pop("decision")
        serializer.instance = self.call(services.penalty_create, decision=decision, data=data)

    def perform_update(self, serializer):
        serializer.instance = self.call(
            services.penalty_update, penalty=serializer.instance, data=serializer.validated_data
        )


class AppealViewSet(ServiceWriteMixin, viewsets.ModelViewSet):
    """Appeals against decisions, with their dated events."""

    serializer_class = AppealSerializer
    lookup_field = "public_id"
    pagination_class = StandardPagination
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_fields = {"outcome": ["exact"]}
    ordering_fields = ["outcome", "court"]
    ordering = ["id"]

    def get_queryset(self):
        appeals = Appeal.objects.select_related("case", "decision").prefetch_related("events")
        return _visible(appeals, self.request.user, "case__")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        case = data.pop("case")
        serializer.instance = self.call(services.appeal_create, case=case, data=data)

    def perform_update(self, serializer):
        serializer.instance = self.call(
            services.appeal_update, appeal=serializer.instance, data=serializer.validated_data
        )
