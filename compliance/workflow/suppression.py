"""Withdrawing the consent to keep a face template for suppression (GDPR Art. 7(3), 9(2)(a)).

A requester who opted in may withdraw at any time, as easily as they gave it: through the status
page and through a permanent link printed in the erasure certificate. The link carries a keyed
hash of the request's public id (HMAC with SECRET_KEY, "suppression" purpose), so it needs no
table and never expires; it only ever deletes. Withdrawal is effective at once: every template
kept for the request is deleted from the database (ingestion reads them from there on every
check, so no process keeps a copy), and the audit trail records it.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from biometrics.models import SuppressionEntry
from biometrics.services import suppression_entries_withdraw
from compliance.models import DataSubjectRequest
from core.audit import audit_record
from core.signing import token_derive, token_matches


def withdrawal_token(request: DataSubjectRequest) -> str:
    return token_derive("compliance.suppression", str(request.public_id))


def withdrawal_token_valid(request: DataSubjectRequest, token: str) -> bool:
    return bool(token) and token_matches("compliance.suppression", str(request.public_id), token)


def withdrawal_link(request: DataSubjectRequest) -> str:
    """The permanent link of the certificate ("" when the requester did not opt in)."""
    if not request.suppression_consent_at:
        return ""
    path = reverse(
        "compliance:suppression_withdraw", kwargs={"public_id": request.public_id, "token": withdrawal_token(request)}
    )
    return f"{settings.SITE_URL}{path}"


def suppression_kept(request: DataSubjectRequest) -> bool:
    return SuppressionEntry.objects.filter(request_public_id=request.public_id).exists()


def suppression_withdraw(
    *, request: DataSubjectRequest, actor_label: str = "citizen", now: datetime | None = None
) -> int:
    """Delete every template kept for the request and record the withdrawal; returns how many
    templates went (0 when nothing was kept, e.g. withdrawn before the erasure ran)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        if not locked.suppression_consent_at:
            return 0
        deleted = suppression_entries_withdraw(request_public_id=locked.public_id)
        first = locked.suppression_withdrawn_at is None
        if first:
            DataSubjectRequest.objects.filter(pk=locked.pk).update(suppression_withdrawn_at=now, updated=now)
        if first or deleted:
            audit_record(
                action="request.suppression_consent_withdrawn",
                actor_label=actor_label,
                request=locked,
                details={"templates_deleted": deleted},
            )
    request.refresh_from_db()
    return deleted
