"""Erasure (GDPR Art. 17) after staff confirmed its plan, its re-check, and the Art. 19 notices.

`erasure_confirm_plan` shows staff, before anything is deleted, what the confirmed matches mean
(photos to delete, photos to blur, with their thumbnails); approving an erasure records that
confirmation (compliance.workflow.approval).

`erasure_execute` (its task calls it) is crash-safe: the plan and the progress of every photo
are rows (ErasureAction, a write-ahead journal), and each step of biometrics.erasure moves one
row forward in the same transaction as the store change. A worker killed anywhere and the task
delivered again picks up from the rows:

1. claim the erasure (conditional update planned/running/failed -> running with a fresh token,
   core.jobs; only the run holding it records the end; one run at a time);
2. plan once (one transaction): the faces to erase are the confirmed matches that still exist;
   per photo, delete it when all its faces are the requester's, otherwise blur the requester's
   face and keep the photo; record the recipients to be told (Art. 19): every customer whose
   searches returned one of those faces;
3. run every action that is not done (each removal is logged in the same transaction, so every
   in-memory search index drops the face before it answers again);
4. re-check: search the store again with the selfies at the widest band (the matching's rule,
   compliance.workflow.matching.store_search_selfies); every face still found
   that staff did not reject counts. Not zero (e.g. a photo scraped after the matching): the
   faces become matches to decide, the erasure is marked "alert" and the request stays in
   erasing; once staff have decided, "run again" plans the faces that were added;
5. suppression (opt-in only, Art. 9(2)(a)): the selfie's encoding is kept as a SuppressionEntry
   so that ingestion refuses this face; without the consent nothing is kept;
6. the selfie is deleted, the earlier access answers of this person lose their photo copies,
   the erasure is marked done, and every recipient with an address gets its notice through the
   outbox (one email per recipient, written in the same transaction);
7. `erasure_try_finish`: once every notice is sent (or staff recorded how the recipient was
   told), the request moves erasing -> issuing and its final documents are issued. The sweep
   calls it again while notices are on their way.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime
from types import SimpleNamespace

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from biometrics import erasure as store_erasure
from biometrics.models import SearchResult, SuppressionEntry
from biometrics.services import suppression_entry_add
from compliance.models import (
    DataSubjectRequest,
    ErasureAction,
    ErasureActionKind,
    ErasureActionState,
    ErasureRecipient,
    ErasureRecord,
    ErasureStatus,
    MatchingRun,
    NotifiedHow,
    RequestMatch,
    RequestStatus,
    ReviewStatus,
)
from compliance.workflow import documents, lifecycle
from compliance.workflow.access import disclosed_matches
from compliance.workflow.matching import (
    MatchingError,
    match_rows,
    match_tolerances,
    selfie_faces,
    staff_note,
    store_search_selfies,
)
from core.audit import audit_record
from core.jobs import job_claim, job_fail, job_finish
from core.models import OutboxStatus
from core.outbox import outbox_add
from core.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

checkpoint = store_erasure.checkpoint
ERASURE_LOCK_NAMESPACE = 6017  # advisory-lock keys of erasures: 6017 * 10^9 + erasure id


def _erased_face_ids(request: DataSubjectRequest) -> list[int]:
    return sorted({m.face_id for m in disclosed_matches(request) if m.face_id is not None})


def erasure_plan(*, erasure: ErasureRecord) -> list[ErasureAction]:
    """Plan the approved faces that no action covers yet (see step 2) and return every action. A
    rerun after a crash finds them all covered and writes nothing; a run after the re-check added
    faces plans those (in photos no earlier action touched: a photo is handled once)."""
    with transaction.atomic():
        locked = ErasureRecord.objects.select_for_update().get(pk=erasure.pk)
        existing = list(locked.actions.all())
        covered_faces = {face for action in existing for face in action.face_refs}
        covered_photos = {action.photo_ref for action in existing}
        request = locked.request
        face_ids = [face for face in _erased_face_ids(request) if face not in covered_faces]
        plans = [plan for plan in store_erasure.plan_for_faces(face_ids) if plan.photo_id not in covered_photos]
        if existing and not plans:
            return existing
        actions = ErasureAction.objects.bulk_create(
            [
                ErasureAction(
                    erasure=locked,
                    kind=ErasureActionKind.DELETE_PHOTO if plan.delete_photo else ErasureActionKind.REDACT_PHOTO,
                    photo_ref=plan.photo_id,
                    photo_public_id=plan.photo_public_id,
                    face_refs=list(plan.face_ids),
                    faces_kept=plan.faces_kept,
                )
                for plan in plans
            ]
        )
        snapshot_refs = [m.face_id_snapshot for m in disclosed_matches(request)]
        results = SearchResult.objects.filter(face_ref__in=snapshot_refs).select_related("search__customer")
        by_customer: dict[int, dict] = {}
        for result in results:
            customer = result.search.customer
            entry = by_customer.setdefault(customer.pk, {"customer": customer, "faces": set(), "searches": set()})
            entry["faces"].add(result.face_ref)
            entry["searches"].add(result.search_id)
        ErasureRecipient.objects.bulk_create(
            [
                ErasureRecipient(
                    erasure=locked,
                    customer=entry["customer"],
                    customer_name=entry["customer"].name,
                    contact_email=entry["customer"].contact_email,
                    faces_count=len(entry["faces"]),
                    searches_count=len(entry["searches"]),
                )
                for entry in by_customer.values()
            ],
            ignore_conflicts=True,
        )
        audit_record(
            action="answering.erasure_planned",
            actor_label="worker",
            request=request,
            object_type="compliance.erasurerecord",
            object_id=locked.pk,
            details={
                "faces": len(face_ids),
                "files_to_delete": sum(1 for p in plans if p.delete_photo),
                "files_to_blur": sum(1 for p in plans if not p.delete_photo),
                "recipients": len(by_customer),
            },
        )
    checkpoint("erasure:planned")
    return existing + actions


def _journal(action: ErasureAction) -> SimpleNamespace:
    return SimpleNamespace(
        state=action.state,
        photo_ref=action.photo_ref,
        face_refs=list(action.face_refs),
        old_file_name=action.old_file_name,
        old_sha256=action.old_sha256,
        staged_file_name=action.staged_file_name,
        new_file_name=action.new_file_name,
        new_sha256=action.new_sha256,
    )


def _recorder(action: ErasureAction):
    def record(**fields) -> None:
        if fields.get("state") == ErasureActionState.DONE:
            fields.setdefault("done_at", timezone.now())
        ErasureAction.objects.filter(pk=action.pk).update(**fields)

    return record


def erasure_run_action(*, action: ErasureAction) -> str:
    """Run one photo's steps from its journal state."""
    if action.state == ErasureActionState.DONE:
        return action.state
    record = _recorder(action)
    if action.kind == ErasureActionKind.DELETE_PHOTO:
        try:
            return store_erasure.step_delete_photo(journal=_journal(action), record=record)
        except store_erasure.ErasureConflict:
            # A face that was not matched appeared in the photo after planning: keep the photo
            # and blur only the requester's face instead.
            ErasureAction.objects.filter(pk=action.pk).update(kind=ErasureActionKind.REDACT_PHOTO)
            action.refresh_from_db()
    return store_erasure.step_redact_photo(journal=_journal(action), record=record, action_key=f"action-{action.pk}")


