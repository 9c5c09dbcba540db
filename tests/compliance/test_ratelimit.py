"""Rate limits on the public form: per client address (every POST counts, before any photo is
read) and per email address (filed requests count). The clock is passed in, never slept on."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from compliance import ratelimit
from compliance.models import DataSubjectRequest
from tests.compliance.web_support import (
    FORM_URL,
    form_data,
    fresh_rate_limits,  # noqa: F401 - autouse fixture
    selfie_upload,
)

pytestmark = pytest.mark.django_db

T0 = 1_800_000_000.0  # a fixed moment, at the start of an hour window


def test_budget_is_spent_and_refused_then_renewed_in_the_next_window(settings):
    settings.COMPLIANCE_RATE_LIMITS = {"address": (3, 3600)}
    for _ in range(3):
        assert ratelimit.hit("address", "198.51.100.7", now=T0 + 10).allowed
    refused = ratelimit.hit("address", "198.51.100.7", now=T0 + 20)
    assert not refused.allowed
    assert 3500 < refused.retry_after <= 3600
    assert not ratelimit.check("address", "198.51.100.7", now=T0 + 30).allowed
    assert ratelimit.hit("address", "198.51.100.8", now=T0 + 30).allowed  # someone else
    assert ratelimit.hit("address", "198.51.100.7", now=T0 + 3600).allowed  # next window


def test_check_does_not_spend(settings):
    settings.COMPLIANCE_RATE_LIMITS = {"email": (1, 60)}
    for _ in range(5):
        assert ratelimit.check("email", "anna@example.org", now=T0).allowed
    assert ratelimit.hit("email", "anna@example.org", now=T0).allowed
    assert not ratelimit.check("email", "anna@example.org", now=T0).allowed


def test_cache_keys_hold_no_address_or_email():
    ratelimit.hit("address", "198.51.100.7", now=T0)
    ratelimit.hit("email", "anna@example.org", now=T0)
    index = int(T0 // ratelimit.limits()["address"].window_seconds)
    address_key = ratelimit._key("address", "198.51.100.7", index)
    assert cache.get(address_key) == 1
    assert "198.51.100.7" not in address_key
    email_key = ratelimit._key("email", "anna@example.org", int(T0 // ratelimit.limits()["email"].window_seconds))
    assert cache.get(email_key) == 1
    assert "anna" not in email_key


def test_client_address_ignores_forwarded_header_unless_proxies_are_configured(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert ratelimit.client_address(request) == "10.0.0.5"
    settings.TRUSTED_PROXIES = 1
    assert ratelimit.client_address(request) == "203.0.113.9"  # what our own proxy saw, not the spoofable left


def test_ipv6_clients_are_counted_per_64_network():
    factory = RequestFactory()
    one = factory.get("/", REMOTE_ADDR="2001:db8:1:2::10")
    other = factory.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::1")
    assert ratelimit.client_address(one) == ratelimit.client_address(other) == "2001:db8:1:2::/64"
    mapped = factory.get("/", REMOTE_ADDR="::ffff:192.0.2.1")
    assert ratelimit.client_address(mapped) == "192.0.2.1"


def test_form_refuses_past_the_address_budget_and_keeps_the_entries(client, settings):
    settings.COMPLIANCE_RATE_LIMITS = {"address": (2, 3600)}
    data = form_data(email="broken")
    for _ in range(2):
        assert client.post(FORM_URL, data).status_code == 200  # validation errors, but counted
    response = client.post(FORM_URL, data)
    html = response.content.decode()
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many attempts were made from your connection" in html
    assert 'value="Anna de Vries"' in html and 'value="broken"' in html
    # Another address still gets through.
    assert client.post(FORM_URL, data, REMOTE_ADDR="192.0.2.44").status_code == 200


@pytest.mark.faces
def test_form_refuses_a_fourth_request_for_the_same_email(
    client, faces_dir, settings, django_capture_on_commit_callbacks
):
    settings.COMPLIANCE_RATE_LIMITS = {"email": (3, 24 * 3600)}
    for number in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                FORM_URL,
                {
                    **form_data(email="Anna@Example.org" if number else "anna@example.org"),
                    "selfie": selfie_upload(faces_dir),
                },
            )
        assert response.status_code == 302
    response = client.post(FORM_URL, {**form_data(email="ANNA@example.org "), "selfie": selfie_upload(faces_dir)})
    html = response.content.decode()
    assert response.status_code == 429
    assert "Several requests were already made with this email address today" in html
    assert "A photo is already attached (obama.jpg)" in html  # kept for when the limit lifts
    assert DataSubjectRequest.objects.count() == 3


# --- issue 12, item 6: a cache outage falls back to a count in this process ------------------------

DEAD_REDIS_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1: connection refused
        "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
    }
}


@pytest.fixture
def dead_cache(settings, monkeypatch):
    settings.CACHES = DEAD_REDIS_CACHE
    monkeypatch.setattr(ratelimit, "_local", ratelimit.LocalCounts())
    monkeypatch.setattr(ratelimit, "_shared_down_until", 0.0)


def test_with_the_cache_down_the_limit_is_counted_in_this_process(settings, dead_cache, caplog):
    settings.COMPLIANCE_RATE_LIMITS = {"address": (3, 3600)}
    assert [ratelimit.hit("address", "198.51.100.7", now=T0).allowed for _ in range(4)] == [True, True, True, False]
    assert not ratelimit.check("address", "198.51.100.7", now=T0).allowed
    assert ratelimit.hit("address", "198.51.100.7", now=T0 + 3600).allowed  # the next window
    assert ratelimit.hit("address", "198.51.100.8", now=T0).allowed
    warnings = [r for r in caplog.records if "rate-limit cache unavailable" in r.getMessage()]
    assert len(warnings) == 1  # the cache is not asked again for every request while it is down


def test_the_cache_is_used_again_once_it_is_back(settings, dead_cache, monkeypatch):
    settings.COMPLIANCE_RATE_LIMITS = {"address": (1, 3600)}
    assert ratelimit.hit("address", "198.51.100.7", now=T0).allowed  # counted in this process
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    monkeypatch.setattr(ratelimit, "_shared_down_until", 0.0)  # the retry delay has passed
    assert ratelimit.hit("address", "198.51.100.7", now=T0).allowed  # the shared count starts at 0
    assert not ratelimit.hit("address", "198.51.100.7", now=T0).allowed


@pytest.mark.faces
def test_with_the_cache_down_the_citizen_request_is_filed(client, faces_dir, dead_cache):
    """With CACHE_URL on Redis and Redis down the form answered 503 and filed nothing."""
    response = client.post(FORM_URL, {**form_data(), "selfie": selfie_upload(faces_dir)})
    assert response.status_code == 302, response.content[:500]
    assert DataSubjectRequest.objects.count() == 1
