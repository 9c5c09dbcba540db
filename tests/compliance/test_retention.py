"""No selfie, ID photo or encoding outlives its purpose.

The walk reads every column of every table in the database (not only the models we expect to
hold photos) and every file under MEDIA_ROOT, looking for the photo bytes, the photos' file
names, and the face encodings (as float64 or float32 bytes, or as a list of numbers in text)."""

import json
import os
from datetime import timedelta

import numpy as np
import pytest
from django.db import connection

from biometrics.faces import detect_faces
from biometrics.images import image_to_array, load_image_checked
from compliance import services
from compliance.models import DataSubjectRequest, IdentityCheck, PendingUpload, RequestStatus
from compliance.workflow import handling, intake, matching
from compliance.workflow.sweep import request_photos_delete_leftovers
from tests.workflow import to_status

pytestmark = [pytest.mark.django_db, pytest.mark.faces]


class Traces:
    """What must not remain of one request's photos."""

    def __init__(self):
        self.names: list[str] = []
        self.photo_chunks: list[bytes] = []
        self.encodings: list[np.ndarray] = []

    def add_photo(self, name: str, data: bytes):
        self.names.append(name)
        self.names.append(os.path.basename(name))
        # A slice from the middle of the JPEG: the header is common to many JPEGs.
        middle = len(data) // 2
        self.photo_chunks.append(data[middle : middle + 256])
        self.encodings.extend(face.encoding for face in detect_faces(image_to_array(load_image_checked(data))))

    def byte_patterns(self) -> list[bytes]:
        patterns = list(self.photo_chunks)
        for encoding in self.encodings:
            patterns.append(encoding.astype(np.float64).tobytes()[:64])
            patterns.append(encoding.astype(np.float32).tobytes()[:64])
            patterns.append(encoding.astype(">f4").tobytes()[:64])
        return patterns

    def number_list_matches(self, value) -> bool:
        if isinstance(value, dict):
            return any(self.number_list_matches(v) for v in value.values())
        if isinstance(value, list):
            if len(value) == 128 and all(isinstance(v, int | float) for v in value):
                vector = np.asarray(value, dtype=np.float64)
                return any(np.linalg.norm(vector - e) < 1e-3 for e in self.encodings)
            return any(self.number_list_matches(v) for v in value)
        return False

    def found_in_value(self, value) -> str | None:
        if value is None:
            return None
        if isinstance(value, memoryview):
            value = value.tobytes()
        if isinstance(value, bytes | bytearray):
            for pattern in self.byte_patterns():
                if pattern in value:
                    return "photo bytes or encoding bytes"
            return None
        if isinstance(value, str):
            for name in self.names:
                if name and name in value:
                    return f"file name {name}"
            if value[:1] in "[{":
                try:
                    if self.number_list_matches(json.loads(value)):
                        return "encoding as numbers"
                except ValueError:
                    pass
            return None
        if isinstance(value, dict | list):
            return "encoding as numbers" if self.number_list_matches(value) else self.found_in_value(json.dumps(value))
        return None


def walk_database(traces: Traces) -> list[str]:
    findings = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from introspection
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    found = traces.found_in_value(value)
                    if found:
                        findings.append(f"{table}.{column}: {found}")
    return findings


def walk_media(media_root, traces: Traces) -> list[str]:
    findings = []
    patterns = traces.byte_patterns()
    for path in media_root.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if any(p in data for p in patterns):
            findings.append(f"{path.relative_to(media_root)}: photo or encoding bytes")
        if any(name in str(path) for name in traces.names if "/" not in name):
            findings.append(f"{path.relative_to(media_root)}: photo file name")
    return findings


@pytest.fixture
def traced_request(submit, faces_dir, now):
    """A request with a real selfie and ID photo, plus a pending upload of the selfie (as the form
    keeps after a text error); returns (request, verification token, traces)."""
    selfie_bytes = (faces_dir / "people" / "obama" / "obama.jpg").read_bytes()
    id_bytes = (faces_dir / "people" / "obama" / "obama2.jpg").read_bytes()
    pending, _pending_token = services.pending_upload_create(content=selfie_bytes, original_name="me.jpg", now=now)
    traces = Traces()
    traces.add_photo(pending.file.name, selfie_bytes)

    # Keep the stored copies' names and bytes before the check deletes the ID photo.
    from compliance.storage import private_storage

    stored = {}
    original_delete = private_storage().delete

    def remember_then_delete(name):
        if os.path.exists(private_storage().path(name)):
            with open(private_storage().path(name), "rb") as handle:
                stored[name] = handle.read()
        original_delete(name)

    private_storage().delete = remember_then_delete
    try:
        request, token = submit(selfie=selfie_bytes, id_file=id_bytes)
    finally:
        del private_storage().delete
    request.refresh_from_db()
    assert request.identity_check == IdentityCheck.MATCHED  # the ID photo is already gone
    with request.selfie.open("rb") as handle:
        stored[request.selfie.name] = handle.read()
    for name, data in stored.items():
        traces.add_photo(name, data)
    traces.add_photo("obama2.jpg", id_bytes)
    assert len(traces.encodings) >= 4
    return request, token, traces


