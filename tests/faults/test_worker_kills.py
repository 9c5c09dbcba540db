"""A Celery worker killed with SIGKILL in the middle of ingestion (the Celery fan-out of
`ingest_photos`), matching (selfie search and the access package) and report generation; a new
worker gets the unacknowledged task again and the work completes exactly once: nothing stored
twice, nothing half-written, one audit record, no stray files.

Erasure has its own kill test at each of its checkpoints (tests/answering/test_worker.py). The tasks here
have no test hook, so the kill lands at states seen from outside: a task received but not
finished in the worker's log, together with a row's status or a file the task is writing.
Each test proves the redelivery: the new worker's log shows the killed task's id, and the row's
attempt counter says the task ran twice.
"""

import csv
import io
import os
import shutil
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import ROOT, controller_env, database_url_for_subprocess, require_or_skip
from tests.faults import stack
from tests.faults.conftest import (
    WORKER_ENV,
    kill_mid_task,
    private_files,
    replace_worker,
    store_shared_photos,
    wait_redelivered,
)

pytestmark = [pytest.mark.worker, pytest.mark.slow]

PREFIX = "https://scrape.example/faults"
INGEST_TASK = "biometrics.ingest_photo_file"
MATCH_TASK = "compliance.workflow.match"
PACKAGE_TASK = "compliance.workflow.build_access_draft"
REPORT_TASK = "reports.generate"


# --- ingestion --------------------------------------------------------------------------------


def _expected_faces(faces_dir: Path) -> dict[str, int]:
    with open(faces_dir / "manifest.csv", newline="") as handle:
        return {row["path"]: int(row["faces"]) for row in csv.DictReader(handle)}


def _photo_files(media_root: Path) -> set[str]:
    folder = media_root / "biometrics" / "photos"
    return {str(path.relative_to(media_root)) for path in folder.rglob("*") if path.is_file()}


