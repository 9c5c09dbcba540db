"""Staff actions taken while Redis is down: the package build and the erasure are sent after
commit through config.resilience.enqueue_on_commit, so the send fails fast without failing the
action, and the answering sweep starts the work once the broker is back."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from compliance.models import AccessPackageStatus, ErasureStatus, RequestStatus
from tests.dead_broker import dead_broker  # noqa: F401 - fixture

pytestmark = [pytest.mark.faces, pytest.mark.slow]


def test_a_package_build_lost_to_a_broker_outage_is_built_by_the_sweep(store, file_request, dead_broker):  # noqa: F811
    from compliance import answering_tasks
    from compliance.answering.services import answering_sweep

    dead_broker.route(answering_tasks, "answering_build_package")
    started = time.monotonic()
    request = file_request(request_type="access")  # matching runs; review_finish queues the build
    assert time.monotonic() - started < 60
    assert request.status == RequestStatus.AWAITING_REVIEW
    assert request.access_package.status == AccessPackageStatus.PENDING

    dead_broker.restore()
    assert answering_sweep(now=timezone.now()) == 0  # may still be on its way
    assert answering_sweep(now=timezone.now() + timedelta(minutes=20)) == 1
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
    from compliance import answering_tasks
    from compliance.answering.services import answer_approve, answering_sweep

    request = file_request(request_type="erasure", selfie="people/obama/obama2.jpg")
    assert request.status == RequestStatus.AWAITING_APPROVAL, request.last_error

    dead_broker.route(answering_tasks, "answering_execute_erasure")
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        answer_approve(request=request, user=staff_user)
    assert len(callbacks) == 1  # the send ran after commit, failed, and raised nothing
    assert time.monotonic() - started < 10
    request.refresh_from_db()
    assert request.erasure.status == ErasureStatus.PLANNED

    dead_broker.restore()
    with django_capture_on_commit_callbacks(execute=True):
        assert answering_sweep(now=timezone.now() + timedelta(minutes=5)) == 1
    request.refresh_from_db()
    assert request.erasure.status == ErasureStatus.DONE
    assert request.status == RequestStatus.COMPLETED
