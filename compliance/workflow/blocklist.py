"""The blocklist of erased files, and the requester's choice to leave it (issue 16 item 7).

An erasure keeps the SHA-256 of every file it deleted or replaced (biometrics.ErasedPhoto), so
that collecting the same file again cannot bring the erased face back. A hash identifies a file,
not a person, but linked to the request it says where that person's photos were: the link (the
erasure journal) is removed after RETENTION_REQUEST_DAYS (compliance/retention.py), and the
certificate tells the requester all this. They may opt out: the hashes of their erasure are then
deleted (unless another person's erasure needs the same file refused), with the consequence,
stated on the page, that the same files could be collected again.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from biometrics.services import erased_photos_forget
from compliance.models import DataSubjectRequest
from compliance.models_answering import ErasureAction, ErasureStatus
from core.audit import audit_record


def blocklisted_hashes(request: DataSubjectRequest) -> list[str]:
    """The hashes this request's finished erasure added to the blocklist (empty once unlinked)."""
    return sorted(
        set(
            ErasureAction.objects.filter(erasure__request=request, erasure__status=ErasureStatus.DONE)
            .exclude(old_sha256="")
            .values_list("old_sha256", flat=True)
        )
    )


def blocklist_opt_out_possible(request: DataSubjectRequest) -> bool:
    if request.blocklist_opt_out_at or request.pseudonymised_at:
        return False
    return bool(blocklisted_hashes(request))


def blocklist_opt_out(*, request: DataSubjectRequest, actor_label: str = "citizen", now: datetime | None = None) -> int:
    """Delete the blocklisted hashes of this request's erasure; returns how many went. A hash
    that another person's erasure also blocklisted (the same group photo) stays for them."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        if locked.blocklist_opt_out_at or locked.pseudonymised_at:
            return 0
        mine = dict(
            ErasureAction.objects.filter(erasure__request=locked, erasure__status=ErasureStatus.DONE)
            .exclude(old_sha256="")
            .values_list("old_sha256", "photo_ref")
        )
        if not mine:
            return 0
        # Another person's erasure of the same photo (the same file, or the copy in which this
        # requester was blurred first): that file holds their face too and must stay refused.
        others = ErasureAction.objects.filter(erasure__request__blocklist_opt_out_at__isnull=True).exclude(
            erasure__request=locked
        )
        other_photos = set(others.filter(photo_ref__in=set(mine.values())).values_list("photo_ref", flat=True))
        other_hashes = set(others.filter(old_sha256__in=list(mine)).values_list("old_sha256", flat=True))
        needed_by_others = {sha for sha, photo in mine.items() if photo in other_photos or sha in other_hashes}
        deleted = erased_photos_forget(sha256s=[sha for sha in mine if sha not in needed_by_others])
        DataSubjectRequest.objects.filter(pk=locked.pk).update(blocklist_opt_out_at=now, updated=now)
        audit_record(
            action="request.blocklist_opt_out",
            actor_label=actor_label,
            request=locked,
            details={"hashes_deleted": deleted, "kept_for_other_requests": len(needed_by_others)},
        )
    request.refresh_from_db()
    return deleted