def _recheck(*, erasure: ErasureRecord, request: DataSubjectRequest, encodings: list, now: datetime) -> int:
    run = MatchingRun.objects.filter(request=request).first()
    tolerance = run.possible_tolerance if run else None
    if tolerance is None:
        tolerance = match_tolerances()[1]
    found = store_search_selfies(encodings, tolerance=tolerance)
    rejected = set(
        request.matches.filter(review_status=ReviewStatus.REJECTED).values_list("face_id_snapshot", flat=True)
    )
    remaining = [m for m in found if m.face_id not in rejected]
    alert = ""
    if remaining and run is not None:
        RequestMatch.objects.bulk_create(match_rows(request=request, run=run, results=remaining), ignore_conflicts=True)
    if remaining:
        alert = (
            f"Re-check after erasure: {len(remaining)} face(s) within {tolerance} of the selfie are still in the "
            "store (not rejected by staff). The request stays open: they are listed for review; confirm or "
            "reject each, then run the erasure again."
        )
    ErasureRecord.objects.filter(pk=erasure.pk).update(
        recheck_matches=len(remaining),
        recheck_rejected_remaining=len(found) - len(remaining),
        recheck_tolerance=tolerance,
        recheck_at=now,
        alert=alert,
    )
    return len(remaining)


def _suppress(*, request: DataSubjectRequest, encoding, now: datetime) -> bool:
    """Opt-in only: keep the encoding solely to refuse this face at ingestion (Art. 9(2)(a))."""
    if not request.suppression_consent_at or request.suppression_withdrawn_at:
        return False
    if not SuppressionEntry.objects.filter(request_public_id=request.public_id).exists():
        suppression_entry_add(
            encoding=encoding, consented_at=request.suppression_consent_at, request_public_id=request.public_id, now=now
        )
    return True


