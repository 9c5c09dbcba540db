"""Our own data protection (issue 8): nothing biometric or photo-derived in logs, error pages or
the audit trail.

One end-to-end run, in-process, through the same entry points people use: `manage.py
ingest_photos` on the shared photos; a citizen files an access request on the web form with a
selfie and an identity-document photo, confirms the email link; matching runs; staff open the
review page and the face crops and approve; the citizen downloads the package; then an erasure
request through to its certificate (review, identity assessment, approval with the confirmed
erasure plan); plus a 404, a 403 and a 500 page. Everything logged (every
logger at DEBUG, Celery's included), everything written to stdout/stderr (the file descriptors,
so child processes count too), the error pages and every AuditEvent is then searched for:

- face encodings: runs of 10+ numbers, numpy array reprs, the encodings' own bytes as base64 or
  hex, and any base64 run long enough to hold a 512-byte blob (128 float32s);
- photo bytes: slices of the selfie and ID photo, raw, escaped (repr) or base64;
- file names: the selfie's and ID photo's original names and the names they are stored under.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from io import StringIO

import numpy as np
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from compliance.models import DataSubjectRequest, RequestStatus
from core.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.faces, pytest.mark.slow]

SELFIE_NAME = "selfie-of-barack-7f3a.jpg"
ID_NAME = "passport-scan-91c2.jpg"
FLOAT_RUN = re.compile(r"(?:-?\d+\.\d+(?:e-?\d+)?[\s,;]+){9,}-?\d+\.\d+")
BASE64_BLOB = re.compile(r"[A-Za-z0-9+/]{600,}={0,2}")


class Evidence:
    """What must never be found, and the search."""

    def __init__(self):
        self.names: set[str] = {SELFIE_NAME, ID_NAME, SELFIE_NAME.rsplit(".", 1)[0], ID_NAME.rsplit(".", 1)[0]}
        self.byte_slices: list[bytes] = []
        self.encodings: list[np.ndarray] = []

    def add_photo(self, data: bytes) -> None:
        middle = len(data) // 2
        self.byte_slices.append(data[middle : middle + 48])

    def add_stored_name(self, name: str) -> None:
        if name:
            self.names.add(name)
            self.names.add(name.rsplit("/", 1)[-1])

    def needles(self) -> list[tuple[str, str]]:
        found = [(name, f"file name {name}") for name in self.names]
        for chunk in self.byte_slices:
            found.append((repr(chunk)[2:42], "photo bytes (repr)"))
            found.append((chunk.hex()[:40], "photo bytes (hex)"))
            for shift in range(3):
                found.append((base64.b64encode(chunk[shift:])[4:40].decode(), "photo bytes (base64)"))
        for encoding in self.encodings:
            for dtype in ("<f4", "<f8"):
                raw = encoding.astype(dtype).tobytes()
                found.append((base64.b64encode(raw)[:32].decode(), "encoding bytes (base64)"))
                found.append((raw.hex()[:32], "encoding bytes (hex)"))
            found.append((f"{encoding[0]:.6f}, {encoding[1]:.6f}", "encoding values"))
        return found

    def search(self, text: str, where: str) -> list[str]:
        problems = []
        for needle, what in self.needles():
            if needle and needle in text:
                problems.append(f"{where}: {what}: ...{_around(text, needle)}...")
        if FLOAT_RUN.search(text):
            problems.append(f"{where}: a run of 10+ numbers: {FLOAT_RUN.search(text).group(0)[:120]}")
        if "array([" in text or "dtype=float" in text:
            problems.append(f"{where}: a numpy array repr")
        if BASE64_BLOB.search(text):
            problems.append(f"{where}: a base64 blob of {len(BASE64_BLOB.search(text).group(0))} chars")
        return problems


def _around(text: str, needle: str) -> str:
    at = text.index(needle)
    return text[max(0, at - 60) : at + len(needle) + 60].replace("\n", " ")


def _form(faces_dir, email: str, *, request_type: str, with_id: bool) -> dict:
    selfie = (faces_dir / "people" / "obama" / "obama.jpg").read_bytes()
    data = {
        "request_type": request_type,
        "name": "Barack Example",
        "email": email,
        "country": "NL",
        "selfie_consent": "on",
        "selfie": SimpleUploadedFile(SELFIE_NAME, selfie, content_type="image/jpeg"),
    }
    if with_id:
        identity = (faces_dir / "people" / "obama" / "obama2.jpg").read_bytes()
        data["id_document"] = SimpleUploadedFile(ID_NAME, identity, content_type="image/jpeg")
        data["id_document_consent"] = "on"
    return data


def _consume(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def boom(request):
    raise RuntimeError("a bug while handling a request")


urlpatterns = []  # filled below: this module is also the URLconf of the 500 page check


def test_nothing_biometric_in_logs_error_pages_or_audit_trail(
    faces_dir, staff_user, outsider_user, media_root, caplog, capfd, django_capture_on_commit_callbacks, settings
):
    from biometrics.faces import detect_faces
    from biometrics.images import image_to_array, load_image_checked
    from biometrics.models import Face, SourcePhoto, encoding_from_bytes
    from compliance.workflow.matching import matching_schedule

    caplog.set_level(logging.DEBUG)
    for name in ("celery", "celery.app.trace", "celery.task", "celery.worker", "django", "biometrics", "compliance"):
        caplog.set_level(logging.DEBUG, logger=name)
    evidence = Evidence()
    for relative in ("people/obama/obama.jpg", "people/obama/obama2.jpg"):
        data = (faces_dir / relative).read_bytes()
        evidence.add_photo(data)
        evidence.encodings += [face.encoding for face in detect_faces(image_to_array(load_image_checked(data)))]
    pages: list[tuple[str, str]] = []

    # 1. Ingest the shared photos with the command operators use.
    command_out = StringIO()
    call_command(
        "ingest_photos",
        str(faces_dir / "manifest.csv"),
        "--mode=local",
        "--workers=1",
        "--no-progress",
        "--source-url-prefix=https://photos.example.org/",
        stdout=command_out,
        stderr=command_out,
    )
    assert SourcePhoto.objects.count() >= 20, command_out.getvalue()
    for face in Face.objects.all():
        evidence.encodings.append(encoding_from_bytes(face.encoding))
    for photo in SourcePhoto.objects.all():
        evidence.add_stored_name(photo.image.name)

    citizen, staff, outsider = Client(), Client(), Client()
    staff.force_login(staff_user)
    outsider.force_login(outsider_user)

    def file_and_verify(email: str, request_type: str, with_id: bool) -> DataSubjectRequest:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = citizen.post(
                "/requests/new/", _form(faces_dir, email, request_type=request_type, with_id=with_id)
            )
        assert response.status_code == 302, response.context["form"].errors if response.context else response
        request = DataSubjectRequest.objects.get(email=email)
        evidence.add_stored_name(request.selfie.name)
        evidence.add_stored_name(request.id_document.name if request.id_document else "")
        link = re.search(r"https?://[^\s\"<>]+/requests/verify/#[^\s\"<>]+", mail.outbox[0].body).group(0)
        path, token = re.sub(r"^https?://[^/]+", "", link).split("#", 1)
        with django_capture_on_commit_callbacks(execute=True):
            assert citizen.get(path).status_code == 200
            response = citizen.post(path, {"token": token})  # what the page's script posts
            assert response.status_code == 302
            # The answering tests start matching the same way (see tests/answering/conftest.py).
            matching_schedule(request=DataSubjectRequest.objects.get(pk=request.pk))
        pages.append(("status page", citizen.get(response["Location"]).content.decode()))
        request.refresh_from_db()
        assert request.status == RequestStatus.AWAITING_REVIEW, (request.status, request.last_error)
        return request

    def staff_review_and_approve(request) -> None:
        review = staff.get(reverse("answering:review", args=[request.public_id]))
        assert review.status_code == 200
        pages.append(("review page", review.content.decode()))
        assert staff.get(reverse("answering:selfie_crop", args=[request.public_id])).status_code == 200
        for match in request.matches.all():
            crop = staff.get(reverse("answering:match_crop", args=[request.public_id, match.pk]))
            assert crop.status_code == 200
        pending = list(request.matches.filter(review_status="pending").values_list("pk", flat=True))
        if pending:
            decided = staff.post(
                reverse("answering:decide_many", args=[request.public_id]),
                {"decision": "confirm", "matches": pending},
            )
            assert decided.status_code == 302
        assessed = staff.post(
            reverse("answering:assess_identity", args=[request.public_id]),
            {"outcome": "established", "note": "Checked against the identity document."},
        )
        assert assessed.status_code == 302
        with django_capture_on_commit_callbacks(execute=True):
            assert staff.post(reverse("answering:finish_review", args=[request.public_id])).status_code == 302
        approve_page = staff.get(reverse("answering:approve", args=[request.public_id]))
        assert approve_page.status_code == 200
        pages.append(("approval page", approve_page.content.decode()))
        for url in re.findall(r'src="(/requests/answer/[^"]+/plan\.jpg)"', approve_page.content.decode()):
            assert staff.get(url).status_code == 200  # the erasure plan's thumbnails
        pages.append(
            ("request page", staff.get(reverse("compliance:request_detail", args=[request.public_id])).content.decode())
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = staff.post(reverse("answering:approve", args=[request.public_id]), {"confirm": "on"})
        assert response.status_code == 302
        request.refresh_from_db()
        assert request.status == RequestStatus.COMPLETED, (request.status, request.last_error)

    def citizen_downloads(request) -> int:
        page = citizen.get(reverse("compliance:status", args=[request.public_id])).content.decode()
        pages.append(("status page with documents", page))
        prefix = f"/requests/status/{request.public_id}/documents/"
        links = [part.split('"')[0] for part in page.split('href="')[1:] if part.startswith(prefix)]
        for link in links:
            response = citizen.get(link)
            assert response.status_code == 200
            _consume(response)
        return len(links)

    # 2. Access, then 3. erasure, of the same person.
    access = file_and_verify("barack.access@example.org", "access", with_id=True)
    staff_review_and_approve(access)
    assert citizen_downloads(access) == 2
    erasure = file_and_verify("barack.erase@example.org", "erasure", with_id=False)
    staff_review_and_approve(erasure)
    assert erasure.erasure.status == "done", erasure.erasure.last_error
    assert citizen_downloads(erasure) == 1

    # 4. Error pages.
    not_found = citizen.get("/requests/status/00000000-0000-0000-0000-000000000000/")
    assert not_found.status_code == 404
    forbidden = outsider.get(reverse("answering:review", args=[access.public_id]))
    assert forbidden.status_code == 403
    pages += [("404 page", not_found.content.decode()), ("403 page", forbidden.content.decode())]
    crashing = Client(raise_request_exception=False)
    with override_settings(ROOT_URLCONF=__name__):
        server_error = crashing.get("/boom/")
    assert server_error.status_code == 500
    pages.append(("500 page", server_error.content.decode()))

    # The search.
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    logged = "\n".join(formatter.format(record) for record in caplog.records)
    out, err = capfd.readouterr()
    audit = "\n".join(
        json.dumps({"action": e.action, "object": e.object_id, "details": e.details}, default=str)
        for e in AuditEvent.objects.order_by("seq")
    )
    assert len(caplog.records) > 20 and "celery.app.trace" in logged, "the logs were not captured"
    assert AuditEvent.objects.filter(action__startswith="answering.").exists()
    problems = []
    for where, text in (
        ("logs", logged),
        ("stdout", out),
        ("stderr", err),
        ("ingest_photos output", command_out.getvalue()),
        ("audit trail", audit),
        *pages,
    ):
        problems += evidence.search(text, where)
    for event in AuditEvent.objects.all():
        keys = json.dumps(event.details).lower()
        if any(word in keys for word in ('"encoding', "selfie_bytes", "image_data")):
            problems.append(f"audit {event.action}: a biometric key in {event.details}")
    assert not problems, "\n".join(problems)


def _urls():
    from django.urls import path

    from config.urls import urlpatterns as site

    return [path("boom/", boom), *site]


urlpatterns = _urls()
handler500 = "core.views.server_error"


def test_the_search_finds_what_it_looks_for(faces_dir):
    """The search above must be able to fail: each way of leaking is caught."""
    from biometrics.faces import detect_faces
    from biometrics.images import image_to_array, load_image_checked

    data = (faces_dir / "people" / "obama" / "obama.jpg").read_bytes()
    evidence = Evidence()
    evidence.add_photo(data)
    encoding = detect_faces(image_to_array(load_image_checked(data)))[0].encoding
    evidence.encodings.append(encoding)
    evidence.add_stored_name("private/requests/selfies/0123456789abcdef0123456789abcdef.jpg")
    middle = len(data) // 2
    leaks = {
        "list of numbers": str([float(x) for x in encoding]),
        "numpy repr": repr(encoding),
        "numpy str": str(encoding),
        "float32 base64": base64.b64encode(encoding.astype("<f4").tobytes()).decode(),
        "float64 hex": encoding.astype("<f8").tobytes().hex(),
        "bytes repr": repr(data[middle - 10 : middle + 200]),
        "bytes base64": base64.b64encode(data[middle - 7 : middle + 200]).decode(),
        "original name": f"uploaded {SELFIE_NAME}",
        "stored name": "saved 0123456789abcdef0123456789abcdef.jpg",
        "blob": base64.b64encode(bytes(range(256)) * 2).decode(),
    }
    for what, text in leaks.items():
        assert evidence.search(f"INFO some.logger {text} end", "test"), f"{what} was not caught"
    assert evidence.search("INFO ingested 25 photos, 31 faces in 4.2 s", "test") == []


@pytest.mark.worker
def test_nothing_biometric_in_a_real_workers_output(start_worker, faces_dir, staff_user, transactional_db):
    """Matching, the access package and an erasure on a real worker process (logging at DEBUG):
    its whole stdout/stderr is searched the same way."""
    import time

    from django.db import transaction

    from biometrics.models import Face, encoding_from_bytes
    from compliance.workflow.matching import matching_schedule

    call_command(
        "ingest_photos",
        str(faces_dir / "manifest.csv"),
        "--mode=local",
        "--workers=1",
        "--no-progress",
        "--source-url-prefix=https://photos.example.org/",
        stdout=StringIO(),
    )
    worker = start_worker(queue="celery", extra_env={"LOG_LEVEL": "DEBUG"})
    evidence = Evidence()
    evidence.add_photo((faces_dir / "people" / "obama" / "obama.jpg").read_bytes())
    evidence.encodings += [encoding_from_bytes(face.encoding) for face in Face.objects.all()]
    citizen, staff = Client(), Client()
    staff.force_login(staff_user)

    def wait_for(request, status):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            request.refresh_from_db()
            if request.status == status:
                return
            assert worker.process.poll() is None, worker.log_path.read_text()[-3000:]
            time.sleep(0.3)
        raise AssertionError(f"{request.status} != {status}: {worker.log_path.read_text()[-3000:]}")

    for email, kind in (("w.access@example.org", "access"), ("w.erase@example.org", "erasure")):
        response = citizen.post("/requests/new/", _form(faces_dir, email, request_type=kind, with_id=False))
        assert response.status_code == 302
        request = DataSubjectRequest.objects.get(email=email)
        evidence.add_stored_name(request.selfie.name)
        # The verification email goes out from the worker; the token is derived the same way here.
        from compliance.services.tokens import verification_token_for

        token = verification_token_for(request.email_verifications.get())
        assert citizen.post(reverse("compliance:verify"), {"token": token}).status_code == 302
        with transaction.atomic():
            matching_schedule(request=DataSubjectRequest.objects.get(pk=request.pk))
        wait_for(request, RequestStatus.AWAITING_REVIEW)
        note = {"outcome": "established", "note": "Checked against the identity document."}
        assert staff.post(reverse("answering:assess_identity", args=[request.public_id]), note).status_code == 302
        assert staff.post(reverse("answering:finish_review", args=[request.public_id])).status_code == 302
        wait_for(request, RequestStatus.AWAITING_APPROVAL)  # the access draft is built on the worker
        approve = reverse("answering:approve", args=[request.public_id])
        assert staff.post(approve, {"confirm": "on"}).status_code == 302
        wait_for(request, RequestStatus.COMPLETED)
    output = worker.log_path.read_text()
    assert "compliance.workflow" in output and "succeeded" in output, output[-2000:]
    problems = evidence.search(output, "worker output")
    assert not problems, "\n".join(problems)
