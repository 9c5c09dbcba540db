"""Security headers and login throttling.

The Content-Security-Policy allows only the app's own scripts, styles and images: no inline
script or style anywhere (templates use classes and static files), so an injected `<script>` or
`style=` attribute does nothing even if escaping were ever missed.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or with `TRUSTED_PROXIES = n` (n reverse proxies in
    front of the app) the n-th address from the right of X-Forwarded-For, the one our own
    outermost proxy saw. Never a value a client can choose when no proxy is configured."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            remote = forwarded[-proxies]
    return remote


class LoginThrottle:
    """Counts failed logins per username and per address in the cache; past the limit, refuse
    further attempts until the window has passed (even with the right password)."""

    @property
    def limit(self) -> int:
        return settings.LOGIN_FAILURE_LIMIT

    @property
    def window(self) -> int:
        return settings.LOGIN_FAILURE_WINDOW

    def _keys(self, request, username: str) -> list[str]:
        return [f"login-fail:user:{username.strip().lower()}", f"login-fail:addr:{client_address(request)}"]

    def blocked(self, request, username: str) -> bool:
        return any((cache.get(key) or 0) >= self.limit for key in self._keys(request, username))

    def record_failure(self, request, username: str) -> None:
        for key in self._keys(request, username):
            if not cache.add(key, 1, self.window):
                try:
                    cache.incr(key)
                except ValueError:  # expired between add and incr
                    cache.set(key, 1, self.window)

    def reset(self, request, username: str) -> None:
        cache.delete(self._keys(request, username)[0])

    def message(self) -> str:
        return _("Too many failed log-in attempts. Wait %(minutes)s minutes and try again.") % {
            "minutes": max(1, self.window // 60)
        }


class RejectNullCharactersMiddleware:
    """Refuse text input containing NUL characters with a 400.

    PostgreSQL cannot store or even compare text containing NUL (psycopg raises DataError), so a
    NUL typed into any field that reaches a query (a slug lookup, a filter) would otherwise turn
    into a 500. Query strings, url-encoded forms and JSON bodies are checked here; multipart
    bodies are left to the forms (Django's CharField refuses NUL) so that views can still choose
    their upload handlers (the staff face search keeps uploads in memory only).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._contains_nul(request):
            message = _("Input must not contain NUL characters.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)

    @staticmethod
    def _contains_nul(request) -> bool:
        if any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
            return True
        content_type = request.content_type or ""
        if content_type == "application/x-www-form-urlencoded":
            return any("\x00" in key or "\x00" in value for key, values in request.POST.lists() for value in values)
        if content_type.endswith("json"):
            body = request.body
            return b"\x00" in body or b"\\u0000" in body
        return False
