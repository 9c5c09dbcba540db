"""Django admin for the biometric store: read-only for photos, faces, searches and suppression
entries (deletions go through the services, so the FaceChange audit log and files follow); customers
are editable. Encodings are never displayed."""

from django.contrib import admin

from biometrics import services
from biometrics.models import Customer, Face, SearchEvent, SearchResult, SourcePhoto, SuppressionEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class FaceInline(admin.TabularInline):
    model = Face
    fields = ("id", "top", "right", "bottom", "left", "model_version", "encoded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SourcePhoto)
class SourcePhotoAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "source_domain", "collected_at", "width", "height", "created_at")
    list_filter = ("source_domain",)
    search_fields = ("public_id", "sha256", "source_url", "page_url")
    exclude = ("image",)
    inlines = [FaceInline]

    def delete_model(self, request, obj):
        services.photo_delete(photo=obj)

    def delete_queryset(self, request, queryset):
        for photo in queryset:
            services.photo_delete(photo=photo)


@admin.register(Face)
class FaceAdmin(ReadOnlyAdmin):
    list_display = ("id", "photo", "top", "right", "bottom", "left", "encoded_at")
    exclude = ("encoding",)
    raw_id_fields = ("photo",)

    def delete_model(self, request, obj):
        services.faces_delete(face_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        services.faces_delete(face_ids=list(queryset.values_list("pk", flat=True)))


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "country", "contact_email", "transfer_basis")
    list_filter = ("kind", "country", "transfer_basis")
    search_fields = ("name",)


class SearchResultInline(admin.TabularInline):
    model = SearchResult
    fields = ("face_ref", "photo_public_id", "photo_sha256", "distance")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SearchEvent)
class SearchEventAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "customer", "searched_at", "reference")
    list_filter = ("customer",)
    inlines = [SearchResultInline]


@admin.register(SuppressionEntry)
class SuppressionEntryAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "request_public_id", "consented_at", "created_at")
    exclude = ("encoding",)
