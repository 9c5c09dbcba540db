"""Fixtures for the compliance tests: a fixed clock, small generated photos (no faces needed
where the face is not the point), requests in every state, and Celery tasks run in-process.

Tasks run eagerly here even when CI configures a broker (the services queue them with
on_commit); tests that want the real worker use `start_worker`, which turns this off.
"""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from compliance import services

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(autouse=True)
def eager_celery(request):
    if "start_worker" in request.fixturenames:
        yield
        return
    from config.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture
def now():
    """Wednesday 15 January 2025, 10:00 in Amsterdam."""
    return datetime(2025, 1, 15, 10, 0, tzinfo=AMSTERDAM)


def jpeg_bytes(color=(200, 150, 120), size=(64, 64)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def plain_photo():
    return jpeg_bytes()


@pytest.fixture
def submit_data():
    return {
        "request_type": "access",
        "name": "Anna de Vries",
        "email": "anna@example.org",
        "country": "NL",
        "language": "nl",
        "selfie_consent": True,
    }


@pytest.fixture
def submit(db, submit_data, plain_photo, now, django_capture_on_commit_callbacks):
    """Submit a request (callbacks run: the verification email is sent); returns (request, token)."""

    def do(*, data=None, selfie=None, id_file=None, at=None, ip="203.0.113.9"):
        with django_capture_on_commit_callbacks(execute=True):
            return services.request_submit(
                data={**submit_data, **(data or {})},
                selfie_file=selfie if selfie is not None else plain_photo,
                id_file=id_file,
                ip=ip,
                now=at or now,
            )

    return do


@pytest.fixture
def verified_request(submit, now, django_capture_on_commit_callbacks):
    request, token = submit()
    with django_capture_on_commit_callbacks(execute=True):
        request, _status_token = services.request_verify_email(token=token, now=now)
    return request


@pytest.fixture
def request_in(verified_request, staff_user, now):
    """A verified request moved forward to `status` through the services."""
    steps = [
        ("processing", lambda r: services.request_start_processing(request=r, user=staff_user, now=now)),
        ("awaiting_staff_review", lambda r: services.request_mark_awaiting_review(request=r, user=staff_user, now=now)),
        ("awaiting_approval", lambda r: services.request_mark_awaiting_approval(request=r, user=staff_user, now=now)),
    ]

    def move(status: str):
        request = verified_request
        for name, step in steps:
            if request.status == status:
                break
            step(request)
            request.refresh_from_db()
            assert request.status == name
        assert request.status == status
        return request

    return move
