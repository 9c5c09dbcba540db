"""The lifecycle of a data-subject request (GDPR Art. 12, 15, 17).

    received -> awaiting_email_verification -> verified -> processing -> awaiting_staff_review
             -> awaiting_approval -> completed
    any open state -> refused (with basis and reasons) | withdrawn
    received / awaiting_email_verification -> expired (7 days without verification)

Every transition is a conditional UPDATE on the expected status (`_transition`), so running a
service twice does no harm: the second run finds the row already moved and does nothing. Each
change is written to the audit trail in the same transaction. Emails and identity checks are
queued with transaction.on_commit as Celery tasks taking primary keys.

Photos: the ID document photo is deleted as soon as the identity check is done; the selfie at
completion, refusal, withdrawal or expiry (`request_purge_biometrics`).
"""

import hashlib
import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from biometrics.images import ImageRejected, image_to_jpeg_bytes, load_image_checked
from compliance.audit import audit_record
from compliance.deadlines import due_date_for, extended_due_date_for, extension_allowed
from compliance.models import (
    COUNTRY_CODES,
    FINAL_STATUSES,
    OPEN_STATUSES,
    DataSubjectRequest,
    EmailVerification,
    IdentityCheck,
    PendingUpload,
    RefusalBasis,
    RequestMessage,
    RequestStatus,
    RequestType,
)
from compliance.services.tokens import (
    ip_hash_for,
    status_token_derive,
    status_token_for,
    token_hash,
    verification_token_derive,
)

logger = logging.getLogger(__name__)

EMAIL_VERIFICATION_DAYS = 7
MIN_REASON_LENGTH = 10
UNVERIFIED_STATUSES = (RequestStatus.RECEIVED, RequestStatus.AWAITING_EMAIL)


class ActionNotAllowed(ValidationError):
    """The action does not fit the request's state (the API answers 409, forms show the message)."""

    def __init__(self, message, code: str = "not_allowed"):
        super().__init__(message, code=code)


class VerificationFailed(Exception):
    """An email verification link that cannot be used: code is "invalid", "used" or "expired"."""

    def __init__(self, code: str, request: DataSubjectRequest | None = None):
        super().__init__(code)
        self.code = code
        self.request = request


# --- helpers ----------------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _transition(request: DataSubjectRequest, *, from_statuses: Iterable[str], to: str, now: datetime, **fields) -> bool:
    """Move `request` to `to` if it is in one of `from_statuses`; True when this call moved it.

    The conditional UPDATE is the guard: two concurrent or repeated calls cannot both win."""
    moved = DataSubjectRequest.objects.filter(pk=request.pk, status__in=list(from_statuses)).update(
        status=to, updated=now, **fields
    )
    request.refresh_from_db()
    return bool(moved)


def _require_state(request: DataSubjectRequest, allowed: Iterable[str], action: str) -> None:
    if request.status not in set(allowed):
        raise ActionNotAllowed(
            _("This request cannot be %(action)s while it is %(status)s.")
            % {"action": action, "status": request.get_status_display().lower()},
            code="conflict",
        )


def _queue_email(request: DataSubjectRequest, kind: str, *, message_id: int | None = None) -> None:
    # With the broker down the request still succeeds: the email goes out when
    # config.resilience.requeue_stalled_work finds the request still waiting for it.
    from compliance import tasks
    from config.resilience import enqueue_on_commit

    enqueue_on_commit(tasks.send_request_email, request.pk, kind, message_id)


def _clean_reason(value: str, field: str, message) -> str:
    value = (value or "").strip()
    if len(value) < MIN_REASON_LENGTH:
        raise ValidationError({field: message})
    return value


def _photo_jpeg(source, field: str) -> bytes:
    """Validate an uploaded photo and re-encode it as JPEG (no EXIF: no GPS, no device data)."""
    if isinstance(source, PendingUpload):
        with source.file.open("rb") as handle:
            source = handle.read()
    elif hasattr(source, "open") and hasattr(source, "closed") and source.closed:
        source.open("rb")
    try:
        image = load_image_checked(source)
    except ImageRejected as rejected:
        raise ValidationError({field: ValidationError(rejected.message, code=rejected.code)}) from None
    return image_to_jpeg_bytes(image, quality=95)