@pytest.mark.faces
def test_ingestion_fan_out_survives_two_killed_workers(start_worker, faces_dir, media_root, tmp_path):
    """`ingest_photos --mode celery` runs as its own process and fans the photos out; the worker
    is SIGKILLed twice while analysing a photo (after 2 and after 8 photos are stored), and a
    third worker finishes. Every face of the manifest is stored once, every stored photo has its
    file, no file is orphaned, and the command reports no error."""
    from biometrics.models import Face, FaceChange, SourcePhoto
    from biometrics.services import TEMP_DIR, temp_files_cleanup

    expected = _expected_faces(faces_dir)
    producer_log = tmp_path / "ingest.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_subprocess(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
        "MEDIA_ROOT": str(media_root),
        **controller_env(),  # the system checks refuse to start without the controller's identity
    }
    worker = start_worker(queue="celery", extra_env=WORKER_ENV)
    with open(producer_log, "wb") as log:
        producer = subprocess.Popen(
            [sys.executable, "manage.py", "ingest_photos", str(faces_dir / "manifest.csv"), "--source-url-prefix",
             PREFIX, "--workers", "2", "--mode", "celery", "--no-progress"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            for stored_before_kill in (2, 8):
                held = kill_mid_task(
                    worker, INGEST_TASK, when=lambda n=stored_before_kill: SourcePhoto.objects.count() >= n
                )
                stored = SourcePhoto.objects.count()
                assert stored < len(expected), "the run finished before the kill"
                # What the killed worker left is whole: every stored photo has all its faces.
                for photo in SourcePhoto.objects.all():
                    assert photo.faces.count() == expected[photo.source_url.removeprefix(PREFIX + "/")]
                worker = replace_worker(start_worker, worker)
                wait_redelivered(worker, held, INGEST_TASK)
            producer.wait(timeout=600)
        finally:
            if producer.poll() is None:
                producer.kill()
    output = producer_log.read_text()
    assert producer.returncode == 0, output[-3000:]
    assert "error" not in output.lower().split("summary")[-1], output[-3000:]

    stored = {photo.source_url.removeprefix(PREFIX + "/"): photo for photo in SourcePhoto.objects.all()}
    assert set(stored) == set(expected)
    assert {path: photo.faces.count() for path, photo in stored.items()} == expected
    assert Face.objects.count() == sum(expected.values())
    assert FaceChange.objects.count() == Face.objects.count()  # each face logged once
    assert len({photo.sha256 for photo in stored.values()}) == len(stored)
    assert _photo_files(media_root) == {photo.image.name for photo in stored.values()}  # no orphan, none missing
    temp_files_cleanup()  # a killed worker's temp file (if the kill hit a write) is its to remove
    assert not list((media_root / TEMP_DIR).glob("*")) if (media_root / TEMP_DIR).exists() else True


# --- matching and the access package -----------------------------------------------------------


def _file_request(faces_dir: Path, email: str):
    """File and verify an access request with a shared photo; matching is queued on commit."""
    from django.db import transaction

    from compliance.workflow import intake, matching

    request, token = intake.request_submit(
        data={
            "request_type": "access",
            "name": "Barack Example",
            "email": email,
            "country": "NL",
            "language": "en",
            "selfie_consent": True,
        },
        selfie_file=(faces_dir / "people/obama/obama.jpg").read_bytes(),
        ip="198.51.100.7",
    )
    with transaction.atomic():
        request = intake.request_confirm_email(token=token)
        matching.matching_schedule(request=request)
    return request


def _status(model, **lookup):
    row = model.objects.filter(**lookup).first()
    return row.status if row else None


@pytest.mark.faces
def test_matching_and_package_survive_killed_workers(start_worker, faces_dir, shared_photos, media_root, staff_user):
    """Kill one worker while it searches the store for the selfie (the matching run is claimed);
    staff finish the review; kill the next worker while it builds the access draft (redacting
    photos, writing the ZIP and the letter preview); a third finishes. The answer is the one an
    uninterrupted run gives: the person's photos matched once each, one audit record and one
    staff note per step, one draft with its two files and no work folder of a killed run left
    behind."""
    from compliance.models import (
        AccessPackage,
        AccessPackageStatus,
        DataSubjectRequest,
        MatchingRun,
        MatchingStatus,
        RequestStatus,
    )
    from core.models import AuditEvent

    stored = store_shared_photos(shared_photos, PREFIX + "/")
    worker = start_worker(queue="celery", extra_env=WORKER_ENV)
    request = _file_request(faces_dir, "kill-matching@example.org")
    held = kill_mid_task(
        worker, MATCH_TASK, when=lambda: _status(MatchingRun, request=request) == MatchingStatus.RUNNING
    )
    run = MatchingRun.objects.get(request=request)
    assert (run.status, run.attempts) == (MatchingStatus.RUNNING, 1)

    request.refresh_from_db()
    assert request.status == RequestStatus.PROCESSING  # the killed worker did not finish

    worker = replace_worker(start_worker, worker)
    wait_redelivered(worker, held, MATCH_TASK)
    stack.wait_for(
        lambda: DataSubjectRequest.objects.get(pk=request.pk).status == RequestStatus.AWAITING_REVIEW,
        timeout=180,
        what="the redelivered search to finish",
        detail=lambda: stack.tail(worker.log_path),
    )
    # Staff decide every match and assess the identity; finishing the review queues the draft.
    from compliance.workflow import review
    from tests.workflow import assess_identity, decide_all

    request.refresh_from_db()
    decide_all(request, staff_user)
    assess_identity(request, staff_user)
    review.review_finish(request=request, user=staff_user)
    held = kill_mid_task(
        worker, PACKAGE_TASK, when=lambda: _status(AccessPackage, request=request) == AccessPackageStatus.BUILDING
    )
    assert AccessPackage.objects.get(request=request).attempts == 1
    request.refresh_from_db()
    assert request.status == RequestStatus.PREPARING  # the killed worker did not finish

    worker = replace_worker(start_worker, worker)
    wait_redelivered(worker, held, PACKAGE_TASK)
    stack.wait_for(
        lambda: DataSubjectRequest.objects.get(pk=request.pk).status == RequestStatus.AWAITING_APPROVAL,
        timeout=180,
        what="the answer to be ready for approval",
        detail=lambda: stack.tail(worker.log_path),
    )
    request.refresh_from_db()
    run = MatchingRun.objects.get(request=request)
    package = AccessPackage.objects.get(request=request)
    assert run.status == MatchingStatus.DONE
    assert package.status == AccessPackageStatus.READY
    assert (run.attempts, package.attempts) == (2, 2)  # claimed by a killed run and a redelivered one

    # The answer: exactly the person's photos, each face once.
    person = {path for path, photo in shared_photos.items() if "obama" in photo.people}
    matched = [stored[m.photo_id_snapshot] for m in request.matches.exclude(review_status="rejected")]
    assert sorted(matched) == sorted(person)
    faces = list(request.matches.values_list("face_id_snapshot", flat=True))
    assert len(faces) == len(set(faces)) == run.matches_found
    # Each step recorded once, however many times it ran.
    actions = list(AuditEvent.objects.filter(request_public_id=request.public_id).values_list("action", flat=True))
    for action in (
        "request.start_matching",
        "answering.matching_done",
        "request.finish_matching",
        "answering.package_built",
        "request.answer_prepared",
    ):
        assert actions.count(action) == 1, (action, actions)
    assert request.messages.filter(body__startswith="The store was searched").count() == 1
    # One draft: its two files and nothing else (no work folder of the killed run).
    package_root = Path(package.pdf.storage.path("requests/packages"))
    assert {p.name for p in private_files(package_root)} == {Path(package.pdf.name).name, Path(package.zip.name).name}
    with package.zip.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        images = [name for name in archive.namelist() if name.startswith("images/")]
        assert len(images) == len(person) and archive.testzip() is None
    with package.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


# --- report generation ---------------------------------------------------------------------------


@pytest.fixture
def many_cases(transactional_db):
    from enforcement.services.generate import cases_generate

    cases_generate(count=200, seed=8, prefix="kill")


def test_report_generation_survives_killed_workers(start_worker, many_cases, auditor_user, media_root):
    """An enforcement summary of 200 cases is a background report. Kill one worker as soon as it
    has claimed the job, and the next while weasyprint is writing the PDF (its temp file exists);
    a third finishes. The report is made once: done after three attempts, one file whose SHA-256
    is the recorded one, one audit record, and no temp file of a killed attempt left behind."""
    from core.models import AuditEvent
    from core.pdf import file_sha256
    from core.storage import private_storage
    from reports.models import GeneratedReport, ReportKind, ReportStatus, report_upload_to
    from reports.services import AUDIT_ACTION_GENERATED, report_request

    worker = start_worker(queue="celery", extra_env=WORKER_ENV)
    report = report_request(kind=ReportKind.ENFORCEMENT_SUMMARY, parameters={"query": ""}, user=auditor_user)
    folder = Path(private_storage().path(report_upload_to(report, "x.pdf"))).parent

    def claimed():
        return _status(GeneratedReport, pk=report.pk) == ReportStatus.RUNNING

    def writing():
        return claimed() and folder.is_dir() and any(folder.glob(f".{report.public_id}-*.part"))

    for attempt, kill_point in enumerate((claimed, writing), start=1):
        held = kill_mid_task(worker, REPORT_TASK, when=kill_point, timeout=240)
        report.refresh_from_db()
        assert (report.status, report.attempts, report.file.name) == (ReportStatus.RUNNING, attempt, "")
        worker = replace_worker(start_worker, worker)
        wait_redelivered(worker, held, REPORT_TASK)

    stack.wait_for(
        lambda: GeneratedReport.objects.get(pk=report.pk).is_finished,
        timeout=300,
        what="the redelivered report",
        detail=lambda: stack.tail(worker.log_path),
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.last_error
    assert report.attempts == 3
    events = AuditEvent.objects.filter(action=AUDIT_ACTION_GENERATED, object_id=str(report.public_id))
    assert events.count() == 1
    assert events.get().details["sha256"] == report.sha256 == file_sha256(report.file.path)
    assert [p.name for p in private_files(folder)] == [Path(report.file.name).name]


# --- RabbitMQ, the production broker (issue 12, item 7) ------------------------------------------


@pytest.fixture
def rabbitmq_url():
    """A virtual host of its own on this machine's RabbitMQ, deleted afterwards."""
    if not shutil.which("rabbitmqctl"):
        require_or_skip("REQUIRE_SERVICES", "RabbitMQ is not installed (apt-get install rabbitmq-server)")
    vhost = f"dpa-test-{uuid.uuid4().hex[:8]}"
    for command in (["add_vhost", vhost], ["set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"]):
        made = subprocess.run(["rabbitmqctl", "-q", *command], capture_output=True, text=True, timeout=60)
        if made.returncode != 0:
            require_or_skip("REQUIRE_SERVICES", f"RabbitMQ is not running: {made.stderr[-300:]}")
    yield f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
    subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], capture_output=True, timeout=60)


def test_with_rabbitmq_a_killed_workers_task_comes_back_at_once(
    start_worker, many_cases, auditor_user, media_root, rabbitmq_url
):
    """With Redis a killed worker's task comes back only after the visibility timeout (an hour by
    default; the other tests here shorten it and wait). With RabbitMQ, acks_late and
    reject_on_worker_lost, the broker requeues it the moment the dead worker's connection drops:
    the next worker gets it as soon as it starts, and the report is made once."""
    from core.models import AuditEvent
    from reports.models import GeneratedReport, ReportStatus
    from reports.services import AUDIT_ACTION_GENERATED

    amqp = {"CELERY_BROKER_URL": rabbitmq_url, "CELERY_RESULT_BACKEND": "rpc://"}
    worker = start_worker(queue="celery", extra_env=amqp)
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_subprocess(),
        "MEDIA_ROOT": str(media_root),
        **controller_env(),
        **amqp,
    }
    queued = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.contrib.auth import get_user_model\n"
         "from reports.models import ReportKind\n"
         "from reports.services import report_request\n"
         f"user = get_user_model().objects.get(pk={auditor_user.pk})\n"
         "report = report_request(kind=ReportKind.ENFORCEMENT_SUMMARY, parameters={'query': ''}, user=user)\n"
         "print('REPORT', report.pk)\n"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert queued.returncode == 0, queued.stderr[-2000:]
    report = GeneratedReport.objects.get(pk=int(queued.stdout.split("REPORT ")[1].split()[0]))

    held = kill_mid_task(
        worker, REPORT_TASK, when=lambda: _status(GeneratedReport, pk=report.pk) == ReportStatus.RUNNING
    )
    worker = start_worker(queue="celery", extra_env=amqp)  # at once: no visibility timeout to wait for
    stack.wait_for(
        lambda: held <= set(stack.tasks_received(worker.log_path, REPORT_TASK)),
        timeout=90,
        what="RabbitMQ to redeliver the killed worker's task",
        detail=lambda: stack.tail(worker.log_path),
    )
    stack.wait_for(
        lambda: GeneratedReport.objects.get(pk=report.pk).is_finished,
        timeout=300,
        what="the redelivered report",
        detail=lambda: stack.tail(worker.log_path),
    )
    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportStatus.DONE, 2), report.last_error
    assert AuditEvent.objects.filter(action=AUDIT_ACTION_GENERATED, object_id=str(report.public_id)).count() == 1
