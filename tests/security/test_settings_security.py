"""Security settings (issue 8), beyond tests/core/test_security.py (headers on the home page,
no inline code, login throttling per user) and tests/config/test_settings.py (check --deploy,
missing secret key): HSTS over HTTPS, secure cookies and the rest of the production values,
password validation, the admin on a configurable path, CSRF on every form that writes, the
security headers on every kind of page, and no secret in the repository.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.conftest import ROOT

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x9!k2@f7#qL0pZ3vR8sT1uW4yB6nM5cD-production-like-secret-key-for-check",
    "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
    "DJANGO_DEBUG": "0",
}


def run_python(code: str, env: dict) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_settings(extra_env: dict | None = None) -> dict:
    names = [
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "LANGUAGE_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "X_FRAME_OPTIONS",
        "SECURE_REFERRER_POLICY",
        "ALLOWED_HOSTS",
        "ADMIN_URL",
    ]
    code = (
        "import json; from django.conf import settings\n"
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    result = run_python(code, {**PRODUCTION_ENV, **(extra_env or {})})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_are_secure_by_default():
    values = production_settings()
    assert values["DEBUG"] is False
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY"):
        assert values[name] is True, name
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and values["SECURE_HSTS_PRELOAD"]
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] and values["X_FRAME_OPTIONS"] == "DENY"
    assert values["ALLOWED_HOSTS"] == ["tracker.example.org"]


def test_debug_without_hosts_does_not_open_every_host():
    """Without DJANGO_ALLOWED_HOSTS a production run accepts no host (Django refuses all)."""
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DJANGO_ALLOWED_HOSTS"}
    result = run_python("from django.conf import settings; print(settings.ALLOWED_HOSTS)", env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.django_db
def test_hsts_is_sent_over_https_only(client, settings):
    assert not settings.DEBUG
    assert settings.SECURE_HSTS_SECONDS >= 31_536_000
    secure = client.get("/", secure=True)
    assert secure.status_code == 200
    hsts = secure["Strict-Transport-Security"]
    assert f"max-age={settings.SECURE_HSTS_SECONDS}" in hsts and "includeSubDomains" in hsts and "preload" in hsts
    plain = client.get("/")
    assert "Strict-Transport-Security" not in plain  # browsers ignore it over http; never sent there


@pytest.mark.django_db
def test_http_is_redirected_to_https_when_ssl_redirect_is_on(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/requests/new/")
    assert response.status_code == 301 and response["Location"].startswith("https://")


@pytest.mark.django_db
def test_cookies_carry_secure_httponly_and_samesite_in_production(client, staff_user, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    page = client.get(reverse("login"), secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    response = client.post(
        reverse("login"), {"username": "stella_staff", "password": "correct horse battery"}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short1!", "password_too_short"),
        ("password1234", "password_too_common"),
        ("83749201938475", "password_entirely_numeric"),
        ("stella_staff_2024", "password_too_similar"),
    ],
)
def test_weak_passwords_are_refused(password, code, staff_user):
    with pytest.raises(ValidationError) as raised:
        validate_password(password, user=staff_user)
    assert code in {error.code for error in raised.value.error_list}


@pytest.mark.django_db
def test_a_strong_password_is_accepted(staff_user):
    validate_password("lantern-orbit-quietly-47", user=staff_user)


@pytest.mark.django_db
def test_weak_passwords_are_refused_where_passwords_are_set(staff_user):
    """The admin's password forms and `changepassword` use the same validators."""
    from django.contrib.auth.forms import SetPasswordForm

    form = SetPasswordForm(staff_user, {"new_password1": "password1234", "new_password2": "password1234"})
    assert not form.is_valid() and "new_password2" in form.errors


