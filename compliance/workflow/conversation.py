"""Two-way messages on a request, and the clock stopped while staff wait for information
(issue 16 item 8).

The requester writes on their status page (text and at most one attachment: a photo, checked
and re-encoded like every upload, or a PDF), e.g. to send the identity information staff asked
for (GDPR Art. 12(6)) or to narrow the request. Staff ask through the request page; when they
ask for information without which the request cannot be answered, they may stop the clock, as
the EDPB Guidelines 01/2022 on the right of access allow: the period does not run from the
question until the answer arrives. The suspension is recorded (audit trail), shown to the
requester, and when it ends its days are added to the due dates (rolled forward to a working
day like every deadline). Under the UK GDPR identity information asked for under Art. 12(6)
starts the period afresh when it arrives (Art. 12A); compliance/regimes.py computes the dates
of every law from these facts. The request's status is not touched: this is no state of the
workflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from biometrics.images import ImageLimits, ImageRejected, image_to_jpeg_bytes, load_image_checked
from compliance.deadlines import controller_country
from compliance.i18n import in_requesters_language
from compliance.models import OPEN_STATUSES, ClockStop, DataSubjectRequest, Regime, RequestMessage
from compliance.regimes import regimes_binding, request_deadlines
from compliance.workflow import lifecycle
from compliance.workflow.lifecycle import ActionNotAllowed
from core.audit import audit_record

MAX_BODY = 10_000
# A requester writes a few messages, not a stream: more than this in a day is refused.
MAX_REPLIES_PER_DAY = 10
PDF = "application/pdf"


@dataclass(frozen=True)
class CheckedAttachment:
    content: bytes
    content_type: str
    name: str


def attachment_check(upload) -> CheckedAttachment:
    """A photo (read with every image check, re-encoded as JPEG: no EXIF, nothing appended) or a
    PDF (its signature and end marker, the size limit); anything else is refused."""
    name = (getattr(upload, "name", "") or "attachment")[-200:]
    limit = settings.UPLOAD_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            {"attachment": _("The file is too large: the limit is %(mb)s MB.") % {"mb": round(limit / 1_048_576, 1)}}
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        data = upload.read(limit + 1)
        if len(data) > limit:
            raise ValidationError({"attachment": _("The file is too large.")})
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError({"attachment": _("The PDF file is damaged or incomplete.")})
        return CheckedAttachment(content=data, content_type=PDF, name=name)
    try:
        image = load_image_checked(upload, limits=ImageLimits.from_settings())
    except ImageRejected as rejected:
        if rejected.code == "not_an_image":
            raise ValidationError(
                {"attachment": _("Attach a photo (JPEG, PNG, HEIC, WEBP or AVIF) or a PDF file.")}
            ) from rejected
        raise ValidationError({"attachment": rejected.message}) from rejected
    return CheckedAttachment(content=image_to_jpeg_bytes(image), content_type="image/jpeg", name=name)


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": _("A message can have at most 10,000 characters.")})
    return body


def request_reply(
    *, request: DataSubjectRequest, body: str, attachment=None, now: datetime | None = None
) -> RequestMessage:
    """The requester writes to us from the status page. Ends a suspension of the clock: the
    information asked for is taken to have arrived (staff may stop it again if it has not)."""
    now = now or timezone.now()
    body = _clean_body(body)
    checked = attachment_check(attachment) if attachment else None
    with transaction.atomic():
        locked = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        if locked.pseudonymised_at or not locked.email_verified_at:
            raise ActionNotAllowed(_("Messages can no longer be sent on this request."))
        recent = locked.messages.filter(from_requester=True, created_at__gte=now - timedelta(days=1)).count()
        if recent >= MAX_REPLIES_PER_DAY:
            raise ValidationError({"body": _("You have sent many messages today: please wait until tomorrow.")})
        message = RequestMessage(
            request=locked, from_requester=True, body=body, visible_to_requester=True, created_at=now
        )
        if checked:
            message.attachment_type = checked.content_type
            message.attachment_name = checked.name
            message.attachment.save("attachment", ContentFile(checked.content), save=False)
        message.save()
        audit_record(
            action="request.requester_message",
            actor_label="citizen",
            request=locked,
            details={"message_id": message.pk, "attachment": bool(checked)},
        )
        if locked.clock_suspended_at:
            _resume(locked, now=now, actor=None, cause="reply")
    return message


def request_ask_information(
    *,
    request: DataSubjectRequest,
    user,
    body: str,
    suspend: bool,
    clock_stop: str = ClockStop.CLARIFICATION,
    now: datetime | None = None,
) -> RequestMessage:
    """Staff ask the requester for information (shown on the status page and emailed); with
    `suspend` the clock stops until the requester answers or staff resume it. `clock_stop` says
    what for: under the UK GDPR identity information (Art. 12(6)) starts the period afresh when it
    arrives (Art. 12A), a clarification only pauses it (Art. 12A); the default, a pause,
    never gives a later deadline."""
    clock_stop = ClockStop(clock_stop)
    now = now or timezone.now()
    body = _clean_body(body)
    with transaction.atomic():
        locked = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status not in OPEN_STATUSES:
            raise ActionNotAllowed(_("Information can only be asked for while the request is open."))
        if suspend and locked.clock_suspended_at:
            raise ActionNotAllowed(_("The clock is already stopped."))
        message = RequestMessage.objects.create(
            request=locked, author=user, body=body, visible_to_requester=True, created_at=now
        )
        if suspend:
            DataSubjectRequest.objects.filter(pk=locked.pk).update(
                clock_suspended_at=now, clock_suspended_for=clock_stop, updated=now
            )
        audit_record(
            action="request.information_asked",
            actor=user,
            request=locked,
            details={
                "message_id": message.pk,
                "clock_suspended": bool(suspend),
                "clock_stop": clock_stop.value if suspend else "",
            },
        )
        lifecycle.request_email(locked, "message", now=now, key=str(message.pk), message_id=message.pk)
    request.refresh_from_db()
    return message


def request_clock_resume(*, request: DataSubjectRequest, user, now: datetime | None = None) -> int:
    """Staff let the clock run again (e.g. the information arrived by post). Returns the days
    added to the due dates."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        if not locked.clock_suspended_at:
            raise ActionNotAllowed(_("The clock is not stopped."))
        days = _resume(locked, now=now, actor=user, cause="staff")
    request.refresh_from_db()
    return days


