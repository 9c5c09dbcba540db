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
    assert "compliance.tasks.expire_unverified_requests" in tasks
    assert "compliance.tasks.delete_leftover_photos" in tasks


def test_access_package_retention_is_scheduled():
    """answering_sweep deletes released packages past ANSWER_PACKAGE_RETENTION_DAYS (packages_expire)."""
    assert "compliance.answering_tasks.answering_sweep" in set(beat_tasks().values())


def _run_beat_task(name: str):
    from config.celery import app

    app.loader.import_default_modules()
    return app.tasks[name].apply().get()


def test_scheduled_tasks_expire_unverified_requests_and_delete_their_photos(submit_request, media_root):
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

    assert _run_beat_task("compliance.tasks.expire_unverified_requests") == 1
    _run_beat_task("compliance.tasks.delete_leftover_photos")

    old.refresh_from_db()
    young.refresh_from_db()
    assert old.status == RequestStatus.EXPIRED and not old.selfie and not os.path.exists(old_selfie)
    assert young.status == RequestStatus.AWAITING_EMAIL and young.selfie and os.path.exists(young.selfie.path)
    assert not os.path.exists(stale_path) and not PendingUpload.objects.filter(pk=stale_upload.pk).exists()
    assert os.path.exists(fresh_path) and PendingUpload.objects.filter(pk=fresh_upload.pk).exists()
    assert not orphan.exists()
    # Run again: nothing more to do, nothing young touched.
    assert _run_beat_task("compliance.tasks.expire_unverified_requests") == 0
    assert os.path.exists(young.selfie.path)


@pytest.fixture
def submit_request(db, django_capture_on_commit_callbacks):
    from compliance import services

    def submit(*, email: str):
        with django_capture_on_commit_callbacks(execute=True):
            return services.request_submit(
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


# --- the answer side: packages and the letters made from them -------------------------------------

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


def _package_image_chunks(package) -> list[bytes]:
    import io
    import zipfile

    with package.zip.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        images = [archive.read(name) for name in archive.namelist() if name.startswith("images/")]
    return [image[len(image) // 2 : len(image) // 2 + 200] for image in images]


@pytest.mark.faces
@pytest.mark.slow
def test_released_package_and_its_letter_are_deleted_after_retention(
    store, file_request, staff_user, client, settings, media_root, django_capture_on_commit_callbacks
):
    """The access package holds copies of the requester's photos; so does the access letter made
    from it (the PDF embeds the copies). Past the retention period the sweep deletes both."""
    from compliance.answering.services import answer_approve
    from config.models import ReportKind
    from config.report_services import letter_obtain

    settings.ANSWER_PACKAGE_RETENTION_DAYS = 30
    request = file_request(request_type="access")
    with django_capture_on_commit_callbacks(execute=True):
        answer_approve(request=request, user=staff_user)
    package = request.access_package
    package.refresh_from_db()
    chunks = _package_image_chunks(package)
    assert chunks
    letter = letter_obtain(dsr_public_id=str(request.public_id), kind=ReportKind.LETTER_ACCESS)
    holders = _files_containing(media_root, chunks)
    assert any(name.endswith(".zip") for name in holders), holders
    assert letter.file.name in " ".join(holders)  # the letter embeds the copies too
    # 31 days later, the scheduled sweep (not the service called directly) deletes them.
    from compliance.models import AccessPackage

    AccessPackage.objects.filter(pk=package.pk).update(released_at=timezone.now() - timedelta(days=31))
    _run_beat_task("compliance.answering_tasks.answering_sweep")  # scheduled: see the test above
    package.refresh_from_db()
    assert package.status == "expired" and not package.zip and not package.pdf
    remaining = _files_containing(media_root, chunks)
    assert remaining == [], remaining
