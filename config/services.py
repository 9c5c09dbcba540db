"""Project-wide write services: roles and demo accounts."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from config.roles import AUDITOR_GROUP, STAFF_GROUP

DEMO_ACCOUNTS = (("staff", STAFF_GROUP), ("auditor", AUDITOR_GROUP))


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
