"""Secrets that reach citizens: email-verification tokens, status-link tokens, signed download
links, and the keyed hash of a client address. The compliance-specific layer over core.signing,
which holds the mechanism (HMAC-derived tokens, signed time-limited links, key fallbacks).

Link tokens are 256-bit values; only their SHA-256 is stored, so a database leak does not open
anyone's request. They are derived, like Django's password-reset tokens, as
HMAC-SHA256(SECRET_KEY, purpose | request public_id | issue time) (core.signing.token_derive):
unguessable without the secret key, never stored, yet reproducible by the server. That is what
lets every later email (extension, message, refusal, completion) carry the same working status
link, and lets email tasks take only primary keys (no secret ever travels through the broker).
Reissuing a link (new issue time) invalidates the old one. SECRET_KEY_FALLBACKS keep links
working across a key rotation.

Download links are signed and time-limited (core.signing.link_sign, purpose DOWNLOAD_SALT), so
they need no table and stop working on their own.
"""

import hashlib
import hmac
import secrets
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing

from core.signing import link_sign, link_unsign, token_candidates, token_derive

TOKEN_BYTES = 32
DOWNLOAD_SALT = "compliance.download"
DOWNLOAD_LINK_MAX_AGE = 24 * 3600  # seconds a download link stays valid


def token_new() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def status_token_derive(*, public_id, issued_at: datetime) -> str:
    """The status-link token for a request whose link was issued at `issued_at` (current key)."""
    return token_derive("compliance.status", f"{public_id}|{_moment(issued_at)}")


def status_token_for(request) -> str | None:
    """The request's current status-link token, or None when none was issued (or it was derived
    with a key that is no longer configured)."""
    if not request.status_token_hash or not request.status_token_created_at:
        return None
    message = f"{request.public_id}|{_moment(request.status_token_created_at)}"
    for token in token_candidates("compliance.status", message):
        if hmac.compare_digest(token_hash(token), request.status_token_hash):
            return token
    return None


def verification_token_derive(*, public_id, created_at: datetime) -> str:
    return token_derive("compliance.verify", f"{public_id}|{_moment(created_at)}")


def verification_token_for(verification) -> str | None:
    message = f"{verification.request.public_id}|{_moment(verification.created_at)}"
    for token in token_candidates("compliance.verify", message):
        if hmac.compare_digest(token_hash(token), verification.token_hash):
            return token
    return None


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()


def ip_hash_for(ip: str) -> str:
    """Keyed hash of a client address (HMAC-SHA256 with SECRET_KEY): lets us count submissions
    per address for rate limiting without storing the address."""
    return hmac.new(settings.SECRET_KEY.encode("utf-8"), (ip or "").encode("utf-8"), hashlib.sha256).hexdigest()


def download_sign(*, request, item: str, now: datetime | None = None) -> str:
    """A signed, time-limited value naming one downloadable item of one request; `now` is the
    signing time (defaults to the clock)."""
    return link_sign(purpose=DOWNLOAD_SALT, payload={"r": str(request.public_id), "i": item}, now=now)


def download_unsign(*, value: str, max_age: int = DOWNLOAD_LINK_MAX_AGE) -> tuple[uuid.UUID, str]:
    """(request public_id, item) or raise django.core.signing.BadSignature/SignatureExpired."""
    data = link_unsign(purpose=DOWNLOAD_SALT, value=value, max_age=max_age)
    try:
        return uuid.UUID(data["r"]), str(data["i"])
    except (KeyError, TypeError, ValueError) as exc:
        raise signing.BadSignature("malformed download link") from exc