# --- submission and email verification --------------------------------------------------------


def _submission_fields(data: Mapping) -> dict:
    errors: dict[str, str] = {}
    request_type = data.get("request_type")
    if request_type not in RequestType.values:
        errors["request_type"] = _("Choose access, erasure or both.")
    name = " ".join(str(data.get("name") or "").split())
    if not name:
        errors["name"] = _("Enter your name.")
    elif len(name) > 200:
        errors["name"] = _("Your name can have at most 200 characters.")
    email = str(data.get("email") or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter a valid email address, like name@example.org.")
    country = str(data.get("country") or "").strip().upper()
    if country not in COUNTRY_CODES:
        errors["country"] = _("Choose a country from the list.")
    language = str(data.get("language") or settings.LANGUAGE_CODE)[:2].lower()
    if language not in {code for code, _name in settings.LANGUAGES}:
        language = settings.LANGUAGE_CODE
    if not data.get("selfie_consent"):
        errors["selfie_consent"] = _("We can only use your photo with your explicit consent.")
    if errors:
        raise ValidationError(errors)
    return {
        "request_type": request_type,
        "name": name,
        "email": email,
        "country": country,
        "language": language,
        "suppression_consent": bool(data.get("suppression_consent")),
    }


def _verification_create(request: DataSubjectRequest, now: datetime) -> tuple[EmailVerification, str]:
    token = verification_token_derive(public_id=request.public_id, created_at=now)
    verification = EmailVerification.objects.create(
        request=request,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=EMAIL_VERIFICATION_DAYS),
    )
    return verification, token


def request_submit(
    *, data: Mapping, selfie_file, id_file=None, ip: str = "", now: datetime | None = None
) -> tuple[DataSubjectRequest, str]:
    """Record a citizen's request and queue the verification email.

    1. validate the fields (ValidationError keyed by field) and the photos (re-encoded as JPEG,
       which drops EXIF; the form has already checked that the selfie shows exactly one face);
    2. compute the due date: one month from receipt (GDPR Art. 12(3), compliance/deadlines.py);
    3. store the photos on the private storage under random names, the hashed client address,
       the consent times, and the hash of the status-link token;
    4. create the single-use verification (7 days) and write the audit trail;
    5. after commit: send the verification email; compare the ID photo with the selfie.

    Returns (request, verification token); the token only ever travels in the email.
    """
    now = _now(now)
    fields = _submission_fields(data)
    selfie_jpeg = _photo_jpeg(selfie_file, "selfie")
    id_jpeg = _photo_jpeg(id_file, "id_document") if id_file else None
    received = timezone.localdate(now)
    due = due_date_for(received=received, country=fields["country"])

    with transaction.atomic():
        request = DataSubjectRequest(
            request_type=fields["request_type"],
            status=RequestStatus.RECEIVED,
            name=fields["name"],
            email=fields["email"],
            country=fields["country"],
            language=fields["language"],
            received_at=now,
            due_date=due,
            selfie_sha256=hashlib.sha256(selfie_jpeg).hexdigest(),
            selfie_consent_at=now,
            suppression_consent_at=now if fields["suppression_consent"] else None,
            identity_check=IdentityCheck.PENDING if id_jpeg else IdentityCheck.NOT_PROVIDED,
            ip_hash=ip_hash_for(ip) if ip else "",
            status_token_created_at=now,
        )
        request.status_token_hash = token_hash(status_token_derive(public_id=request.public_id, issued_at=now))
        request.selfie.save("selfie.jpg", ContentFile(selfie_jpeg), save=False)
        if id_jpeg:
            request.id_document.save("id.jpg", ContentFile(id_jpeg), save=False)
        request.save(force_insert=True)
        _verification, token = _verification_create(request, now)
        audit_record(
            action="request.submitted",
            actor_label="citizen",
            request=request,
            details={
                "request_type": request.request_type,
                "country": request.country,
                "language": request.language,
                "due_date": request.due_date,
                "id_document_provided": bool(id_jpeg),
                "selfie_consent": True,
                "suppression_consent": fields["suppression_consent"],
            },
        )
        _queue_email(request, "verification")
        if id_jpeg:
            from compliance import tasks
            from config.resilience import enqueue_on_commit

            enqueue_on_commit(tasks.check_identity, request.pk)
    return request, token


