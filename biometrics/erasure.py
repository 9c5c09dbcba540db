"""Store-side erasure of a person's faces (GDPR Art. 17), one photo at a time, crash-safe.

The caller (compliance.workflow.erasure) keeps a journal row per photo (an `ErasureAction`)
and passes its fields in and a `record(**fields)` callable that writes them; each step below
moves the journal forward, and every step is safe to run again after a crash at any point:

Delete a photo (all of its faces are the requester's):
  planned --(one transaction: lock the photo, check that every face in it is one of the planned
            faces, delete the faces through biometrics.services.faces_delete (a FaceChange
            "removed" per face; the in-memory search indexes see the delete through the face
            table's triggers before they answer), record the photo's SHA-256 as erased
            (ErasedPhoto: ingestion refuses those bytes from now on), delete the photo row,
            journal <- db_done with the old file name)--> db_done
          --(delete the file; a missing file is fine)--> done

Blur the requester's face in a photo that others are also in:
  planned --(blur the requester's boxes in the upright image and write it to a temp name fixed
            by the journal row, so a rerun overwrites instead of leaving a second copy;
            journal <- staged with that name and the new SHA-256)--> staged
          --(move the temp file to its content-addressed name (atomic rename); one transaction:
            point the photo row at the new file and hash, record the old hash as erased,
            delete the requester's faces (+ FaceChange), journal <- db_done)--> db_done
          --(delete the old file)--> done

Two erasures blurring different people in the same photo at the same time cannot undo each
other: the row is repointed only if the photo still has the hash the blur was made from;
otherwise the blur is made again from the current file.

Whatever is found at a step decides what to do: a temp file already moved, a file already
deleted, a face already gone are all states of an interrupted run, not errors. Nothing is ever
deleted that the plan does not name: a photo is deleted only if, inside the locking transaction,
all its faces are planned faces; otherwise it falls back to blurring.

Test hook (tests only): when the environment variable DPA_ERASURE_HOOK_DIR names a folder, each
checkpoint appends its name to `<folder>/checkpoints`; when DPA_ERASURE_STOP_AT names that
checkpoint, the process then blocks (up to 10 minutes) so a test can kill it with SIGKILL at
exactly that point. Unset in every real deployment, both cost nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from types import SimpleNamespace

from django.db import transaction

from biometrics.images import ImageLimits, load_image_checked
from biometrics.models import ErasedPhoto, Face, SourcePhoto, photo_upload_to
from biometrics.redaction import blur_faces

HOOK_DIR_ENV = "DPA_ERASURE_HOOK_DIR"
STOP_AT_ENV = "DPA_ERASURE_STOP_AT"

# Stored photos passed ingestion's limits; re-reading them must not fail on an upload limit.
STORED_PHOTO_LIMITS = ImageLimits(max_bytes=512 * 1024 * 1024, max_pixels=500_000_000)


class ErasureConflict(Exception):
    """The store is not in a state the plan expects (e.g. the photo's file is missing before the
    database step); the erasure stops with this message and alerts staff."""


def checkpoint(name: str) -> None:
    """The test hook described in the module docstring."""
    folder = os.environ.get(HOOK_DIR_ENV)
    if not folder:
        return
    with open(os.path.join(folder, "checkpoints"), "a") as handle:
        handle.write(name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    if os.environ.get(STOP_AT_ENV) == name:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            time.sleep(0.05)


@dataclass(frozen=True)
class PhotoPlan:
    photo_id: int
    photo_public_id: str
    delete_photo: bool  # False: blur the planned faces and keep the photo
    face_ids: tuple[int, ...]
    faces_kept: int


def plan_for_faces(face_ids: list[int]) -> list[PhotoPlan]:
    """Group the faces to erase by photo and decide, per photo, delete or blur."""
    by_photo: dict[int, set[int]] = {}
    for face_id, photo_id in Face.objects.filter(pk__in=face_ids).values_list("pk", "photo_id"):
        by_photo.setdefault(photo_id, set()).add(face_id)
    plans = []
    photos = SourcePhoto.objects.filter(pk__in=by_photo).values_list("pk", "public_id")
    for photo_id, public_id in sorted(photos):
        all_faces = set(Face.objects.filter(photo_id=photo_id).values_list("pk", flat=True))
        planned = by_photo[photo_id]
        plans.append(
            PhotoPlan(
                photo_id=photo_id,
                photo_public_id=str(public_id),
                delete_photo=all_faces <= planned,
                face_ids=tuple(sorted(planned)),
                faces_kept=len(all_faces - planned),
            )
        )
    return plans


def _delete_faces(photo_id: int, face_ids: list[int]) -> int:
    """Delete these faces of this photo (never a face of another photo) through the store's
    service, which logs each removal (FaceChange) in the caller's transaction; the search
    indexes see the delete through the face table's triggers. Returns how many rows were
    deleted now (0 on a rerun)."""
    from biometrics.services import faces_delete

    present = list(Face.objects.filter(photo_id=photo_id, pk__in=face_ids).values_list("pk", flat=True))
    return faces_delete(face_ids=present) if present else 0


def _remember_erased(sha256: str) -> None:
    """Ingestion refuses these bytes from now on (in the caller's transaction)."""
    ErasedPhoto.objects.get_or_create(sha256=sha256)


def _storage():
    return SourcePhoto._meta.get_field("image").storage


def _delete_file(name: str) -> None:
    if not name:
        return
    storage = _storage()
    with contextlib.suppress(FileNotFoundError):
        storage.delete(name)


def _path(name: str) -> str:
    return _storage().path(name)


def step_delete_photo(*, journal: SimpleNamespace, record: Callable[..., None]) -> str:
    """Run the delete-photo steps from the journal's state; returns the final state."""
    state = journal.state
    if state == "planned":
        with transaction.atomic():
            photo = SourcePhoto.objects.select_for_update().filter(pk=journal.photo_ref).first()
            if photo is None:
                # Deleted by an earlier run whose journal write was lost? Impossible: both are in
                # one transaction. So someone else deleted it: nothing left to do here.
                record(state="done", old_file_name=journal.old_file_name)
                return "done"
            face_ids = set(Face.objects.filter(photo_id=photo.pk).values_list("pk", flat=True))
            if not face_ids <= set(journal.face_refs):
                raise ErasureConflict(
                    f"photo {photo.public_id} has faces that were not matched: it is blurred, not deleted"
                )
            _delete_faces(photo.pk, list(face_ids))
            old_name = photo.image.name
            _remember_erased(photo.sha256)
            photo.delete()
            record(state="db_done", old_file_name=old_name, old_sha256=photo.sha256)
            journal.old_file_name = old_name
        checkpoint("delete:db_done")
        state = "db_done"
    if state == "db_done":
        _delete_file(journal.old_file_name)
        checkpoint("delete:file_deleted")
        record(state="done")
        state = "done"
    return state


def _encode_like(original_name: str, image) -> tuple[bytes, str]:
    suffix = PurePosixPath(original_name).suffix.lower()
    buffer = io.BytesIO()
    if suffix == ".png":
        image.save(buffer, format="PNG", optimize=False)
        return buffer.getvalue(), ".png"
    image.save(buffer, format="JPEG", quality=95)
    return buffer.getvalue(), ".jpg"


def step_redact_photo(*, journal: SimpleNamespace, record: Callable[..., None], action_key: str) -> str:
    """Run the blur-in-place steps from the journal's state; returns the final state."""
    state = journal.state
    storage = _storage()
    if state == "planned":
        photo = SourcePhoto.objects.filter(pk=journal.photo_ref).first()
        if photo is None:
            record(state="done")
            return "done"
        boxes = list(
            Face.objects.filter(photo_id=photo.pk, pk__in=journal.face_refs).values_list(
                "top", "right", "bottom", "left"
            )
        )
        with storage.open(photo.image.name, "rb") as handle:
            image = load_image_checked(handle, limits=STORED_PHOTO_LIMITS)
        data, suffix = _encode_like(photo.image.name, blur_faces(image, boxes))
        staged = f"biometrics/erasure-staging/{action_key}{suffix}"
        staged_path = _path(staged)
        os.makedirs(os.path.dirname(staged_path), exist_ok=True)
        temp = staged_path + ".part"
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, staged_path)
        new_sha = hashlib.sha256(data).hexdigest()
        new_name = photo_upload_to(SimpleNamespace(sha256=new_sha), f"x{suffix}")
        checkpoint("redact:file_staged")
        record(
            state="staged",
            staged_file_name=staged,
            new_file_name=new_name,
            new_sha256=new_sha,
            old_file_name=photo.image.name,
            old_sha256=photo.sha256,
        )
        journal.staged_file_name, journal.new_file_name, journal.new_sha256 = staged, new_name, new_sha
        journal.old_file_name, journal.old_sha256 = photo.image.name, photo.sha256
        checkpoint("redact:staged")
        state = "staged"
    if state == "staged":
        staged_path, new_path = _path(journal.staged_file_name), _path(journal.new_file_name)
        if os.path.exists(staged_path):
            os.makedirs(os.path.dirname(new_path), exist_ok=True)
            os.replace(staged_path, new_path)
        elif not os.path.exists(new_path):
            # Neither the temp copy nor the moved one: the blur is made again from the original.
            record(state="planned")
            journal.state = "planned"
            return step_redact_photo(journal=journal, record=record, action_key=action_key)
        checkpoint("redact:file_moved")
        with transaction.atomic():
            photo = SourcePhoto.objects.select_for_update().filter(pk=journal.photo_ref).first()
            changed = (
                photo is not None
                and photo.image.name != journal.new_file_name
                and journal.old_sha256
                and photo.sha256 != journal.old_sha256
            )
            if changed:
                # The stored file changed since it was blurred here (another erasure from the same
                # photo committed first): pointing the row at this copy would undo that one.
                record(state="planned")
            elif photo is not None:
                _delete_faces(photo.pk, list(journal.face_refs))
                if photo.image.name != journal.new_file_name:
                    _remember_erased(photo.sha256)
                    SourcePhoto.objects.filter(pk=photo.pk).update(
                        image=journal.new_file_name,
                        sha256=journal.new_sha256,
                        size_bytes=os.path.getsize(new_path),
                    )
            if not changed:
                record(state="db_done")
        if changed:
            _delete_file(journal.new_file_name)
            journal.state = "planned"
            return step_redact_photo(journal=journal, record=record, action_key=action_key)
        checkpoint("redact:db_done")
        state = "db_done"
    if state == "db_done":
        if journal.old_file_name and journal.old_file_name != journal.new_file_name:
            _delete_file(journal.old_file_name)
        checkpoint("redact:old_file_deleted")
        record(state="done")
        state = "done"
    return state
