"""Security headers, client addresses, the answer to a locked-out log-in, NUL characters.

Log-in throttling is django-axes (settings: AXES_*): failed log-ins are counted per username AND
address, in the database, so a stranger's failures lock only the stranger's own address out of
that account, never the account itself (issue 12).

The Content-Security-Policy allows only the app's own scripts, styles and images: no inline
script or style anywhere (templates use classes and static files), so an injected `<script>` or
`style=` attribute does nothing even if escaping were ever missed.
"""

import logging

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.forms import AuthenticationForm
from django.core import checks
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

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


PROXY_ADVICE = (
    "Set DJANGO_TRUSTED_PROXIES to the number of reverse proxies in front of the app: until then every "
    "visitor has the proxy's address, so log-in throttling and the request form's rate limits count them all "
    "together (one stranger's failures lock everyone out of an account)."
)
_warned_about_proxy = False


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or with `TRUSTED_PROXIES = n` (n reverse proxies in
    front of the app) the n-th address from the right of X-Forwarded-For, the one our own
    outermost proxy saw. Never a value a client can choose when no proxy is configured.

    A request with X-Forwarded-For while no proxy is configured means the app probably runs
    behind one: that is logged once per process (in `make run`'s output, and the server log)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXIES
    forwarded_header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0:
        forwarded = [part.strip() for part in forwarded_header.split(",") if part.strip()]
        if len(forwarded) >= proxies:
            remote = forwarded[-proxies]
    elif forwarded_header:
        _warn_about_proxy()
    return remote


def _warn_about_proxy() -> None:
    global _warned_about_proxy
    if not _warned_about_proxy:
        _warned_about_proxy = True
        logger.warning("X-Forwarded-For received but DJANGO_TRUSTED_PROXIES=0. %s", PROXY_ADVICE)


def proxy_settings_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Behind a proxy (DJANGO_BEHIND_PROXY=1) with no DJANGO_TRUSTED_PROXIES every client has the
    proxy's address: said by `manage.py check` and at the start of `make run`."""
    if settings.SECURE_PROXY_SSL_HEADER is not None and settings.TRUSTED_PROXIES == 0:
        return [
            checks.Warning("DJANGO_BEHIND_PROXY=1 but DJANGO_TRUSTED_PROXIES=0.", hint=PROXY_ADVICE, id="config.W001")
        ]
    return []


def login_lockout_message() -> str:
    return _("Too many failed log-in attempts. Wait %(minutes)s minutes and try again.") % {
        "minutes": max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    }


def login_lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out log-in (AXES_LOCKOUT_CALLABLE): the log-in page it came
    from (the app's or the admin's) with the reason, status 429, without checking the password."""
    form = AuthenticationForm(request)
    form.cleaned_data = {}  # an unbound form that carries the reason
    form.add_error(None, login_lockout_message())
    match = request.resolver_match
    if match is not None and match.namespace == admin.site.name:
        context = {**admin.site.each_context(request), "form": form, "title": _("Log in"), "app_path": request.path}
        return render(request, "admin/login.html", context, status=429)
    return render(request, "registration/login.html", {"form": form}, status=429)


def nul_refusal_message() -> str:
    return _("Input must not contain NUL characters.")


def post_contains_nul(post) -> bool:
    return any("\x00" in key or "\x00" in value for key, values in post.lists() for value in values)


class RejectNullCharactersMiddleware:
    """Refuse text input containing NUL characters with a 400.

    PostgreSQL cannot store or even compare text containing NUL (psycopg raises DataError), so a
    NUL typed into any field that reaches a query (a slug lookup, a filter) would otherwise turn
    into a 500. Query strings are checked first; url-encoded forms and JSON bodies once the view
    is known (process_view), except for views made with core.uploads.upload_form, which read
    their own body only after their permission check and then refuse NUL themselves. Other
    multipart bodies are left to the forms (Django's CharField refuses NUL).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if post_contains_nul(request.GET):
            return self._refuse(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "upload_form", False) or not self._body_contains_nul(request):
            return None
        return self._refuse(request)

    @staticmethod
    def _refuse(request):
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": nul_refusal_message()}, status=400)
        return HttpResponseBadRequest(nul_refusal_message())

    @staticmethod
    def _body_contains_nul(request) -> bool:
        content_type = request.content_type or ""
        if content_type == "application/x-www-form-urlencoded":
            return post_contains_nul(request.POST)
        if content_type.endswith("json"):
            body = request.body
            return b"\x00" in body or b"\\u0000" in body
        return False