def request_verify_email(*, token: str, now: datetime | None = None) -> tuple[DataSubjectRequest, str | None]:
    """Use a verification token once: the request becomes `verified` and the requester gets the
    acknowledgement with the due date. Returns (request, status-link token).

    Raises VerificationFailed("invalid" | "used" | "expired"); a second use is "used" (with the
    request attached, so the caller can point to the status page) and changes nothing."""
    now = _now(now)
    with transaction.atomic():
        verification = (
            EmailVerification.objects.select_for_update()
            .select_related("request")
            .filter(token_hash=token_hash(token))
            .first()
        )
        if verification is None:
            raise VerificationFailed("invalid")
        request = verification.request
        if verification.used_at is not None or request.email_verified_at is not None:
            raise VerificationFailed("used", request)
        if verification.expires_at <= now or request.status not in UNVERIFIED_STATUSES:
            raise VerificationFailed("expired", request)
        if not EmailVerification.objects.filter(pk=verification.pk, used_at__isnull=True).update(used_at=now):
            raise VerificationFailed("used", request)
        if not _transition(
            request, from_statuses=UNVERIFIED_STATUSES, to=RequestStatus.VERIFIED, now=now, email_verified_at=now
        ):
            raise VerificationFailed("expired", request)
        audit_record(action="request.email_verified", actor_label="citizen", request=request)
        _queue_email(request, "acknowledgement")
        # A verified request is matched against the store at once (the answering sweep re-sends
        # the task if its message is lost). ANSWERING_AUTOSTART=False leaves it to staff or the
        # sweep, e.g. while the store is being rebuilt.
        if settings.ANSWERING_AUTOSTART:
            from compliance.answering_tasks import answering_match_request
            from config.resilience import enqueue_on_commit

            enqueue_on_commit(answering_match_request, request.pk)
    return request, status_token_for(request)


def request_reissue_status_link(*, request: DataSubjectRequest, user, now: datetime | None = None) -> str:
    """A new status link (the old one stops working), e.g. when the requester lost the email;
    it is sent in a fresh acknowledgement."""
    now = _now(now)
    with transaction.atomic():
        token = status_token_derive(public_id=request.public_id, issued_at=now)
        DataSubjectRequest.objects.filter(pk=request.pk).update(
            status_token_hash=token_hash(token), status_token_created_at=now, updated=now
        )
        request.refresh_from_db()
        audit_record(action="request.status_link_reissued", actor=user, request=request)
        _queue_email(request, "acknowledgement")
    return token


# --- handling -----------------------------------------------------------------------------------


def request_start_processing(*, request: DataSubjectRequest, user=None, now: datetime | None = None) -> bool:
    now = _now(now)
    with transaction.atomic():
        if request.status == RequestStatus.PROCESSING:
            return False
        _require_state(request, [RequestStatus.VERIFIED], _("started"))
        moved = _transition(request, from_statuses=[RequestStatus.VERIFIED], to=RequestStatus.PROCESSING, now=now)
        if moved:
            audit_record(
                action="request.processing_started", actor=user, actor_label="" if user else "worker", request=request
            )
    return moved


def request_mark_awaiting_review(*, request: DataSubjectRequest, user=None, now: datetime | None = None) -> bool:
    now = _now(now)
    with transaction.atomic():
        if request.status == RequestStatus.AWAITING_REVIEW:
            return False
        _require_state(request, [RequestStatus.PROCESSING], _("sent to review"))
        moved = _transition(
            request, from_statuses=[RequestStatus.PROCESSING], to=RequestStatus.AWAITING_REVIEW, now=now
        )
        if moved:
            audit_record(
                action="request.review_requested", actor=user, actor_label="" if user else "worker", request=request
            )
    return moved


