"""Who may see and do what: the one place that decides.

Roles come from Django auth groups. Citizens have no account: they reach their own request
only through the unguessable link in their email, which is checked by compliance, not here.

Every view, API endpoint, template and report asks `can(user, Perm.X)`; nothing else looks at
groups or `is_staff` directly, so changing a rule here changes it everywhere.
"""

from enum import StrEnum

from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

STAFF_GROUP = "DPA staff"
AUDITOR_GROUP = "Auditor"


class Role(StrEnum):
    ANONYMOUS = "anonymous"
    OUTSIDER = "outsider"  # logged in, but in no role group
    AUDITOR = "auditor"
    STAFF = "staff"


class Perm(StrEnum):
    VIEW_PUBLIC = "view_public"  # published cases, public register, request forms
    VIEW_INTERNAL = "view_internal"  # unpublished cases, internal notes, request queue, store
    EDIT = "edit"  # change enforcement records, act on requests
    EXPORT = "export"  # PDF and CSV exports
    SEARCH_FACES = "search_faces"  # search the biometric store with an uploaded photo


_RULES: dict[Role, frozenset[Perm]] = {
    Role.ANONYMOUS: frozenset({Perm.VIEW_PUBLIC}),
    Role.OUTSIDER: frozenset({Perm.VIEW_PUBLIC}),
    Role.AUDITOR: frozenset({Perm.VIEW_PUBLIC, Perm.VIEW_INTERNAL, Perm.EXPORT}),
    Role.STAFF: frozenset({Perm.VIEW_PUBLIC, Perm.VIEW_INTERNAL, Perm.EDIT, Perm.EXPORT, Perm.SEARCH_FACES}),
}


def role_of(user) -> Role:
    if user is None or not user.is_authenticated or not user.is_active:
        return Role.ANONYMOUS
    cached = getattr(user, "_dpa_role", None)
    if cached is not None:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    if user.is_superuser or STAFF_GROUP in names:
        role = Role.STAFF
    elif AUDITOR_GROUP in names:
        role = Role.AUDITOR
    else:
        role = Role.OUTSIDER
    user._dpa_role = role
    return role


def can(user, perm: Perm) -> bool:
    return perm in _RULES[role_of(user)]


def require(perm: Perm):
    """View decorator: anonymous users go to the login page, others without `perm` get 403."""

    def check(user) -> bool:
        if can(user, perm):
            return True
        if user.is_authenticated:
            raise PermissionDenied
        return False

    return user_passes_test(check)


class ApiRolePermission(BasePermission):
    """DRF default: reads need VIEW_PUBLIC (the viewset narrows the queryset for the public),
    writes need EDIT. Viewsets that hold internal-only data set `read_perm = Perm.VIEW_INTERNAL`."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return can(request.user, getattr(view, "read_perm", Perm.VIEW_PUBLIC))
        return can(request.user, getattr(view, "write_perm", Perm.EDIT))


def role_context(request) -> dict:
    user = getattr(request, "user", None)
    role = role_of(user)
    return {
        "role": role.value,
        "perms_for_role": {perm.value: perm in _RULES[role] for perm in Perm},
    }
