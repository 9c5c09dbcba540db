"""Settings: zero configuration, production checks, and a loud failure without a secret key."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_url, env_bool, env_int
from tests.conftest import ROOT, controller_env

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x9!k2@f7#qL0pZ3vR8sT1uW4yB6nM5cD-production-like-secret-key-for-check",
    "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
    "DJANGO_DEBUG": "0",
    # A production deployment names its controller (compliance.checks, E001 without it).
    **controller_env(),
}


def run_manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_with_debug_off_fails_loudly():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DJANGO_SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_run_needs_no_secret_key():
    result = run_manage("check", env={"DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def test_env_bool_rejects_garbage(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="not a boolean"):
        env_bool("FLAG")
    monkeypatch.setenv("FLAG", "On")
    assert env_bool("FLAG") is True


def test_env_int_rejects_garbage(monkeypatch):
    monkeypatch.setenv("N", "12x")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("N", 1)


def test_database_url_parsing():
    db = database_from_url("postgres://alice:p%40ss@db.internal:6543/tracker?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "alice",
        "p@ss",
        "db.internal",
        "6543",
        "tracker",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}
    with pytest.raises(ImproperlyConfigured, match="not supported"):
        database_from_url("mysql://x@y/z")


def test_rabbitmq_is_a_supported_broker():
    """Issue 12: with CELERY_BROKER_URL=amqp://... (the production broker in the README) the result
    backend defaulted to that URL, which Celery cannot load; results now go back over rpc://, and
    the Redis-only transport options are left out. Redis keeps its visibility timeout."""
    code = (
        "from django.conf import settings\n"
        "from config.celery import app\n"
        "print(settings.CELERY_RESULT_BACKEND, sorted(settings.CELERY_BROKER_TRANSPORT_OPTIONS))\n"
        "print(type(app.backend).__name__, app.conf.task_acks_late, app.conf.task_reject_on_worker_lost)\n"
    )
    env = {**PRODUCTION_ENV, "CELERY_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//"}
    result = run_manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "rpc:// []\nRPCBackend True True\n" in result.stdout, result.stdout
    env = {**PRODUCTION_ENV, "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"}
    result = run_manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    options = "['socket_connect_timeout', 'socket_timeout', 'visibility_timeout']"
    assert f"redis://127.0.0.1:6379/0 {options}" in result.stdout


def test_every_setting_the_code_reads_is_declared():
    """Issue 13: a setting read by the code is declared in config/settings.py (with its default)
    or is Django's own; no `getattr(settings, NAME, default)` keeps a second, hidden default."""
    import re

    from django.conf import global_settings

    import config.settings as project

    read: dict[str, set[str]] = {}
    hidden_defaults = []
    for package in ("core", "reports", "config", "compliance", "biometrics", "enforcement"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text()
            relative = str(path.relative_to(ROOT))
            for name in re.findall(r"\bsettings\.([A-Z][A-Z0-9_]+)\b", text):
                read.setdefault(name, set()).add(relative)
            hidden_defaults += [f"{relative}: {m}" for m in re.findall(r"getattr\(settings, \"[A-Z_]+\"[^)]*\)", text)]
    undeclared = {
        name: sorted(files)
        for name, files in read.items()
        if not hasattr(project, name) and not hasattr(global_settings, name)
    }
    assert not undeclared, undeclared
    assert not hidden_defaults, hidden_defaults