def request_mark_awaiting_approval(*, request: DataSubjectRequest, user, now: datetime | None = None) -> bool:
    now = _now(now)
    with transaction.atomic():
        if request.status == RequestStatus.AWAITING_APPROVAL:
            return False
        _require_state(request, [RequestStatus.AWAITING_REVIEW], _("sent for approval"))
        moved = _transition(
            request, from_statuses=[RequestStatus.AWAITING_REVIEW], to=RequestStatus.AWAITING_APPROVAL, now=now
        )
        if moved:
            audit_record(action="request.approval_requested", actor=user, request=request)
    return moved


def request_complete(*, request: DataSubjectRequest, user=None, now: datetime | None = None) -> bool:
    """awaiting_approval -> completed: the answer is given; the selfie is deleted."""
    now = _now(now)
    with transaction.atomic():
        if request.status == RequestStatus.COMPLETED:
            return False
        _require_state(request, [RequestStatus.AWAITING_APPROVAL], _("completed"))
        moved = _transition(
            request,
            from_statuses=[RequestStatus.AWAITING_APPROVAL],
            to=RequestStatus.COMPLETED,
            now=now,
            completed_at=now,
        )
        if moved:
            audit_record(action="request.completed", actor=user, actor_label="" if user else "system", request=request)
            request_purge_biometrics(request=request, now=now)
            _queue_email(request, "completed")
    return moved


def request_approve(*, request: DataSubjectRequest, user, now: datetime | None = None) -> bool:
    """A staff member approves the answer; the request is completed at once."""
    now = _now(now)
    with transaction.atomic():
        if request.status == RequestStatus.COMPLETED:
            return False
        _require_state(request, [RequestStatus.AWAITING_APPROVAL], _("approved"))
        claimed = DataSubjectRequest.objects.filter(
            pk=request.pk, status=RequestStatus.AWAITING_APPROVAL, approved_at__isnull=True
        ).update(approved_at=now, approved_by=user, updated=now)
        request.refresh_from_db()
        if not claimed:
            return False
        audit_record(action="request.approved", actor=user, request=request)
        return request_complete(request=request, user=user, now=now)


def request_refuse(*, request: DataSubjectRequest, user, basis: str, reason: str, now: datetime | None = None) -> bool:
    """Refuse to act (GDPR Art. 12(4), 12(5), 12(6)): only with a basis and stated reasons; the
    letter tells the requester they may complain to a supervisory authority and go to court."""
    now = _now(now)
    if basis not in RefusalBasis.values:
        raise ValidationError({"basis": _("Choose the legal basis of the refusal.")})
    reason = _clean_reason(reason, "reason", _("State the reasons for the refusal (at least 10 characters)."))
    with transaction.atomic():
        if request.status == RequestStatus.REFUSED:
            return False
        _require_state(request, OPEN_STATUSES, _("refused"))
        moved = _transition(
            request,
            from_statuses=OPEN_STATUSES,
            to=RequestStatus.REFUSED,
            now=now,
            refusal_basis=basis,
            refusal_reason=reason,
            refused_at=now,
        )
        if moved:
            audit_record(
                action="request.refused", actor=user, request=request, details={"basis": basis, "reason": reason}
            )
            request_purge_biometrics(request=request, now=now)
            _queue_email(request, "refusal")
    return moved


