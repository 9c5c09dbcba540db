"""Hostile uploads (issue 8) through every upload endpoint: each gets a clear message (the form
re-displayed with the error next to the field, or a 4xx), never a 500, and nothing is kept.

Upload endpoints: the citizen's request form (selfie and identity-document photo) and the staff
face search. The REST API accepts no files; `test_the_api_accepts_no_file_uploads` fails when
one appears, so that it gets added here.
"""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape
from PIL import Image

from compliance.models import DataSubjectRequest, PendingUpload
from tests.security.hostile_files import HTML_PAYLOAD, hostile_files, zip_bytes

pytestmark = pytest.mark.django_db

HOSTILE = hostile_files()
FORM_URL = "/requests/new/"
SEARCH_URL = "/biometrics/search/"


def request_form_data(**files) -> dict:
    return {
        "request_type": "access",
        "name": "Mallory Upload",
        "email": "mallory@example.org",
        "country": "NL",
        "selfie_consent": "on",
        **files,
    }


def as_upload(hostile) -> SimpleUploadedFile:
    return SimpleUploadedFile(hostile.filename, hostile.data, content_type=hostile.content_type)


def field_errors(response, field: str) -> list:
    form = response.context["form"]
    return form.errors.as_data().get(field, [])


def assert_clear_rejection(response, field: str, codes, media_root) -> None:
    assert response.status_code in (200, 400, 413, 415, 422), response.status_code
    errors = field_errors(response, field)
    assert errors, f"no error on {field}: {response.context['form'].errors}"
    assert {error.code for error in errors} & set(codes), [(e.code, e.messages) for e in errors]
    html = response.content.decode()
    for error in errors:
        for message in error.messages:
            assert escape(message) in html, f"the message {message!r} is not shown"


@pytest.fixture
def staff_search_client(staff_user):
    client = Client()
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize("hostile", HOSTILE, ids=[h.name for h in HOSTILE])
@pytest.mark.parametrize("field", ["selfie", "id_document"])
def test_request_form_rejects_hostile_photo(hostile, field, client, media_root):
    response = client.post(FORM_URL, request_form_data(**{field: as_upload(hostile)}))
    assert_clear_rejection(response, field, hostile.codes, media_root)
    assert not DataSubjectRequest.objects.exists()
    assert not PendingUpload.objects.exists()  # nothing kept of a rejected photo
    assert not [p for p in media_root.rglob("*") if p.is_file()], "a rejected photo was written to disk"


@pytest.mark.parametrize("hostile", HOSTILE, ids=[h.name for h in HOSTILE])
def test_face_search_rejects_hostile_photo(hostile, staff_search_client, media_root):
    response = staff_search_client.post(SEARCH_URL, {"photo": as_upload(hostile), "tolerance": "0.6"})
    assert_clear_rejection(response, "photo", hostile.codes, media_root)
    assert response.context["results"] is None
    assert not [p for p in media_root.rglob("*") if p.is_file()]


# --- huge bodies ------------------------------------------------------------------------------------


def test_request_form_refuses_a_file_above_the_upload_cap(client, settings, media_root):
    data = b"\xff\xd8\xff\xe0" + b"\0" * (settings.UPLOAD_MAX_BYTES + 1)
    upload = SimpleUploadedFile("huge.jpg", data, content_type="image/jpeg")
    response = client.post(FORM_URL, request_form_data(selfie=upload))
    assert_clear_rejection(response, "selfie", {"too_large"}, media_root)
    assert "MB" in response.content.decode()


def test_face_search_refuses_a_file_above_the_upload_cap(staff_search_client, settings, media_root):
    data = b"\xff\xd8\xff\xe0" + b"\0" * (settings.UPLOAD_MAX_BYTES + 1)
    upload = SimpleUploadedFile("huge.jpg", data, content_type="image/jpeg")
    response = staff_search_client.post(SEARCH_URL, {"photo": upload, "tolerance": "0.6"})
    assert_clear_rejection(response, "photo", {"too_large"}, media_root)


@pytest.mark.parametrize("url", [FORM_URL, SEARCH_URL, "/api/v1/cases/", "/accounts/login/"])
def test_form_fields_above_data_upload_max_memory_size_get_400(url, client, staff_user, settings):
    """Text fields larger than DATA_UPLOAD_MAX_MEMORY_SIZE in one multipart body: 400, not 500."""
    client.force_login(staff_user)
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(url, {"name": big, "title": big, "username": big})
    assert response.status_code in (400, 413), response.status_code


def test_a_huge_json_body_to_the_api_is_refused(staff_client, settings):
    """DRF reads the request stream itself; a body above the limit must still be refused cleanly."""
    body = '{"title": "' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + '"}'
    response = staff_client.post("/api/v1/cases/", body, content_type="application/json")
    assert 400 <= response.status_code < 500, response.status_code


