"""The final documents of a request, issued once, at the end, from the final facts.

- access, both: the Art. 15 letter (PDF) and the machine-readable data (ZIP: JSON and the
  redacted copies of the photos), issued from the approved draft;
- erasure, both: the Art. 17 certificate, stating the erasure's end, the re-check, every Art. 19
  notice as actually sent, the deletion of the selfie, and the permanent link to withdraw the
  suppression consent;
- rectification, restriction, objection: the decision letter (compliance.workflow.rights), naming
  for a rectification or a restriction the recipients told of it (Art. 19, without those withheld
  under Art. 23: compliance.workflow.recipients), and for an upheld objection the erasure
  certificate too;
- refused: the refusal letter.

`documents_issue` (its task calls it) renders only for a request whose facts are final (status
issuing, completed or refused, with `facts_final_at` set), and each kind at most once: the row is
unique per request and kind and keeps the SHA-256 of the bytes for good, so a document can never
be rendered a second time. When every document is issued, an issuing request moves to completed
(the requester is emailed) and the access draft is deleted. Files (never rows or hashes) are
deleted later: access answers after ANSWER_PACKAGE_RETENTION_DAYS, and at once when the same
person's photos are erased (`documents_delete_for_faces`).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from compliance.models import (
    AccessPackage,
    AccessPackageStatus,
    DataSubjectRequest,
    DocumentKind,
    RequestDocument,
    RequestStatus,
)
from compliance.reports.controller import controller_problems
from compliance.reports.letters import (
    decision_context,
    erasure_certificate_context,
    refusal_context,
    render_letter,
)
from compliance.reports.texts import letter_language
from compliance.storage import private_storage
from compliance.workflow import access, lifecycle, recipients, restriction, suppression
from compliance.workflow.machine import FACTS_FINAL_STATUSES
from core.audit import audit_record
from core.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

ACCESS_DOCUMENTS = (DocumentKind.ACCESS_LETTER, DocumentKind.ACCESS_DATA)


class DocumentsNotFinal(Exception):
    """Documents were asked for before the request's facts were final."""


def _work_root() -> Path:
    root = Path(private_storage().path("requests/documents/work"))
    root.mkdir(parents=True, exist_ok=True)
    return root


def _store(*, request: DataSubjectRequest, kind: str, source: Path, pages: int | None, now: datetime) -> bool:
    """Move a rendered file into place and record it; False when another run issued it first."""
    data_sha = hashlib.sha256(source.read_bytes()).hexdigest()
    document = RequestDocument(
        request=request,
        kind=kind,
        language=letter_language(request.language),
        sha256=data_sha,
        size=source.stat().st_size,
        pages=pages,
        issued_at=now,
    )
    name = document.file.field.generate_filename(document, source.name)
    destination = Path(private_storage().path(name))
    destination.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, destination)
    document.file.name = name
    try:
        with transaction.atomic():
            document.save(force_insert=True)
            audit_record(
                action="request.document_issued",
                actor_label="worker",
                request=request,
                object_type="compliance.requestdocument",
                object_id=document.pk,
                details={"kind": kind, "sha256": data_sha, "size": document.size, "pages": pages},
            )
    except IntegrityError:
        with contextlib.suppress(FileNotFoundError):
            destination.unlink()
        return False
    return True


def _issue_access(request: DataSubjectRequest, work: Path, now: datetime) -> None:
    package = AccessPackage.objects.filter(request=request, status=AccessPackageStatus.READY).first()
    if package is None:
        raise DocumentsNotFinal("The approved access draft is missing.")
    images = work / "images"
    images.mkdir()
    copies = access.draft_copies(package=package, folder=images)
    matches = list(access.disclosed_matches(request))
    if DocumentKind.ACCESS_DATA not in _issued(request):
        document = access.package_json(request=request, matches=matches, copies=copies, now=now)
        access.write_zip(work / "access-data.zip", document, copies)
        _store(request=request, kind=DocumentKind.ACCESS_DATA, source=work / "access-data.zip", pages=None, now=now)
    if DocumentKind.ACCESS_LETTER not in _issued(request):
        rendered = access.render_access_letter(
            request=request, copies=copies, target=work / "access-letter.pdf", issued_at=now, draft=False
        )
        _store(
            request=request,
            kind=DocumentKind.ACCESS_LETTER,
            source=work / "access-letter.pdf",
            pages=rendered.page_count,
            now=now,
        )


def _issue_certificate(request: DataSubjectRequest, work: Path, now: datetime) -> None:
    context = erasure_certificate_context(request, consent_withdrawal_url=suppression.withdrawal_link(request))
    rendered = render_letter(
        kind="erasure_certificate", dsr=request, context=context, target=work / "certificate.pdf", issued_at=now
    )
    _store(
        request=request,
        kind=DocumentKind.ERASURE_CERTIFICATE,
        source=work / "certificate.pdf",
        pages=rendered.page_count,
        now=now,
    )


def _issue_refusal(request: DataSubjectRequest, work: Path, now: datetime) -> None:
    rendered = render_letter(
        kind="refusal", dsr=request, context=refusal_context(request), target=work / "refusal.pdf", issued_at=now
    )
    _store(
        request=request,
        kind=DocumentKind.REFUSAL_LETTER,
        source=work / "refusal.pdf",
        pages=rendered.page_count,
        now=now,
    )