@contextlib.contextmanager
def _exclusive(erasure_id: int):
    """One run of an erasure at a time. A task redelivered while the first delivery still runs
    (the broker's visibility timeout passed) must not execute the same journal steps at the same
    time. On PostgreSQL a session advisory lock keyed on the erasure: it is released when the run
    ends or when its worker dies (the connection closes). SQLite serialises writers anyway.
    Yields False when another run holds it."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = ERASURE_LOCK_NAMESPACE * 1_000_000_000 + erasure_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def erasure_preview(request: DataSubjectRequest) -> list[store_erasure.PhotoPlan]:
    """What approving this erasure would do, photo by photo, without doing it: the same planning
    as step 2, for the confirmation staff give before anything is deleted."""
    return store_erasure.plan_for_faces(_erased_face_ids(request))


def _notices_send(*, erasure: ErasureRecord, now: datetime) -> int:
    """Queue one Art. 19 notice per recipient with an address (step 6); in the caller's
    transaction. Returns how many were queued now."""
    queued = 0
    for recipient in erasure.recipients.filter(notice_email__isnull=True, notified_at__isnull=True).exclude(
        contact_email=""
    ):
        email = outbox_add(
            kind="erasure.art19_notice",
            recipient=recipient.contact_email,
            language="en",
            params={"recipient_id": recipient.pk},
            topic=str(erasure.request.public_id),
            dedupe_key=f"erasure-recipient:{recipient.pk}",
            now=now,
        )
        if email is not None:
            ErasureRecipient.objects.filter(pk=recipient.pk).update(notice_email=email)
            queued += 1
    return queued


def erasure_sync_notices(*, erasure: ErasureRecord) -> int:
    """Record as told every recipient whose notice email has been sent (its time of sending).
    Returns how many recipients are still not told."""
    for recipient in erasure.recipients.filter(
        notified_at__isnull=True, notice_email__status=OutboxStatus.SENT
    ).select_related("notice_email"):
        with transaction.atomic():
            if ErasureRecipient.objects.filter(pk=recipient.pk, notified_at__isnull=True).update(
                notified_at=recipient.notice_email.sent_at, notified_how=NotifiedHow.EMAIL
            ):
                audit_record(
                    action="answering.recipient_notified",
                    actor_label="worker",
                    request=erasure.request,
                    object_type="compliance.erasurerecipient",
                    object_id=recipient.pk,
                    details={"customer": recipient.customer_name, "how": NotifiedHow.EMAIL},
                )
    return erasure.recipients.filter(notified_at__isnull=True).count()


def erasure_mark_recipient_notified(
    *, recipient: ErasureRecipient, user, how: str, note: str, now: datetime | None = None
) -> bool:
    """Staff record that a recipient was told by other means, or that telling it proved
    impossible or would involve disproportionate effort (GDPR Art. 19), with a note."""
    now = now or timezone.now()
    note = (note or "").strip()
    if how not in (NotifiedHow.OTHER_MEANS, NotifiedHow.IMPOSSIBLE):
        raise ValidationError({"how": "Choose how the recipient was told."})
    if len(note) < 10:
        raise ValidationError({"note": "Say how (at least 10 characters)."})
    with transaction.atomic():
        marked = ErasureRecipient.objects.filter(pk=recipient.pk, notified_at__isnull=True).update(
            notified_at=now, notified_by=user, notified_how=how, notification_note=note
        )
        if marked:
            audit_record(
                action="answering.recipient_notified",
                actor=user,
                request=recipient.erasure.request,
                object_type="compliance.erasurerecipient",
                object_id=recipient.pk,
                details={"customer": recipient.customer_name, "how": how, "note": note},
            )
    if marked:
        erasure_try_finish(request=recipient.erasure.request)
    return bool(marked)


def erasure_try_finish(*, request: DataSubjectRequest, now: datetime | None = None) -> bool:
    """erasing -> issuing once the erasure is done and every recipient told (step 7); then the
    final documents are issued. False while something is still missing."""
    erasure = ErasureRecord.objects.filter(request=request).first()
    if erasure is None or erasure.status != ErasureStatus.DONE:
        return False
    erasure_sync_notices(erasure=erasure)
    request.refresh_from_db()
    if request.status != RequestStatus.ERASING or lifecycle.guard_problems(request, "finish_erasure"):
        return False
    with transaction.atomic():
        moved = lifecycle.request_finish_erasure(request=request, now=now)
        if moved:
            documents.documents_schedule(request=request)
    return moved


def erasure_execute(*, request_id: int, now: datetime | None = None) -> ErasureRecord | None:
    """Run (or resume) a confirmed erasure; see the module docstring."""
    erasure = ErasureRecord.objects.filter(request_id=request_id).first()
    if erasure is None:
        return None
    with _exclusive(erasure.pk) as acquired:
        if not acquired:
            return erasure  # another delivery of this task is running it
        _erasure_execute(erasure, now=now or timezone.now())
    request = DataSubjectRequest.objects.get(pk=request_id)
    erasure_try_finish(request=request)
    erasure.refresh_from_db()
    return erasure


def _run_actions(erasure: ErasureRecord) -> None:
    actions = erasure_plan(erasure=erasure)
    for action in sorted(actions, key=lambda a: a.photo_ref):
        action.refresh_from_db()
        erasure_run_action(action=action)
        checkpoint("erasure:action_done")
    done_actions = list(erasure.actions.all())
    ErasureRecord.objects.filter(pk=erasure.pk).update(
        faces_deleted=sum(len(a.face_refs) for a in done_actions),
        photos_deleted=sum(1 for a in done_actions if a.kind == ErasureActionKind.DELETE_PHOTO),
        photos_redacted=sum(1 for a in done_actions if a.kind == ErasureActionKind.REDACT_PHOTO),
    )


def _alert(erasure: ErasureRecord, token: str, request: DataSubjectRequest, remaining: int) -> None:
    with transaction.atomic():
        if job_finish(job=erasure, token=token, status=ErasureStatus.ALERT, finished_at=timezone.now()):
            erasure.refresh_from_db()
            audit_record(
                action="answering.erasure_alert",
                actor_label="worker",
                request=request,
                details={"remaining": remaining},
            )
            staff_note(request, erasure.alert)


def _done(erasure: ErasureRecord, token: str, request: DataSubjectRequest, *, kept: bool, now: datetime) -> None:
    """Step 6 after the suppression: selfie, earlier answers, done, notices."""
    lifecycle.request_purge_biometrics(request=request, now=now)
    checkpoint("erasure:selfie_purged")
    erased_faces = [ref for action in erasure.actions.all() for ref in action.face_refs]
    earlier = documents.documents_delete_for_faces(
        face_refs=erased_faces, exclude_request=request, reason=f"erasure {request.public_id}", now=now
    )
    with transaction.atomic():
        if job_finish(
            job=erasure,
            token=token,
            finished_at=timezone.now(),
            suppression_kept=kept,
            earlier_documents_deleted=earlier,
        ):
            erasure.refresh_from_db()
            audit_record(
                action="answering.erasure_done",
                actor_label="worker",
                request=request,
                object_type="compliance.erasurerecord",
                object_id=erasure.pk,
                details={
                    "faces_deleted": erasure.faces_deleted,
                    "photos_deleted": erasure.photos_deleted,
                    "blurred_in_place": erasure.photos_redacted,
                    # A count, not the hashes: the audit trail is kept for ever and must not
                    # link the person to the blocklist (compliance/retention.py unlinks the
                    # journal's hashes after the accountability period).
                    "files_blocklisted": sum(1 for a in erasure.actions.all() if a.old_sha256),
                    "recheck_matches": erasure.recheck_matches,
                    "suppression_kept": kept,
                    "earlier_documents_deleted": earlier,
                },
            )
            _notices_send(erasure=erasure, now=now)
    checkpoint("erasure:done")


def _only_the_end_left(erasure: ErasureRecord, request: DataSubjectRequest) -> bool:
    """This run's re-check found nothing and the selfie was then purged (step 6 began)."""
    return (
        erasure.recheck_at is not None
        and erasure.recheck_matches == 0
        and not request.selfie
        and request.biometrics_purged_at is not None
    )


