"""Rate limits for the public request form, kept in Django's default cache.

Two budgets, each a fixed window counted with `cache.add` + `cache.incr` (atomic in Redis and
Memcached, and under the lock of the local-memory cache):

- per client address: every POST to the form counts, valid or not, because each one may run
  face detection on an uploaded photo (the expensive part, and the one an attacker would aim at);
- per email address: only requests actually filed count, so a person who corrects a typo is not
  punished, but nobody can flood one mailbox (or the staff queue) with requests in its name.

Cache keys hold a keyed hash of the address or email, never the value itself. IPv6 clients are
counted per /64 network, the block one household or phone usually gets.

The limits can be tuned with a `COMPLIANCE_RATE_LIMITS` setting (same shape as `DEFAULT_LIMITS`).
With the default local-memory cache each server process counts on its own; a deployment with
several processes needs a shared cache (Redis) as the default cache for the limits to hold.

When the shared cache cannot be reached (Redis down or hung), the counts fall back to this process
for CACHE_RETRY_SECONDS before the cache is tried again (issue 12): each process then allows the
full budget on its own, a looser limit for a while, instead of refusing the citizen's request.
"""

import hashlib
import hmac
import ipaddress
import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from core.queue import service_unavailable_cause
from core.security import client_address as security_client_address

logger = logging.getLogger(__name__)

KEY_PREFIX = "compliance:rl"
CACHE_RETRY_SECONDS = 30  # after a cache error, count in this process this long before trying it again


@dataclass(frozen=True)
class Limit:
    count: int
    window_seconds: int


DEFAULT_LIMITS: dict[str, Limit] = {
    "address": Limit(count=30, window_seconds=3600),
    "email": Limit(count=3, window_seconds=24 * 3600),
    # A lost status link (compliance.workflow.intake.status_link_recover): each try mails the
    # address, so both the asking network and the mailbox get a small budget.
    "recovery_address": Limit(count=10, window_seconds=3600),
    "recovery_email": Limit(count=3, window_seconds=24 * 3600),
}


@dataclass(frozen=True)
class RateResult:
    allowed: bool
    retry_after: int  # seconds until the window resets (0 when allowed)


def limits() -> dict[str, Limit]:
    configured = settings.COMPLIANCE_RATE_LIMITS or {}
    merged = dict(DEFAULT_LIMITS)
    for scope, value in configured.items():
        merged[scope] = value if isinstance(value, Limit) else Limit(*value)
    return merged


def client_address(request) -> str:
    """The client's network (IPv6 per /64), from the one address helper in core.security."""
    return _network_of(security_client_address(request))


def _network_of(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _key(scope: str, identifier: str, window_index: int) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{scope}:{identifier}".encode(), hashlib.sha256).hexdigest()
    return f"{KEY_PREFIX}:{scope}:{digest[:32]}:{window_index}"


def _window(limit: Limit, now: float) -> tuple[int, int]:
    index = int(now // limit.window_seconds)
    retry_after = int((index + 1) * limit.window_seconds - now) + 1
    return index, retry_after


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


class LocalCounts:
    """Fixed-window counters in this process, used while the shared cache is unreachable."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}  # key -> (used, expires at, monotonic)

    def count(self, key: str, *, spend: bool, timeout: int) -> int:
        now = time.monotonic()
        with self._lock:
            used, expires = self._counts.get(key, (0, now + timeout))
            if expires <= now:
                used, expires = 0, now + timeout
            if spend:
                used += 1
                self._counts[key] = (used, expires)
                if len(self._counts) > 10_000:  # old windows: drop what has expired
                    self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            return used


_local = LocalCounts()
_shared_down_until = 0.0


def _shared_count(key: str, *, spend: bool, timeout: int) -> int:
    if not spend:
        return cache.get(key, 0)
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr: start again
        cache.set(key, 1, timeout=timeout)
        return 1


def _count(key: str, *, spend: bool, timeout: int) -> int:
    """Units used in the window of `key` (after spending one when `spend`): in the shared cache,
    or in this process while the cache cannot be reached."""
    global _shared_down_until
    if time.monotonic() >= _shared_down_until:
        try:
            return _shared_count(key, spend=spend, timeout=timeout)
        except Exception as error:
            cause = service_unavailable_cause(error)
            if cause is None:
                raise
            _shared_down_until = time.monotonic() + CACHE_RETRY_SECONDS
            logger.warning(
                "rate-limit cache unavailable (%s); counting in this process for %d s",
                type(cause).__name__,
                CACHE_RETRY_SECONDS,
            )
    return _local.count(key, spend=spend, timeout=timeout)


def check(scope: str, identifier: str, *, now: float | None = None) -> RateResult:
    """Is there budget left, without spending any."""
    limit = limits()[scope]
    now = time.time() if now is None else now
    index, retry_after = _window(limit, now)
    used = _count(_key(scope, identifier, index), spend=False, timeout=limit.window_seconds + 60)
    if used >= limit.count:
        return RateResult(False, retry_after)
    return RateResult(True, 0)


def hit(scope: str, identifier: str, *, now: float | None = None) -> RateResult:
    """Spend one unit; refused (and not counted further) when the budget is used up."""
    limit = limits()[scope]
    now = time.time() if now is None else now
    index, retry_after = _window(limit, now)
    used = _count(_key(scope, identifier, index), spend=True, timeout=limit.window_seconds + 60)
    if used > limit.count:
        return RateResult(False, retry_after)
    return RateResult(True, 0)
