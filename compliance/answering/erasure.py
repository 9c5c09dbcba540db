"""Erasure (GDPR Art. 17) after staff approval, its re-check and its certificate.

`erasure_execute` (the Celery task `answering_execute_erasure` calls it) is crash-safe: the
plan and the progress of every photo are rows (ErasureAction, a write-ahead journal), and each
step of biometrics.erasure moves one row forward in the same transaction as the store change.
A worker killed anywhere and the task delivered again picks up from the rows:

1. claim the erasure (conditional update planned/running -> running);
2. plan once (one transaction): the faces to erase are the matches staff approved (confident
   not rejected, possible confirmed) that still exist; per photo, delete it when all its faces
   are the requester's, otherwise blur the requester's face and keep the photo; record the
   recipients to be told (Art. 19): every customer whose searches returned one of those faces;
3. run every action that is not done (biometrics.erasure; each removal is logged as a
   FaceChange in the same transaction, so every in-memory search index drops the face);
4. re-check: search the store again with the selfie at the widest band; every face still found
   that staff did not reject as someone else's counts. Not zero (e.g. a photo of the person was
   scraped after the matching): the faces become matches of the request (confident ones
   confirmed, possible ones awaiting a decision), the erasure is marked "alert", staff get a
   note and the request stays open; once they have decided, "run again" plans the faces that
   were added (step 2 plans every approved face that no action covers yet);
5. suppression (opt-in only, Art. 9(2)(a)): with the separate consent, the selfie's encoding is
   kept as a SuppressionEntry so that ingestion refuses this face; without it nothing is kept;
6. the erasure certificate (PDF, no biometric data) is made and the erasure marked done with
   the audit record;
7. the recipients with a contact address are told by email and marked notified (at least once:
   a crash between sending and marking sends the notice again rather than never);
8. the request is approved and completed by the core service, which deletes the selfie.
"""

from __future__ import annotations

import contextlib
import logging
import os
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.mail import send_mail
from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone, translation

from biometrics import erasure as store_erasure
from biometrics.models import SearchResult, SuppressionEntry
from compliance.answering.access import disclosed_matches
from compliance.answering.matching import MatchingError, match_rows, selfie_face, store_search
from compliance.answering.texts import language_of
from compliance.audit import audit_record
from compliance.models import (
    DataSubjectRequest,
    ErasureAction,
    ErasureActionKind,
    ErasureActionState,
    ErasureRecipient,
    ErasureRecord,
    ErasureStatus,
    MatchingRun,
    RequestMatch,
    RequestStatus,
    ReviewStatus,
)
from compliance.storage import private_storage
from config.pdf import ARCHIVAL_VARIANT, render_pdf

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


def _recheck(*, erasure: ErasureRecord, request: DataSubjectRequest, encoding, now: datetime) -> int:
    run = MatchingRun.objects.filter(request=request).first()
    tolerance = run.possible_tolerance if run else None
    if tolerance is None:
        from compliance.answering.matching import match_tolerances

        tolerance = match_tolerances()[1]
    found = store_search(encoding, tolerance=tolerance)
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