def request_extend_deadline(
    *, request: DataSubjectRequest, user, months: int, reason: str, now: datetime | None = None
) -> bool:
    """Extend the period by one or two further months (GDPR Art. 12(3)).

    Only with reasons, only while the first month runs, at most two months in total; the
    requester is told by email (recorded in extension_notified_at when sent) and by a message
    on the status page."""
    now = _now(now)
    try:
        months = int(months)
    except (TypeError, ValueError):
        raise ValidationError({"months": _("An extension is one or two further months.")}) from None
    reason = (reason or "").strip()
    with transaction.atomic():
        request = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        _require_state(request, OPEN_STATUSES, _("extended"))
        check = extension_allowed(
            first_due_date=request.due_date,
            today=timezone.localdate(now),
            already_extended_months=request.extension_months,
            months=months,
            reason=reason,
        )
        if not check:
            raise ValidationError({"months" if "month" in check.message.lower() else "reason": check.message})
        if len(reason) < MIN_REASON_LENGTH:
            raise ValidationError({"reason": _("State the reasons for the extension (at least 10 characters).")})
        total = request.extension_months + months
        new_due = extended_due_date_for(
            received=timezone.localdate(request.received_at), country=request.country, total_extension_months=total
        )
        moved = DataSubjectRequest.objects.filter(
            pk=request.pk, status__in=OPEN_STATUSES, extension_months=request.extension_months
        ).update(
            extension_months=total,
            extended_due_date=new_due,
            extension_reason=reason,
            extended_at=now,
            extension_notified_at=None,
            updated=now,
        )
        if not moved:
            return False
        request.refresh_from_db()
        message = RequestMessage.objects.create(
            request=request,
            author=user,
            body=str(
                _(
                    "The period for answering your request has been extended to %(date)s (GDPR Art. 12(3)). "
                    "Reasons: %(reason)s"
                )
                % {"date": new_due.isoformat(), "reason": reason}
            ),
            visible_to_requester=True,
            created_at=now,
        )
        audit_record(
            action="request.deadline_extended",
            actor=user,
            request=request,
            details={
                "months": months,
                "total_months": total,
                "new_due_date": new_due,
                "reason": reason,
                "message_id": message.pk,
            },
        )
        _queue_email(request, "extension")
    return True


def request_verify_identity_manually(
    *, request: DataSubjectRequest, user, note: str, now: datetime | None = None
) -> bool:
    """Staff record that they established the requester's identity by other means."""
    now = _now(now)
    note = _clean_reason(note, "note", _("Say how the identity was verified (at least 10 characters)."))
    with transaction.atomic():
        if request.identity_check == IdentityCheck.MANUAL_VERIFIED:
            return False
        _require_state(request, OPEN_STATUSES, _("verified"))
        moved = (
            DataSubjectRequest.objects.filter(pk=request.pk, status__in=OPEN_STATUSES)
            .exclude(identity_check=IdentityCheck.MANUAL_VERIFIED)
            .update(identity_check=IdentityCheck.MANUAL_VERIFIED, identity_checked_at=now, updated=now)
        )
        request.refresh_from_db()
        if moved:
            audit_record(
                action="request.identity_verified_manually", actor=user, request=request, details={"note": note}
            )
    return bool(moved)


def request_withdraw(*, request: DataSubjectRequest, user=None, now: datetime | None = None) -> bool:
    """The requester (through the status page) or staff on their behalf withdraws the request."""
    now = _now(now)
    allowed = [s for s in RequestStatus.values if s not in FINAL_STATUSES]
    with transaction.atomic():
        if request.status == RequestStatus.WITHDRAWN:
            return False
        _require_state(request, allowed, _("withdrawn"))
        moved = _transition(request, from_statuses=allowed, to=RequestStatus.WITHDRAWN, now=now, withdrawn_at=now)
        if moved:
            audit_record(action="request.withdrawn", actor=user, actor_label="" if user else "citizen", request=request)
            request_purge_biometrics(request=request, now=now)
            _queue_email(request, "withdrawn")
    return moved


def request_expire_unverified(*, now: datetime | None = None) -> int:
    """Expire requests whose email was not verified within 7 days and delete their photos.
    Returns how many this run expired."""
    now = _now(now)
    cutoff = now - timedelta(days=EMAIL_VERIFICATION_DAYS)
    expired = 0
    candidates = DataSubjectRequest.objects.filter(status__in=UNVERIFIED_STATUSES, received_at__lte=cutoff)
    for request in candidates.only("pk").iterator():
        with transaction.atomic():
            if not _transition(
                request, from_statuses=UNVERIFIED_STATUSES, to=RequestStatus.EXPIRED, now=now, expired_at=now
            ):
                continue
            audit_record(action="request.expired", actor_label="system", request=request)
            request_purge_biometrics(request=request, now=now)
            expired += 1
    return expired


def request_add_message(
    *, request: DataSubjectRequest, user, body: str, visible_to_requester: bool, now: datetime | None = None
) -> RequestMessage:
    """A note on the request; visible ones appear on the status page and are announced by email."""
    now = _now(now)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    if len(body) > 10_000:
        raise ValidationError({"body": _("A message can have at most 10,000 characters.")})
    with transaction.atomic():
        message = RequestMessage.objects.create(
            request=request, author=user, body=body, visible_to_requester=bool(visible_to_requester), created_at=now
        )
        audit_record(
            action="request.message_added",
            actor=user,
            request=request,
            details={"message_id": message.pk, "visible_to_requester": message.visible_to_requester},
        )
        if message.visible_to_requester and request.email_verified_at:
            _queue_email(request, "message", message_id=message.pk)
    return message


