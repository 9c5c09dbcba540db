"""Staff actions taken while Redis is down: the draft build and the erasure are sent after commit
through core.queue.enqueue_on_commit, so the send fails fast without failing the action, and the
workflow sweep (compliance.workflow.sweep) starts the work once the broker is back."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from compliance.models import AccessPackage, AccessPackageStatus, ErasureStatus, RequestStatus
from compliance.workflow import access, approval, erasure, review
from compliance.workflow.sweep import workflow_sweep
from tests.dead_broker import dead_broker  # noqa: F401 - fixture
from tests.workflow import assess_identity, decide_all

pytestmark = [pytest.mark.faces, pytest.mark.slow]


def test_a_draft_build_lost_to_a_broker_outage_is_built_by_the_sweep(
    store,
    file_request,
    staff_user,
    dead_broker,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    request = file_request(request_type="access")
    assert request.status == RequestStatus.AWAITING_REVIEW
    decide_all(request, staff_user)
    assess_identity(request, staff_user)

    dead_broker.route(access, "package_task")
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert review.review_finish(request=request, user=staff_user)  # queues the build on commit
    assert len(callbacks) == 1  # the send ran after commit, failed, and raised nothing
    assert time.monotonic() - started < 10
    request.refresh_from_db()
    assert request.status == RequestStatus.PREPARING
    assert not AccessPackage.objects.filter(request=request, status=AccessPackageStatus.READY).exists()

    dead_broker.restore()
    assert workflow_sweep(now=timezone.now())["drafts"] == 0  # may still be on its way
    with django_capture_on_commit_callbacks(execute=True):
        assert workflow_sweep(now=timezone.now() + timedelta(minutes=20))["drafts"] == 1
    request.refresh_from_db()
    assert request.access_package.status == AccessPackageStatus.READY
    assert request.status == RequestStatus.AWAITING_APPROVAL


def test_an_erasure_approved_while_the_broker_is_down_is_run_by_the_sweep(
    store,
    file_request,
    staff_user,
    dead_broker,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    request = file_request(request_type="erasure", selfie="people/obama/obama2.jpg")
    decide_all(request, staff_user)
    assess_identity(request, staff_user)
    review.review_finish(request=request, user=staff_user)
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_APPROVAL

    dead_broker.route(erasure, "erasure_task")
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        approval.answer_approve(request=request, user=staff_user, confirm_erasure=True)
    assert len(callbacks) == 1  # the send ran after commit, failed, and raised nothing
    assert time.monotonic() - started < 10
    request.refresh_from_db()
    assert request.status == RequestStatus.ERASING
    assert request.erasure.status == ErasureStatus.PLANNED

    dead_broker.restore()
    with django_capture_on_commit_callbacks(execute=True):
        assert workflow_sweep(now=timezone.now() + timedelta(minutes=5))["erasures"] == 1
    request.refresh_from_db()
    assert request.erasure.status == ErasureStatus.DONE
    assert request.status == RequestStatus.COMPLETED
    assert request.documents.filter(kind="erasure_certificate").count() == 1
