"""Serializers of the /api/v1/ enforcement resources. No business logic here: writes go through
enforcement.services (called by the viewsets); these only validate shapes and values."""

import datetime as dt

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from enforcement.dates import partial_date_iso
from enforcement.models import (
    Appeal,
    AppealEvent,
    ArticleReference,
    Authority,
    Case,
    ComplianceCheck,
    Decision,
    ExchangeRate,
    Fine,
    FineCriterionAssessment,
    InvestigativeAct,
    Order,
    PenaltyLiquidation,
    PenaltyPayment,
    QuotedConversion,
    Respondent,
    Source,
    ViolationType,
)
from enforcement.selectors import sees_internal
from enforcement.services.penalties import penalty_accrued

VERIFICATION_FIELDS = ("unverified_fields", "verification_notes")
PSEUDO_VERIFIABLE = {"orders"}  # a decision's order list as a whole may be incomplete


class VerificationMixin(serializers.Serializer):
    """`unverified_fields`: names of fields no source confirmed; `verification_notes`: field ->
    the note from the data. Writable by staff (e.g. to record that a value is now confirmed)."""

    unverified_fields = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    verification_notes = serializers.DictField(child=serializers.CharField(max_length=2000), required=False)

    def _field_names(self) -> set[str]:
        return {f.name for f in self.Meta.model._meta.get_fields()} | PSEUDO_VERIFIABLE

    def validate_unverified_fields(self, value):
        unknown = sorted(set(value) - self._field_names())
        if unknown:
            raise serializers.ValidationError(f"Not fields of this record: {', '.join(unknown)}.")
        return sorted(set(value))

    def validate_verification_notes(self, value):
        unknown = sorted(set(value) - self._field_names())
        if unknown:
            raise serializers.ValidationError(f"Not fields of this record: {', '.join(unknown)}.")
        return value


# The fields named in `fixed_on_update` are written on create and read-only on update of one record:
# a fine or penalty payment does not move to another decision, nor a decision or appeal to another
# case. (A comment, not a docstring: drf-spectacular would show a docstring as the description of
# every serializer that uses the mixin.)
class FixedOnUpdateMixin(serializers.Serializer):
    fixed_on_update: tuple[str, ...] = ()

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            for name in self.fixed_on_update:
                if name in fields:
                    fields[name].read_only = True
        return fields


# --- parties -------------------------------------------------------------------------------------


class AuthoritySerializer(serializers.ModelSerializer):
    country_code = serializers.CharField(read_only=True)

    class Meta:
        model = Authority
        fields = ("slug", "name", "short_name", "country", "subdivision", "country_code", "kind")


class AuthorityBriefSerializer(serializers.ModelSerializer):
    country_code = serializers.CharField(read_only=True)

    class Meta:
        model = Authority
        fields = ("slug", "short_name", "name", "country_code")


class RespondentSerializer(VerificationMixin, serializers.ModelSerializer):
    class Meta:
        model = Respondent
        fields = (
            "slug",
            "name",
            "description",
            "country_of_establishment",
            "eu_establishment",
            "art27_representative",
            "sector",
            *VERIFICATION_FIELDS,
        )


class RespondentBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Respondent
        fields = ("slug", "name")


# --- small nested records -----------------------------------------------------------------------


class ExchangeRateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExchangeRate
        fields = ("currency", "rate_to_eur", "quoted_units_per_eur", "valid_from", "source")


class QuotedConversionSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuotedConversion
        fields = ("amount", "currency", "quoted_on", "source_url", "note")


class ComplianceCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = ComplianceCheck
        fields = ("checked_on", "complied", "note", "source_url")


class FineCriterionSerializer(serializers.ModelSerializer):
    """An Art. 83(2) criterion as the decision weighed it (criterion: the point letter a-k)."""

    class Meta:
        model = FineCriterionAssessment
        fields = ("criterion", "effect", "note")


class InvestigativeActSerializer(VerificationMixin, serializers.ModelSerializer):
    """An Art. 58(1) investigative act (power: the point letter a-f)."""

    class Meta:
        model = InvestigativeAct
        fields = ("power", "date", "description", *VERIFICATION_FIELDS)


