"""The safety net of the request workflow: work the database says is waiting but no worker has
picked up (a message lost while the broker was down, a worker killed past its message's
redelivery) is sent again. Every task is idempotent, so a message that was merely slow does no
harm. `workflow_sweep` is registered (ComplianceConfig.ready) as the "workflow" sweeper of
core.sweep, the one sweep beat runs for every app's lost work (emails are the outbox's sweeper).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from compliance.models import (
    AccessPackage,
    AccessPackageStatus,
    DataSubjectRequest,
    DocumentKind,
    ErasureRecord,
    ErasureStatus,
    IdentityCheck,
    MatchingStatus,
    RequestStatus,
)
from compliance.services.identity import request_check_identity
from compliance.services.retention import (
    HAS_PHOTO,
    ORPHAN_GRACE,
    pending_uploads_delete_expired,
    private_files_delete_orphans,
)
from compliance.workflow import access, documents, erasure, intake, matching
from compliance.workflow.extension_notice import extension_notices_flag_unsent
from compliance.workflow.lifecycle import request_purge_biometrics
from compliance.workflow.machine import FINAL_STATUSES
from core.queue import task_send

STALLED_AFTER = timedelta(minutes=15)
GRACE = timedelta(minutes=2)


def workflow_sweep(*, now: datetime | None = None, grace: timedelta = GRACE) -> dict[str, int]:
    """Send again every task that should have run by now; returns how many per kind."""
    now = now or timezone.now()
    sent = {"identity_checks": 0, "matching": 0, "drafts": 0, "erasures": 0, "documents": 0, "finished_erasures": 0}
    # Identity checks of an ID document photo (it is deleted as soon as the check is done).
    for pk in DataSubjectRequest.objects.filter(
        identity_check=IdentityCheck.PENDING, received_at__lte=now - STALLED_AFTER
    ).values_list("pk", flat=True):
        sent["identity_checks"] += task_send(intake.identity_check_task, pk)
    waiting = DataSubjectRequest.objects.filter(
        status__in=[RequestStatus.VERIFIED, RequestStatus.PROCESSING], email_verified_at__lte=now - grace
    ).exclude(matching_run__status__in=[MatchingStatus.DONE, MatchingStatus.FAILED])
    for pk in waiting.values_list("pk", flat=True):
        sent["matching"] += task_send(matching.matching_task, pk)
    # A run that finished but whose request did not move on (killed between the two).
    for pk in DataSubjectRequest.objects.filter(
        status=RequestStatus.PROCESSING, matching_run__status=MatchingStatus.DONE
    ).values_list("pk", flat=True):
        sent["matching"] += task_send(matching.matching_task, pk)
    unbuilt = AccessPackage.objects.filter(
        Q(status__in=[AccessPackageStatus.PENDING, AccessPackageStatus.DISCARDED], created_at__lte=now - grace)
        | Q(status=AccessPackageStatus.BUILDING, created_at__lte=now - STALLED_AFTER)
        | Q(status=AccessPackageStatus.READY),
        request__status=RequestStatus.PREPARING,
    )
    prepared_without_draft = DataSubjectRequest.objects.filter(
        status=RequestStatus.PREPARING, access_package__isnull=True, updated__lte=now - grace
    )
    for pk in {*unbuilt.values_list("request_id", flat=True), *prepared_without_draft.values_list("pk", flat=True)}:
        sent["drafts"] += task_send(access.package_task, pk)
    stalled = ErasureRecord.objects.filter(
        Q(status=ErasureStatus.PLANNED, confirmed_at__lte=now - grace)
        | Q(status=ErasureStatus.RUNNING, started_at__lte=now - STALLED_AFTER),
        request__status=RequestStatus.ERASING,
    )
    for pk in stalled.values_list("request_id", flat=True):
        sent["erasures"] += task_send(erasure.erasure_task, pk)
    for request in DataSubjectRequest.objects.filter(status=RequestStatus.ERASING, erasure__status=ErasureStatus.DONE):
        sent["finished_erasures"] += erasure.erasure_try_finish(request=request, now=now)
    unissued = DataSubjectRequest.objects.filter(
        Q(status=RequestStatus.ISSUING)
        | (Q(status=RequestStatus.REFUSED) & ~Q(documents__kind=DocumentKind.REFUSAL_LETTER)),
        facts_final_at__lte=now - grace,
    )
    for pk in unissued.values_list("pk", flat=True).distinct():
        sent["documents"] += task_send(documents.documents_task, pk)
    documents.documents_expire(now=now)
    sent["extension_notices_late"] = extension_notices_flag_unsent(now=now)
    return sent


def request_photos_delete_leftovers(*, now: datetime | None = None) -> dict[str, int]:
    """The beat safety net (see module docstring); returns counts per kind of leftover."""
    now = now or timezone.now()
    purged = 0
    finished = DataSubjectRequest.objects.filter(HAS_PHOTO, status__in=FINAL_STATUSES)
    for request in finished.iterator():
        if request_purge_biometrics(request=request, now=now):
            purged += 1
    # An ID photo waiting more than an hour for its check: the task was lost; run the check now
    # (it deletes the photo whatever the outcome).
    stale_checks = 0
    stale = DataSubjectRequest.objects.filter(identity_check=IdentityCheck.PENDING, received_at__lte=now - ORPHAN_GRACE)
    for request in stale.iterator():
        request_check_identity(request=request, now=now)
        stale_checks += 1
    with transaction.atomic():
        pending = pending_uploads_delete_expired(now=now)
    orphans = private_files_delete_orphans(now=now)
    return {
        "purged_requests": purged,
        "stale_identity_checks": stale_checks,
        "pending_uploads": pending,
        "orphan_files": orphans,
    }


@shared_task(name="compliance.workflow.delete_leftover_photos")
def leftovers_task() -> dict[str, int]:
    return request_photos_delete_leftovers()