def suspended_days(suspended_at: datetime, now: datetime) -> int:
    """Whole days the clock stood still: the day of the question and the day of the answer are
    not both lost; a question answered the same day costs nothing."""
    return max(0, (timezone.localdate(now) - timezone.localdate(suspended_at)).days)


def _resume(locked: DataSubjectRequest, *, now: datetime, actor, cause: str) -> int:
    """The clock runs again: the days it stood still are added (GDPR, FADP, and a UK
    clarification); when the UK GDPR binds and the wait was for identity information, the UK
    period starts afresh on the day it arrived (UK GDPR Art. 12A). The due dates are then
    computed again from these facts (compliance/regimes.py)."""
    days = suspended_days(locked.clock_suspended_at, now)
    total = locked.clock_suspended_days + days
    changes: dict = {"clock_suspended_at": None, "clock_suspended_for": "", "clock_suspended_days": total}
    uk_restart = locked.clock_suspended_for == ClockStop.IDENTITY and Regime.UK_GDPR in regimes_binding(
        regime=locked.regime, controller_country=controller_country()
    )
    if uk_restart:
        changes["clock_started_on"] = timezone.localdate(now)
        changes["clock_suspended_days_at_start"] = total
    before = (locked.due_date, locked.extended_due_date)
    for field, value in changes.items():
        setattr(locked, field, value)
    if days or uk_restart:
        due, extended = request_deadlines(locked)
        changes["due_date"] = due
        if locked.extended_due_date:
            changes["extended_due_date"] = extended
    DataSubjectRequest.objects.filter(pk=locked.pk).update(**changes, updated=now)
    locked.refresh_from_db()
    moved = (locked.due_date, locked.extended_due_date) != before
    audit_record(
        action="request.clock_resumed",
        actor=actor,
        actor_label="" if actor else "citizen",
        request=locked,
        details={
            "days": days,
            "cause": cause,
            "due_date": locked.effective_due_date,
            "clock_started_on": locked.clock_started_on,
        },
    )
    if days and not uk_restart:
        RequestMessage.objects.create(
            request=locked,
            body=in_requesters_language(
                locked,
                lambda: (
                    _(
                        "The period for our answer runs again; %(days)s day(s) were added. "
                        "Your request is now due on %(date)s."
                    )
                    % {"days": days, "date": date_format(locked.effective_due_date, "DATE_FORMAT")}
                ),
            ),
            visible_to_requester=True,
            created_at=now,
        )
    elif uk_restart and moved:
        RequestMessage.objects.create(
            request=locked,
            body=in_requesters_language(
                locked,
                lambda: (
                    _(
                        "We received the information we asked for on %(start)s; the period for our answer runs "
                        "from that day (UK GDPR Art. 12A). Your request is now due on %(date)s."
                    )
                    % {
                        "start": date_format(locked.clock_started_on, "DATE_FORMAT"),
                        "date": date_format(locked.effective_due_date, "DATE_FORMAT"),
                    }
                ),
            ),
            visible_to_requester=True,
            created_at=now,
        )
    return days