class OrderSerializer(VerificationMixin, serializers.ModelSerializer):
    checks = ComplianceCheckSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = (
            "id",
            "text",
            "power",
            "binding",
            "applies_to",
            "applies_to_detail",
            "deadline",
            "compliance_status",
            "checks",
            *VERIFICATION_FIELDS,
        )


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ("url", "language", "kind", "title")


class ArticleSerializer(VerificationMixin, serializers.ModelSerializer):
    citation = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = ArticleReference
        fields = (
            "citation",
            "instrument",
            "article",
            "paragraph",
            "point",
            "read_with",
            "label",
            "note",
            "role",
            *VERIFICATION_FIELDS,
        )


class LiquidationSerializer(serializers.ModelSerializer):
    decision = serializers.SlugRelatedField(slug_field="public_id", read_only=True)

    class Meta:
        model = PenaltyLiquidation
        fields = ("decision", "period_start", "period_end", "units", "amount", "payment_status", "payment_note")


class AppealEventSerializer(serializers.ModelSerializer):
    date_display = serializers.CharField(read_only=True)

    class Meta:
        model = AppealEvent
        fields = ("kind", "date", "date_precision", "date_display", "note", "unverified")


# --- fines ---------------------------------------------------------------------------------------


class FineSerializer(FixedOnUpdateMixin, VerificationMixin, serializers.ModelSerializer):
    fixed_on_update = ("decision",)
    id = serializers.UUIDField(source="public_id", read_only=True)
    decision = serializers.SlugRelatedField(slug_field="public_id", queryset=Decision.objects.all())
    case = serializers.UUIDField(source="decision.case.public_id", read_only=True)
    # Null while no stored rate covers the fine's currency and date (amount_eur is null too).
    eur_rate = ExchangeRateSerializer(read_only=True, allow_null=True)
    quoted_conversions = QuotedConversionSerializer(many=True, read_only=True)
    criteria = FineCriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Fine
        fields = (
            "id",
            "decision",
            "case",
            "amount",
            "currency",
            "payment_status",
            "payment_note",
            "amount_eur",
            "eur_rate",
            "quoted_conversions",
            "ceiling",
            "turnover",
            "turnover_currency",
            "turnover_year",
            "criteria",
            *VERIFICATION_FIELDS,
        )
        read_only_fields = ("amount_eur",)


class FineNestedSerializer(FineSerializer):
    class Meta(FineSerializer.Meta):
        fields = tuple(f for f in FineSerializer.Meta.fields if f not in ("decision", "case"))


# --- penalty payments ----------------------------------------------------------------------------


class AccrualSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    units = serializers.IntegerField(allow_null=True)
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    currency = serializers.CharField()
    capped = serializers.BooleanField()
    cap = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    remaining_to_cap = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    liquidated = serializers.DecimalField(max_digits=18, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    stopped_on = serializers.DateField(allow_null=True)
    known = serializers.BooleanField()
    explanation = serializers.CharField()


class PenaltyPaymentSerializer(FixedOnUpdateMixin, VerificationMixin, serializers.ModelSerializer):
    fixed_on_update = ("decision",)
    id = serializers.UUIDField(source="public_id", read_only=True)
    decision = serializers.SlugRelatedField(slug_field="public_id", queryset=Decision.objects.all())
    order = serializers.PrimaryKeyRelatedField(queryset=Order.objects.all(), allow_null=True, required=False)
    liquidations = LiquidationSerializer(many=True, read_only=True)
    accrual = serializers.SerializerMethodField()

    class Meta:
        model = PenaltyPayment
        fields = (
            "id",
            "decision",
            "order",
            "amount_per_unit",
            "currency",
            "unit",
            "unit_detail",
            "max_units",
            "units_count",
            "starts_on",
            "start_rule",
            "cap",
            "cap_scope",
            "trigger",
            "nature",
            "liquidations",
            "accrual",
            *VERIFICATION_FIELDS,
        )

    @extend_schema_field(AccrualSerializer)
    def get_accrual(self, penalty) -> dict:
        as_of = self.context.get("as_of") or timezone.localdate()
        result = penalty_accrued(penalty=penalty, as_of=as_of)
        return AccrualSerializer(
            {
                "as_of": as_of,
                "units": result.units,
                "amount": result.amount,
                "currency": result.currency,
                "capped": result.capped,
                "cap": result.cap,
                "remaining_to_cap": result.remaining_to_cap,
                "liquidated": result.liquidated,
                "outstanding": result.outstanding,
                "stopped_on": result.stopped_on,
                "known": result.known,
                "explanation": result.explanation,
            }
        ).data


class PenaltyNestedSerializer(PenaltyPaymentSerializer):
    class Meta(PenaltyPaymentSerializer.Meta):
        fields = tuple(f for f in PenaltyPaymentSerializer.Meta.fields if f != "decision")


# --- appeals -------------------------------------------------------------------------------------


class AppealSerializer(FixedOnUpdateMixin, VerificationMixin, serializers.ModelSerializer):
    fixed_on_update = ("case",)
    id = serializers.UUIDField(source="public_id", read_only=True)
    case = serializers.SlugRelatedField(slug_field="public_id", queryset=Case.objects.all())
    decision = serializers.SlugRelatedField(
        slug_field="public_id", queryset=Decision.objects.all(), allow_null=True, required=False
    )
    events = AppealEventSerializer(many=True, read_only=True)

    class Meta:
        model = Appeal
        fields = (
            "id",
            "case",
            "decision",
            "court",
            "case_number",
            "outcome",
            "status_text",
            "events",
            *VERIFICATION_FIELDS,
        )


# --- decisions -----------------------------------------------------------------------------------


class DecisionSerializer(FixedOnUpdateMixin, VerificationMixin, serializers.ModelSerializer):
    fixed_on_update = ("case",)
    id = serializers.UUIDField(source="public_id", read_only=True)
    case = serializers.SlugRelatedField(slug_field="public_id", queryset=Case.objects.all())
    parent = serializers.SlugRelatedField(
        slug_field="public_id", queryset=Decision.objects.all(), allow_null=True, required=False
    )
    decision_date_display = serializers.CharField(read_only=True)
    announced_date_display = serializers.CharField(read_only=True)
    decision_date_partial = serializers.SerializerMethodField()
    announced_date_partial = serializers.SerializerMethodField()
    fines = FineNestedSerializer(many=True, read_only=True)
    orders = OrderSerializer(many=True, read_only=True)
    penalty_payments = PenaltyNestedSerializer(many=True, read_only=True)

    class Meta:
        model = Decision
        fields = (
            "id",
            "case",
            "kind",
            "reference",
            "decision_date",
            "decision_date_precision",
            "decision_date_display",
            "decision_date_partial",
            "announced_date",
            "announced_date_precision",
            "announced_date_display",
            "announced_date_partial",
            "parent",
            "summary",
            "short_summary",
            "source_discrepancies",
            "fines",
            "orders",
            "penalty_payments",
            *VERIFICATION_FIELDS,
        )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_decision_date_partial(self, decision) -> str | None:
        """ISO date cut to what is known: '2022-10-17', '2024-10', '2026' or null."""
        return partial_date_iso(decision.decision_date, decision.decision_date_precision)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_announced_date_partial(self, decision) -> str | None:
        return partial_date_iso(decision.announced_date, decision.announced_date_precision)

    def validate_source_discrepancies(self, value):
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise serializers.ValidationError("Must be a list of texts.")
        return value


class DecisionBriefSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    decision_date_display = serializers.CharField(read_only=True)

    class Meta:
        model = Decision
        fields = (
            "id",
            "kind",
            "reference",
            "decision_date",
            "decision_date_precision",
            "decision_date_display",
            "short_summary",
        )


# --- cases ---------------------------------------------------------------------------------------


class CaseListSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    authority = AuthorityBriefSerializer(read_only=True)
    respondent = RespondentBriefSerializer(read_only=True)
    has_unpaid = serializers.BooleanField(read_only=True)
    decisions = DecisionBriefSerializer(many=True, read_only=True)
    articles = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = (
            "id",
            "reference",
            "title",
            "authority",
            "respondent",
            "legal_framework",
            "sector",
            "status",
            "published",
            "latest_decision_date",
            "fines_eur_total",
            "has_unpaid",
            "decisions",
            "articles",
            *VERIFICATION_FIELDS,
        )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_articles(self, case) -> list[str]:
        # Provisions found violated; a legal basis (e.g. Art. 84) is in the case detail's `articles`.
        return [str(ref) for ref in case.articles.all() if ref.role == ArticleReference.Role.VIOLATED]


class CaseDetailSerializer(VerificationMixin, serializers.ModelSerializer):
    """Read and write. `internal_notes` is only present for users who may see internal data."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    authority = serializers.SlugRelatedField(slug_field="slug", queryset=Authority.objects.all())
    respondent = serializers.SlugRelatedField(slug_field="slug", queryset=Respondent.objects.all())
    lead_authority = serializers.SlugRelatedField(
        slug_field="slug", queryset=Authority.objects.all(), allow_null=True, required=False
    )
    concerned_authorities = serializers.SlugRelatedField(
        slug_field="slug", queryset=Authority.objects.all(), many=True, required=False
    )
    sources = SourceSerializer(many=True, read_only=True)
    articles = ArticleSerializer(many=True, read_only=True)
    investigative_acts = InvestigativeActSerializer(many=True, read_only=True)
    decisions = DecisionBriefSerializer(many=True, read_only=True)
    appeals = serializers.SlugRelatedField(slug_field="public_id", many=True, read_only=True)
    violation_types = serializers.SlugRelatedField(
        slug_field="code", queryset=ViolationType.objects.all(), many=True, required=False
    )

    class Meta:
        model = Case
        fields = (
            "id",
            "reference",
            "title",
            "authority",
            "respondent",
            "legal_framework",
            "legal_framework_detail",
            "origin",
            "origin_detail",
            "complainant",
            "complainant_public",
            "complaint_received_on",
            "complainant_update_due",
            "lead_authority",
            "concerned_authorities",
            "status",
            "sector",
            "violation_types",
            "facets_derived",
            "summary",
            "appeal_summary",
            "public_notes",
            "published",
            "internal_notes",
            "latest_decision_date",
            "fines_eur_total",
            "sources",
            "articles",
            "investigative_acts",
            "decisions",
            "appeals",
            "created",
            "updated",
            *VERIFICATION_FIELDS,
        )
        read_only_fields = (
            "latest_decision_date",
            "fines_eur_total",
            "facets_derived",
            "complainant_update_due",
            "created",
            "updated",
        )

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is None or not sees_internal(request.user):
            fields.pop("internal_notes", None)
            fields.pop("complainant_public", None)
            # The date of a complaint and the duty to inform its author are internal (Art. 77(2)).
            fields.pop("complaint_received_on", None)
            fields.pop("complainant_update_due", None)
            # Complainant data is internal unless staff chose to publish it (see to_representation).
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if (
            "complainant" in data
            and not instance.complainant_public
            and (request is None or not sees_internal(request.user))
        ):
            data.pop("complainant")
        return data


class CurrencyLineSerializer(serializers.Serializer):
    currency = serializers.CharField()
    amount = serializers.DecimalField(max_digits=20, decimal_places=2)
    fines = serializers.IntegerField()
    amount_eur = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    rate_to_eur = serializers.DecimalField(max_digits=20, decimal_places=10, allow_null=True)
    rate_valid_from = serializers.DateField(allow_null=True)
    rate_source = serializers.CharField()


class PenaltyTotalsSerializer(serializers.Serializer):
    """Liquidated penalty payments and caps: never part of the fines' total, never added together."""

    liquidated_eur = serializers.DecimalField(max_digits=20, decimal_places=2)
    liquidated_unpaid_eur = serializers.DecimalField(max_digits=20, decimal_places=2)
    liquidations = serializers.IntegerField()
    caps_eur = serializers.DecimalField(max_digits=20, decimal_places=2)
    capped_penalties = serializers.IntegerField()
    not_in_eur = serializers.IntegerField()


class FacetCountSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class FacetsSerializer(serializers.Serializer):
    """Cases per value among those matching every other filter (as next to the HTML filters)."""

    sector = FacetCountSerializer(many=True)
    violation_type = FacetCountSerializer(many=True)


class EurTotalSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    total_eur = serializers.DecimalField(max_digits=20, decimal_places=2, help_text="Art. 83 fines only.")
    lines = CurrencyLineSerializer(many=True)
    unconverted = CurrencyLineSerializer(many=True)
    penalties = PenaltyTotalsSerializer()
    facets = FacetsSerializer()


def as_of_from(params) -> dt.date | None:
    raw = params.get("as_of")
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise serializers.ValidationError({"as_of": "Use a date like 2023-02-09."}) from exc