@pytest.mark.parametrize("url", [FORM_URL, SEARCH_URL])
def test_too_many_fields_or_files_get_400(url, client, staff_user, settings):
    client.force_login(staff_user)
    fields = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    assert client.post(url, fields).status_code == 400
    files = {
        f"file{i}": SimpleUploadedFile(f"{i}.jpg", b"x", content_type="image/jpeg")
        for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    }
    assert client.post(url, files).status_code == 400


def test_too_many_fields_on_the_api_get_a_json_400(staff_client, settings):
    """Found by the API fuzzer: Django's own 400 page is HTML, which the API does not document."""
    fields = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = staff_client.post("/api/v1/cases/", fields)
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert "too many fields" in response.json()["detail"]


def test_a_malformed_multipart_body_gets_400(client):
    response = client.generic(
        "POST",
        FORM_URL,
        b'--boundary\r\nContent-Disposition: form-data; name="selfie"; filename="a.jpg"\r\n\r\n\xff\xd8',
        content_type="multipart/form-data; boundary=boundary",
    )
    assert response.status_code in (200, 400)
    no_boundary = client.generic("POST", FORM_URL, b"garbage", content_type="multipart/form-data")
    assert no_boundary.status_code == 400


def test_the_api_accepts_no_file_uploads(client):
    """If an API endpoint starts accepting files, it must be added to the tests above."""
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    import json

    document = json.loads(schema.content) if schema["Content-Type"].startswith("application/json") else None
    if document is None:
        import yaml

        document = yaml.safe_load(schema.content)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = (operation.get("requestBody") or {}).get("content", {})
            for media_type, spec in content.items():
                text = json.dumps(spec)
                assert '"format": "binary"' not in text, f"{method.upper()} {path} accepts a file ({media_type})"


# --- harmful payloads riding on real faces ------------------------------------------------------------


def _face_variant(faces_dir, kind: str) -> bytes:
    original = (faces_dir / "people" / "obama" / "obama.jpg").read_bytes()
    if kind == "cmyk":
        buffer = io.BytesIO()
        Image.open(io.BytesIO(original)).convert("CMYK").save(buffer, format="JPEG", quality=92)
        return buffer.getvalue()
    if kind == "zip":
        return original + zip_bytes()
    return original + HTML_PAYLOAD


@pytest.mark.faces
@pytest.mark.parametrize("kind", ["cmyk", "zip", "html"])
def test_polyglot_selfie_is_accepted_but_stored_without_its_payload(kind, client, faces_dir, media_root):
    """A real face with a ZIP or HTML tail (or in CMYK) is a usable selfie; what is stored is the
    re-encoded picture only, so the payload never reaches the disk or a later reader."""
    data = _face_variant(faces_dir, kind)
    upload = SimpleUploadedFile("me.jpg", data, content_type="image/jpeg")
    response = client.post(FORM_URL, request_form_data(selfie=upload))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    request = DataSubjectRequest.objects.get()
    with request.selfie.open("rb") as handle:
        stored = handle.read()
    assert stored[:3] == b"\xff\xd8\xff"
    assert b"PK\x03\x04" not in stored and b"<script>" not in stored
    assert Image.open(io.BytesIO(stored)).mode == "RGB"
    for path in media_root.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert b"<script>" not in content and b"payload.html" not in content, path


@pytest.mark.faces
@pytest.mark.worker
@pytest.mark.slow
def test_worker_survives_hostile_identity_documents(start_worker, faces_dir, media_root, transactional_db):
    """The identity check runs on a worker: a CMYK identity photo with a ZIP appended is checked
    against the selfie there, deleted, and the worker keeps running and serving the next task."""
    worker = start_worker(queue="celery")
    selfie = (faces_dir / "people" / "obama" / "obama.jpg").read_bytes()
    identity = _face_variant(faces_dir, "cmyk") + zip_bytes()
    client = Client()
    from compliance import ratelimit

    for number in range(2):
        response = client.post(
            FORM_URL,
            request_form_data(
                email=f"mallory{number}@example.org",
                id_document_consent="on",
                selfie=SimpleUploadedFile("me.jpg", selfie, content_type="image/jpeg"),
                id_document=SimpleUploadedFile("id.jpg", identity, content_type="image/jpeg"),
            ),
        )
        assert response.status_code == 302, response.context["form"].errors if response.context else response
        ratelimit.KEY_PREFIX = ratelimit.KEY_PREFIX + "x"  # a fresh budget for the second filing
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        pending = DataSubjectRequest.objects.filter(identity_check="pending").count()
        if pending == 0:
            break
        assert worker.process.poll() is None, worker.log_path.read_text()[-2000:]
        time.sleep(0.5)
    checks = list(DataSubjectRequest.objects.values_list("identity_check", "id_document"))
    assert checks and all(check == "matched" and not id_document for check, id_document in checks), checks
    assert worker.process.poll() is None, "the worker died"
    log = worker.log_path.read_text()
    assert "Traceback" not in log, log[-3000:]
