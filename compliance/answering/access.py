"""The access package (GDPR Art. 15): a PDF letter and a machine-readable ZIP for the requester.

`package_build` (the Celery task `answering_build_package` calls it), safe to run again:
1. the package row (one per request) is claimed with a conditional update and a fresh token;
2. the disclosed matches are read: confident matches staff did not reject and possible matches
   staff confirmed;
3. for each matched photo a copy is made in which every face except the requester's is blurred
   (Art. 15(4)): the other faces stored for the photo and any other face the detector finds in
   it again (biometrics.redaction);
4. the ZIP holds access_response.json (everything Art. 15(1)-(3) requires, in the requester's
   language, no encodings) and images/<photo id>.jpg; the PDF letter is the reports' access
   response template with the redacted copies embedded;
5. both are written to temporary files in a work folder and moved into place on the private
   storage; one transaction then marks the package ready, only if this run still holds the
   claim (a stale run deletes its files), and writes the audit record with both SHA-256s.
Nothing reaches the requester until staff release it (`package_release`).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import secrets
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone, translation

from biometrics.erasure import STORED_PHOTO_LIMITS
from biometrics.faces import detect_boxes
from biometrics.images import image_to_array, load_image_checked
from biometrics.models import Face, SourcePhoto, source_domain_of
from biometrics.redaction import blur_faces, boxes_to_blur_for_access_copy
from compliance.answering.texts import art15_texts, language_of
from compliance.audit import audit_record
from compliance.models import (
    AccessPackage,
    AccessPackageStatus,
    DataSubjectRequest,
    MatchBand,
    RequestMatch,
    ReviewStatus,
)
from compliance.storage import private_storage
from config.pdf import ARCHIVAL_VARIANT, file_sha256, render_pdf

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1


def disclosed_matches(request: DataSubjectRequest):
    """Matches that are the requester's: confident ones not rejected, possible ones confirmed."""
    return (
        request.matches.exclude(review_status=ReviewStatus.REJECTED)
        .filter(Q(band=MatchBand.CONFIDENT) | Q(review_status=ReviewStatus.CONFIRMED))
        .order_by("collected_at", "photo_id_snapshot", "face_id_snapshot")
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
    detected = detect_boxes(image_to_array(image))
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


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def package_json(
    *, request: DataSubjectRequest, matches: list[RequestMatch], copies: dict[str, RedactedCopy], now: datetime
) -> dict:
    """The machine-readable answer. No encodings, no face of anyone else."""
    from compliance.reports.letters import access_recipients_for_faces

    texts = art15_texts(request.language)
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
    recipients = access_recipients_for_faces([m.face_id_snapshot for m in matches])
    run = getattr(request, "matching_run", None)
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
            "statement": texts["recipients"] if recipients else texts["no_recipients"],
            "list": [
                {
                    "name": r.name,
                    "kind": r.kind,
                    "country": r.country,
                    "searches": r.searches,
                    "first_search": _iso(r.first_search),
                    "last_search": _iso(r.last_search),
                }
                for r in recipients
            ],
            "transfers": texts["transfers"],
        },
        "retention": texts["retention"],
        "rights": texts["rights"],
        "complaint": texts["complaint"],
        "automated_decision_making": texts["automated"],
        "rights_of_others": texts["third_parties"],
    }


def _write_zip(target: Path, document: dict, copies: dict[str, RedactedCopy]) -> None:
    fixed = (2000, 1, 1, 0, 0, 0)  # same content, same bytes
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("access_response.json", fixed)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False))
        for photo_id in sorted(copies):
            info = zipfile.ZipInfo(f"images/{photo_id}.jpg", fixed)
            archive.writestr(info, copies[photo_id].path.read_bytes())


