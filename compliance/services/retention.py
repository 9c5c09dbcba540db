"""Photos kept server-side only as long as their purpose lasts.

- PendingUpload: a validated photo kept for one hour so that a form re-displayed after a text
  error does not ask for the photo again (the form holds a random token; we store its hash).
- `compliance.workflow.sweep.request_photos_delete_leftovers` (Celery beat) is the safety net behind the immediate
  deletions in the lifecycle services: it purges photos still attached to finished requests,
  ID photos whose check is over, expired pending uploads, and files in the private folders that
  no row references any more (left by a rolled-back transaction or a crash between commit and
  delete).
"""

import os
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone

from compliance.models import DataSubjectRequest, PendingUpload
from compliance.services.tokens import token_hash, token_new
from compliance.storage import private_storage

PENDING_UPLOAD_LIFETIME = timedelta(hours=1)
ORPHAN_GRACE = timedelta(hours=1)  # a file younger than this may belong to a transaction in flight
PRIVATE_FOLDERS = ("requests/selfies", "requests/id-documents", "pending")
# Empty FileFields are stored as "" (or NULL after a purge): "> ''" matches only a real name.
HAS_PHOTO = Q(selfie__gt="") | Q(selfie_2__gt="") | Q(selfie_3__gt="") | Q(id_document__gt="")


def pending_upload_create(
    *, content: bytes, original_name: str = "", now: datetime | None = None
) -> tuple[PendingUpload, str]:
    """Keep an already validated photo (JPEG bytes) for an hour; returns (upload, token)."""
    now = now or timezone.now()
    token = token_new()
    upload = PendingUpload(
        token_hash=token_hash(token),
        original_name=(original_name or "")[:255],
        created_at=now,
        expires_at=now + PENDING_UPLOAD_LIFETIME,
    )
    upload.file.save("pending.jpg", ContentFile(content), save=False)
    upload.save(force_insert=True)
    return upload, token


def pending_upload_get(*, token: str, now: datetime | None = None) -> PendingUpload | None:
    """The pending upload behind `token` if it has not expired."""
    if not token:
        return None
    now = now or timezone.now()
    return PendingUpload.objects.filter(token_hash=token_hash(token), expires_at__gt=now).first()


def pending_upload_read(*, upload: PendingUpload) -> bytes:
    # The file's name is None only for a row without its file: pending_upload_create saves the file first.
    with upload.file.storage.open(upload.file.name, "rb") as handle:  # type: ignore[arg-type]
        return handle.read()


def pending_upload_delete(*, upload: PendingUpload) -> None:
    name = upload.file.name if upload.file else ""
    PendingUpload.objects.filter(pk=upload.pk).delete()
    if name:
        private_storage().delete(name)


def pending_uploads_delete_expired(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    count = 0
    for upload in PendingUpload.objects.filter(expires_at__lte=now).iterator():
        pending_upload_delete(upload=upload)
        count += 1
    return count


def _referenced_names() -> set[str]:
    names: set[str] = set()
    fields = DataSubjectRequest.BIOMETRIC_FILE_FIELDS
    for row in DataSubjectRequest.objects.filter(HAS_PHOTO).values_list(*fields):
        names.update(name for name in row if name)
    names.update(name for name in PendingUpload.objects.values_list("file", flat=True) if name)
    return names


def private_files_delete_orphans(*, now: datetime | None = None) -> int:
    """Delete files in the private request folders that no row references and that are older
    than ORPHAN_GRACE."""
    now = now or timezone.now()
    storage = private_storage()
    referenced = _referenced_names()
    cutoff = (now - ORPHAN_GRACE).timestamp()
    count = 0
    for folder in PRIVATE_FOLDERS:
        root = os.path.join(storage.location, folder)
        if not os.path.isdir(root):
            continue
        for dirpath, _dirnames, filenames in os.walk(root):
            for filename in filenames:
                path = os.path.join(dirpath, filename)
                name = os.path.relpath(path, storage.location).replace(os.sep, "/")
                if name in referenced:
                    continue
                try:
                    if os.path.getmtime(path) > cutoff:
                        continue
                    os.remove(path)
                    count += 1
                except FileNotFoundError:
                    continue
    return count
