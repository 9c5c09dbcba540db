"""An extension counts only if the requester is told within the first month (GDPR Art. 12(3):
"The controller shall inform the data subject of any such extension within one month of receipt
of the request, together with the reasons for the delay").

The extension email is an outbox row (core.outbox); when it is sent, `extension_notice_sent`
records the time (`extension_notified_at`). Sent after the first due date, or still unsent when
that date has passed (`extension_notices_flag_unsent`, run by the workflow sweep), the request is
flagged (`extension_notice_late_at`, an audit record, a warning on the staff page): an extension
notified late may be ineffective, so staff should treat the first due date as the one that
counts. The due dates themselves are not changed by this check: whether a late notice voids the
extension is for staff (and a court) to decide, and the flag makes sure they see it.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from compliance.models import OPEN_STATUSES, DataSubjectRequest
from core.audit import audit_record

NOTICE_KIND = "request.extension"


def extension_notice_sent(email, sent_at: datetime) -> None:
    """core.outbox calls this when an extension email has gone out (in the same transaction)."""
    request = DataSubjectRequest.objects.select_for_update().filter(public_id=email.topic).first()
    if request is None or request.extended_at is None:
        return
    DataSubjectRequest.objects.filter(pk=request.pk, extension_notified_at__isnull=True).update(
        extension_notified_at=sent_at
    )
    if timezone.localdate(sent_at) > request.due_date:
        _flag(request, now=sent_at, cause="notified_late", notified_at=sent_at)


def extension_notices_flag_unsent(*, now: datetime | None = None) -> int:
    """Extensions whose notice had not gone out by the end of the first due date."""
    now = now or timezone.now()
    flagged = 0
    unsent = DataSubjectRequest.objects.filter(
        status__in=OPEN_STATUSES,
        extended_at__isnull=False,
        extension_notified_at__isnull=True,
        extension_notice_late_at__isnull=True,
        due_date__lt=timezone.localdate(now),
    )
    for request in unsent:
        with transaction.atomic():
            flagged += _flag(request, now=now, cause="not_notified", notified_at=None)
    return flagged


def _flag(request: DataSubjectRequest, *, now: datetime, cause: str, notified_at) -> int:
    changed = DataSubjectRequest.objects.filter(pk=request.pk, extension_notice_late_at__isnull=True).update(
        extension_notice_late_at=now, updated=now
    )
    if changed:
        audit_record(
            action="request.extension_notice_late",
            actor_label="system",
            request=request,
            details={
                "cause": cause,
                "first_due_date": request.due_date,
                "extended_due_date": request.extended_due_date,
                "notified_at": notified_at,
            },
        )
    return changed
