"""Change history: one ChangeRecord per changed field, written only by the services."""

import datetime as dt
import json
from decimal import Decimal
from typing import cast

from django.db import models
from django.utils import timezone

from enforcement.models import ChangeRecord


def display_value(obj: models.Model, field_name: str) -> str:
    """A readable, stable text form of a field value for the history table."""
    field = obj._meta.get_field(field_name)
    if field.many_to_many:
        if obj.pk is None:
            return ""
        return ", ".join(sorted(str(item) for item in getattr(obj, field_name).all()))
    if field.is_relation:
        related = getattr(obj, field_name)
        return "" if related is None else str(related)
    value = getattr(obj, field_name)
    if value is None:
        return ""
    # A reverse relation (ForeignObjectRel) is a relation, returned above.
    assert isinstance(field, models.Field)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else str(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def model_label(obj: models.Model) -> str:
    """The ChangeRecord label of a model instance: its lower-case model name."""
    # Options.model_name is None only until the model class is prepared; an instance's is set.
    return cast(str, obj._meta.model_name)


def snapshot(obj: models.Model, field_names) -> dict[str, str]:
    return {name: display_value(obj, name) for name in field_names}


def record_changes(
    *, case, obj: models.Model, before: dict[str, str], after: dict[str, str], user, now: dt.datetime | None = None
) -> list[ChangeRecord]:
    now = now or timezone.now()
    records = [
        ChangeRecord(
            case=case,
            model_label=model_label(obj),
            object_id=str(obj.pk),
            action=ChangeRecord.Action.UPDATE,
            field=name,
            old_value=before[name],
            new_value=after[name],
            changed_by=_user_or_none(user),
            changed_at=now,
        )
        for name in before
        if before[name] != after[name]
    ]
    return ChangeRecord.objects.bulk_create(records)


def record_event(*, case, obj: models.Model, action: str, user, text: str, now: dt.datetime | None = None):
    """A create or delete: the whole object's text in new_value (create) or old_value (delete)."""
    return ChangeRecord.objects.create(
        case=case,
        model_label=model_label(obj),
        object_id=str(obj.pk),
        action=action,
        old_value=text if action == ChangeRecord.Action.DELETE else "",
        new_value=text if action != ChangeRecord.Action.DELETE else "",
        changed_by=_user_or_none(user),
        changed_at=now or timezone.now(),
    )


def _user_or_none(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def record_events_created(*, events: list[tuple], user, now: dt.datetime | None = None) -> None:
    """record_event(action=CREATE) for many (case, obj) pairs in one insert (bulk imports)."""
    now = now or timezone.now()
    ChangeRecord.objects.bulk_create(
        (
            ChangeRecord(
                case=case,
                model_label=model_label(obj),
                object_id=str(obj.pk),
                action=ChangeRecord.Action.CREATE,
                old_value="",
                new_value=str(obj),
                changed_by=_user_or_none(user),
                changed_at=now,
            )
            for case, obj in events
        ),
        batch_size=500,
    )