def _certificate(*, erasure: ErasureRecord, request: DataSubjectRequest, now: datetime) -> None:
    """Render the certificate to the private storage (temp file then rename, config.pdf)."""
    if erasure.certificate_sha256:
        return
    lang = language_of(request.language)
    try:
        # The reports' builder refuses until the erasure is done, and the certificate is made just
        # before that, so its context is built directly.
        from compliance.reports.letters import SUBJECTS, erasure_certificate_context
        from compliance.reports.texts import text_for

        context = erasure_certificate_context(request)
        template = f"reports/letters/{context['lang']}/erasure_certificate.html"
        get_template(template)
        subject = SUBJECTS["erasure_certificate"].get(context["lang"]) or SUBJECTS["erasure_certificate"]["en"]
        labels = text_for(context["lang"])
    except (ImportError, TemplateDoesNotExist, KeyError):
        template, subject, labels = "compliance/answering/erasure_certificate.pdf.html", "Certificate of erasure", {}
        context = {
            "erasure": erasure,
            "dsr": request,
            "actions": list(erasure.actions.all()),
            "recipients": list(erasure.recipients.all()),
            "lang": lang,
        }
    context.update(
        subject=subject,
        report_meta={
            "id": str(request.public_id),
            "kind": "erasure_certificate",
            "title": subject,
            "generated_at": now,
            "generated_by": "system",
            "filter_text": str(request.public_id),
            "filter_short": str(request.public_id),
            "pdf_variant": ARCHIVAL_VARIANT,
            "labels": labels,
        },
    )
    name = erasure.certificate.field.generate_filename(erasure, "certificate.pdf")
    target = Path(private_storage().path(name))
    with translation.override(lang):
        rendered = render_pdf(template=template, context=context, target=target, pdf_variant=ARCHIVAL_VARIANT)
    stored = ErasureRecord.objects.filter(pk=erasure.pk, certificate_sha256="").update(
        certificate=name, certificate_sha256=rendered.sha256
    )
    if not stored:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(target)
    checkpoint("erasure:certificate")


def _suppress(*, request: DataSubjectRequest, encoding, now: datetime) -> bool:
    """Opt-in only: keep the encoding solely to refuse this face at ingestion (Art. 9(2)(a))."""
    from biometrics.services import suppression_entry_add

    if not request.suppression_consent_at:
        return False
    if not SuppressionEntry.objects.filter(request_public_id=request.public_id).exists():
        suppression_entry_add(
            encoding=encoding, consented_at=request.suppression_consent_at, request_public_id=request.public_id, now=now
        )
    return True


