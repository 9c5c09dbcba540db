"""The tamper-evident audit trail: an append-only hash chain of every action.

Writing (`audit_record`), in one transaction:
1. lock the chain head row (AuditChainHead, id=1): an UPDATE takes a row lock on PostgreSQL
   and the database write lock on SQLite, so concurrent writers queue and the chain never forks;
2. read the head's last seq and hash;
3. build the record: seq = last + 1, prev_hash = last hash (64 zeros for the first record),
   hash = SHA-256 over the canonical JSON of the record's fields and prev_hash;
4. insert it and move the head.

Checking (`audit_verify`) walks the records in seq order and reports the first one where
- seq skips a number (a record before it was deleted),
- prev_hash differs from the previous record's hash (a record before it was deleted or edited),
- the stored hash differs from the hash recomputed from the row (the row itself was edited),
and finally compares the last record with the head (the newest records were deleted).

The details never hold biometric data: `_normalise_details` refuses keys that name photos or
encodings and values that look like an encoding (long lists of numbers) or raw bytes.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
CHAIN_HEAD_ID = 1

# Keys containing these parts, or equal to the exact names, are refused (allow-listed exceptions
# name facts about photos, never their content).
_FORBIDDEN_KEY_PARTS = ("selfie", "photo", "image", "encoding", "embedding", "token", "password")
_FORBIDDEN_KEYS = frozenset({"ip", "ip_address", "remote_addr", "filename", "file_name", "original_name", "path"})
_ALLOWED_KEYS = frozenset({"selfie_consent", "photos_deleted", "selfie_deleted", "id_photo_deleted"})


class AuditDetailsRejected(ValueError):
    """Details that could carry biometric data or secrets; a programming error, never user input."""


def _normalise(value, path: str):
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            key = str(key)
            lowered = key.lower()
            if lowered not in _ALLOWED_KEYS and (
                lowered in _FORBIDDEN_KEYS or any(part in lowered for part in _FORBIDDEN_KEY_PARTS)
            ):
                raise AuditDetailsRejected(f"audit details may not hold {key!r} (biometric data or secrets)")
            result[key] = _normalise(item, f"{path}.{key}")
        return result
    if isinstance(value, list | tuple):
        if len(value) >= 32 and all(isinstance(item, int | float) for item in value):
            raise AuditDetailsRejected(f"audit details at {path} look like a face encoding")
        return [_normalise(item, path) for item in value]
    if isinstance(value, bytes | bytearray | memoryview):
        raise AuditDetailsRejected(f"audit details at {path} hold raw bytes")
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float | Decimal):
        # Floats do not survive every JSON column round trip bit for bit (jsonb normalises
        # numbers), so they are stored as text and the hash stays reproducible.
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, UUID):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _normalise_details(details: dict | None) -> dict:
    return _normalise(details or {}, "details")


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def compute_hash(
    *,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    request_public_id: UUID | str | None,
    object_type: str,
    object_id: str,
    details: dict,
    prev_hash: str,
) -> str:
    payload = {
        "seq": seq,
        "created_at": _timestamp(created_at),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "request_public_id": str(request_public_id) if request_public_id else None,
        "object_type": object_type,
        "object_id": object_id,
        "details": details,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def event_hash(event: AuditEvent) -> str:
    return compute_hash(
        seq=event.seq,
        created_at=event.created_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        request_public_id=event.request_public_id,
        object_type=event.object_type,
        object_id=event.object_id,
        details=event.details,
        prev_hash=event.prev_hash,
    )


def _lock_head(now: datetime) -> AuditChainHead:
    if not AuditChainHead.objects.filter(pk=CHAIN_HEAD_ID).update(updated_at=now):
        # The head row is created by migration 0002; recreate it (from the last record, if any)
        # when a test flush or a manual cleanup removed it.
        last = AuditEvent.objects.order_by("-seq").first()
        try:
            with transaction.atomic():
                AuditChainHead.objects.create(
                    pk=CHAIN_HEAD_ID,
                    last_seq=last.seq if last else 0,
                    last_hash=last.hash if last else "",
                    updated_at=now,
                )
        except IntegrityError:
            pass  # created concurrently
        AuditChainHead.objects.filter(pk=CHAIN_HEAD_ID).update(updated_at=now)
    return AuditChainHead.objects.select_for_update().get(pk=CHAIN_HEAD_ID)


def audit_record(
    *,
    action: str,
    actor=None,
    actor_label: str = "",
    request=None,
    details: dict | None = None,
    object_type: str = "",
    object_id: str | int = "",
) -> AuditEvent:
    """Append one record to the chain (see module docstring). Joins the caller's transaction, so
    a rolled-back action leaves no record."""
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    if not actor_label:
        actor_label = actor.get_username() if actor_id else "system"
    normalised = _normalise_details(details)
    request_public_id = getattr(request, "public_id", None)
    if request is not None and not object_type:
        object_type, object_id = "compliance.datasubjectrequest", str(request.pk)
    with transaction.atomic():
        now = timezone.now()
        head = _lock_head(now)
        seq = head.last_seq + 1
        prev_hash = head.last_hash or GENESIS_HASH
        event = AuditEvent(
            seq=seq,
            created_at=now,
            actor_id=actor_id,
            actor_label=actor_label[:150],
            action=action,
            request_public_id=request_public_id,
            object_type=object_type,
            object_id=str(object_id),
            details=normalised,
            prev_hash=prev_hash,
        )
        event.hash = event_hash(event)
        event.save(force_insert=True)
        AuditChainHead.objects.filter(pk=CHAIN_HEAD_ID).update(last_seq=seq, last_hash=event.hash)
    return event


@dataclass(frozen=True)
class AuditCheck:
    ok: bool
    checked: int
    broken_at_id: int | None = None
    broken_at_seq: int | None = None
    reason: str = ""


def audit_verify(*, chunk_size: int = 2000) -> AuditCheck:
    """Walk the whole chain and report the first break (see module docstring)."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    last = None
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if event.seq != expected_seq:
            return AuditCheck(
                False,
                checked,
                event.pk,
                event.seq,
                f"seq gap: expected {expected_seq}, found {event.seq} (a record before it was deleted)",
            )
        if event.prev_hash != prev_hash:
            return AuditCheck(
                False,
                checked,
                event.pk,
                event.seq,
                "prev_hash does not match the previous record's hash (a record before it was deleted or edited)",
            )
        if event_hash(event) != event.hash:
            return AuditCheck(
                False,
                checked,
                event.pk,
                event.seq,
                "hash does not match the record's content (this record was edited)",
            )
        checked += 1
        expected_seq += 1
        prev_hash = event.hash
        last = event
    head = AuditChainHead.objects.filter(pk=CHAIN_HEAD_ID).first()
    if head is not None and (head.last_seq or head.last_hash):
        last_seq = last.seq if last else 0
        last_hash = last.hash if last else ""
        if head.last_seq != last_seq or head.last_hash != last_hash:
            return AuditCheck(
                False,
                checked,
                last.pk if last else None,
                last_seq,
                f"the chain ends at seq {last_seq} but its head records seq {head.last_seq} "
                "(the newest records were deleted or the head was edited)",
            )
    return AuditCheck(True, checked)


def audit_events_for_request(request) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(request_public_id=request.public_id).select_related("actor").order_by("seq"))
