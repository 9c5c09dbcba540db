"""The draft of an access answer (GDPR Art. 15), prepared after review for staff to check before
they approve: a copy of every photo with a confirmed match in which everyone else is blurred, the
machine-readable data, and a preview of the letter. The draft never reaches the requester: after
approval compliance.workflow.documents issues the final letter and data from it, then deletes it.

`package_build` (its task calls it), safe to run again:
1. the package row (one per request) is claimed with a conditional update and a fresh token
   (core.jobs);
2. the confirmed matches are read (what is disclosed is exactly the confirmed set) and their
   fingerprint recorded;
3. for each matched photo a copy is made in which every face except the requester's is blurred
   (Art. 15(4)): the other faces stored for the photo and any other face the full detector
   finds in it (biometrics.redaction);
4. the ZIP holds access_response.json and images/<photo id>.jpg; the PDF is a preview of the
   letter marked as a draft;
5. both are written in a work folder and moved into place on the private storage; one
   transaction marks the package ready, only if this run still holds the claim (a stale run
   deletes its files), writes the audit record, and moves the request preparing ->
   awaiting_approval (the transition checks the fingerprint against the current decisions).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from celery import shared_task
from django.db import OperationalError, transaction
from django.utils import timezone

from biometrics.erasure import STORED_PHOTO_LIMITS
from biometrics.images import load_image_checked
from biometrics.models import Face, SourcePhoto, source_domain_of
from biometrics.redaction import blur_faces, boxes_to_blur_for_access_copy, detect_all_faces
from compliance.authorities import complaint_authority_for
from compliance.models import (
    AccessPackage,
    AccessPackageStatus,
    DataSubjectRequest,
    RequestMatch,
    RequestStatus,
    ReviewStatus,
)
from compliance.reports.art15 import art15_texts, language_of
from compliance.reports.controller import controller, lawful_basis_texts, retention_text
from compliance.reports.letters import (
    access_recipients_for_faces,
    access_response_context,
    access_response_data,
    partial_refusals_for,
    render_letter,
    transfer_statement,
)
from compliance.reports.regime_texts import regime_law_texts
from compliance.reports.texts import text_for
from compliance.storage import private_storage
from compliance.withholding import withheld_customer_ids
from compliance.workflow import lifecycle
from core.audit import audit_record
from core.jobs import job_claim, job_fail, job_finish
from core.pdf import file_sha256
from core.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1


def disclosed_matches(request: DataSubjectRequest):
    """The matches staff confirmed (or the rule confirmed and staff did not reject): exactly
    what is disclosed and erased."""
    return request.matches.filter(review_status=ReviewStatus.CONFIRMED).order_by(
        "collected_at", "photo_id_snapshot", "face_id_snapshot"
    )


@dataclass
class RedactedCopy:
    photo_public_id: str
    path: Path
    faces_blurred: int
    requester_faces: int
    sha256: str


def redacted_copy(*, photo: SourcePhoto, keep_face_ids: set[int], target: Path) -> RedactedCopy:
    """Write the photo with every face but the requester's blurred to `target` (JPEG)."""
    faces = list(Face.objects.filter(photo=photo).values_list("pk", "top", "right", "bottom", "left"))
    keep = [tuple(row[1:]) for row in faces if row[0] in keep_face_ids]
    stored = [tuple(row[1:]) for row in faces]
    with photo.image.open("rb") as handle:
        image = load_image_checked(handle, limits=STORED_PHOTO_LIMITS)
    detected = detect_all_faces(image)  # the full detector: small third-party faces too
    to_blur = boxes_to_blur_for_access_copy(keep=keep, stored=stored, detected=detected)
    redacted = blur_faces(image, to_blur)
    buffer = io.BytesIO()
    redacted.save(buffer, format="JPEG", quality=92)  # re-encoded: no EXIF, no GPS, nothing appended
    target.write_bytes(buffer.getvalue())
    return RedactedCopy(
        photo_public_id=str(photo.public_id),
        path=target,
        faces_blurred=len(to_blur),
        requester_faces=len(keep),
        sha256=hashlib.sha256(buffer.getvalue()).hexdigest(),
    )