def request_is_overdue(request: DataSubjectRequest, *, today=None) -> bool:
    today = today or timezone.localdate()
    return request.status in OPEN_STATUSES and request.effective_due_date < today


def request_escalate_to_complaint(
    *,
    request: DataSubjectRequest,
    user,
    case=None,
    authority=None,
    respondent=None,
    now: datetime | None = None,
):
    """Turn an overdue request into a complaint on an enforcement case (GDPR Art. 12(3) with 15
    or 17): link it to `case`, or create a complaint case against `respondent` before
    `authority`. Returns the case; a second call returns the linked case unchanged."""
    now = _now(now)
    with transaction.atomic():
        request = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        if request.enforcement_case_id:
            return request.enforcement_case
        if not request_is_overdue(request, today=timezone.localdate(now)):
            raise ActionNotAllowed(_("Only an open request past its due date can be escalated."), code="conflict")
        if case is None:
            if authority is None or respondent is None:
                raise ValidationError({"case": _("Choose a case, or an authority and a respondent for a new case.")})
            from enforcement.models import Case
            from enforcement.services import case_create

            case = case_create(
                user=user,
                data={
                    "reference": f"dsr-complaint-{request.public_id.hex[:12]}",
                    "authority": authority,
                    "respondent": respondent,
                    "title": f"Complaint: {request.get_request_type_display()} request not answered by its due date",
                    "origin": Case.Origin.COMPLAINT,
                    "status": Case.Status.OPEN,
                    "summary": (
                        f"A data-subject request received on {timezone.localdate(request.received_at)} was due on "
                        f"{request.effective_due_date} and had not been answered (GDPR Art. 12(3))."
                    ),
                    "internal_notes": f"Escalated from data-subject request {request.public_id}.",
                    "published": False,
                },
            )
        DataSubjectRequest.objects.filter(pk=request.pk, enforcement_case__isnull=True).update(
            enforcement_case=case, escalated_at=now, updated=now
        )
        request.refresh_from_db()
        audit_record(
            action="request.escalated",
            actor=user,
            request=request,
            details={"case_public_id": case.public_id, "case_reference": case.reference},
        )
    return case


# --- emails -------------------------------------------------------------------------------------


def request_send_email(
    *, request_id: int, kind: str, message_id: int | None = None, now: datetime | None = None
) -> bool:
    """Send one email to the requester (called by the Celery task). Returns False when there is
    nothing to send any more (request gone, message hidden). Errors from the mail backend
    propagate so that the task can retry; `last_error` records them."""
    from compliance.emails import email_send
    from compliance.services.tokens import status_link_for, verification_token_for, verify_link_for

    now = _now(now)
    request = DataSubjectRequest.objects.filter(pk=request_id).first()
    if request is None:
        return False
    token = status_token_for(request)
    context = {"req": request, "status_url": status_link_for(request, token) if token else ""}
    if kind == "verification":
        verification = request.email_verifications.filter(used_at__isnull=True).order_by("-created_at").first()
        if verification is None or request.status not in UNVERIFIED_STATUSES:
            return False
        verify_token = verification_token_for(verification)
        if verify_token is None:
            return False
        context["verify_url"] = verify_link_for(verify_token)
        context["expires_at"] = verification.expires_at
    elif kind == "message":
        message = RequestMessage.objects.filter(pk=message_id, request=request, visible_to_requester=True).first()
        if message is None:
            return False
        context["message"] = message
    try:
        email_send(to=[request.email], kind=kind, language=request.language, context=context)
    except Exception as exc:
        DataSubjectRequest.objects.filter(pk=request.pk).update(
            last_error=f"email {kind}: {type(exc).__name__}: {exc}"[:1000]
        )
        raise
    with transaction.atomic():
        if kind == "verification":
            DataSubjectRequest.objects.filter(pk=request.pk, status=RequestStatus.RECEIVED).update(
                status=RequestStatus.AWAITING_EMAIL, updated=now
            )
        if kind == "extension":
            DataSubjectRequest.objects.filter(pk=request.pk, extension_notified_at__isnull=True).update(
                extension_notified_at=now
            )
        if request.last_error:
            DataSubjectRequest.objects.filter(pk=request.pk).update(last_error="")
        audit_record(action="request.email_sent", actor_label="worker", request=request, details={"kind": kind})
    return True