def erasure_notify_recipients(*, erasure: ErasureRecord, user=None, now: datetime | None = None) -> int:
    """Tell each recipient with an address that faces it received were erased (GDPR Art. 19).
    Returns how many were notified now. Recipients without an address are marked by staff."""
    now = now or timezone.now()
    notified = 0
    for recipient in erasure.recipients.filter(notified_at__isnull=True).exclude(contact_email=""):
        send_mail(
            subject="Erasure notice under GDPR Art. 19",
            message=(
                f"Dear {recipient.customer_name},\n\n"
                f"Under GDPR Art. 17 we have erased the personal data of a data subject (our reference "
                f"{erasure.request.public_id}). {recipient.faces_count} face(s) returned to you in "
                f"{recipient.searches_count} search(es) are concerned. Under Art. 19 we ask you to erase any "
                "copy of those search results you hold.\n"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[recipient.contact_email],
        )
        with transaction.atomic():
            if ErasureRecipient.objects.filter(pk=recipient.pk, notified_at__isnull=True).update(
                notified_at=now, notified_by=user
            ):
                notified += 1
                audit_record(
                    action="answering.recipient_notified",
                    actor=user,
                    actor_label="" if user else "worker",
                    request=erasure.request,
                    object_type="compliance.erasurerecipient",
                    object_id=recipient.pk,
                    details={"customer": recipient.customer_name},
                )
    return notified


def erasure_mark_recipient_notified(*, recipient: ErasureRecipient, user, now: datetime | None = None) -> bool:
    """Staff record that a recipient without an address was told by other means."""
    now = now or timezone.now()
    with transaction.atomic():
        marked = ErasureRecipient.objects.filter(pk=recipient.pk, notified_at__isnull=True).update(
            notified_at=now, notified_by=user
        )
        if marked:
            audit_record(
                action="answering.recipient_notified",
                actor=user,
                request=recipient.erasure.request,
                object_type="compliance.erasurerecipient",
                object_id=recipient.pk,
                details={"customer": recipient.customer_name, "manual": True},
            )
    return bool(marked)


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


def erasure_execute(*, request_id: int, now: datetime | None = None) -> ErasureRecord | None:
    """Run (or resume) an approved erasure; see the module docstring."""
    erasure = ErasureRecord.objects.filter(request_id=request_id).first()
    if erasure is None:
        return None
    with _exclusive(erasure.pk) as acquired:
        if not acquired:
            return erasure  # another delivery of this task is running it
        return _erasure_execute(request_id=request_id, now=now)


def _erasure_execute(*, request_id: int, now: datetime | None = None) -> ErasureRecord | None:
    from compliance.services.requests import request_add_message

    now = now or timezone.now()
    erasure = ErasureRecord.objects.filter(request_id=request_id).select_related("request", "approved_by").first()
    if erasure is None or erasure.status in (ErasureStatus.DONE,):
        if erasure is not None:
            _finish_request(erasure)
        return erasure
    claimed = ErasureRecord.objects.filter(
        pk=erasure.pk, status__in=[ErasureStatus.PLANNED, ErasureStatus.RUNNING, ErasureStatus.FAILED]
    ).update(status=ErasureStatus.RUNNING, attempts=F("attempts") + 1, started_at=now, last_error="")
    if not claimed:
        return erasure  # alert: staff look first
    request = erasure.request
    try:
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
        face = selfie_face(request)
        remaining = _recheck(erasure=erasure, request=request, encoding=face.encoding, now=now)
        checkpoint("erasure:rechecked")
        if remaining:
            with transaction.atomic():
                if ErasureRecord.objects.filter(pk=erasure.pk, status=ErasureStatus.RUNNING).update(
                    status=ErasureStatus.ALERT, finished_at=timezone.now()
                ):
                    erasure.refresh_from_db()
                    audit_record(
                        action="answering.erasure_alert",
                        actor_label="worker",
                        request=request,
                        details={"remaining": remaining},
                    )
                    request_add_message(request=request, user=None, body=erasure.alert, visible_to_requester=False)
            erasure.refresh_from_db()
            return erasure
        kept = _suppress(request=request, encoding=face.encoding, now=now)
        ErasureRecord.objects.filter(pk=erasure.pk).update(suppression_kept=kept)
        erasure.refresh_from_db()
        _certificate(erasure=erasure, request=request, now=now)
        with transaction.atomic():
            erasure.refresh_from_db()
            if ErasureRecord.objects.filter(pk=erasure.pk, status=ErasureStatus.RUNNING).update(
                status=ErasureStatus.DONE, finished_at=timezone.now()
            ):
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
                        "deleted_file_sha256": sorted(a.old_sha256 for a in erasure.actions.all() if a.old_sha256),
                        "recheck_matches": erasure.recheck_matches,
                        "suppression_kept": kept,
                        "certificate_sha256": erasure.certificate_sha256,
                    },
                )
        checkpoint("erasure:done")
    except MatchingError as error:
        _erasure_failed(erasure, str(error))
        erasure.refresh_from_db()
        return erasure
    except OperationalError:
        raise
    except Exception as error:
        # Not retried automatically: staff see the error and run it again (the journal resumes).
        logger.exception("erasure for request %s failed", request.public_id)
        _erasure_failed(erasure, f"{type(error).__name__}: {error}")
        erasure.refresh_from_db()
        return erasure
    erasure.refresh_from_db()
    erasure_notify_recipients(erasure=erasure)
    _finish_request(erasure)
    erasure.refresh_from_db()
    return erasure


def _erasure_failed(erasure: ErasureRecord, message: str) -> None:
    ErasureRecord.objects.filter(pk=erasure.pk, status=ErasureStatus.RUNNING).update(
        status=ErasureStatus.FAILED, last_error=message[:2000]
    )


def _finish_request(erasure: ErasureRecord) -> None:
    """Approve and complete the request (the core service deletes the selfie)."""
    from compliance.services.requests import request_approve

    request = DataSubjectRequest.objects.get(pk=erasure.request_id)
    if request.status == RequestStatus.AWAITING_APPROVAL:
        request_approve(request=request, user=erasure.approved_by)
