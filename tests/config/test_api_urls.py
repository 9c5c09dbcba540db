"""/api/v1/ lists the resources every app registers on the one router from its ready() (issue 13)."""

import pytest
from rest_framework.test import APIClient

from config.api_urls import router

pytestmark = pytest.mark.django_db

# The router's registry before issue 13 (when config.api_urls imported the apps' api modules by
# name): prefix, viewset, basename, in this order.
REGISTRY = [
    ("authorities", "enforcement.api.views.AuthorityViewSet", "authority"),
    ("respondents", "enforcement.api.views.RespondentViewSet", "respondent"),
    ("cases", "enforcement.api.views.CaseViewSet", "case"),
    ("decisions", "enforcement.api.views.DecisionViewSet", "decision"),
    ("fines", "enforcement.api.views.FineViewSet", "fine"),
    ("penalty-payments", "enforcement.api.views.PenaltyPaymentViewSet", "penalty-payment"),
    ("appeals", "enforcement.api.views.AppealViewSet", "appeal"),
    ("requests", "compliance.api.RequestViewSet", "compliance-request"),
    ("audit-events", "compliance.api.AuditEventViewSet", "compliance-audit-event"),
    ("biometrics/photos", "biometrics.api.SourcePhotoViewSet", "biometrics-photo"),
]


def test_the_router_holds_every_apps_viewsets_once():
    registry = [
        (prefix, f"{viewset.__module__}.{viewset.__name__}", basename) for prefix, viewset, basename in router.registry
    ]
    assert registry == REGISTRY


def test_the_api_root_lists_the_same_endpoints(staff_user):
    api = APIClient()
    api.force_login(staff_user)
    response = api.get("/api/v1/")
    assert response.status_code == 200
    root = response.json()
    assert list(root) == [prefix for prefix, _, _ in REGISTRY]
    assert root["biometrics/photos"] == "http://testserver/api/v1/biometrics/photos/"
    for prefix, _, _ in REGISTRY:
        assert api.get(f"/api/v1/{prefix}/").status_code == 200, prefix
