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

from compliance.workflow import intake
from tests.conftest import tasks_in_process_unless_worker
from tests.workflow import to_status

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(autouse=True)
def eager_celery(request):
    yield from tasks_in_process_unless_worker(request)


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
            return intake.request_submit(
                data={**submit_data, **({"id_document_consent": True} if id_file else {}), **(data or {})},
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
        request = intake.request_confirm_email(token=token, now=now)
    return request


@pytest.fixture
def request_in(verified_request, staff_user, django_capture_on_commit_callbacks):
    """A verified request moved forward to `status` through the workflow (no face needed: the
    store search is recorded as finding nothing, tests.workflow.fake_matching)."""

    def move(status: str):
        return to_status(verified_request, status, staff=staff_user, capture=django_capture_on_commit_callbacks)

    return move