def test_the_walk_finds_a_photo_that_is_still_there(traced_request, media_root):
    """The detector itself must work, or the tests below prove nothing."""
    request, _token, traces = traced_request
    assert walk_database(traces)  # the selfie's file name is in the request row
    assert walk_media(media_root, traces)  # the selfie file is on disk


def test_nothing_remains_after_expiry(traced_request, media_root, now, django_capture_on_commit_callbacks):
    request, _token, traces = traced_request
    later = now + timedelta(days=7, hours=1)
    with django_capture_on_commit_callbacks(execute=True):  # the files go once the expiry commits
        assert intake.request_expire_unverified(now=later) == 1
    request_photos_delete_leftovers(now=later)
    request.refresh_from_db()
    assert request.status == RequestStatus.EXPIRED
    assert not PendingUpload.objects.exists()
    assert walk_database(traces) == []
    assert walk_media(media_root, traces) == []


def test_nothing_remains_after_completion(
    traced_request, media_root, now, staff_user, django_capture_on_commit_callbacks
):
    """The whole path: the real search (of an empty store) with the selfie, review, the draft,
    approval and the final documents."""
    request, token, traces = traced_request
    with django_capture_on_commit_callbacks(execute=True):
        request = intake.request_confirm_email(token=token, now=now)
        matching.matching_schedule(request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_REVIEW and request.matching_run.status == "done"
    request = to_status(
        request, RequestStatus.COMPLETED, staff=staff_user, capture=django_capture_on_commit_callbacks, now=now
    )
    request_photos_delete_leftovers(now=now + timedelta(hours=2))
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED and request.documents.count() == 2
    assert walk_database(traces) == []
    assert walk_media(media_root, traces) == []


@pytest.mark.parametrize("end", ["refuse", "withdraw"])
def test_nothing_remains_after_refusal_or_withdrawal(
    traced_request, media_root, now, staff_user, end, django_capture_on_commit_callbacks
):
    request, token, traces = traced_request
    request = intake.request_confirm_email(token=token, now=now)
    with django_capture_on_commit_callbacks(execute=True):
        if end == "refuse":
            handling.request_refuse(
                request=request, user=staff_user, basis="other", reason="Not our data at all.", now=now
            )
        else:
            handling.request_withdraw(request=request, now=now)
    request.refresh_from_db()
    assert request.status == (RequestStatus.REFUSED if end == "refuse" else RequestStatus.WITHDRAWN)
    request_photos_delete_leftovers(now=now + timedelta(hours=2))
    assert walk_database(traces) == []
    assert walk_media(media_root, traces) == []


# --- the safety net -------------------------------------------------------------------------------


def test_leftovers_purge_finished_requests_orphans_and_expired_uploads(submit, media_root, now, plain_photo):
    request, _token = submit()
    # A finished request that still points at its selfie (e.g. a crash between commit and delete);
    # a raw fixture, since every transition to a final state purges the selfie itself.
    DataSubjectRequest.objects.filter(pk=request.pk).update(status=RequestStatus.WITHDRAWN)
    orphan_dir = media_root / "private" / "requests" / "selfies"
    old_orphan = orphan_dir / "0123456789abcdef0123456789abcdef.jpg"
    old_orphan.write_bytes(plain_photo)
    old_time = (now - timedelta(hours=2)).timestamp()
    os.utime(old_orphan, (old_time, old_time))
    young_orphan = orphan_dir / "fedcba9876543210fedcba9876543210.jpg"
    young_orphan.write_bytes(plain_photo)
    os.utime(young_orphan, (now.timestamp(), now.timestamp()))
    expired_upload, _t = services.pending_upload_create(content=plain_photo, now=now - timedelta(hours=2))
    live_upload, live_token = services.pending_upload_create(content=plain_photo, now=now)

    counts = request_photos_delete_leftovers(now=now)
    assert counts["purged_requests"] == 1
    assert counts["pending_uploads"] == 1
    assert counts["orphan_files"] == 1
    request.refresh_from_db()
    assert not request.selfie
    assert not old_orphan.exists() and young_orphan.exists()
    assert not PendingUpload.objects.filter(pk=expired_upload.pk).exists()
    assert services.pending_upload_get(token=live_token, now=now) == live_upload
    assert (media_root / "private" / live_upload.file.name).exists()
    # and again: nothing more to do
    assert request_photos_delete_leftovers(now=now) == {
        "purged_requests": 0,
        "stale_identity_checks": 0,
        "pending_uploads": 0,
        "orphan_files": 0,
    }


def test_pending_upload_lives_one_hour_behind_a_hashed_token(db, now, plain_photo):
    upload, token = services.pending_upload_create(content=plain_photo, original_name="holiday.jpg", now=now)
    assert token not in upload.token_hash and len(token) >= 40
    assert services.pending_upload_read(upload=upload) == plain_photo
    assert services.pending_upload_get(token=token, now=now + timedelta(minutes=59)) == upload
    assert services.pending_upload_get(token=token, now=now + timedelta(minutes=61)) is None
    assert services.pending_upload_get(token="wrong", now=now) is None
    path = upload.file.path
    services.pending_upload_delete(upload=upload)
    assert not os.path.exists(path)


def test_private_storage_has_no_url(submit):
    request, _token = submit()
    with pytest.raises(ValueError):
        request.selfie.url  # noqa: B018
    assert "/private/" in request.selfie.path
