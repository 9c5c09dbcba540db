"""Retention (issue 8: "a retention job deletes what has outlived its purpose, and a test proves
it"), from the beat schedule down: every retention job is scheduled, every scheduled name is a
registered task, and running the scheduled tasks (not the services behind them) deletes what is
past its time and nothing younger.

tests/compliance/test_retention.py walks the database and media folder after expiry and
completion through the services; this adds the scheduling, the tasks, and the answer side
(released access packages and the letters made from them).
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from compliance.models import DataSubjectRequest, PendingUpload, RequestStatus
from tests.security.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db


def beat_tasks() -> dict[str, str]:
    return {name: entry["task"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}


def test_every_beat_entry_names_a_registered_task():
    """A typo in a beat entry would make a retention job silently never run."""
    from config.celery import app

    app.loader.import_default_modules()
    missing = {name: task for name, task in beat_tasks().items() if task not in app.tasks}
    assert not missing, missing


def test_request_retention_jobs_are_scheduled():
    tasks = set(beat_tasks().values())
    assert "compliance.workflow.expire_unverified" in tasks
    assert "compliance.workflow.delete_leftover_photos" in tasks


def test_access_answer_retention_is_scheduled():
    """The workflow sweeper deletes the files of access answers issued more than
    ANSWER_PACKAGE_RETENTION_DAYS ago (compliance.workflow.documents.documents_expire); the one
    sweep (core.sweep) on the beat schedule runs it."""
    from compliance.workflow.sweep import workflow_sweep
    from core.sweep import sweepers

    assert "core.sweep" in set(beat_tasks().values())
    assert sweepers()["workflow"] is workflow_sweep


def _run_beat_task(name: str):
    from config.celery import app

    app.loader.import_default_modules()
    return app.tasks[name].apply().get()


def test_scheduled_tasks_expire_unverified_requests_and_delete_their_photos(
    submit_request, media_root, django_capture_on_commit_callbacks
):
    """A request never verified for 7 days expires; its selfie, its pending uploads and orphan
    files go; a fresh request and a fresh pending upload stay."""
    old, _token = submit_request(email="old@example.org")
    young, _token = submit_request(email="young@example.org")
    eight_days_ago = timezone.now() - timedelta(days=8)
    DataSubjectRequest.objects.filter(pk=old.pk).update(received_at=eight_days_ago)
    from compliance.models import EmailVerification

    EmailVerification.objects.filter(request=old).update(
        created_at=eight_days_ago, expires_at=eight_days_ago + timedelta(days=7)
    )
    old_selfie = old.selfie.path
    from compliance import services

    stale_upload, _t = services.pending_upload_create(content=jpeg_bytes(), now=timezone.now() - timedelta(hours=2))
    fresh_upload, _t = services.pending_upload_create(content=jpeg_bytes())
    stale_path, fresh_path = stale_upload.file.path, fresh_upload.file.path
    orphan = media_root / "private" / "requests" / "selfies" / ("f" * 32 + ".jpg")
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(jpeg_bytes())
    two_hours_ago = (timezone.now() - timedelta(hours=2)).timestamp()
    os.utime(orphan, (two_hours_ago, two_hours_ago))

    # The expiry's transaction commits before its files are deleted (as it does on a worker).
    with django_capture_on_commit_callbacks(execute=True):
        assert _run_beat_task("compliance.workflow.expire_unverified") == 1
    _run_beat_task("compliance.workflow.delete_leftover_photos")

    old.refresh_from_db()
    young.refresh_from_db()
    assert old.status == RequestStatus.EXPIRED and not old.selfie and not os.path.exists(old_selfie)
    assert young.status == RequestStatus.AWAITING_EMAIL and young.selfie and os.path.exists(young.selfie.path)
    assert not os.path.exists(stale_path) and not PendingUpload.objects.filter(pk=stale_upload.pk).exists()
    assert os.path.exists(fresh_path) and PendingUpload.objects.filter(pk=fresh_upload.pk).exists()
    assert not orphan.exists()
    # Run again: nothing more to do, nothing young touched.
    assert _run_beat_task("compliance.workflow.expire_unverified") == 0
    assert os.path.exists(young.selfie.path)


@pytest.fixture
def submit_request(db, django_capture_on_commit_callbacks):
    from compliance.workflow import intake

    def submit(*, email: str):
        with django_capture_on_commit_callbacks(execute=True):
            return intake.request_submit(
                data={
                    "request_type": "access",
                    "name": "Retention Test",
                    "email": email,
                    "country": "NL",
                    "language": "en",
                    "selfie_consent": True,
                },
                selfie_file=jpeg_bytes(),
                ip="203.0.113.50",
            )

    return submit


# --- the answer side: the issued access answer (letter and data) -------------------------------------

# The answering tests' fixtures (the shared photos ingested, a request filed with a selfie).
import tests.answering.conftest as answering_fixtures  # noqa: E402

for _name in ("manifest", "analyses", "detections", "store", "file_request"):
    if hasattr(answering_fixtures, _name):
        globals()[_name] = getattr(answering_fixtures, _name)


def _files_containing(root, needles: list[bytes]) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if any(needle in data for needle in needles):
                found.append(str(path.relative_to(root)))
    return found


def _zip_image_chunks(field_file) -> list[bytes]:
    import io
    import zipfile

    with field_file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        images = [archive.read(name) for name in archive.namelist() if name.startswith("images/")]
    return [image[len(image) // 2 : len(image) // 2 + 200] for image in images]


@pytest.mark.faces
@pytest.mark.slow
def test_issued_access_answer_is_deleted_after_retention(
    store, file_request, staff_user, settings, media_root, django_capture_on_commit_callbacks
):
    """The access answer holds copies of the requester's photos: the machine-readable data (ZIP)
    and the letter (the PDF embeds the copies). The draft goes when they are issued; past the
    retention period the scheduled sweep deletes both files (rows and hashes stay)."""
    from compliance.models import DocumentKind, RequestDocument
    from compliance.workflow import approval, review
    from tests.workflow import assess_identity, decide_all

    settings.ANSWER_PACKAGE_RETENTION_DAYS = 30
    request = file_request(request_type="access")
    decide_all(request, staff_user)
    assess_identity(request, staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        review.review_finish(request=request, user=staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        approval.answer_approve(request=request, user=staff_user)
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    data = request.documents.get(kind=DocumentKind.ACCESS_DATA)
    letter = request.documents.get(kind=DocumentKind.ACCESS_LETTER)
    chunks = _zip_image_chunks(data.file)
    assert chunks
    holders = _files_containing(media_root, chunks)
    # Only the issued documents hold them (the draft was deleted when they were issued).
    assert sorted(holders) == sorted(f"private/{d.file.name}" for d in (data, letter)), holders
    # 31 days later, the scheduled sweep (not the service called directly) deletes them.
    RequestDocument.objects.filter(request=request).update(issued_at=timezone.now() - timedelta(days=31))
    _run_beat_task("core.sweep")  # scheduled: see the test above
    for document in (data, letter):
        document.refresh_from_db()
        assert not document.available and document.sha256 and document.file_deleted_reason
    remaining = _files_containing(media_root, chunks)
    assert remaining == [], remaining
