"""Admin: read-mostly views for support. Requests change state only through the services, so
their admin is read-only; the audit trail cannot be edited or deleted; holidays can be
corrected (the deadline calendar is configuration)."""

from django.contrib import admin

from compliance.models import AuditEvent, DataSubjectRequest, Holiday, RequestMessage

SECRET_FIELDS = ("selfie", "id_document", "status_token_hash", "ip_hash", "selfie_sha256")


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
        "language",
        "received_at",
        "due_date",
        "extended_due_date",
        "identity_check",
    )
    list_filter = ("status", "request_type", "country", "language", "identity_check")
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
    list_display = ("country", "date", "name")
    list_filter = ("country",)
    search_fields = ("name",)
    date_hierarchy = "date"