def _issue_decision(request: DataSubjectRequest, work: Path, now: datetime) -> None:
    notice = recipients.NOTICE_OF_OUTCOME.get(request.outcome)
    context = decision_context(
        request,
        restricted_faces=len(restriction.restricted_faces(request)),
        lift_not_before=restriction.restriction_lift_earliest(request),
        notice_recipients=recipients.letter_recipients(request, kind=notice) if notice else None,
    )
    rendered = render_letter(kind="decision", dsr=request, context=context, target=work / "decision.pdf", issued_at=now)
    _store(
        request=request,
        kind=DocumentKind.DECISION_LETTER,
        source=work / "decision.pdf",
        pages=rendered.page_count,
        now=now,
    )


def _issued(request: DataSubjectRequest) -> set[str]:
    return set(request.documents.values_list("kind", flat=True))


def documents_issue(*, request_id: int, now: datetime | None = None) -> list[str]:
    """Issue the request's missing final documents (see the module docstring); returns the kinds
    issued so far. Raises DocumentsNotFinal for a request whose facts are not final."""
    now = now or timezone.now()
    problems = controller_problems()
    if problems:  # a letter that does not say who speaks is no answer (GDPR Art. 13-15, 27, 37)
        raise ImproperlyConfigured("No document can be issued: " + "; ".join(problems))
    request = DataSubjectRequest.objects.get(pk=request_id)
    if request.status not in FACTS_FINAL_STATUSES or request.facts_final_at is None:
        raise DocumentsNotFinal(f"request {request.public_id} is {request.status}: its facts are not final")
    missing = [kind for kind in request.required_document_kinds() if kind not in _issued(request)]
    if missing:
        work = Path(tempfile.mkdtemp(prefix=f"{request.pk}-", dir=_work_root()))
        try:
            if any(kind in ACCESS_DOCUMENTS for kind in missing):
                _issue_access(request, work, now)
            if DocumentKind.ERASURE_CERTIFICATE in missing:
                _issue_certificate(request, work, now)
            if DocumentKind.REFUSAL_LETTER in missing:
                _issue_refusal(request, work, now)
            if DocumentKind.DECISION_LETTER in missing:
                _issue_decision(request, work, now)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    request.refresh_from_db()
    if request.status == RequestStatus.ISSUING and lifecycle.request_complete(request=request, now=now):
        access.package_discard_for(request=request, reason="final documents issued", now=now)
    return sorted(_issued(request))


def documents_schedule(*, request: DataSubjectRequest) -> None:
    enqueue_on_commit(documents_task, request.pk)


def documents_for_requester(request: DataSubjectRequest) -> list[RequestDocument]:
    """The issued documents, each once, in the order they were issued."""
    return list(request.documents.order_by("issued_at", "pk"))


def _delete_file(document: RequestDocument, *, reason: str, now: datetime) -> bool:
    name = document.file.name if document.file else ""
    with transaction.atomic():
        moved = RequestDocument.objects.filter(pk=document.pk, file_deleted_at__isnull=True).update(
            file=None, file_deleted_at=now, file_deleted_reason=reason[:200]
        )
        if moved:
            audit_record(
                action="request.document_file_deleted",
                actor_label="system",
                request=document.request,
                object_type="compliance.requestdocument",
                object_id=document.pk,
                details={"kind": document.kind, "sha256": document.sha256, "reason": reason},
            )
    if moved and name:
        with contextlib.suppress(FileNotFoundError):
            private_storage().delete(name)
    return bool(moved)


def documents_delete_for_faces(
    *, face_refs: list[int], exclude_request: DataSubjectRequest, reason: str, now: datetime | None = None
) -> int:
    """An erasure took these faces: the photo copies other requests of this person hold go too
    (their issued access answers, and any access draft in preparation). Returns how many files
    of issued documents were deleted."""
    now = now or timezone.now()
    if not face_refs:
        return 0
    others = (
        DataSubjectRequest.objects.filter(matches__face_id_snapshot__in=face_refs, matches__review_status="confirmed")
        .exclude(pk=exclude_request.pk)
        .distinct()
    )
    deleted = 0
    for other in others:
        for document in other.documents.filter(kind__in=ACCESS_DOCUMENTS, file_deleted_at__isnull=True):
            deleted += _delete_file(document, reason=reason, now=now)
        access.package_discard_for(request=other, reason=reason, now=now)
    return deleted


def documents_delete_for(*, request: DataSubjectRequest, reason: str, now: datetime) -> int:
    """Delete the files of every document issued for this request (rows and hashes stay)."""
    return sum(
        _delete_file(document, reason=reason, now=now)
        for document in request.documents.filter(file_deleted_at__isnull=True).select_related("request")
    )


def documents_expire(*, now: datetime | None = None) -> int:
    """Delete the files of access answers issued more than ANSWER_PACKAGE_RETENTION_DAYS ago
    (they hold photos of the requester; GDPR Art. 5(1)(e)). Rows and hashes stay."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ANSWER_PACKAGE_RETENTION_DAYS)
    expired = RequestDocument.objects.filter(
        kind__in=ACCESS_DOCUMENTS, file_deleted_at__isnull=True, issued_at__lte=cutoff
    ).select_related("request")
    return sum(_delete_file(document, reason="retention period ended", now=now) for document in expired)


@shared_task(
    name="compliance.workflow.issue_documents",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=8,
)
def documents_task(request_id: int) -> list[str]:
    return documents_issue(request_id=request_id)