def _transfer_json(transfer, lang: str) -> dict | None:
    """The same basis the letter prints (Art. 15(2)), as data."""
    if transfer is None:
        return None
    return {
        "outside_eea": transfer.outside_eea,
        "basis": transfer.basis,
        "standard_contractual_clauses_signed_on": _iso(transfer.scc_signed_on),
        "derogation": transfer.derogation or None,
        "statement": transfer_statement(transfer, lang) if transfer.outside_eea else None,
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def package_json(
    *, request: DataSubjectRequest, matches: list[RequestMatch], copies: dict[str, RedactedCopy], now: datetime
) -> dict:
    """The machine-readable answer. No encodings, no face of anyone else."""
    texts = art15_texts(request.language)
    lang = language_of(request.language)
    who = controller()
    faces_by_photo: dict[str, list[RequestMatch]] = {}
    for match in matches:
        faces_by_photo.setdefault(str(match.photo_public_id), []).append(match)
    encoded_at = dict(
        Face.objects.filter(pk__in=[m.face_id for m in matches if m.face_id]).values_list("pk", "encoded_at")
    )
    photos = []
    for photo_id, photo_matches in faces_by_photo.items():
        first = photo_matches[0]
        copy = copies.get(photo_id)
        photos.append(
            {
                "photo_id": photo_id,
                "source_url": first.source_url,
                "page_url": first.page_url,
                "source_domain": source_domain_of(first.source_url or first.page_url),
                "collected_at": _iso(first.collected_at),
                "file": f"images/{photo_id}.jpg" if copy else None,
                "file_sha256": copy.sha256 if copy else None,
                "other_faces_blurred": copy.faces_blurred if copy else None,
                "your_faces": [
                    {
                        "box": {"top": m.top, "right": m.right, "bottom": m.bottom, "left": m.left},
                        "match_distance": round(m.distance, 4),
                        "face_template_computed_at": _iso(encoded_at.get(m.face_id)),
                    }
                    for m in photo_matches
                ],
            }
        )
    # Without the recipients a partial refusal withholds (Art. 23), as in the letter.
    withheld = withheld_customer_ids(request)
    recipients = access_recipients_for_faces([m.face_id_snapshot for m in matches], withheld=withheld)
    partial = partial_refusals_for(request, lang)
    run = getattr(request, "matching_run", None)
    # The right to complain and to go to court under the request's law, as the letter states it
    # (_rights.html): the UK GDPR's and the FADP's own texts, naming the requester's authority.
    law = regime_law_texts(request.regime, lang, request.request_type)
    law_own = "complaint" in law  # the EU GDPR's is the Art. 15 text
    complaint = texts["complaint"]
    if law_own:
        authority = complaint_authority_for(request.country, request.region)
        lead = law["complaint"].rstrip(":")
        named = f"{lead}: {authority.name}, {authority.website}." if authority else f"{lead}."
        complaint = f"{named} {law['court']}"
    return {
        "format": "dpa-tracker/access-response",
        "format_version": FORMAT_VERSION,
        "language": language_of(request.language),
        "generated_at": now.isoformat(),
        "request": {
            "reference": str(request.public_id),
            "type": request.request_type,
            "received_at": _iso(request.received_at),
            "name": request.name,
            "email": request.email,
        },
        "title": texts["title"],
        "confirmation": {
            "processing": bool(photos),
            "statement": texts["confirmation_yes" if photos else "confirmation_no"],
        },
        "search": {
            "searched_at": _iso(getattr(run, "finished_at", None)),
            "confident_tolerance": getattr(run, "confident_tolerance", None),
            "possible_tolerance": getattr(run, "possible_tolerance", None),
        },
        "purposes": texts["purposes"],
        "categories_of_data": texts["categories"],
        "biometric_data": {"statement": texts["encoding"], "face_templates_held": sum(1 for m in matches if m.face_id)},
        "source": texts["source"],
        "photos": photos,
        "recipients": {
            # Never "no recipients" when a partial refusal withholds some (it is stated below).
            "statement": texts["recipients"] if recipients or withheld else texts["no_recipients"],
            "list": [
                {
                    "name": r.name,
                    "kind": r.kind,
                    "country": r.country,
                    "searches": r.searches,
                    "first_search": _iso(r.first_search),
                    "last_search": _iso(r.last_search),
                    "transfer": _transfer_json(r.transfer, lang),
                }
                for r in recipients
            ],
            "transfers": texts["transfers"],
        },
        "controller": {
            "name": who.name,
            "address": who.address,
            "email": who.email,
            "data_protection_officer": {"name": who.dpo_name, "email": who.dpo_email},
            "eu_representative": who.eu_representative or None,
        },
        "legal_basis": lawful_basis_texts(lang),
        "data_protection_impact_assessment": who.dpia_reference,
        "retention": retention_text(lang),
        "rights": texts["rights"],
        "complaint": complaint,
        "automated_decision_making": texts["automated"],
        "rights_of_others": texts["third_parties"],
        # What is not acted on (GDPR Art. 12(4)), as the letter states it.
        "partial_refusals": {
            # The request's law's phrase (a Swiss package cites the FADP, regime_texts.py).
            "statement": law.get("partial_intro", text_for(lang)["partial_intro"]) if partial else None,
            "list": [
                {
                    "scope": item.scope,
                    "basis": item.basis,
                    "basis_statement": item.basis_text,
                    "reason": item.reason,
                    "law": item.law or None,
                    "late_reason": item.late_reason or None,
                    "recorded_at": _iso(item.recorded_at),
                }
                for item in partial
            ],
            "remedies": (law.get("partial_remedies") if law_own else texts["complaint"]) if partial else None,
        },
    }


def write_zip(target: Path, document: dict, copies: dict[str, RedactedCopy]) -> None:
    fixed = (2000, 1, 1, 0, 0, 0)  # same content, same bytes
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("access_response.json", fixed)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False))
        for photo_id in sorted(copies):
            info = zipfile.ZipInfo(f"images/{photo_id}.jpg", fixed)
            archive.writestr(info, copies[photo_id].path.read_bytes())


