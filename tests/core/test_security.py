import re

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from core import security


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
    settings.AXES_FAILURE_LIMIT = 3
    statuses = [
        client.post(reverse("login"), {"username": "stella_staff", "password": "wrong"}).status_code for _ in "abc"
    ]
    assert statuses == [200, 200, 429]  # the failure that reaches the limit is already refused
    response = client.post(reverse("login"), {"username": "stella_staff", "password": "correct horse battery"})
    assert response.status_code == 429
    assert b"Too many failed log-in attempts" in response.content
    assert "_auth_user_id" not in client.session


# --- issue 12, item 5: django-axes on every log-in form ---------------------------------------------


@pytest.mark.django_db
def test_admin_login_is_throttled(django_user_model):
    """20 wrong passwords for a superuser at the admin's log-in, then the right one: refused (it
    logged in before), with the reason on the admin's own log-in page."""
    django_user_model.objects.create_superuser("root", "root@example.org", "another correct horse")
    client = Client()
    url = reverse("admin:login")
    for _ in range(20):
        client.post(url, {"username": "root", "password": "wrong-password", "next": "/admin/"})
    response = client.post(url, {"username": "root", "password": "another correct horse", "next": "/admin/"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert "Too many failed log-in attempts" in html and 'id="login-form"' in html


@pytest.mark.django_db
def test_a_stranger_cannot_lock_a_named_account_out(staff_user, settings):
    """Five failures for `stella_staff` from one address used to lock the account for everyone for
    15 minutes; now only that address is refused for that account."""
    stranger, owner = Client(REMOTE_ADDR="203.0.113.66"), Client(REMOTE_ADDR="198.51.100.20")
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        stranger.post(reverse("login"), {"username": "stella_staff", "password": "guess"})
    locked = stranger.post(reverse("login"), {"username": "stella_staff", "password": "correct horse battery"})
    assert locked.status_code == 429
    answer = owner.post(reverse("login"), {"username": "stella_staff", "password": "correct horse battery"})
    assert answer.status_code == 302 and owner.session["_auth_user_id"] == str(staff_user.pk)


@pytest.mark.django_db
def test_the_throttle_counts_the_address_our_proxy_saw(staff_user, settings):
    """Behind DJANGO_TRUSTED_PROXIES=1 each client counts apart (they all share the proxy's
    REMOTE_ADDR); without it a forged X-Forwarded-For does not escape the count."""
    settings.TRUSTED_PROXIES = 1
    bad = {"username": "stella_staff", "password": "guess"}
    good = {"username": "stella_staff", "password": "correct horse battery"}
    proxy = "10.0.0.2"
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(reverse("login"), bad)
    assert attacker.post(reverse("login"), good).status_code == 429
    colleague = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert colleague.post(reverse("login"), good).status_code == 302

    settings.TRUSTED_PROXIES = 0
    for number in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR="203.0.113.10", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}").post(reverse("login"), bad)
    forged = Client(REMOTE_ADDR="203.0.113.10", HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert forged.post(reverse("login"), good).status_code == 429


@pytest.mark.django_db
def test_failed_log_ins_keep_no_password(client, staff_user):
    client.post(reverse("login"), {"username": "stella_staff", "password": "secret-guess-123"})
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "stella_staff" and attempt.failures_since_start == 1
    stored = " ".join(str(value) for value in vars(attempt).values())
    assert "secret-guess-123" not in stored


def test_behind_a_proxy_without_trusted_proxies_make_run_says_so(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = 0
    (warning,) = security.proxy_settings_check()
    assert warning.id == "config.W001" and "DJANGO_TRUSTED_PROXIES" in warning.hint
    settings.TRUSTED_PROXIES = 1
    assert security.proxy_settings_check() == []


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


def test_a_forwarded_request_without_trusted_proxies_is_said_once(settings, monkeypatch, caplog):
    """Behind a proxy nobody told us about, the log (and `make run`'s output) says what to set."""
    monkeypatch.setattr(security, "_warned_about_proxy", False)
    settings.TRUSTED_PROXIES = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert [security.client_address(request) for _ in range(3)] == ["10.0.0.2"] * 3
    said = [r.getMessage() for r in caplog.records if "DJANGO_TRUSTED_PROXIES=0" in r.getMessage()]
    assert len(said) == 1 and "Set DJANGO_TRUSTED_PROXIES" in said[0]
