import re

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_pages_carry_no_inline_script_or_style(client, staff_client):
    for response in (client.get("/"), client.get(reverse("login")), staff_client.get("/")):
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script> would be blocked by the CSP"
        assert "<style" not in html and " style=" not in html


@pytest.mark.django_db
def test_api_docs_render_without_inline_code(staff_client):
    response = staff_client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "cdn." not in html and "jsdelivr" not in html


@pytest.mark.django_db
def test_login_is_throttled_after_repeated_failures(client, staff_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "stella_staff", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "stella_staff", "password": "correct horse battery"})
    assert response.status_code == 429
    assert b"Too many failed log-in attempts" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_nul_characters_are_refused_with_400_not_a_500(staff_client):
    """PostgreSQL cannot compare text with NUL (found by schemathesis on POST /api/v1/cases/)."""
    response = staff_client.post(
        "/api/v1/cases/",
        "title=J&respondent=%C3%9B%00x&authority=Inf",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    assert staff_client.get("/api/v1/cases/?q=a%00b").status_code == 400
    response = staff_client.post("/api/v1/cases/", '{"title": "a\\u0000b"}', content_type="application/json")
    assert response.status_code == 400
    assert staff_client.get("/enforcement/register/?q=ok").status_code == 200
