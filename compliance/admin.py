"""Admin: read-mostly views for support. Requests change state only through the services, so
their admin is read-only; the audit trail cannot be edited or deleted; the controller's holiday
calendar can be corrected by overrides (the deadline calendar is configuration)."""

from django.contrib import admin

from compliance.deadlines import controller_country
from compliance.models import DataSubjectRequest, Holiday, RequestMessage
from core.models import AuditEvent

SECRET_FIELDS = ("selfie", "selfie_2", "selfie_3", "id_document", "status_token_hash", "ip_hash")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "request_type",
        "status",
        "country",
        "regime",
        "language",
        "received_at",
        "due_date",
        "extended_due_date",
        "identity_check",
    )
    list_filter = ("status", "request_type", "regime", "country", "language", "identity_check")
    search_fields = ("public_id", "email")
    exclude = SECRET_FIELDS


@admin.register(RequestMessage)
class RequestMessageAdmin(ReadOnlyAdmin):
    list_display = ("request", "author", "visible_to_requester", "created_at")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "created_at", "action", "actor_label", "request_public_id")
    list_filter = ("action",)
    search_fields = ("request_public_id", "action")


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """Overrides of the `holidays` library's national calendar; only the rows of the
    controller's country (CONTROLLER_COUNTRY) count for deadlines."""

    list_display = ("country", "date", "name", "is_holiday")
    list_filter = ("country", "is_holiday")
    search_fields = ("name",)
    date_hierarchy = "date"

    def get_changeform_initial_data(self, request):
        return {"country": controller_country(), **super().get_changeform_initial_data(request)}
