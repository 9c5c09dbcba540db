"""Django admin for the enforcement records: browsing and occasional correction by superusers.
Day-to-day edits go through the staff UI forms, which call enforcement.services and keep history;
the admin is read-mostly here (history rows are never editable)."""

from django.contrib import admin

from enforcement.models import (
    Appeal,
    AppealEvent,
    ArticleReference,
    Authority,
    Case,
    ChangeRecord,
    ComplianceCheck,
    Decision,
    ExchangeRate,
    Fine,
    Order,
    PenaltyLiquidation,
    PenaltyPayment,
    QuotedConversion,
    Respondent,
    Source,
)


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ("short_name", "name", "country", "subdivision", "kind")
    list_filter = ("kind", "country")
    search_fields = ("name", "short_name", "slug")
    prepopulated_fields = {"slug": ("short_name",)}


@admin.register(Respondent)
class RespondentAdmin(admin.ModelAdmin):
    list_display = ("name", "country_of_establishment", "eu_establishment", "art27_representative", "sector")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


class SourceInline(admin.TabularInline):
    model = Source
    extra = 0
    fields = ("url", "kind", "language", "title", "decision")


class ArticleInline(admin.TabularInline):
    model = ArticleReference
    extra = 0
    fields = ("instrument", "article", "paragraph", "point", "read_with", "label", "unverified_fields")


class ChangeRecordInline(admin.TabularInline):
    model = ChangeRecord
    extra = 0
    can_delete = False
    fields = ("changed_at", "changed_by", "model_label", "object_id", "action", "field", "old_value", "new_value")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("reference", "title", "authority", "status", "published", "latest_decision_date", "fines_eur_total")
    list_filter = ("status", "published", "legal_framework", "authority__country")
    search_fields = ("reference", "title", "respondent__name", "authority__name")
    list_select_related = ("authority", "respondent")
    readonly_fields = ("public_id", "latest_decision_date", "fines_eur_total", "created", "updated")
    autocomplete_fields = ("authority", "respondent", "lead_authority")
    filter_horizontal = ("concerned_authorities",)
    inlines = (SourceInline, ArticleInline, ChangeRecordInline)


class FineInline(admin.TabularInline):
    model = Fine
    extra = 0
    fields = ("amount", "currency", "payment_status", "amount_eur", "eur_rate")
    readonly_fields = ("amount_eur", "eur_rate")


class OrderInline(admin.TabularInline):
    model = Order
    extra = 0
    fields = ("position", "text", "applies_to", "deadline", "compliance_status")


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ("case", "kind", "reference", "decision_date", "decision_date_precision", "announced_date")
    list_filter = ("kind", "decision_date_precision")
    search_fields = ("reference", "case__reference", "import_key")
    list_select_related = ("case",)
    readonly_fields = ("public_id", "import_key")
    raw_id_fields = ("case", "parent")
    inlines = (FineInline, OrderInline)


@admin.register(Fine)
class FineAdmin(admin.ModelAdmin):
    list_display = ("decision", "amount", "currency", "payment_status", "amount_eur")
    list_filter = ("currency", "payment_status")
    readonly_fields = ("public_id", "amount_eur", "eur_rate")
    raw_id_fields = ("decision",)


class LiquidationInline(admin.TabularInline):
    model = PenaltyLiquidation
    fk_name = "penalty"
    extra = 0
    raw_id_fields = ("decision",)


@admin.register(PenaltyPayment)
class PenaltyPaymentAdmin(admin.ModelAdmin):
    list_display = ("decision", "amount_per_unit", "currency", "unit", "starts_on", "cap")
    list_filter = ("unit", "currency")
    readonly_fields = ("public_id",)
    raw_id_fields = ("decision", "order")
    inlines = (LiquidationInline,)


class AppealEventInline(admin.TabularInline):
    model = AppealEvent
    extra = 0


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ("case", "court", "case_number", "outcome")
    list_filter = ("outcome",)
    readonly_fields = ("public_id",)
    raw_id_fields = ("case", "decision")
    inlines = (AppealEventInline,)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ("currency", "valid_from", "rate_to_eur", "quoted_units_per_eur", "source")
    list_filter = ("currency",)


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    list_display = ("changed_at", "case", "model_label", "field", "old_value", "new_value", "changed_by")
    list_filter = ("model_label", "action")
    list_select_related = ("case", "changed_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register([ComplianceCheck, QuotedConversion, Order])
