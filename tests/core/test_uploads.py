"""Request bodies and uploads (core/uploads.py, issue 12 items 2, 3 and the long file names of 8).

Each request here goes through the whole middleware stack with a body that records whether it
was read (`Tripwire`), so "refused before reading" is observed, not assumed. Large bodies are
produced lazily (zeros on demand), so a 1.3 GB Content-Length costs nothing to test.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.asgi import ASGIRequest
from django.core.handlers.base import BaseHandler
from django.test import Client, RequestFactory
from django.utils.html import escape

from compliance.models import DataSubjectRequest, PendingUpload
from core.uploads import CountedStream, DroppedUpload, RequestBodyTooLarge
from tests.faults.stack import multipart

pytestmark = pytest.mark.django_db

SEARCH_URL = "/biometrics/search/"
FORM_URL = "/requests/new/"
MB = 1_048_576


class Tripwire:
    """A request body of `size` bytes (`data`, then zeros) that counts what is read of it."""

    def __init__(self, data: bytes = b"", size: int | None = None):
        self.data = io.BytesIO(data)
        self.size = len(data) if size is None else size
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        left = self.size - self.read_bytes
        size = left if size is None or size < 0 else min(size, left)
        chunk = self.data.read(size)
        chunk += b"\0" * (size - len(chunk))
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)

    def close(self) -> None:
        pass


def through_the_stack(request):
    handler = BaseHandler()
    handler.load_middleware()
    return handler.get_response(request)


def post_request(path: str, body: Tripwire, content_type: str, *, cookies: str = "", length: int | None = None):
    request = RequestFactory().generic(
        "POST", path, b"", content_type=content_type, HTTP_COOKIE=cookies, HTTP_REFERER="http://testserver/"
    )
    request._stream = body
    request.META["CONTENT_LENGTH"] = str(body.size if length is None else length)
    return request


def session_cookie(client, user) -> str:
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def huge_multipart(files: int, each: int) -> tuple[Tripwire, str]:
    """The first part of a body of `files` files of `each` bytes; its announced size is the whole."""
    head, content_type = multipart({"tolerance": "0.6"}, {"photo": ("a.jpg", b"\xff\xd8\xff", "image/jpeg")})
    return Tripwire(head, size=files * (each + 200)), content_type


# --- item 3: the anonymous 500 ----------------------------------------------------------------


def test_anonymous_form_post_to_the_face_search_goes_to_login_unread():
    """`curl -X POST -d a=b /biometrics/search/` answered 500 (upload handlers set after the body
    had been read by a middleware); now the log-in redirect, and the body is never read."""
    body = Tripwire(b"a=b")
    response = through_the_stack(post_request(SEARCH_URL, body, "application/x-www-form-urlencoded"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert body.read_bytes == 0
    plain = Client(raise_request_exception=False)
    assert plain.post(SEARCH_URL, "a=b", content_type="application/x-www-form-urlencoded").status_code == 302


def test_a_logged_in_outsider_gets_403_unread(client, outsider_user):
    body, content_type = huge_multipart(files=3, each=MB)
    request = post_request(SEARCH_URL, body, content_type, cookies=session_cookie(client, outsider_user))
    assert through_the_stack(request).status_code == 403
    assert body.read_bytes == 0


def test_staff_form_post_without_a_file_says_so(staff_client):
    response = staff_client.post(SEARCH_URL, "tolerance=0.6", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert response.context["form"].errors["photo"]


# --- item 2: whole requests ------------------------------------------------------------------


def test_anonymous_90_files_of_14_mb_are_refused_unread():
    body, content_type = huge_multipart(files=90, each=14 * MB)
    response = through_the_stack(post_request(SEARCH_URL, body, content_type, cookies="csrftoken=x"))
    assert response.status_code == 302
    assert body.read_bytes == 0


def test_staff_100_files_of_15_mb_are_refused_unread_with_the_reason_in_the_form(client, staff_user, settings):
    body, content_type = huge_multipart(files=100, each=15 * MB)
    response = through_the_stack(
        post_request(SEARCH_URL, body, content_type, cookies=session_cookie(client, staff_user))
    )
    assert response.status_code == 413
    assert body.read_bytes == 0
    html = response.content.decode()
    assert "What you sent is too large" in html and 'name="photo"' in html  # the form, with the reason


def test_a_1_gb_body_to_the_request_form_is_refused_unread():
    head, content_type = multipart({"name": "Ann"}, {"selfie": ("me.jpg", b"\xff\xd8\xff", "image/jpeg")})
    body = Tripwire(head, size=1024 * MB)
    response = through_the_stack(post_request(FORM_URL, body, content_type))
    assert response.status_code == 413
    assert body.read_bytes == 0
    assert "What you sent is too large" in response.content.decode()
    assert not DataSubjectRequest.objects.exists()


def test_other_pages_refuse_an_oversized_body_unread(settings):
    body = Tripwire(b"username=a&password=b", size=settings.REQUEST_MAX_BYTES + 8 * MB)
    response = through_the_stack(post_request("/accounts/login/", body, "application/x-www-form-urlencoded"))
    assert response.status_code == 413
    assert body.read_bytes == 0


def test_a_body_without_a_length_stops_at_the_cap(settings):
    """Under ASGI a chunked body comes without a Content-Length: every body is read through a
    counter that stops one byte past REQUEST_MAX_BYTES."""
    settings.REQUEST_MAX_BYTES = 64 * 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * MB
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/accounts/login/",
        "query_string": b"",
        "headers": [(b"content-type", b"application/x-www-form-urlencoded"), (b"host", b"testserver")],
    }
    body = Tripwire(b"username=a&password=", size=5 * MB)
    request = ASGIRequest(scope, body)
    assert "CONTENT_LENGTH" not in request.META
    response = through_the_stack(request)
    assert response.status_code == 400
    assert body.read_bytes == settings.REQUEST_MAX_BYTES + 1
    counted = CountedStream(Tripwire(size=MB), settings.REQUEST_MAX_BYTES)
    with pytest.raises(RequestBodyTooLarge):
        while counted.read(8192):
            pass


def test_the_request_form_never_writes_an_upload_to_a_temporary_file(client, settings, tmp_path):
    """Django spooled uploads over 2.5 MB to a temporary file (1 GB used 0.9 GB of disk); with the
    temp folder missing, any attempt to write one fails the request."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "no-such-folder")
    for size in (3 * MB, settings.UPLOAD_MAX_BYTES + 1):
        upload = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff\xe0" + b"\0" * size, content_type="image/jpeg")
        response = client.post(FORM_URL, {"name": "Ann", "email": "ann@example.org", "country": "NL", "selfie": upload})
        assert response.status_code == 200
        assert response.context["form"].errors["selfie"]
        assert 'value="Ann"' in response.content.decode()  # what was typed is kept
    assert not PendingUpload.objects.exists()