def _work_root() -> Path:
    root = Path(private_storage().path("requests/packages/work"))
    root.mkdir(parents=True, exist_ok=True)
    return root


def render_access_letter(
    *, request: DataSubjectRequest, copies: dict[str, RedactedCopy], target: Path, issued_at: datetime, draft: bool
):
    """The Art. 15 letter with the redacted copies embedded (a draft preview or the final one)."""
    image_paths = {photo_id: str(copy.path) for photo_id, copy in copies.items()}
    context = access_response_context(request, access_response_data(request, image_paths=image_paths))
    return render_letter(
        kind="access_response", dsr=request, context=context, target=target, issued_at=issued_at, draft=draft
    )


def _build_files(request: DataSubjectRequest, package: AccessPackage, work: Path, now: datetime) -> dict:
    """Redacted copies, the ZIP and the preview letter in `work`; returns what the row records."""
    matches = list(disclosed_matches(request))
    (work / "images").mkdir()
    copies: dict[str, RedactedCopy] = {}
    keep_by_photo: dict[int, set[int]] = {}
    for match in matches:
        if match.face_id:
            keep_by_photo.setdefault(match.photo_id_snapshot, set()).add(match.face_id)
    for photo in SourcePhoto.objects.filter(pk__in=keep_by_photo):
        copy = redacted_copy(
            photo=photo, keep_face_ids=keep_by_photo[photo.pk], target=work / "images" / f"{photo.public_id}.jpg"
        )
        copies[copy.photo_public_id] = copy
    document = package_json(request=request, matches=matches, copies=copies, now=now)
    write_zip(work / "package.zip", document, copies)
    rendered = render_access_letter(
        request=request, copies=copies, target=work / "letter.pdf", issued_at=now, draft=True
    )
    return {
        "copies": {pid: {"sha256": c.sha256, "faces_blurred": c.faces_blurred} for pid, c in copies.items()},
        "matches": len(matches),
        "pdf_sha256": rendered.sha256,
        "zip_sha256": file_sha256(work / "package.zip"),
        "pages": rendered.page_count,
    }