def _render_letter(
    *,
    request: DataSubjectRequest,
    package: AccessPackage,
    copies: dict[str, RedactedCopy],
    target: Path,
    now: datetime,
    document: dict,
):
    """The reports' Art. 15 letter with the redacted copies embedded; if that template is not
    installed, this module's own letter from the same statements as the JSON."""
    lang = language_of(request.language)
    image_paths = {photo_id: str(copy.path) for photo_id, copy in copies.items()}
    try:
        from compliance.reports.letters import access_response_build, access_response_data

        content = access_response_build(report=None, parameters={"request": str(request.public_id)}, user=None)
        get_template(content.template)
        context = dict(content.context)
        context["data"] = access_response_data(request, image_paths=image_paths)
        template, title, labels = content.template, content.title, content.footer_labels
    except (ImportError, TemplateDoesNotExist) as error:
        logger.warning(
            "access letter: reports template unavailable (%s), using the package's own", type(error).__name__
        )
        template, title, labels = "compliance/answering/access_letter.pdf.html", document["title"], {}
        context = {
            "doc": document,
            "lang": lang,
            "image_uris": {k: Path(v).resolve().as_uri() for k, v in image_paths.items()},
        }
    context["report_meta"] = {
        "id": str(package.request.public_id),
        "kind": "access_response",
        "title": title,
        "generated_at": now,
        "generated_by": "system",
        "filter_text": f"{request.public_id}",
        "filter_short": f"{request.public_id}",
        "pdf_variant": ARCHIVAL_VARIANT,
        "labels": labels,
    }
    with translation.override(lang):
        return render_pdf(template=template, context=context, target=target, pdf_variant=ARCHIVAL_VARIANT)


def _work_root() -> Path:
    root = Path(private_storage().path("requests/packages/work"))
    root.mkdir(parents=True, exist_ok=True)
    return root