def _suppression_kept(request: DataSubjectRequest) -> bool:
    return SuppressionEntry.objects.filter(request_public_id=request.public_id).exists()


def _erasure_execute(erasure: ErasureRecord, *, now: datetime) -> None:
    erasure = ErasureRecord.objects.select_related("request").get(pk=erasure.pk)
    token = job_claim(job_model=ErasureRecord, pk=erasure.pk, started_at=now)
    if token is None:
        return  # done, or alert: staff look first
    request = erasure.request
    try:
        _run_actions(erasure)
        if _only_the_end_left(erasure, request):
            # Killed after step 6 purged the selfie: the re-check found nothing and cannot run
            # again (no selfie), the suppression entry (if any) is kept; only the end is left.
            _done(erasure, token, request, kept=_suppression_kept(request), now=now)
            return
        faces = selfie_faces(request)
        remaining = _recheck(erasure=erasure, request=request, encodings=[f.encoding for f in faces], now=now)
        checkpoint("erasure:rechecked")
        if remaining:
            _alert(erasure, token, request, remaining)
            return
        # The first selfie's encoding, as before: one entry per requester.
        kept = _suppress(request=request, encoding=faces[0].encoding, now=now)
        _done(erasure, token, request, kept=kept, now=now)
    except MatchingError as error:
        job_fail(job=erasure, token=token, error=str(error))
    except OperationalError:
        raise
    except Exception as error:  # recorded for staff, who run it again (the journal resumes)
        logger.exception("erasure for request %s failed", request.public_id)
        job_fail(job=erasure, token=token, error=f"{type(error).__name__}: {error}")


