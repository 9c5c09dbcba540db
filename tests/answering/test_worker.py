"""The same flows against PostgreSQL, Redis and real Celery worker processes, including a
worker killed with SIGKILL in the middle of an erasure (several kill points) and the task
redelivered to a fresh worker.

Redelivery: tasks are acks_late with reject_on_worker_lost; a message whose worker died stays
unacknowledged in Redis and is handed out again after the visibility timeout, which the workers
here get as 5 seconds (CELERY_VISIBILITY_TIMEOUT) so the test does not wait an hour. Kombu
restores such messages at a consuming worker's start and then only about every 100 s (its
restore sweep: every 10 s, scanning on every 10th call), so the next worker is started once the
killed worker's message is older than the timeout: its startup sweep gives the task out at once
(as tests/faults/conftest.py replace_worker does).
"""

import time
from pathlib import Path

import pytest
from django.urls import reverse

from compliance.models import DocumentKind, ErasureStatus, RequestStatus
from compliance.services.tokens import status_token_for
from compliance.workflow import approval, review
from tests.answering import checks
from tests.answering.conftest import person_paths
from tests.workflow import assess_identity, decide_all

pytestmark = [pytest.mark.worker, pytest.mark.faces, pytest.mark.slow]

VISIBILITY = "5"


def wait_until(predicate, *, timeout: float, what: str, worker=None):
    """Poll another process's progress (the database, a file); never a fixed sleep."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    log = worker.log_path.read_text()[-3000:] if worker else ""
    raise AssertionError(f"timed out waiting for {what}\n{log}")


def status_of(request):
    request.refresh_from_db()
    return request.status


def finish_review(request, staff):
    """Staff decide every match and assess the identity (the worker builds an access draft)."""
    decide_all(request, staff)
    assess_identity(request, staff)
    review.review_finish(request=request, user=staff)


def test_access_and_erasure_with_a_real_worker(
    start_worker, faces_dir, manifest, detections, analyses, staff_user, media_root, client
):
    from tests.answering.conftest import ingest_shared_photos

    store = ingest_shared_photos(faces_dir, manifest, analyses)
    worker = start_worker(queue="celery", extra_env={"CELERY_VISIBILITY_TIMEOUT": VISIBILITY})
    selfie_encoding = detections["people/obama/obama.jpg"][1][0].encoding
    request = _file(faces_dir, "access", "w1@example.org")
    wait_until(lambda: status_of(request) == RequestStatus.AWAITING_REVIEW, timeout=120, what="matching", worker=worker)
    finish_review(request, staff_user)
    wait_until(
        lambda: status_of(request) == RequestStatus.AWAITING_APPROVAL,
        timeout=120,
        what="the access draft on the worker",
        worker=worker,
    )
    request.refresh_from_db()
    checks.check_access_package(
        request=request,
        store_ids=store,
        manifest=manifest,
        faces_dir=faces_dir,
        detections=detections,
        selfie_encoding=selfie_encoding,
    )
    approval.answer_approve(request=request, user=staff_user)
    wait_until(
        lambda: status_of(request) == RequestStatus.COMPLETED,
        timeout=120,
        what="the final documents on the worker",
        worker=worker,
    )
    opened = client.post(reverse("compliance:status_open"), {"token": status_token_for(request)})
    page = client.get(opened["Location"]).content.decode()
    prefix = f"/requests/status/{request.public_id}/documents/"
    links = [part.split('"')[0] for part in page.split('href="')[1:] if part.startswith(prefix)]
    assert [client.get(link).status_code for link in links] == [200, 200]

    before = checks.store_snapshot()
    erasure_request = _file(faces_dir, "erasure", "w2@example.org")
    wait_until(
        lambda: status_of(erasure_request) == RequestStatus.AWAITING_REVIEW,
        timeout=120,
        what="matching on the worker",
        worker=worker,
    )
    finish_review(erasure_request, staff_user)
    assert status_of(erasure_request) == RequestStatus.AWAITING_APPROVAL
    approval.answer_approve(request=erasure_request, user=staff_user, confirm_erasure=True)
    wait_until(
        lambda: status_of(erasure_request) == RequestStatus.COMPLETED,
        timeout=120,
        what="erasure on the worker",
        worker=worker,
    )
    assert erasure_request.erasure.status == ErasureStatus.DONE
    assert erasure_request.erasure.faces_deleted == len(person_paths(manifest, "obama"))
    assert erasure_request.documents.filter(kind=DocumentKind.ERASURE_CERTIFICATE).count() == 1
    checks.check_erasure(
        before=before,
        after=checks.store_snapshot(),
        store_ids=store,
        manifest=manifest,
        person="obama",
        detections=detections,
        selfie_encoding=selfie_encoding,
        media_root=media_root,
    )


def _file(faces_dir: Path, request_type: str, email: str, selfie: str = "people/obama/obama.jpg"):
    from django.db import transaction

    from compliance.workflow import intake, matching

    request, token = intake.request_submit(
        data={
            "request_type": request_type,
            "name": "Barack Example",
            "email": email,
            "country": "NL",
            "language": "en",
            "selfie_consent": True,
        },
        selfie_file=(faces_dir / selfie).read_bytes(),
        ip="198.51.100.7",
    )
    with transaction.atomic():
        request = intake.request_confirm_email(token=token)
        matching.matching_schedule(request=request)
    return request


KILL_POINTS = [
    "erasure:planned",
    "redact:file_staged",
    "redact:staged",
    "redact:file_moved",
    "redact:db_done",
    "delete:db_done",
    "erasure:rechecked",
    # The certificate is issued after the erasure (compliance.workflow.documents); the erasure's
    # own last steps are the selfie's purge and its end.
    "erasure:selfie_purged",
    "erasure:done",
]


@pytest.mark.parametrize("kill_at", KILL_POINTS)
def test_worker_killed_mid_erasure_and_the_retry_completes_it(
    kill_at, start_worker, faces_dir, manifest, detections, analyses, staff_user, media_root, tmp_path
):
    """SIGKILL the worker when the erasure reaches `kill_at` (biometrics.erasure's test hook
    blocks there), start a new worker, and the redelivered task finishes the erasure: the person
    is gone, everyone else is untouched, no file is orphaned and nothing is done twice."""
    from core.models import AuditEvent
    from tests.answering.conftest import ingest_shared_photos

    store = ingest_shared_photos(faces_dir, manifest, analyses)
    selfie_encoding = detections["people/obama/obama.jpg"][1][0].encoding
    hook = tmp_path / "hook"
    hook.mkdir()
    env = {"CELERY_VISIBILITY_TIMEOUT": VISIBILITY, "DPA_ERASURE_HOOK_DIR": str(hook)}
    first = start_worker(queue="celery", extra_env={**env, "DPA_ERASURE_STOP_AT": kill_at})
    request = _file(faces_dir, "erasure", f"kill-{kill_at.replace(':', '-')}@example.org")
    wait_until(lambda: status_of(request) == RequestStatus.AWAITING_REVIEW, timeout=120, what="matching", worker=first)
    finish_review(request, staff_user)
    before = checks.store_snapshot()
    approval.answer_approve(request=request, user=staff_user, confirm_erasure=True)
    checkpoints = hook / "checkpoints"
    wait_until(
        lambda: checkpoints.exists() and kill_at in checkpoints.read_text().split(),
        timeout=120,
        what=f"the erasure to reach {kill_at}",
        worker=first,
    )
    first.kill()
    killed_at = time.monotonic()
    request.refresh_from_db()
    assert request.status == RequestStatus.ERASING  # not finished by the killed worker
    assert not request.documents.exists()

    time.sleep(max(0.0, killed_at + float(VISIBILITY) + 0.5 - time.monotonic()))
    second = start_worker(queue="celery", extra_env=env)
    wait_until(
        lambda: status_of(request) == RequestStatus.COMPLETED,
        timeout=180,
        what="the redelivered erasure to complete",
        worker=second,
    )
    erasure = request.erasure
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.DONE
    # Killed after the erasure recorded its end, the redelivered task only finishes the request.
    assert erasure.attempts >= (1 if kill_at == "erasure:done" else 2)
    assert all(action.state == "done" for action in erasure.actions.all())
    assert erasure.faces_deleted == len(person_paths(manifest, "obama"))
    checks.check_erasure(
        before=before,
        after=checks.store_snapshot(),
        store_ids=store,
        manifest=manifest,
        person="obama",
        detections=detections,
        selfie_encoding=selfie_encoding,
        media_root=media_root,
    )
    assert not list(Path(media_root).glob("**/*.part"))
    done = AuditEvent.objects.filter(request_public_id=request.public_id, action="answering.erasure_done")
    assert done.count() == 1
    assert not request.selfie
    assert request.documents.filter(kind=DocumentKind.ERASURE_CERTIFICATE).count() == 1
