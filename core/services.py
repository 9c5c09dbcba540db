"""Project-wide write services: roles, demo accounts, and the registry of the apps' demo data.

Each app with demo data registers its loader from its `AppConfig.ready()`
(`demo_loader_register`); `manage.py demo_setup` runs them by `order`, lowest first. The order is
explicit rather than the order of INSTALLED_APPS (enforcement, compliance, biometrics), because
data that other demo data may name loads first: the enforcement record (10), then the biometric
store (20), then compliance (30; it has no demo data yet).
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from core.roles import AUDITOR_GROUP, STAFF_GROUP

DEMO_ACCOUNTS = (("staff", STAFF_GROUP), ("auditor", AUDITOR_GROUP))


@dataclass(frozen=True)
class DemoLoader:
    name: str
    order: int  # demo_setup runs the loaders by this number, lowest first
    load: Callable[..., None]  # load(stdout=...): loads the app's demo data; loading twice changes nothing


# Filled by demo_loader_register from the apps' ready(); read only after django.setup().
DEMO_LOADERS: dict[str, DemoLoader] = {}


def demo_loader_register(*, name: str, order: int, load: Callable[..., None]) -> DemoLoader:
    """Add an app's demo data to `demo_setup`; a name registered twice is an error, never an override."""
    if name in DEMO_LOADERS:
        raise ImproperlyConfigured(f"Demo loader {name!r} is registered twice.")
    loader = DEMO_LOADERS[name] = DemoLoader(name=name, order=order, load=load)
    return loader


def demo_loaders() -> list[DemoLoader]:
    """The registered loaders in the order demo_setup runs them."""
    return sorted(DEMO_LOADERS.values(), key=lambda loader: (loader.order, loader.name))


@transaction.atomic
def roles_ensure_groups() -> dict[str, Group]:
    return {name: Group.objects.get_or_create(name=name)[0] for name in (STAFF_GROUP, AUDITOR_GROUP)}


@transaction.atomic
def demo_accounts_ensure(*, reset_passwords: bool = False) -> list[tuple[str, str, str | None]]:
    """Create the demo staff member and auditor if missing.

    Returns (username, group, password) per account; the password is only returned when it was
    just set, because it is stored hashed and cannot be shown again.
    """
    groups = roles_ensure_groups()
    user_model = get_user_model()
    result = []
    for username, group_name in DEMO_ACCOUNTS:
        user, created = user_model.objects.get_or_create(username=username)
        password = None
        if created or reset_passwords:
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save(update_fields=["password"])
        user.groups.add(groups[group_name])
        result.append((username, group_name, password))
    return result
