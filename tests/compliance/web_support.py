"""Helpers shared by the compliance web tests (forms, views, browser): photos made on the fly,
the form's valid data, and a clean rate-limit cache for every test."""

import io
import re
import uuid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from compliance import ratelimit

FORM_URL = "/requests/new/"


@pytest.fixture(autouse=True)
def fresh_rate_limits(monkeypatch):
    """Every test starts with unused rate-limit budgets: its counters live under a key prefix of
    its own, so nothing is flushed (a shared Redis cache may hold other data)."""
    monkeypatch.setattr(ratelimit, "KEY_PREFIX", f"test-rl-{uuid.uuid4().hex}")


def image_bytes(fmt="JPEG", size=(320, 240), color=(120, 160, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def selfie_upload(faces_dir, relative: str = "people/obama/obama.jpg") -> SimpleUploadedFile:
    path = faces_dir / relative
    return upload(path.name, path.read_bytes())


def form_data(**overrides) -> dict:
    data = {
        "request_type": "access",
        "name": "Anna de Vries",
        "email": "anna@example.org",
        "country": "NL",
        "selfie_consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def links_in_last_email(kind_marker: str = "/requests/") -> list[str]:
    assert mail.outbox, "no email was sent"
    return re.findall(r"https?://[^\s\"<>]+" + re.escape(kind_marker) + r"[^\s\"<>]+", mail.outbox[-1].body)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    return match.group(1) if match else ""