def test_admin_lives_on_the_configured_path():
    code = (
        "from django.urls import reverse, resolve, Resolver404\n"
        "print(reverse('admin:index'))\n"
        "try:\n    resolve('/admin/'); print('default-admin-path-resolves')\n"
        "except Resolver404:\n    print('no-default-admin')\n"
    )
    result = run_python(code, {**PRODUCTION_ENV, "DJANGO_ADMIN_URL": "/office-7f3a/"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split()
    assert lines[-2:] == ["/office-7f3a/", "no-default-admin"], result.stdout
    assert production_settings({"DJANGO_ADMIN_URL": "office-7f3a"})["ADMIN_URL"] == "office-7f3a/"


@pytest.mark.django_db
def test_other_usernames_failing_from_one_address_do_not_lock_an_account(client, settings, staff_user):
    """Log-in throttling counts username AND address (django-axes, issue 12): guesses at other
    usernames from a shared address (an office behind one NAT) do not lock a colleague out; each
    guessed username is refused from that address once it reaches the limit."""
    settings.AXES_FAILURE_LIMIT = 3
    for number in range(3):
        for _ in range(3):
            client.post(reverse("login"), {"username": f"guess{number}", "password": "wrong-password"})
    assert client.post(reverse("login"), {"username": "guess0", "password": "wrong-password"}).status_code == 429
    response = client.post(reverse("login"), {"username": "stella_staff", "password": "correct horse battery"})
    assert response.status_code == 302


# --- CSRF on every form that writes ------------------------------------------------------------------


@pytest.mark.django_db
def test_forms_refuse_posts_without_a_csrf_token(world):
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(world.users["staff"])
    anonymous = Client(enforce_csrf_checks=True)
    # Alice's browser, holding the grant of her status link (made without the CSRF check, then
    # every post of hers below is sent without the token).
    from tests.security.conftest import grant

    granted = Client()
    grant(granted, world.alice)
    citizen = Client(enforce_csrf_checks=True)
    citizen.cookies = granted.cookies
    req = world.alice.request.public_id
    assert citizen.get(reverse("compliance:status", args=[req])).status_code == 200  # the grant holds
    posts = [
        (anonymous, reverse("compliance:request_new"), {"name": "x"}),
        (anonymous, reverse("compliance:status_open"), {"token": world.alice.status_token}),
        (anonymous, reverse("compliance:verify"), {"token": world.alice.verify_token}),
        (anonymous, reverse("compliance:recover"), {"email": world.alice.request.email}),
        (
            anonymous,
            reverse("compliance:suppression_withdraw", args=[req, world.alice.suppression_token]),
            {},
        ),
        (citizen, reverse("compliance:withdraw", args=[req]), {"confirm": "yes"}),
        (citizen, reverse("compliance:suppression_withdraw_status", args=[req]), {}),
        (citizen, reverse("compliance:follow_up_erasure", args=[req]), {"selfie_consent": "on"}),
        (anonymous, reverse("login"), {"username": "stella_staff", "password": "correct horse battery"}),
        (staff, reverse("compliance:request_action", args=[req, "message"]), {"message-body": "x"}),
        (staff, reverse("answering:approve", args=[req]), {}),
        (staff, reverse("enforcement:case_edit", args=[world.published.public_id]), {"title": "x"}),
        (staff, reverse("biometrics:search"), {"tolerance": "0.6"}),
        (staff, reverse("reports:export"), {"kind": "case_file"}),
        (staff, "/api/v1/cases/", {"title": "x"}),  # session-authenticated API writes need the token too
    ]
    for client, path, data in posts:
        response = client.post(path, data)
        assert response.status_code == 403, f"{path}: {response.status_code}"
    world.alice.request.refresh_from_db()
    assert world.alice.request.status != "withdrawn"
    assert world.alice.request.suppression_withdrawn_at is None and not world.alice.request.follow_ups.exists()


# --- headers on every kind of page ---------------------------------------------------------------------


@pytest.mark.django_db
def test_security_headers_on_every_kind_of_response(world, role_clients):
    pages = [
        ("anonymous", reverse("compliance:request_new")),
        ("anonymous", reverse("compliance:status_open")),
        ("citizen", reverse("compliance:status", args=[world.alice.request.public_id])),
        (
            "citizen",
            reverse("compliance:download", args=[world.alice.request.public_id, world.alice.compliance_download]),
        ),
        ("anonymous", reverse("enforcement:register")),
        ("staff", reverse("enforcement:case_list")),
        ("staff", reverse("biometrics:photo_image", args=[world.photo.public_id])),
        ("staff", reverse("answering:draft_file", args=[world.alice.request.public_id, "pdf"])),
        ("staff", reverse("answering:document_file", args=[world.alice.request.public_id, "access_letter"])),
        ("staff", "/api/v1/cases/"),
        ("staff", "/api/docs/"),
        ("anonymous", reverse("admin:login")),
        ("anonymous", "/no-such-page/"),
        ("outsider", reverse("enforcement:case_list")),
    ]
    for role, path in pages:
        response = role_clients[role].get(path)
        assert response.status_code in (200, 403, 404), (path, response.status_code)
        csp = response.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp and "unsafe-inline" not in csp, (path, csp)
        assert response["X-Frame-Options"] == "DENY", path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin-when-cross-origin"), (
            path
        )


# --- secrets only from the environment -------------------------------------------------------------------

SECRET_NAME = re.compile(r"(SECRET|PASSWORD|TOKEN|API_KEY|PRIVATE_KEY)", re.IGNORECASE)
SECRET_PATTERNS = [
    re.compile(r"-----BEGIN (RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"),
    re.compile(r"AKIA[0-9A-Z]{16}"),
    re.compile(r"gh[pousr]_[A-Za-z0-9]{36}"),
    re.compile(r"xox[abprs]-[A-Za-z0-9-]{10,}"),
    re.compile(r"sk_live_[A-Za-z0-9]{16,}"),
    re.compile(r"postgres(ql)?://[^:\s/]+:(?!(password|pass|secret|PASSWORD|p%40ss|<[^>]+>|\$\{?\w+\}?)@)[^@\s]{3,}@"),
]


def tracked_files() -> list[Path]:
    result = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / line for line in result.stdout.splitlines() if line]