def package_build(*, request_id: int, now: datetime | None = None) -> AccessPackage | None:
    """Build (or finish building) the request's draft; see the module docstring."""
    now = now or timezone.now()
    request = DataSubjectRequest.objects.filter(pk=request_id).first()
    if request is None or request.status != RequestStatus.PREPARING:
        return AccessPackage.objects.filter(request_id=request_id).first()
    package, _ = AccessPackage.objects.get_or_create(
        request=request, defaults={"language": language_of(request.language)}
    )
    token = job_claim(job_model=AccessPackage, pk=package.pk)  # None when ready, or another run has it
    if token is None:
        _advance(request, now)
        return AccessPackage.objects.filter(request=request).first()
    package.refresh_from_db()
    fingerprint = request.decisions_fingerprint()
    for stale in _work_root().glob(f"{package.pk}-*"):
        shutil.rmtree(stale, ignore_errors=True)  # left by a worker killed mid-build
    work = Path(tempfile.mkdtemp(prefix=f"{package.pk}-", dir=_work_root()))
    storage = private_storage()
    names: list[str] = []
    try:
        built = _build_files(request, package, work, now)
        pdf_name = package.pdf.field.generate_filename(package, "letter.pdf")
        zip_name = package.zip.field.generate_filename(package, "package.zip")
        names = [pdf_name, zip_name]
        for source, name in ((work / "letter.pdf", pdf_name), (work / "package.zip", zip_name)):
            destination = Path(storage.path(name))
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, destination)
        with transaction.atomic():
            done = job_finish(
                job=package,
                token=token,
                pdf=pdf_name,
                pdf_sha256=built["pdf_sha256"],
                zip=zip_name,
                zip_sha256=built["zip_sha256"],
                photo_count=len(built["copies"]),
                copies=built["copies"],
                decisions_fingerprint=fingerprint,
                language=language_of(request.language),
                built_at=timezone.now(),
            )
            if done:
                audit_record(
                    action="answering.package_built",
                    actor_label="worker",
                    request=request,
                    object_type="compliance.accesspackage",
                    object_id=package.pk,
                    details={
                        "copies": len(built["copies"]),
                        "matches_disclosed": built["matches"],
                        "others_blurred": sum(c["faces_blurred"] for c in built["copies"].values()),
                        "draft_pdf_sha256": built["pdf_sha256"],
                        "draft_zip_sha256": built["zip_sha256"],
                    },
                )
        if not done:
            _delete_files(names)
    except Exception as error:
        _delete_files(names)
        if isinstance(error, OperationalError):
            raise  # transient database trouble: the task retries and claims again
        logger.exception("access draft for request %s failed", request.public_id)
        job_fail(job=package, token=token, error=f"{type(error).__name__}: {error}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _advance(request, now)
    return AccessPackage.objects.filter(request=request).first()


def _advance(request: DataSubjectRequest, now: datetime) -> None:
    """preparing -> awaiting_approval once the draft matches the decisions."""
    package = AccessPackage.objects.filter(request=request).first()
    if package is not None and package.status == AccessPackageStatus.READY:
        try:
            lifecycle.request_answer_prepared(request=request, now=now)
        except lifecycle.ActionNotAllowed:
            logger.info("request %s: the draft no longer fits its state or decisions", request.public_id)


def _delete_files(names: list[str]) -> None:
    storage = private_storage()
    for name in names:
        if name:
            with contextlib.suppress(FileNotFoundError):
                storage.delete(name)


def package_discard_for(*, request: DataSubjectRequest, reason: str, now: datetime | None = None) -> bool:
    """Delete the request's draft files (review reopened, request refused or withdrawn, or the
    final documents issued from it). The row stays, marked discarded."""
    now = now or timezone.now()
    package = AccessPackage.objects.filter(request=request).first()
    if package is None or package.status == AccessPackageStatus.DISCARDED:
        return False
    names = [package.pdf.name, package.zip.name]
    with transaction.atomic():
        moved = (
            AccessPackage.objects.filter(pk=package.pk)
            .exclude(status=AccessPackageStatus.DISCARDED)
            .update(
                status=AccessPackageStatus.DISCARDED,
                pdf=None,
                zip=None,
                pdf_sha256="",
                zip_sha256="",
                claim_token="",
                decisions_fingerprint="",
                discarded_at=now,
            )
        )
        if moved:
            audit_record(
                action="answering.package_discarded",
                actor_label="system",
                request=request,
                object_type="compliance.accesspackage",
                object_id=package.pk,
                details={"reason": reason},
            )
    if moved:
        _delete_files(names)
    return bool(moved)


def draft_copies(*, package: AccessPackage, folder: Path) -> dict[str, RedactedCopy]:
    """The redacted copies of a ready draft, unpacked into `folder` (for the final documents)."""
    copies: dict[str, RedactedCopy] = {}
    with package.zip.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        for photo_id, meta in (package.copies or {}).items():
            target = folder / f"{photo_id}.jpg"
            target.write_bytes(archive.read(f"images/{photo_id}.jpg"))
            copies[photo_id] = RedactedCopy(
                photo_public_id=photo_id,
                path=target,
                faces_blurred=int(meta["faces_blurred"]),
                requester_faces=0,
                sha256=meta["sha256"],
            )
    return copies


def package_schedule(*, request: DataSubjectRequest) -> None:
    enqueue_on_commit(package_task, request.pk)


@shared_task(
    name="compliance.workflow.build_access_draft",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=8,
)
def package_task(request_id: int) -> str | None:
    package = package_build(request_id=request_id)
    return package.status if package else None
