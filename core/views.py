from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import broker_status, database_status


def home(request):
    return render(request, "core/home.html")


@never_cache
@require_GET
def healthz(request):
    database = database_status()
    broker = broker_status()
    healthy = database["ok"] and broker["ok"]
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )


def bad_request(request, exception=None):
    """A request Django refuses before any view (e.g. more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS):
    JSON under /api/ (the API documents JSON errors only), else the page in the visitor's language."""
    message = _("The request could not be read: it is malformed or has too many fields.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(message)}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