def test_settings_take_every_secret_from_the_environment():
    """No string literal is assigned to a secret-looking setting, except the development key
    that settings.py only uses with DEBUG on (and refuses to start without otherwise)."""
    tree = ast.parse((ROOT / "config" / "settings.py").read_text())
    literals = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name) and SECRET_NAME.search(target.id) and node.value.value:
                    literals.append((target.id, node.value.value, node.lineno))
    allowed = [(name, value) for name, value, _line in literals if value.startswith("django-insecure-")]
    assert [(n, v) for n, v, _l in literals] == allowed, literals
    source = (ROOT / "config" / "settings.py").read_text()
    assert re.search(r'^SECRET_KEY = env_str\(\s*"DJANGO_SECRET_KEY"', source, re.MULTILINE)
    assert "raise ImproperlyConfigured" in source.split("django-insecure-")[0]
    assert re.search(r'EMAIL_HOST_PASSWORD = env_str\(\s*"EMAIL_HOST_PASSWORD"', source)


def test_no_secret_is_committed():
    findings = []
    for path in tracked_files():
        if (
            path.suffix in (".png", ".jpg", ".jpeg", ".pdf", ".mo", ".ico", ".woff", ".woff2", ".heic")
            or not path.is_file()
        ):
            continue
        name = path.name.lower()
        if name in (".env", "id_rsa", "id_ed25519") or name.endswith((".pem", ".key", ".p12")):
            findings.append(f"{path.relative_to(ROOT)}: a secret file is tracked")
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        for pattern in SECRET_PATTERNS:
            match = pattern.search(text)
            if match and "tests/" not in str(path.relative_to(ROOT)):
                findings.append(f"{path.relative_to(ROOT)}: {match.group(0)[:40]}")
    assert not findings, findings


def test_the_secret_patterns_catch_real_looking_secrets():
    samples = [
        "DATABASE_URL=postgres://app:Hunter2-prod@db.example.org/tracker",
        "-----BEGIN RSA PRIVATE KEY-----",
        "AKIAIOSFODNN7EXAMPLE",
        "ghp_" + "a1B2" * 9,
    ]
    for sample in samples:
        assert any(pattern.search(sample) for pattern in SECRET_PATTERNS), sample
    assert not any(pattern.search("postgres://user:password@host/db") for pattern in SECRET_PATTERNS)