def erasure_retry(*, request: DataSubjectRequest, user, confirmed: bool) -> bool:
    """Staff run a failed or alerted erasure again, after deciding the faces its re-check found
    and confirming the plan again. The journal makes it resume where it stopped."""
    if not confirmed:
        raise ValidationError({"confirm": "Confirm the erasure plan first."})
    with transaction.atomic():
        pending = request.matches.filter(review_status=ReviewStatus.PENDING, face__isnull=False).count()
        if pending:
            raise lifecycle.ActionNotAllowed(f"{pending} face(s) found at the re-check still need a decision.")
        moved = ErasureRecord.objects.filter(
            request=request, status__in=[ErasureStatus.FAILED, ErasureStatus.ALERT]
        ).update(status=ErasureStatus.PLANNED, alert="", last_error="", confirmed_by=user, confirmed_at=timezone.now())
        if moved:
            audit_record(action="answering.erasure_retried", actor=user, request=request)
            erasure_schedule(request=request)
    return bool(moved)


def erasure_schedule(*, request: DataSubjectRequest) -> None:
    enqueue_on_commit(erasure_task, request.pk)


@shared_task(
    name="compliance.workflow.erase",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=8,
)
def erasure_task(request_id: int) -> str | None:
    erasure = erasure_execute(request_id=request_id)
    return erasure.status if erasure else None
