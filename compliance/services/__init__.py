"""Write services of the compliance domain (data-subject requests). Views, serializers, forms,
admin, tasks and commands call these; nothing else changes a request.

    request_submit(*, data, selfie_file, id_file=None, ip="", now=None) -> (request, verification token)
    request_verify_email(*, token, now=None) -> (request, status token)      raises VerificationFailed
    request_reissue_status_link(*, request, user, now=None) -> status token
    request_check_identity(*, request, now=None) -> identity_check value
    request_verify_identity_manually(*, request, user, note, now=None) -> bool
    request_start_processing(*, request, user=None, now=None) -> bool
    request_mark_awaiting_review(*, request, user=None, now=None) -> bool
    request_mark_awaiting_approval(*, request, user, now=None) -> bool
    request_approve(*, request, user, now=None) -> bool                     (completes the request)
    request_complete(*, request, user=None, now=None) -> bool
    request_refuse(*, request, user, basis, reason, now=None) -> bool
    request_extend_deadline(*, request, user, months, reason, now=None) -> bool
    request_withdraw(*, request, user=None, now=None) -> bool
    request_expire_unverified(*, now=None) -> int
    request_add_message(*, request, user, body, visible_to_requester, now=None) -> RequestMessage
    request_escalate_to_complaint(*, request, user, case=None, authority=None, respondent=None, now=None) -> Case
    request_purge_biometrics(*, request, now=None) -> bool
    request_send_email(*, request_id, kind, message_id=None, now=None) -> bool
    request_send_due_reminders(*, now=None, days=None) -> int
    request_photos_delete_leftovers(*, now=None) -> dict
    pending_upload_create(*, content, original_name="", now=None) -> (PendingUpload, token)
    pending_upload_get(*, token, now=None) -> PendingUpload | None
    pending_upload_read(*, upload) -> bytes
    pending_upload_delete(*, upload) -> None
    holiday_seed_from_file(*, path=...) -> int

Transition methods return True when this call changed the request and False when it had already
happened (running twice does no harm); an action that does not fit the state raises
ActionNotAllowed (a ValidationError with code "conflict"); bad input raises ValidationError keyed
by field name.
"""

from compliance.services.holidays import holiday_seed_from_file, holiday_set
from compliance.services.identity import IDENTITY_TOLERANCE, request_check_identity
from compliance.services.requests import (
    EMAIL_VERIFICATION_DAYS,
    ActionNotAllowed,
    VerificationFailed,
    request_add_message,
    request_approve,
    request_complete,
    request_escalate_to_complaint,
    request_expire_unverified,
    request_extend_deadline,
    request_is_overdue,
    request_mark_awaiting_approval,
    request_mark_awaiting_review,
    request_purge_biometrics,
    request_refuse,
    request_reissue_status_link,
    request_send_due_reminders,
    request_send_email,
    request_start_processing,
    request_submit,
    request_verify_email,
    request_verify_identity_manually,
    request_withdraw,
)
from compliance.services.retention import (
    pending_upload_create,
    pending_upload_delete,
    pending_upload_get,
    pending_upload_read,
    pending_uploads_delete_expired,
    request_photos_delete_leftovers,
)
from compliance.services.tokens import (
    download_link_for,
    download_sign,
    download_unsign,
    ip_hash_for,
    status_link_for,
    status_token_for,
    token_hash,
    verify_link_for,
)

__all__ = [
    "EMAIL_VERIFICATION_DAYS",
    "IDENTITY_TOLERANCE",
    "ActionNotAllowed",
    "VerificationFailed",
    "download_link_for",
    "download_sign",
    "download_unsign",
    "holiday_seed_from_file",
    "holiday_set",
    "ip_hash_for",
    "pending_upload_create",
    "pending_upload_delete",
    "pending_upload_get",
    "pending_upload_read",
    "pending_uploads_delete_expired",
    "request_add_message",
    "request_approve",
    "request_check_identity",
    "request_complete",
    "request_escalate_to_complaint",
    "request_expire_unverified",
    "request_extend_deadline",
    "request_is_overdue",
    "request_mark_awaiting_approval",
    "request_mark_awaiting_review",
    "request_photos_delete_leftovers",
    "request_purge_biometrics",
    "request_refuse",
    "request_reissue_status_link",
    "request_send_due_reminders",
    "request_send_email",
    "request_start_processing",
    "request_submit",
    "request_verify_email",
    "request_verify_identity_manually",
    "request_withdraw",
    "status_link_for",
    "status_token_for",
    "token_hash",
    "verify_link_for",
]
