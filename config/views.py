from django.contrib.auth.views import LoginView
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.health import broker_status, database_status
from config.security import LoginThrottle


def home(request):
    return render(request, "config/home.html")


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


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


class ThrottledLoginView(LoginView):
    """Django's login view with failed attempts limited per username and per address."""

    throttle = LoginThrottle()

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if self.throttle.blocked(request, username):
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, self.throttle.message())
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        self.throttle.record_failure(self.request, self.request.POST.get("username", ""))
        return super().form_invalid(form)

    def form_valid(self, form):
        self.throttle.reset(self.request, form.get_user().get_username())
        return super().form_valid(form)
