"""The admin deletes through the services, the read-only API is staff/auditor only, and the demo
data loads twice without changing anything."""

import io

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from biometrics import demo
from biometrics.models import Customer, Face, FaceChange, FaceChangeKind, SearchEvent, SearchResult, SourcePhoto
from tests.biometrics.factories import FaceFactory

pytestmark = pytest.mark.django_db


def test_admin_delete_goes_through_the_services(admin_user):
    face = FaceFactory()
    FaceFactory(photo=face.photo)
    model_admin = site._registry[SourcePhoto]
    request = RequestFactory().post("/")
    request.user = admin_user
    model_admin.delete_queryset(request, SourcePhoto.objects.all())
    assert not Face.objects.exists()
    assert FaceChange.objects.filter(kind=FaceChangeKind.REMOVED).count() == 2
    assert not model_admin.has_add_permission(request) and not model_admin.has_change_permission(request)


def test_api_is_internal_and_never_returns_encodings(auditor_client, outsider_user):
    from django.test import Client

    face = FaceFactory()
    anonymous = Client()
    assert anonymous.get("/api/v1/biometrics/photos/").status_code in (401, 403)
    anonymous.force_login(outsider_user)
    assert anonymous.get("/api/v1/biometrics/photos/").status_code == 403
    response = auditor_client.get("/api/v1/biometrics/photos/")
    assert response.status_code == 200
    (photo,) = response.json()["results"]
    assert photo["faces"] == 1 and photo["boxes"] == [
        {"id": face.pk, "top": 10, "right": 110, "bottom": 110, "left": 10}
    ]
    assert "encoding" not in response.content.decode()
    stats = auditor_client.get("/api/v1/biometrics/photos/stats/").json()
    assert stats["photos"] == 1 and stats["faces"] == 1 and stats["domains"][0]["domain"] == "social.example"
    assert (
        auditor_client.post("/api/v1/biometrics/photos/", {}).status_code == 403
    )  # read-only for them, and no write route at all


def test_api_schema_has_no_warnings_for_biometrics():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    problems = {
        k: v for k, v in {**GENERATOR_STATS._warn_cache, **GENERATOR_STATS._error_cache}.items() if "iometric" in k
    }
    assert problems == {}
    assert "/api/v1/biometrics/photos/stats/" in schema["paths"]


@pytest.mark.faces
def test_demo_loads_twice_without_changes(faces_dir, monkeypatch):
    monkeypatch.setenv("FACES_DIR", str(faces_dir))
    demo.load(io.StringIO())
    counts = (Customer.objects.count(), SourcePhoto.objects.count(), Face.objects.count(), SearchEvent.objects.count())
    assert counts == (4, 25, 29, 4)
    assert SearchResult.objects.count() > 4  # each demo search returned that person's faces
    out = io.StringIO()
    demo.load(out)
    assert (
        Customer.objects.count(),
        SourcePhoto.objects.count(),
        Face.objects.count(),
        SearchEvent.objects.count(),
    ) == counts
    assert "0 photos ingested now" in out.getvalue()


def test_demo_without_photos_creates_customers_only(monkeypatch, tmp_path):
    monkeypatch.setenv("FACES_DIR", str(tmp_path))
    demo.load(io.StringIO())
    assert Customer.objects.count() == 4 and not SourcePhoto.objects.exists()
