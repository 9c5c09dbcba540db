"""core.signing: links and tokens keep their exact format, so every link and token sent before
the mechanism moved to core (from compliance/services/tokens.py) still verifies, and the other
way round. The pinned strings below were computed with the old compliance code for this key,
purpose, payload and time."""

import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.core import signing

from compliance.services.tokens import (
    DOWNLOAD_SALT,
    download_sign,
    download_unsign,
    status_token_derive,
    verification_token_derive,
)
from core.signing import link_sign, link_unsign, token_derive, token_matches

KEY = "pinned-secret-key-for-the-signing-test-0123456789"
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
PUBLIC_ID = uuid.UUID("12345678-1234-5678-1234-567812345678")
OLD_DOWNLOAD_LINK = (
    "eyJyIjoiMTIzNDU2NzgtMTIzNC01Njc4LTEyMzQtNTY3ODEyMzQ1Njc4IiwiaSI6ImxldHRlciJ9:1tp1ea:"
    "4UjLqY58GisfV3CV9wdbEkmimDmTsUkgoiRb2Ln2bUk"
)
OLD_STATUS_TOKEN = "SrLo5BJvy19FFoLw-qGKRWb86uvFauppoIu8s6DKL1o"
OLD_VERIFICATION_TOKEN = "Rc8pytVV2PaRAC79ZnoF4n0nfpBLzmn2is9gnbzlT-U"
OLD_SUPPRESSION_TOKEN = "lCuVbmpjGoFbS_0i0sx4F2u4xbrxrFG_D_E6A3QZWnc"


@pytest.fixture
def pinned_key(settings):
    settings.SECRET_KEY = KEY
    settings.SECRET_KEY_FALLBACKS = []


def _age(value_time: datetime) -> int:
    """A max_age that accepts a value signed at `value_time` (the link check runs on the clock)."""
    return int((datetime.now(UTC) - value_time).total_seconds()) + 3600


def test_a_download_link_is_byte_identical_to_the_old_one(pinned_key):
    request = SimpleNamespace(public_id=PUBLIC_ID)
    assert download_sign(request=request, item="letter", now=NOW) == OLD_DOWNLOAD_LINK
    assert link_sign(purpose=DOWNLOAD_SALT, payload={"r": str(PUBLIC_ID), "i": "letter"}, now=NOW) == OLD_DOWNLOAD_LINK
    # A link signed by the old code verifies with the new one.
    assert download_unsign(value=OLD_DOWNLOAD_LINK, max_age=_age(NOW)) == (PUBLIC_ID, "letter")
    assert link_unsign(purpose=DOWNLOAD_SALT, value=OLD_DOWNLOAD_LINK, max_age=_age(NOW)) == {
        "r": str(PUBLIC_ID),
        "i": "letter",
    }


def test_tokens_are_byte_identical_to_the_old_ones(pinned_key):
    moment = NOW.isoformat(timespec="microseconds")
    assert status_token_derive(public_id=PUBLIC_ID, issued_at=NOW) == OLD_STATUS_TOKEN
    assert verification_token_derive(public_id=PUBLIC_ID, created_at=NOW) == OLD_VERIFICATION_TOKEN
    assert token_derive("compliance.status", f"{PUBLIC_ID}|{moment}") == OLD_STATUS_TOKEN
    assert token_derive("compliance.suppression", "abc") == OLD_SUPPRESSION_TOKEN
    assert token_matches("compliance.suppression", "abc", OLD_SUPPRESSION_TOKEN)


def test_a_link_is_bound_to_its_purpose_and_expires(pinned_key):
    value = link_sign(purpose="test.one", payload={"x": 1}, now=NOW)
    with pytest.raises(signing.BadSignature):
        link_unsign(purpose="test.other", value=value, max_age=_age(NOW))
    with pytest.raises(signing.SignatureExpired):
        link_unsign(purpose="test.one", value=value, max_age=_age(NOW) - 2 * 3600)
    with pytest.raises(signing.BadSignature):
        link_unsign(purpose="test.one", value=value[:-2] + "xx", max_age=_age(NOW))


def test_tokens_and_links_survive_a_key_rotation(settings, pinned_key):
    token = token_derive("test.rotate", "m")
    value = link_sign(purpose="test.rotate", payload={"x": 1}, now=NOW - timedelta(minutes=1))
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + KEY, [KEY]
    assert token_matches("test.rotate", "m", token) and token_derive("test.rotate", "m") != token
    assert link_unsign(purpose="test.rotate", value=value, max_age=_age(NOW)) == {"x": 1}
    settings.SECRET_KEY_FALLBACKS = []
    assert not token_matches("test.rotate", "m", token)
    with pytest.raises(signing.BadSignature):
        link_unsign(purpose="test.rotate", value=value, max_age=_age(NOW))