def package_build(*, request_id: int, now: datetime | None = None) -> AccessPackage | None:
    """Build (or finish building) the request's access package; see the module docstring."""
    now = now or timezone.now()
    request = DataSubjectRequest.objects.filter(pk=request_id).first()
    if request is None:
        return None
    package, _ = AccessPackage.objects.get_or_create(
        request=request, defaults={"language": language_of(request.language)}
    )
    if package.status in (AccessPackageStatus.READY, AccessPackageStatus.RELEASED):
        return package
    token = secrets.token_hex(16)
    claimed = AccessPackage.objects.filter(
        pk=package.pk,
        status__in=[AccessPackageStatus.PENDING, AccessPackageStatus.BUILDING, AccessPackageStatus.FAILED],
    ).update(status=AccessPackageStatus.BUILDING, claim_token=token, attempts=F("attempts") + 1, last_error="")
    if not claimed:
        return package
    package.refresh_from_db()
    matches = list(disclosed_matches(request))
    for stale in _work_root().glob(f"{package.pk}-*"):
        shutil.rmtree(stale, ignore_errors=True)  # left by a worker killed mid-build
    work = Path(tempfile.mkdtemp(prefix=f"{package.pk}-", dir=_work_root()))
    storage = private_storage()
    pdf_name = zip_name = ""
    try:
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
        _write_zip(work / "package.zip", document, copies)
        rendered = _render_letter(
            request=request, package=package, copies=copies, target=work / "letter.pdf", now=now, document=document
        )
        zip_sha = file_sha256(work / "package.zip")
        pdf_name = package.pdf.field.generate_filename(package, "letter.pdf")
        zip_name = package.zip.field.generate_filename(package, "package.zip")
        for source, name in ((work / "letter.pdf", pdf_name), (work / "package.zip", zip_name)):
            destination = Path(storage.path(name))
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, destination)
        with transaction.atomic():
            done = AccessPackage.objects.filter(
                pk=package.pk, status=AccessPackageStatus.BUILDING, claim_token=token
            ).update(
                status=AccessPackageStatus.READY,
                pdf=pdf_name,
                pdf_sha256=rendered.sha256,
                zip=zip_name,
                zip_sha256=zip_sha,
                photo_count=len(copies),
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
                        "copies": len(copies),
                        "matches_disclosed": len(matches),
                        "others_blurred": sum(c.faces_blurred for c in copies.values()),
                        "pdf_sha256": rendered.sha256,
                        "zip_sha256": zip_sha,
                        "pages": rendered.page_count,
                    },
                )
        if not done:
            for name in (pdf_name, zip_name):
                with contextlib.suppress(FileNotFoundError):
                    storage.delete(name)
    except Exception as error:
        for name in (pdf_name, zip_name):
            if name:
                with contextlib.suppress(FileNotFoundError):
                    storage.delete(name)
        if isinstance(error, OperationalError):
            raise  # transient database trouble: the task retries and claims again
        logger.exception("access package for request %s failed", request.public_id)
        AccessPackage.objects.filter(pk=package.pk, status=AccessPackageStatus.BUILDING, claim_token=token).update(
            status=AccessPackageStatus.FAILED, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    package.refresh_from_db()
    return package


def package_discard(*, package: AccessPackage) -> None:
    """Delete a package's files (e.g. before a rebuild after a review decision changed)."""
    storage = private_storage()
    for field in ("pdf", "zip"):
        name = getattr(package, field).name
        if name:
            with contextlib.suppress(FileNotFoundError):
                storage.delete(name)
    AccessPackage.objects.filter(pk=package.pk).update(
        status=AccessPackageStatus.PENDING, pdf=None, zip=None, pdf_sha256="", zip_sha256="", claim_token=""
    )


def package_retention_days() -> int:
    return int(getattr(settings, "ANSWER_PACKAGE_RETENTION_DAYS", 30))


def packages_expire(*, now: datetime | None = None) -> int:
    """Delete the files of packages released more than ANSWER_PACKAGE_RETENTION_DAYS ago (they
    hold photos of the requester; GDPR Art. 5(1)(e)). The row, its hashes and the audit trail
    stay as the record of what was sent. Returns how many expired now."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=package_retention_days())
    expired = 0
    storage = private_storage()
    for package in AccessPackage.objects.filter(status=AccessPackageStatus.RELEASED, released_at__lte=cutoff):
        names = [getattr(package, field).name for field in ("pdf", "zip") if getattr(package, field)]
        with transaction.atomic():
            moved = AccessPackage.objects.filter(pk=package.pk, status=AccessPackageStatus.RELEASED).update(
                status=AccessPackageStatus.EXPIRED, pdf=None, zip=None, expired_at=now
            )
            if moved:
                audit_record(
                    action="answering.package_expired",
                    actor_label="system",
                    request=package.request,
                    object_type="compliance.accesspackage",
                    object_id=package.pk,
                )
        if moved:
            # After the commit: a crash in between leaves files without a row pointing at them,
            # which the next sweep cannot see, so delete right away and tolerate repeats.
            for name in names:
                with contextlib.suppress(FileNotFoundError):
                    storage.delete(name)
            _access_letters_delete(package.request)
            expired += 1
    return expired


def _access_letters_delete(request: DataSubjectRequest) -> int:
    """The Art. 15 letters the reports side made for the requester's download embed the same
    photo copies: they go with the package (their SHA-256 stays in the audit trail)."""
    from config.models import GeneratedReport, ReportKind

    letters = GeneratedReport.objects.filter(kind=ReportKind.LETTER_ACCESS, parameters__request=str(request.public_id))
    deleted = 0
    for letter in letters:
        name = letter.file.name if letter.file else ""
        with transaction.atomic():
            GeneratedReport.objects.filter(pk=letter.pk).delete()
            audit_record(
                action="answering.access_letter_deleted",
                actor_label="system",
                request=request,
                object_type="config.generatedreport",
                object_id=str(letter.public_id),
                details={"sha256": letter.sha256},
            )
        if name:
            with contextlib.suppress(FileNotFoundError):
                letter.file.storage.delete(name)
        deleted += 1
    return deleted