def request_send_due_reminders(*, now: datetime | None = None, days: int | None = None) -> int:
    """Remind staff of open requests due within `days` days (COMPLIANCE_REMINDER_DAYS, 5 by
    default), once per request and due date (an extension earns a new reminder). Returns how
    many requests the email listed."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q
    from django.db.models.functions import Coalesce
    from django.urls import NoReverseMatch, reverse

    from compliance.emails import email_send
    from config.roles import STAFF_GROUP

    now = _now(now)
    days = getattr(settings, "COMPLIANCE_REMINDER_DAYS", 5) if days is None else days
    today = timezone.localdate(now)
    horizon = today + timedelta(days=days)
    due = (
        DataSubjectRequest.objects.filter(status__in=OPEN_STATUSES)
        .annotate(effective_due=Coalesce("extended_due_date", "due_date"))
        .filter(effective_due__lte=horizon)
        .filter(Q(reminder_sent_for__isnull=True) | ~Q(reminder_sent_for=Coalesce("extended_due_date", "due_date")))
        .order_by("effective_due", "pk")
    )
    claimed = []
    with transaction.atomic():
        for request in due:
            if (
                DataSubjectRequest.objects.filter(pk=request.pk)
                .exclude(reminder_sent_for=request.effective_due)
                .update(reminder_sent_for=request.effective_due)
            ):
                claimed.append(request)
        if not claimed:
            return 0
        recipients = list(
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(groups__name=STAFF_GROUP) | Q(is_superuser=True))
            .exclude(email="")
            .values_list("email", flat=True)
            .distinct()
        )
        items = []
        for request in claimed:
            try:
                url = settings.SITE_URL + reverse("compliance:request_detail", kwargs={"public_id": request.public_id})
            except NoReverseMatch:
                url = f"{settings.SITE_URL}/requests/staff/{request.public_id}/"
            items.append({"req": request, "url": url})
            audit_record(
                action="request.reminder_sent",
                actor_label="system",
                request=request,
                details={"due_date": request.effective_due, "recipients": len(recipients)},
            )
        if recipients:
            email_send(
                to=recipients,
                kind="staff_reminder",
                language=settings.LANGUAGE_CODE,
                context={"requests": items, "days": days},
            )
        else:
            logger.warning(
                "compliance: %d requests due soon but no active staff member has an email address", len(claimed)
            )
    return len(claimed)


# --- biometric data ---------------------------------------------------------------------------


def request_purge_biometrics(*, request: DataSubjectRequest, now: datetime | None = None) -> bool:
    """Delete the selfie, the ID document photo and anything derived from them the moment their
    purpose ends (GDPR Art. 5(1)(c) and (e)). Files are deleted from the private storage and
    the fields emptied; returns True when something was deleted. Safe to run any number of
    times."""
    now = _now(now)
    request.refresh_from_db(fields=["selfie", "id_document", "biometrics_purged_at"])
    deleted = {"selfie_deleted": False, "id_photo_deleted": False}
    for field_name, flag in (("selfie", "selfie_deleted"), ("id_document", "id_photo_deleted")):
        field_file = getattr(request, field_name)
        if field_file and field_file.name:
            field_file.storage.delete(field_file.name)
            deleted[flag] = True
    if not any(deleted.values()) and request.biometrics_purged_at:
        return False
    with transaction.atomic():
        DataSubjectRequest.objects.filter(pk=request.pk).update(
            selfie=None, id_document=None, biometrics_purged_at=now, updated=now
        )
        request.refresh_from_db()
        if any(deleted.values()):
            audit_record(action="request.biometrics_purged", actor_label="system", request=request, details=deleted)
    return any(deleted.values())