def test_an_oversized_file_is_dropped_as_it_streams_and_reported_too_large(settings):
    settings.UPLOAD_MAX_BYTES = 10_000
    body, content_type = multipart(
        {"name": "Ann"},
        {"selfie": ("big.jpg", b"\xff" * 50_000, "image/jpeg"), "id_document": ("id.jpg", b"\xd8" * 500, "image/jpeg")},
    )
    request = RequestFactory().generic("POST", FORM_URL, body, content_type=content_type)
    request.upload_fields = ("selfie", "id_document")
    dropped, kept = request.FILES["selfie"], request.FILES["id_document"]
    assert isinstance(dropped, DroppedUpload) and dropped.size == 50_000 and dropped.read() == b""
    assert kept.read() == b"\xd8" * 500
    assert request.POST["name"] == "Ann"


def test_one_file_per_declared_field_and_none_elsewhere(settings):
    boundary = "b0undary"
    parts = [
        (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{file}"\r\n\r\n').encode()
        + data
        + b"\r\n"
        for name, file, data in (("photo", "1.jpg", b"first"), ("photo", "2.jpg", b"second"), ("other", "3.jpg", b"x"))
    ]
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    request = RequestFactory().generic(
        "POST", SEARCH_URL, body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    request.upload_fields = ("photo",)
    assert [f.read() for f in request.FILES.getlist("photo")] == [b"first"]
    assert "other" not in request.FILES
    undeclared = RequestFactory().generic(
        "POST", "/accounts/login/", body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert not undeclared.FILES  # a view that declared no file field gets none


def test_too_many_files_are_refused_with_a_message_in_the_form(client, settings):
    files = {f"f{i}": SimpleUploadedFile(f"{i}.jpg", b"x") for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)}
    response = client.post(FORM_URL, files)
    assert response.status_code == 400
    assert f"Send at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files at once." in response.content.decode()


# --- item 8: a very long file name -------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "If a file has a very long name"), ("nl", "Als een bestand een heel lange naam heeft")],
)
def test_a_very_long_file_name_gets_a_translated_message_in_the_form(client, language, expected):
    """Django refuses a multipart part whose headers pass 1 KB; that was a bare English 400 page."""
    body, content_type = multipart({"name": "Ann"}, {"selfie": ("x" * 1100 + ".jpg", b"\xff\xd8\xff", "image/jpeg")})
    client.cookies["django_language"] = language
    response = client.generic("POST", FORM_URL, body, content_type=content_type)
    assert response.status_code == 400
    html = response.content.decode()
    assert escape(expected) in html
    assert '<form method="post" enctype="multipart/form-data"' in html  # the form, to try again
    assert "Bad Request (400)" not in html


def test_a_very_long_file_name_on_the_face_search_too(staff_client):
    body, content_type = multipart({"tolerance": "0.6"}, {"photo": ("y" * 1500 + ".jpg", b"\xff", "image/jpeg")})
    response = staff_client.generic("POST", SEARCH_URL, body, content_type=content_type)
    assert response.status_code == 400
    assert "If a file has a very long name" in " ".join(response.context["form"].non_field_errors())


def test_nul_in_a_multipart_field_of_an_upload_form_is_refused(client):
    body, content_type = multipart({"name": "A\x00nn", "selfie_token": "\x00"}, {})
    response = client.generic("POST", FORM_URL, body, content_type=content_type)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
