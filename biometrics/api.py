"""Read-only staff API of the biometric store (/api/v1/biometrics/...): photos with face counts,
and the store statistics. Encodings never leave the server through the API."""

from django.db.models import Count
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from biometrics import selectors
from biometrics.models import SourcePhoto
from core.roles import Perm


class SourcePhotoSerializer(serializers.ModelSerializer):
    faces = serializers.IntegerField(source="face_count", read_only=True)
    boxes = serializers.SerializerMethodField()

    class Meta:
        model = SourcePhoto
        fields = [
            "public_id", "source_url", "page_url", "source_domain", "collected_at", "sha256",
            "width", "height", "size_bytes", "created_at", "faces", "boxes",
        ]  # fmt: skip

    def get_boxes(self, photo) -> list[dict]:
        return [
            {"id": face.pk, "top": face.top, "right": face.right, "bottom": face.bottom, "left": face.left}
            for face in photo.faces.all()
        ]


class DomainStatsSerializer(serializers.Serializer):
    domain = serializers.CharField()
    photos = serializers.IntegerField()
    faces = serializers.IntegerField()


class StoreStatsSerializer(serializers.Serializer):
    photos = serializers.IntegerField()
    faces = serializers.IntegerField()
    photos_with_several_faces = serializers.IntegerField()
    storage_bytes = serializers.IntegerField()
    customers = serializers.IntegerField()
    searches = serializers.IntegerField()
    suppression_entries = serializers.IntegerField()
    domains = DomainStatsSerializer(many=True)


class SourcePhotoViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    read_perm = Perm.VIEW_INTERNAL
    serializer_class = SourcePhotoSerializer
    lookup_field = "public_id"
    filterset_fields = ["source_domain"]
    ordering_fields = ["created_at", "collected_at"]

    def get_queryset(self):
        return (
            SourcePhoto.objects.annotate(face_count=Count("faces"))
            .prefetch_related("faces")
            .order_by("-created_at", "-id")
        )

    @extend_schema(responses=StoreStatsSerializer)
    @action(detail=False, methods=["get"], filterset_fields=[], pagination_class=None)
    def stats(self, request, *args, **kwargs):
        stats = selectors.store_statistics()
        data = {
            "photos": stats.photos,
            "faces": stats.faces,
            "photos_with_several_faces": stats.photos_with_several_faces,
            "storage_bytes": stats.storage_bytes,
            "customers": stats.customers,
            "searches": stats.searches,
            "suppression_entries": stats.suppression_entries,
            "domains": [{"domain": d.domain, "photos": d.photos, "faces": d.faces} for d in stats.domains],
        }
        return Response(StoreStatsSerializer(data).data)


def register(router) -> None:
    router.register("biometrics/photos", SourcePhotoViewSet, basename="biometrics-photo")
