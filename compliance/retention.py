"""Retention per record kind (GDPR Art. 5(1)(e) storage limitation; issue 16 item 7).

A request's records are kept only as long as their purpose needs them, counted from the day the
request was closed (completed, refused, withdrawn or expired). The periods are settings with
their reasons in config/settings.py and the README ("Retention"):

- RETENTION_SENT_EMAIL_DAYS after an email was sent: its recipient and parameters (names,
  links) are cleared; kind, status and time stay as the proof that it went out.
- RETENTION_MATCH_DAYS after closing: the match details (which stored photos matched, their
  addresses and distances) are deleted; the requester's letter keeps them.
- RETENTION_REQUEST_DAYS after closing (the accountability period): everything that names the
  requester is deleted or pseudonymised: name, email, the address hash, messages, notes and
  free-text reasons, verification links, issued letters (their hashes stay), and the link
  between the request and the blocklisted file hashes (the erasure journal's hashes). What
  stays is what the statistics and the proof of deadlines need: type, country, language,
  dates, outcome, counts; the blocklist itself keeps unlinked hashes (biometrics.ErasedPhoto).

Selfies, ID photos and their encodings are not here: they go as soon as the request no longer
needs them (compliance/workflow), and the access answers' files after ANSWER_PACKAGE_RETENTION_DAYS
(compliance/workflow/documents.py). Every step is idempotent and recorded in the audit trail
with counts only (never the data it deleted).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from compliance.models import DataSubjectRequest, EmailVerification, RequestMessage
from compliance.models_answering import ErasureAction, RequestMatch
from compliance.workflow.machine import FINAL_STATUSES
from core.audit import audit_record
from core.models import OutboxEmail, OutboxStatus

logger = logging.getLogger(__name__)

# Written in place of what named the requester (the columns are not nullable; the address is
# in the reserved .invalid domain, RFC 2606, so nothing can ever be sent to it).
PSEUDONYM_NAME = "(deleted after the retention period)"
PSEUDONYM_EMAIL = "deleted@retention.invalid"


@dataclass
class RetentionReport:
    emails_cleared: int = 0
    requests_matches_purged: int = 0
    matches_deleted: int = 0
    requests_pseudonymised: int = 0
    details: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        return {
            "emails_cleared": self.emails_cleared,
            "requests_matches_purged": self.requests_matches_purged,
            "matches_deleted": self.matches_deleted,
            "requests_pseudonymised": self.requests_pseudonymised,
        }


def closed_requests(*, before: datetime):
    """Requests closed (final) before this time."""
    return DataSubjectRequest.objects.annotate(
        closed_at=Coalesce("completed_at", "refused_at", "withdrawn_at", "expired_at", "facts_final_at")
    ).filter(status__in=FINAL_STATUSES, closed_at__lte=before)


def sent_emails_clear(*, now: datetime) -> int:
    """Clear the recipient and parameters of emails sent more than RETENTION_SENT_EMAIL_DAYS ago."""
    cutoff = now - timedelta(days=settings.RETENTION_SENT_EMAIL_DAYS)
    stale = OutboxEmail.objects.filter(status=OutboxStatus.SENT, sent_at__lte=cutoff).exclude(recipient="", params={})
    return stale.update(recipient="", params={})


def _attachments_delete(request: DataSubjectRequest) -> list[str]:
    """Detach the files requesters attached to messages (e.g. identity documents); returns the
    file names to delete once the transaction commits."""
    attached = RequestMessage.objects.filter(request=request).exclude(attachment="").exclude(attachment__isnull=True)
    names = [name for name in attached.values_list("attachment", flat=True) if name]
    attached.update(attachment=None, attachment_name="")
    return names


def _files_delete_on_commit(names: list[str]) -> None:
    from compliance.storage import private_storage

    def delete() -> None:
        storage = private_storage()
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete)


def request_matches_purge(*, request: DataSubjectRequest, now: datetime) -> int:
    """Delete the match details and the files attached to messages of one closed request;
    returns how many matches went."""
    with transaction.atomic():
        locked = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        if locked.matches_purged_at or locked.status not in FINAL_STATUSES:
            return 0
        deleted, _ = RequestMatch.objects.filter(request=locked).delete()
        attachments = _attachments_delete(locked)
        DataSubjectRequest.objects.filter(pk=locked.pk).update(matches_purged_at=now)
        audit_record(
            action="request.retention_matches_deleted",
            actor_label="system",
            request=locked,
            details={
                "matches_deleted": deleted,
                "attachments_deleted": len(attachments),
                "period_days": settings.RETENTION_MATCH_DAYS,
            },
        )
        _files_delete_on_commit(attachments)
    return deleted


def request_pseudonymise(*, request: DataSubjectRequest, now: datetime) -> dict[str, int]:
    """Delete or overwrite everything that names the requester of one closed request."""
    from compliance.workflow import documents

    with transaction.atomic():
        locked = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        if locked.pseudonymised_at or locked.status not in FINAL_STATUSES:
            return {}
        attachments = _attachments_delete(locked)
        _files_delete_on_commit(attachments)
        counts = {
            "attachments_deleted": len(attachments),
            "matches_deleted": RequestMatch.objects.filter(request=locked).delete()[0],
            "messages_deleted": RequestMessage.objects.filter(request=locked).delete()[0],
            "verifications_deleted": EmailVerification.objects.filter(request=locked).delete()[0],
            # The journal's hashes are what links this person to the blocklist; the blocklist
            # itself (biometrics.ErasedPhoto) keeps only the hashes, linked to nobody.
            "blocklist_links_removed": ErasureAction.objects.filter(erasure__request=locked)
            .exclude(old_sha256="", new_sha256="")
            .update(old_sha256="", new_sha256="", old_file_name="", staged_file_name="", new_file_name=""),
            "emails_cleared": OutboxEmail.objects.filter(params__request_id=locked.pk)
            .exclude(recipient="", params={})
            .update(recipient="", params={}),
        }
        DataSubjectRequest.objects.filter(pk=locked.pk).update(
            name=PSEUDONYM_NAME,
            email=PSEUDONYM_EMAIL,
            ip_hash="",
            status_token_hash="",
            identity_assessment_note="",
            refusal_reason="",
            late_refusal_reason="",
            extension_reason="",
            # Rectification, restriction, objection: the requester's statement and the reasons of
            # the decision may name them (the outcome itself stays, for the statistics).
            statement="",
            outcome_reason="",
            restriction_lift_reason="",
            last_error="",
            matches_purged_at=Coalesce("matches_purged_at", now),
            pseudonymised_at=now,
        )
        audit_record(
            action="request.retention_pseudonymised",
            actor_label="system",
            request=locked,
            details={**counts, "period_days": settings.RETENTION_REQUEST_DAYS},
        )
    # The issued letters name the person: their files go, their hashes stay (after the commit,
    # each in its own transaction, like every other document deletion).
    counts["document_files_deleted"] = documents.documents_delete_for(
        request=locked, reason="retention period ended", now=now
    )
    return counts


def retention_sweep(*, now: datetime | None = None, progress: Callable[[int], None] | None = None) -> RetentionReport:
    """Apply every retention period once; safe to run at any time and any number of times."""
    now = now or timezone.now()
    report = RetentionReport(emails_cleared=sent_emails_clear(now=now))

    match_cutoff = now - timedelta(days=settings.RETENTION_MATCH_DAYS)
    for request in closed_requests(before=match_cutoff).filter(matches_purged_at__isnull=True).iterator():
        report.matches_deleted += request_matches_purge(request=request, now=now)
        report.requests_matches_purged += 1
        if progress:
            progress(1)

    request_cutoff = now - timedelta(days=settings.RETENTION_REQUEST_DAYS)
    pending = closed_requests(before=request_cutoff).filter(pseudonymised_at__isnull=True)
    for request in pending.iterator():
        for key, value in request_pseudonymise(request=request, now=now).items():
            report.details[key] = report.details.get(key, 0) + value
        report.requests_pseudonymised += 1
        if progress:
            progress(1)
    if report.requests_matches_purged or report.requests_pseudonymised or report.emails_cleared:
        logger.info("retention sweep: %s", report.as_dict())
    return report


def retention_pending(*, now: datetime | None = None) -> int:
    """How many requests the next sweep will touch (for the command's progress bar)."""
    now = now or timezone.now()
    match_cutoff = now - timedelta(days=settings.RETENTION_MATCH_DAYS)
    request_cutoff = now - timedelta(days=settings.RETENTION_REQUEST_DAYS)
    return (
        closed_requests(before=match_cutoff).filter(matches_purged_at__isnull=True).count()
        + closed_requests(before=request_cutoff).filter(pseudonymised_at__isnull=True).count()
    )


@shared_task(name="compliance.retention.sweep")
def retention_sweep_task() -> dict[str, int]:
    return retention_sweep().as_dict()


__all__ = [
    "PSEUDONYM_EMAIL",
    "PSEUDONYM_NAME",
    "RetentionReport",
    "closed_requests",
    "request_matches_purge",
    "request_pseudonymise",
    "retention_pending",
    "retention_sweep",
    "sent_emails_clear",
]
