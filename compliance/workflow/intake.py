"""How a request comes in and how its requester reaches it: the form, the email confirmation,
the private status page, a lost link, and the one-click erasure after an access answer.

Links keep their secret out of every server log: the emails carry it after "#" (browsers never
send the fragment), a small script on the page posts it, and the server exchanges it for a
grant in the requester's session. The status page and everything behind it (downloads,
withdrawal, follow-up) need that grant, and a grant holds the link it was made from: when staff
or a recovery issue a new link, grants of the old one stop working.

A verification link works once, until it expires, and leads nowhere afterwards (a used or expired
link shows a page saying so, never the status page).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from biometrics.images import ImageRejected, image_to_jpeg_bytes, load_image_checked
from compliance.authorities import region_clean
from compliance.consent import ID_CONSENT_MISSING, consent_version
from compliance.deadlines import controller_country
from compliance.models import (
    COUNTRY_CODES,
    DataSubjectRequest,
    EmailVerification,
    IdentityCheck,
    PendingUpload,
    RequestStatus,
    RequestType,
)
from compliance.regimes import Clock, regime_for, request_due_dates
from compliance.services.identity import request_check_identity
from compliance.services.tokens import ip_hash_for, status_token_derive, token_hash, verification_token_derive
from compliance.workflow import lifecycle, matching
from compliance.workflow.machine import DECIDED_TYPES, UNVERIFIED_STATUSES
from compliance.workflow.photos import JPEG_QUALITY
from core.audit import audit_record
from core.queue import enqueue_on_commit

EMAIL_VERIFICATION_DAYS = 7
SESSION_GRANTS = "dsr_status_grants"
MAX_GRANTS = 20
# What a rectification, restriction or objection states (DataSubjectRequest.statement).
STATEMENT_MIN_LENGTH = 10
STATEMENT_MAX_LENGTH = 5000


class VerificationFailed(Exception):
    """A verification link that cannot be used: code is "invalid", "used" or "expired"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# --- the form ---------------------------------------------------------------------------------


def photo_jpeg(source, field: str) -> bytes:
    """The photo to file, as JPEG without EXIF (no GPS, no device data). A PendingUpload holds
    what the form's check (compliance.workflow.photos.photo_check) already read and encoded: it
    is filed as it is, not decoded and encoded a second time. Any other upload (the API, a
    command) is validated and encoded here."""
    if isinstance(source, PendingUpload):
        with source.file.open("rb") as handle:
            return handle.read()
    if hasattr(source, "open") and hasattr(source, "closed") and source.closed:
        source.open("rb")
    try:
        image = load_image_checked(source)
    except ImageRejected as rejected:
        raise ValidationError({field: ValidationError(rejected.message, code=rejected.code)}) from None
    return image_to_jpeg_bytes(image, quality=JPEG_QUALITY)


def _submission_fields(data: Mapping) -> dict:
    errors: dict[str, str] = {}
    request_type = data.get("request_type")
    if request_type not in RequestType.values:
        errors["request_type"] = _("Choose one of the options.")
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
    region = ""
    if country not in COUNTRY_CODES:
        errors["country"] = _("Choose a country from the list.")
    else:
        try:
            region = region_clean(country, str(data.get("region") or ""))
        except ValueError as invalid:
            errors["region"] = str(invalid)
    language = str(data.get("language") or settings.LANGUAGE_CODE)[:2].lower()
    if language not in {code for code, _name in settings.LANGUAGES}:
        language = settings.LANGUAGE_CODE
    if not data.get("selfie_consent"):
        errors["selfie_consent"] = _("We can only use your photo with your explicit consent.")
    statement = str(data.get("statement") or "").strip()
    if request_type in DECIDED_TYPES:
        # GDPR Art. 16, 18(1), 21(1): the right is exercised on what the requester states.
        if len(statement) < STATEMENT_MIN_LENGTH:
            errors["statement"] = _("Tell us what your request is about (at least %(min)d characters).") % {
                "min": STATEMENT_MIN_LENGTH
            }
        elif len(statement) > STATEMENT_MAX_LENGTH:
            errors["statement"] = _("Your explanation can have at most %(max)d characters.") % {
                "max": STATEMENT_MAX_LENGTH
            }
    else:
        statement = ""
    if errors:
        raise ValidationError(errors)
    return {
        "statement": statement,
        "request_type": request_type,
        "name": name,
        "email": email,
        "country": country,
        "region": region,
        "language": language,
        "suppression_consent": bool(data.get("suppression_consent")),
    }


