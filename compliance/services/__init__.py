"""Helpers the request workflow builds on (compliance/workflow/ holds the workflow itself):

holidays    staff overrides of the deadline calendar
identity    the automated comparison of the identity-document photo with the selfie
retention   photos kept for a re-displayed form, and the leftovers sweep
tokens      secrets that reach citizens (link tokens, signed downloads, keyed hashes)
"""

from compliance.services.holidays import holiday_override_set
from compliance.services.identity import IDENTITY_TOLERANCE, request_check_identity
from compliance.services.retention import (
    pending_upload_create,
    pending_upload_delete,
    pending_upload_get,
    pending_upload_read,
    pending_uploads_delete_expired,
)
from compliance.services.tokens import download_sign, download_unsign, ip_hash_for, status_token_for, token_hash

__all__ = [
    "IDENTITY_TOLERANCE",
    "download_sign",
    "download_unsign",
    "holiday_override_set",
    "ip_hash_for",
    "pending_upload_create",
    "pending_upload_delete",
    "pending_upload_get",
    "pending_upload_read",
    "pending_uploads_delete_expired",
    "request_check_identity",
    "status_token_for",
    "token_hash",
]
