"""Signed links and derived tokens: the one mechanism every app uses for secrets that reach people.

- `link_sign` / `link_unsign`: a JSON payload signed and time-stamped with Django's
  TimestampSigner, salted by `purpose` (the salt is the purpose string itself), so a link needs no
  table, stops working on its own after `max_age`, and a link made for one purpose never
  verifies for another. Signing keys: SECRET_KEY, verified also under SECRET_KEY_FALLBACKS.
- `token_derive` / `token_matches`: HMAC-SHA256(key, "purpose|message"), base64url without
  padding. Unguessable without the secret key, never stored, yet reproducible by the server (like
  Django's password-reset tokens); `token_matches` accepts the current and every fallback key, so
  tokens keep working across a key rotation.

The formats are fixed: changing a salt, a separator or an encoding would break every link and
token already sent (tests/core/test_signing.py pins them).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.core import signing


def signing_keys() -> list[str]:
    """The current key first, then the fallbacks."""
    # Django allows bytes fallbacks; config.settings sets none, so the keys are str like SECRET_KEY.
    return [settings.SECRET_KEY, *cast(list[str], settings.SECRET_KEY_FALLBACKS)]


def token_derive_with(*, purpose: str, message: str, key: str) -> str:
    """The token for `purpose` and `message` under one given key."""
    digest = hmac.new(key.encode("utf-8"), f"{purpose}|{message}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def token_derive(purpose: str, message: str) -> str:
    """The token for `purpose` and `message` under the current key."""
    return token_derive_with(purpose=purpose, message=message, key=settings.SECRET_KEY)


def token_candidates(purpose: str, message: str) -> Iterator[str]:
    """The token for `purpose` and `message` under each configured key, current key first (for
    finding which of them a stored hash was made from)."""
    for key in signing_keys():
        yield token_derive_with(purpose=purpose, message=message, key=key)


def token_matches(purpose: str, message: str, token: str) -> bool:
    """`token` was derived for `purpose` and `message` under the current or a fallback key."""
    return any(hmac.compare_digest(candidate, token or "") for candidate in token_candidates(purpose, message))


class _ClockedSigner(signing.TimestampSigner):
    """A TimestampSigner whose signing time can be given (tests, and callers that pass `now`)."""

    def __init__(self, *, now: datetime | None = None, **kwargs):
        super().__init__(**kwargs)
        self._now = now

    def timestamp(self):
        if self._now is None:
            return super().timestamp()
        return signing.b62_encode(int(self._now.timestamp()))


def link_sign(*, purpose: str, payload: dict[str, Any], now: datetime | None = None) -> str:
    """A signed, time-stamped value carrying `payload` for `purpose`; `now` is the signing time
    (defaults to the clock)."""
    return _ClockedSigner(salt=purpose, now=now).sign_object(payload)


def link_unsign(*, purpose: str, value: str, max_age: int) -> dict[str, Any]:
    """The payload of a value signed for `purpose` at most `max_age` seconds ago; raises
    django.core.signing.BadSignature (SignatureExpired when too old)."""
    data = signing.TimestampSigner(salt=purpose).unsign_object(value, max_age=max_age)
    if not isinstance(data, dict):
        raise signing.BadSignature("malformed signed link")
    return data