def _new_request(
    *, fields: dict, selfie_jpeg: bytes, now: datetime, ip: str = "", extra_selfies: tuple[bytes, ...] = (), **extra
) -> DataSubjectRequest:
    received = timezone.localdate(now)
    regime = regime_for(controller_country=controller_country(), requester_country=fields["country"])
    due_date, _extended = request_due_dates(regime=regime, clock=Clock(received=received, started=received))
    request = DataSubjectRequest(
        request_type=fields["request_type"],
        statement=fields.get("statement", ""),
        name=fields["name"],
        email=fields["email"],
        country=fields["country"],
        region=fields["region"],
        language=fields["language"],
        received_at=now,
        regime=regime,
        due_date=due_date,
        selfie_consent_at=now,
        suppression_consent_at=now if fields["suppression_consent"] else None,
        consent_version=consent_version(),
        ip_hash=ip_hash_for(ip) if ip else "",
        status_token_created_at=now,
        **extra,
    )
    request.status_token_hash = token_hash(status_token_derive(public_id=request.public_id, issued_at=now))
    request.selfie.save("selfie.jpg", ContentFile(selfie_jpeg), save=False)
    for field, jpeg in zip(DataSubjectRequest.SELFIE_FIELDS[1:], extra_selfies, strict=False):
        getattr(request, field).save("selfie.jpg", ContentFile(jpeg), save=False)
    return request


def request_submit(
    *,
    data: Mapping,
    selfie_file,
    extra_selfie_files: Sequence = (),
    id_file=None,
    ip: str = "",
    now: datetime | None = None,
) -> tuple[DataSubjectRequest, str]:
    """Record a citizen's request and queue the verification email.

    1. validate the fields (ValidationError keyed by field) and the photos (re-encoded as JPEG,
       which drops EXIF; the form has already checked that each selfie shows exactly one face;
       up to two extra selfies, searched with the first: compliance.workflow.matching);
    2. the law the request is handled under follows the requester's country and the controller's
       establishment, and the due date follows that law (compliance/regimes.py: one month from
       receipt under the GDPR and the UK GDPR, 30 days under the Swiss FADP);
    3. store the photos on the private storage under random names, the hashed client address,
       the consent times and the hash of the status-link token;
    4. create the single-use verification (7 days), queue its email and write the audit trail;
    5. after commit: compare the ID photo with the selfie (a worker).

    Returns (request, verification token); the token only ever travels in the email."""
    now = now or timezone.now()
    fields = _submission_fields(data)
    selfie_jpeg = photo_jpeg(selfie_file, "selfie")
    extra_fields = DataSubjectRequest.SELFIE_FIELDS[1:]
    if len(extra_selfie_files) > len(extra_fields):
        raise ValidationError({"selfie_3": _("You can add at most three photos of your face.")})
    extra_jpegs = tuple(
        photo_jpeg(upload, field) for field, upload in zip(extra_fields, extra_selfie_files, strict=False)
    )
    if id_file and not data.get("id_document_consent"):
        raise ValidationError({"id_document_consent": ID_CONSENT_MISSING})
    id_jpeg = photo_jpeg(id_file, "id_document") if id_file else None
    with transaction.atomic():
        request = _new_request(
            fields=fields,
            selfie_jpeg=selfie_jpeg,
            extra_selfies=extra_jpegs,
            now=now,
            ip=ip,
            identity_check=IdentityCheck.PENDING if id_jpeg else IdentityCheck.NOT_PROVIDED,
        )
        if id_jpeg:
            request.id_document.save("id.jpg", ContentFile(id_jpeg), save=False)
            request.id_document_consent_at = now
        request.save(force_insert=True)
        token = _verification_create(request, now)
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
                "faces_given": 1 + len(extra_jpegs),  # how many selfies (a count; audit refuses "selfie" keys)
                "id_document_consent": bool(id_jpeg),
                "suppression_consent": fields["suppression_consent"],
                "consent_version": request.consent_version,
            },
        )
        lifecycle.request_email(request, "verification", now=now, key=str(now.timestamp()))
        if id_jpeg:
            enqueue_on_commit(identity_check_task, request.pk)
    return request, token


