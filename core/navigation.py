"""The header navigation: one list, filtered by what the current role may do."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from core.roles import Perm, can

# (label, url name, permission). Entries whose URL does not resolve are left out, so an app
# can be switched off without breaking the layout.
NAVIGATION = [
    (_("Public register"), "enforcement:register", Perm.VIEW_PUBLIC),
    (_("Make a request"), "compliance:request_new", Perm.VIEW_PUBLIC),
    (_("Dashboard"), "enforcement:dashboard", Perm.VIEW_INTERNAL),
    (_("Cases"), "enforcement:case_list", Perm.VIEW_INTERNAL),
    (_("Requests"), "compliance:queue", Perm.VIEW_INTERNAL),
    (_("Biometric store"), "biometrics:store", Perm.VIEW_INTERNAL),
    (_("Reports"), "reports:list", Perm.EXPORT),
    (_("API"), "api-docs", Perm.VIEW_INTERNAL),
]


def navigation_for(request) -> list[dict]:
    user = getattr(request, "user", None)
    items = []
    for label, url_name, perm in NAVIGATION:
        if not can(user, perm):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": request.path.startswith(url) and url != "/"})
    return items


def navigation_context(request) -> dict:
    return {"navigation": navigation_for(request)}
