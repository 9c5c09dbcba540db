"""Secrets that reach citizens: email-verification tokens, status-link tokens, signed download
links, and the keyed hash of a client address.

Link tokens are 256-bit values; only their SHA-256 is stored, so a database leak does not open
anyone's request. They are derived, like Django's password-reset tokens, as
HMAC-SHA256(SECRET_KEY, purpose | request public_id | issue time): unguessable without the
secret key, never stored, yet reproducible by the server. That is what lets every later email
(extension, message, refusal, completion) carry the same working status link, and lets email
tasks take only primary keys (no secret ever travels through the broker). Reissuing a link
(new issue time) invalidates the old one. SECRET_KEY_FALLBACKS keep links working across a key
rotation.

Download links are signed and time-limited with Django's TimestampSigner (salted per purpose),
so they need no table and stop working on their own.
"""

import base64
import hashlib
import hmac
import secrets
import uuid
from datetime import UTC, datetime
from typing import cast

from django.conf import settings
from django.core import signing

TOKEN_BYTES = 32
DOWNLOAD_SALT = "compliance.download"
DOWNLOAD_LINK_MAX_AGE = 24 * 3600  # seconds a download link stays valid


def token_new() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _keys() -> list[str]:
    # Django allows bytes fallbacks; config.settings sets none, so the keys are str like SECRET_KEY.
    return [settings.SECRET_KEY, *cast(list[str], settings.SECRET_KEY_FALLBACKS)]


def _derive(purpose: str, message: str, key: str) -> str:
    digest = hmac.new(key.encode("utf-8"), f"{purpose}|{message}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def derive_token(purpose: str, message: str) -> str:
    """A token for `purpose` and `message` under the current key (see the module docstring)."""
    return _derive(purpose, message, settings.SECRET_KEY)


def token_matches(purpose: str, message: str, token: str) -> bool:
    """`token` was derived for `purpose` and `message` under the current or a fallback key."""
    return any(hmac.compare_digest(_derive(purpose, message, key), token or "") for key in _keys())


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def status_token_derive(*, public_id, issued_at: datetime) -> str:
    """The status-link token for a request whose link was issued at `issued_at` (current key)."""
    return _derive("compliance.status", f"{public_id}|{_moment(issued_at)}", settings.SECRET_KEY)


def status_token_for(request) -> str | None:
    """The request's current status-link token, or None when none was issued (or it was derived
    with a key that is no longer configured)."""
    if not request.status_token_hash or not request.status_token_created_at:
        return None
    message = f"{request.public_id}|{_moment(request.status_token_created_at)}"
    for key in _keys():
        token = _derive("compliance.status", message, key)
        if hmac.compare_digest(token_hash(token), request.status_token_hash):
            return token
    return None


def verification_token_derive(*, public_id, created_at: datetime) -> str:
    return _derive("compliance.verify", f"{public_id}|{_moment(created_at)}", settings.SECRET_KEY)


def verification_token_for(verification) -> str | None:
    message = f"{verification.request.public_id}|{_moment(verification.created_at)}"
    for key in _keys():
        token = _derive("compliance.verify", message, key)
        if hmac.compare_digest(token_hash(token), verification.token_hash):
            return token
    return None


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()


def ip_hash_for(ip: str) -> str:
    """Keyed hash of a client address (HMAC-SHA256 with SECRET_KEY): lets us count submissions
    per address for rate limiting without storing the address."""
    return hmac.new(settings.SECRET_KEY.encode("utf-8"), (ip or "").encode("utf-8"), hashlib.sha256).hexdigest()


class _ClockedSigner(signing.TimestampSigner):
    def __init__(self, *, now: datetime | None = None, **kwargs):
        super().__init__(**kwargs)
        self._now = now

    def timestamp(self):
        if self._now is None:
            return super().timestamp()
        return signing.b62_encode(int(self._now.timestamp()))


def download_sign(*, request, item: str, now: datetime | None = None) -> str:
    """A signed, time-limited value naming one downloadable item of one request; `now` is the
    signing time (defaults to the clock)."""
    return _ClockedSigner(salt=DOWNLOAD_SALT, now=now).sign_object({"r": str(request.public_id), "i": item})


def download_unsign(*, value: str, max_age: int = DOWNLOAD_LINK_MAX_AGE) -> tuple[uuid.UUID, str]:
    """(request public_id, item) or raise django.core.signing.BadSignature/SignatureExpired."""
    data = signing.TimestampSigner(salt=DOWNLOAD_SALT).unsign_object(value, max_age=max_age)
    try:
        return uuid.UUID(data["r"]), str(data["i"])
    except (KeyError, TypeError, ValueError) as exc:
        raise signing.BadSignature("malformed download link") from exc