def _verification_create(request: DataSubjectRequest, now: datetime) -> str:
    token = verification_token_derive(public_id=request.public_id, created_at=now)
    EmailVerification.objects.create(
        request=request,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=EMAIL_VERIFICATION_DAYS),
    )
    return token


# --- email confirmation -----------------------------------------------------------------------


def request_confirm_email(*, token: str, now: datetime | None = None) -> DataSubjectRequest:
    """Use a verification token once: the request becomes verified and its search is queued.

    Raises VerificationFailed("invalid" | "used" | "expired"). A used or expired token gives
    nothing away: no request, no link."""
    now = now or timezone.now()
    with transaction.atomic():
        verification = (
            EmailVerification.objects.select_for_update()
            .select_related("request")
            .filter(token_hash=token_hash(token or ""))
            .first()
        )
        if verification is None:
            raise VerificationFailed("invalid")
        request = verification.request
        if verification.used_at is not None or request.email_verified_at is not None:
            raise VerificationFailed("used")
        if verification.expires_at <= now or request.status not in UNVERIFIED_STATUSES:
            raise VerificationFailed("expired")
        EmailVerification.objects.filter(pk=verification.pk, used_at__isnull=True).update(used_at=now)
        lifecycle.request_verify_email(request=request, now=now)
        if settings.ANSWERING_AUTOSTART:
            matching.matching_schedule(request=request)
    return request


