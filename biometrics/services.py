"""Writes to the biometric store. Every insert and delete of a Face goes through here (or through
biometrics.erasure, which follows the same rule) and records a FaceChange in the same
transaction: the store's own history of what was added and removed when. (The in-memory search
indexes do not depend on it: triggers on the face table feed their change log, so not even a
raw SQL delete can bypass them; see biometrics.search.store.)

`search_photo_read` is the one reading of a photo that staff search the store with (checks,
then faces); the search form only shows its refusal.

Nothing here logs encodings, boxes, file names or URLs of photos.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from biometrics import selectors
from biometrics.faces import DETECTOR, ENCODING_MODEL, MODEL_VERSION, SEARCH_MAX_SIDE, DetectedFace, detect_faces
from biometrics.images import ImageRejected, image_to_array, load_image_checked
from biometrics.models import (
    Customer,
    CustomerKind,
    ErasedPhoto,
    Face,
    FaceChange,
    FaceChangeKind,
    FaceRestriction,
    SearchEvent,
    SearchResult,
    SourcePhoto,
    SuppressionEntry,
    encoding_to_bytes,
    photo_upload_to,
    source_domain_of,
)

TEMP_DIR = "biometrics/tmp"
TEMP_SUFFIX = ".part"
STALE_TEMP_SECONDS = 24 * 3600


class IngestStatus:
    CREATED = "created"
    DUPLICATE = "duplicate"
    FACELESS = "faceless"
    SUPPRESSED = "suppressed"
    ERASED = "erased"


@dataclass(frozen=True)
class FaceFound:
    box: tuple[int, int, int, int]  # (top, right, bottom, left), upright full-resolution pixels
    encoding: bytes  # 512 bytes, see models.encoding_to_bytes


@dataclass(frozen=True)
class IngestOutcome:
    status: str
    photo_id: int | None = None
    faces: int = 0


def _storage():
    return SourcePhoto._meta.get_field("image").storage


def _temp_name() -> str:
    # "<host>__<pid>__<random>.part": the cleanup knows whose file it is and whether they still run.
    return f"{TEMP_DIR}/{socket.gethostname()}__{os.getpid()}__{uuid.uuid4().hex}{TEMP_SUFFIX}"


def _write_file(*, name: str, data: bytes) -> str:
    """Write `data` under `name` in the photo storage: to a temp file first, then moved into place.

    The name is content-addressed (SHA-256), so a rerun after a crash rewrites the same name;
    the temp file means a reader never sees half a photo under its final name.
    """
    storage = _storage()
    try:
        final_path = Path(storage.path(name))
    except NotImplementedError:  # remote storage (S3 ...): its own upload is atomic
        if storage.exists(name):
            storage.delete(name)
        return storage.save(name, ContentFile(data))
    temp_path = Path(storage.path(_temp_name()))
    temp_path.parent.mkdir(parents=True, exist_ok=True)
    final_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(temp_path, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_path, 0o640)
        os.replace(temp_path, final_path)
    finally:
        if temp_path.exists():
            temp_path.unlink()
    return name


def temp_files_cleanup(*, now: float | None = None) -> int:
    """Delete temp files left by interrupted ingestions: those of processes on this host that no
    longer run, and any older than a day (another host's crash). Returns how many were deleted."""
    storage = _storage()
    try:
        folder = Path(storage.path(TEMP_DIR))
    except NotImplementedError:
        return 0
    if not folder.is_dir():
        return 0
    now = time.time() if now is None else now
    host = socket.gethostname()
    removed = 0
    for path in folder.glob(f"*{TEMP_SUFFIX}"):
        owner_host, _, rest = path.name.partition("__")
        pid_text = rest.partition("__")[0]
        try:
            age = now - path.stat().st_mtime
        except FileNotFoundError:
            continue
        orphaned = owner_host == host and pid_text.isdigit() and not _process_alive(int(pid_text))
        if orphaned or age > STALE_TEMP_SECONDS:
            try:
                path.unlink()
                removed += 1
            except FileNotFoundError:
                pass
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def photo_ingest(
    *,
    data: bytes,
    sha256: str,
    suffix: str,
    width: int,
    height: int,
    faces: Sequence[FaceFound],
    source_url: str = "",
    page_url: str = "",
    collected_at: datetime | None = None,
    now: datetime | None = None,
    tolerance: float | None = None,
) -> IngestOutcome:
    """Store one analysed photo and its faces, or say why not.

    1. A photo whose SHA-256 is already stored is a duplicate (re-runs and concurrent workers);
       one whose bytes an erasure removed (ErasedPhoto) is refused (GDPR Art. 17).
    2. A photo without faces is not stored (there is nothing to search for; data minimisation).
    3. A photo with any face within `tolerance` of a suppression entry is not stored at all: the
       image itself would still show the person who asked never to be collected again.
    4. Otherwise the file is written (temp file, then moved) and, in one transaction, the photo,
       its faces and one FaceChange per face are created. The unique SHA-256 constraint makes a
       concurrent duplicate roll back cleanly.
    """
    now = now or timezone.now()
    tolerance = settings.FACE_TOLERANCE if tolerance is None else tolerance
    if SourcePhoto.objects.filter(sha256=sha256).exists():
        return IngestOutcome(IngestStatus.DUPLICATE)
    if ErasedPhoto.objects.filter(sha256=sha256).exists():
        return IngestOutcome(IngestStatus.ERASED)
    if not faces:
        return IngestOutcome(IngestStatus.FACELESS)
    if selectors.suppression_matches_any([face.encoding for face in faces], tolerance=tolerance):
        return IngestOutcome(IngestStatus.SUPPRESSED)
    name = photo_upload_to(SourcePhoto(sha256=sha256), f"photo{suffix}")
    _write_file(name=name, data=data)
    try:
        with transaction.atomic():
            photo = SourcePhoto.objects.create(
                source_url=source_url,
                page_url=page_url,
                source_domain=source_domain_of(source_url),
                collected_at=collected_at or now,
                sha256=sha256,
                image=name,
                width=width,
                height=height,
                size_bytes=len(data),
                created_at=now,
                detector=DETECTOR,
            )
            created = faces_create(photo=photo, faces=faces, now=now)
    except IntegrityError:
        # Another worker stored the same bytes between our check and our insert; the file we
        # wrote has the same content and name as theirs, so nothing is left over.
        if SourcePhoto.objects.filter(sha256=sha256).exists():
            return IngestOutcome(IngestStatus.DUPLICATE)
        raise
    return IngestOutcome(IngestStatus.CREATED, photo_id=photo.pk, faces=len(created))


def faces_create(*, photo: SourcePhoto, faces: Sequence[FaceFound], now: datetime | None = None) -> list[Face]:
    """Insert faces of a photo and log each one for the search indexes (one transaction)."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = Face.objects.bulk_create(
            [
                Face(
                    photo=photo,
                    top=face.box[0],
                    right=face.box[1],
                    bottom=face.box[2],
                    left=face.box[3],
                    encoding=face.encoding,
                    model_name=ENCODING_MODEL,
                    model_version=MODEL_VERSION,
                    encoded_at=now,
                )
                for face in faces
            ]
        )
        if any(row.pk is None for row in rows):  # a backend that does not return ids
            rows = list(Face.objects.filter(photo=photo).order_by("id"))
        FaceChange.objects.bulk_create(
            [FaceChange(face_id=row.pk, photo_id=photo.pk, kind=FaceChangeKind.ADDED, changed_at=now) for row in rows]
        )
    return rows


def faces_delete(*, face_ids: Iterable[int], now: datetime | None = None) -> int:
    """Delete faces (not their photos), recording each removal as a FaceChange (the audit log; the
    search indexes see the delete through the face table's triggers)."""
    now = now or timezone.now()
    with transaction.atomic():
        present = list(Face.objects.select_for_update().filter(pk__in=list(face_ids)).values_list("pk", "photo_id"))
        if not present:
            return 0
        FaceChange.objects.bulk_create(
            [
                FaceChange(face_id=face_id, photo_id=photo_id, kind=FaceChangeKind.REMOVED, changed_at=now)
                for face_id, photo_id in present
            ]
        )
        Face.objects.filter(pk__in=[face_id for face_id, _ in present]).delete()
    return len(present)


def photo_delete(*, photo: SourcePhoto, now: datetime | None = None) -> None:
    """Delete a photo, its faces (each removal recorded as a FaceChange) and then its file."""
    with transaction.atomic():
        locked = SourcePhoto.objects.select_for_update().filter(pk=photo.pk).first()
        if locked is None:
            return
        faces_delete(face_ids=list(locked.faces.values_list("pk", flat=True)), now=now)
        name = locked.image.name
        locked.delete()
        transaction.on_commit(lambda: _storage().delete(name) if name else None)


# --- customers and the searches they ran -----------------------------------------------------


def customer_ensure(*, name: str, country: str, kind: str = CustomerKind.OTHER, contact_email: str = "") -> Customer:
    customer, _ = Customer.objects.get_or_create(
        name=name, country=country.upper(), defaults={"kind": kind, "contact_email": contact_email}
    )
    return customer


def search_event_record(
    *,
    customer: Customer,
    matches: Iterable,
    searched_at: datetime | None = None,
    reference: str = "",
    tolerance: float | None = None,
) -> SearchEvent:
    """Record that `customer` received these faces. `matches` holds objects with `face_id` and
    `distance` (biometrics.search.Match) or (face_id, distance) pairs. A snapshot of each face's
    photo is kept so that recipients can still be named after the face is erased (Art. 19)."""
    pairs = []
    for match in matches:
        if isinstance(match, tuple | list):
            pairs.append((int(match[0]), float(match[1]) if match[1] is not None else None))
        else:
            pairs.append((int(match.face_id), float(match.distance)))
    with transaction.atomic():
        event = SearchEvent.objects.create(
            customer=customer, searched_at=searched_at or timezone.now(), reference=reference, tolerance=tolerance
        )
        photos = {
            face_id: (public_id, sha)
            for face_id, public_id, sha in Face.objects.filter(pk__in=[face_id for face_id, _ in pairs]).values_list(
                "pk", "photo__public_id", "photo__sha256"
            )
        }
        SearchResult.objects.bulk_create(
            [
                SearchResult(
                    search=event,
                    face_id=face_id,
                    face_ref=face_id,
                    photo_public_id=photos[face_id][0],
                    photo_sha256=photos[face_id][1],
                    distance=distance,
                )
                for face_id, distance in dict(pairs).items()
                if face_id in photos
            ]
        )
    return event


def customer_search(
    *,
    customer: Customer,
    encoding,
    tolerance: float,
    reference: str = "",
    now: datetime | None = None,
) -> SearchEvent:
    """A customer's search of the store: every face within `tolerance` that is not restricted
    (GDPR Art. 18(2): a restricted face is only stored; biometrics.selectors.faces_searchable),
    recorded as received by the customer (Art. 15(1)(c), Art. 19)."""
    hits = selectors.faces_searchable(encoding, tolerance=tolerance)
    return search_event_record(
        customer=customer,
        matches=list(hits),
        searched_at=now,
        reference=reference,
        tolerance=tolerance,
    )


# --- restriction of processing (GDPR Art. 18) -------------------------------------------------


def face_restrictions_add(
    *, face_ids: Iterable[int], request_public_id: uuid.UUID | str, basis: str, now: datetime | None = None
) -> int:
    """Restrict these faces for a request (idempotent: a face already restricted for it, even if
    lifted since, is restricted again from `now`). Returns how many faces are now restricted for
    the request that were not before."""
    now = now or timezone.now()
    request_uuid = uuid.UUID(str(request_public_id))
    wanted = set(Face.objects.filter(pk__in=list(face_ids)).values_list("pk", flat=True))
    with transaction.atomic():
        existing = dict(
            FaceRestriction.objects.select_for_update()
            .filter(request_public_id=request_uuid, face_id__in=wanted)
            .values_list("face_id", "lifted_at")
        )
        again = [face for face, lifted in existing.items() if lifted is not None]
        FaceRestriction.objects.filter(request_public_id=request_uuid, face_id__in=again).update(
            lifted_at=None, restricted_at=now, basis=basis
        )
        FaceRestriction.objects.bulk_create(
            [
                FaceRestriction(face_id=face, request_public_id=request_uuid, basis=basis, restricted_at=now)
                for face in sorted(wanted - set(existing))
            ],
            ignore_conflicts=True,
        )
    return len(wanted - set(existing)) + len(again)


def face_restrictions_lift(
    *, request_public_id: uuid.UUID | str, face_ids: Iterable[int] | None = None, now: datetime | None = None
) -> int:
    """Lift the request's active restrictions (all, or those of `face_ids`). A face restricted
    for another request as well stays withheld. Returns how many were lifted."""
    rows = FaceRestriction.objects.filter(request_public_id=uuid.UUID(str(request_public_id)), lifted_at__isnull=True)
    if face_ids is not None:
        rows = rows.filter(face_id__in=list(face_ids))
    return rows.update(lifted_at=now or timezone.now())


# --- suppression (opt-in, GDPR Art. 9(2)(a) explicit consent) --------------------------------


def suppression_entry_add(
    *, encoding, consented_at: datetime, request_public_id: uuid.UUID | str, now: datetime | None = None
) -> SuppressionEntry:
    """Keep one encoding so that ingestion refuses this face from now on. Idempotent per request
    and encoding."""
    data = encoding_to_bytes(np.asarray(encoding, dtype=np.float64))
    request_uuid = uuid.UUID(str(request_public_id))
    with transaction.atomic():
        for entry in SuppressionEntry.objects.select_for_update().filter(request_public_id=request_uuid):
            if bytes(entry.encoding) == data:
                return entry
        return SuppressionEntry.objects.create(
            encoding=data, consented_at=consented_at, request_public_id=request_uuid, created_at=now or timezone.now()
        )


def suppression_entries_withdraw(*, request_public_id: uuid.UUID | str) -> int:
    """Consent withdrawn (Art. 7(3)): delete every encoding kept for that request."""
    deleted, _ = SuppressionEntry.objects.filter(request_public_id=uuid.UUID(str(request_public_id))).delete()
    return deleted


def erased_photos_forget(*, sha256s: list[str]) -> int:
    """The requester opted out of the blocklist: ingestion no longer refuses these bytes.
    Returns how many hashes were deleted."""
    if not sha256s:
        return 0
    deleted, _ = ErasedPhoto.objects.filter(sha256__in=sha256s).delete()
    return deleted


# --- a photo to search with ----------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedFaces:
    width: int
    height: int
    image: object  # the upright Pillow image, in memory only
    faces: list[DetectedFace]


def search_photo_too_large_message() -> str:
    return _("The file is too large: the limit is %(mb)s MB.") % {"mb": round(settings.UPLOAD_MAX_BYTES / 1_048_576, 1)}


def search_photo_read(upload) -> UploadedFaces:
    """Read a photo to search the store with (image checks of biometrics.images, then every face
    the detector finds); raise ImageRejected with a message for people when it cannot be used."""
    if upload.size is not None and upload.size > settings.UPLOAD_MAX_BYTES:
        raise ImageRejected("too_large", search_photo_too_large_message())
    image = load_image_checked(upload)
    faces = detect_faces(image_to_array(image), max_side=SEARCH_MAX_SIDE)
    if not faces:
        raise ImageRejected(
            "no_face", _("No face was found in this photo. Use a photo in which a face is clearly visible.")
        )
    return UploadedFaces(width=image.width, height=image.height, image=image, faces=faces)