def request_expire_unverified(*, now: datetime | None = None) -> int:
    """Expire requests whose email was not confirmed within 7 days (their photo goes). Returns
    how many this run expired."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=EMAIL_VERIFICATION_DAYS)
    expired = 0
    stale = DataSubjectRequest.objects.filter(status__in=UNVERIFIED_STATUSES, received_at__lte=cutoff)
    for request in stale.only("pk", "status").iterator():
        try:
            expired += lifecycle.request_expire(request=DataSubjectRequest.objects.get(pk=request.pk), now=now)
        except lifecycle.ActionNotAllowed:
            continue  # confirmed in the meantime
    return expired


# --- status links and grants ------------------------------------------------------------------


def status_link_issue(request: DataSubjectRequest, *, now: datetime) -> str:
    """A new status-link token (the old link, and every grant made from it, stops working)."""
    token = status_token_derive(public_id=request.public_id, issued_at=now)
    DataSubjectRequest.objects.filter(pk=request.pk).update(
        status_token_hash=token_hash(token), status_token_created_at=now, updated=now
    )
    request.refresh_from_db()
    return token


def status_link_reissue(*, request: DataSubjectRequest, user, now: datetime | None = None) -> None:
    """Staff send a new status link (e.g. the old one leaked); the old one stops working."""
    now = now or timezone.now()
    with transaction.atomic():
        status_link_issue(request, now=now)
        audit_record(action="request.status_link_reissued", actor=user, request=request)
        lifecycle.request_email(request, "status_link", now=now, key=str(now.timestamp()))


def status_link_recover(*, email: str, now: datetime | None = None) -> int:
    """A requester who lost the link gives the email address of the request: each request made
    with it (not lapsed or withdrawn) gets a new link by email, the old one stops working.
    Nothing is shown on screen and the answer is the same whether or not anything matched (the
    caller rate-limits). Returns how many links were sent."""
    now = now or timezone.now()
    email = (email or "").strip()
    if not email:
        return 0
    requests = DataSubjectRequest.objects.filter(email__iexact=email).exclude(
        status__in=[RequestStatus.EXPIRED, RequestStatus.WITHDRAWN]
    )
    sent = 0
    for request in requests.order_by("-received_at")[:10]:
        with transaction.atomic():
            status_link_issue(request, now=now)
            audit_record(action="request.status_link_recovered", actor_label="citizen", request=request)
            lifecycle.request_email(request, "status_link", now=now, key=str(now.timestamp()))
        sent += 1
    return sent


def status_grant_from_token(session, token: str) -> DataSubjectRequest | None:
    """Exchange a status-link token for a grant in `session`; the request, or None."""
    if not token or len(token) > 128:
        return None
    request = DataSubjectRequest.objects.filter(status_token_hash=token_hash(token)).first()
    if request is None:
        return None
    status_grant(session, request)
    return request


def status_grant(session, request: DataSubjectRequest) -> None:
    grants = dict(session.get(SESSION_GRANTS) or {})
    grants.pop(str(request.public_id), None)
    grants[str(request.public_id)] = request.status_token_hash
    while len(grants) > MAX_GRANTS:
        grants.pop(next(iter(grants)))
    session[SESSION_GRANTS] = grants


def status_granted(session, public_id) -> DataSubjectRequest | None:
    """The request `session` holds a current grant for, or None."""
    held = (session.get(SESSION_GRANTS) or {}).get(str(public_id))
    if not held:
        return None
    try:
        request = DataSubjectRequest.objects.filter(public_id=public_id).first()
    except (ValueError, ValidationError):
        return None
    if request is None or not hmac.compare_digest(held, request.status_token_hash or ""):
        return None
    return request


# --- one-click erasure after an access answer -------------------------------------------------


def follow_up_selfie_reusable(source: DataSubjectRequest) -> bool:
    """The access request still holds its selfie and its confirmed matches are still in the
    store: an erasure can start from them without a new photo."""
    return bool(source.selfie) and source.matches.filter(review_status="confirmed", face__isnull=False).exists()


def _read(field_file) -> bytes:
    with field_file.open("rb") as handle:
        return handle.read()


def follow_up_erasure_create(
    *,
    source: DataSubjectRequest,
    selfie_consent: bool,
    suppression_consent: bool = False,
    selfie_file=None,
    now: datetime | None = None,
) -> DataSubjectRequest:
    """An erasure request for the photos an access answer showed, from the requester's status
    page: the email address is the one already confirmed (no second confirmation); the selfie is
    the access request's (with its extra selfies) while it is held and its matches are valid,
    otherwise `selfie_file`."""
    now = now or timezone.now()
    if source.request_type not in (RequestType.ACCESS, RequestType.BOTH) or source.email_verified_at is None:
        raise lifecycle.ActionNotAllowed(_("Only a confirmed access request can be followed by an erasure."))
    if not selfie_consent:
        raise ValidationError({"selfie_consent": _("We can only use your photo with your explicit consent.")})
    extra_jpegs: tuple[bytes, ...] = ()
    if follow_up_selfie_reusable(source):
        with source.selfie.open("rb") as handle:
            selfie_jpeg = handle.read()
        extra_jpegs = tuple(
            _read(getattr(source, field)) for field in source.SELFIE_FIELDS[1:] if getattr(source, field)
        )
    elif selfie_file is not None:
        selfie_jpeg = photo_jpeg(selfie_file, "selfie")
    else:
        raise ValidationError({"selfie": _("Add a photo of your face: the one you sent before has been deleted.")})
    fields = {
        "request_type": RequestType.ERASURE,
        "name": source.name,
        "email": source.email,
        "country": source.country,
        "region": source.region,
        "language": source.language,
        "suppression_consent": suppression_consent,
    }
    with transaction.atomic():
        request = _new_request(
            fields=fields,
            selfie_jpeg=selfie_jpeg,
            extra_selfies=extra_jpegs,
            now=now,
            identity_check=IdentityCheck.NOT_PROVIDED,
            follows=source,
        )
        request.save(force_insert=True)
        audit_record(
            action="request.submitted",
            actor_label="citizen",
            request=request,
            details={
                "request_type": request.request_type,
                "follows": source.public_id,
                "earlier_picture_reused": selfie_file is None,
                "selfie_consent": True,
                "faces_given": 1 + len(extra_jpegs),  # how many selfies (a count; audit refuses "selfie" keys)
                "suppression_consent": suppression_consent,
                "due_date": request.due_date,
            },
        )
        # The address was confirmed for the access request moments or days ago, through the
        # same private status page the requester is using now.
        lifecycle.request_verify_email(request=request, now=now)
        if settings.ANSWERING_AUTOSTART:
            matching.matching_schedule(request=request)
    return request


# --- tasks (thin: a primary key in, one service called, safe to run twice) ---------------------


@shared_task(name="compliance.workflow.check_identity")
def identity_check_task(request_id: int) -> str | None:
    request = DataSubjectRequest.objects.filter(pk=request_id).first()
    return request_check_identity(request=request) if request else None


@shared_task(name="compliance.workflow.expire_unverified")
def expire_unverified_task() -> int:
    return request_expire_unverified()
