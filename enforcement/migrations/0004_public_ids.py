"""Unguessable public ids for fines, penalty payments and appeals (they appear in API URLs).

Added in three steps so that rows that already exist each get their own UUID."""

import uuid

from django.db import migrations, models

MODELS = ("fine", "penaltypayment", "appeal")


def fill(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("enforcement", name)
        for pk in model.objects.filter(public_id__isnull=True).values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0003_validators_and_messages")]

    operations = [
        *[migrations.AddField(name, "public_id", models.UUIDField(null=True, editable=False)) for name in MODELS],
        migrations.RunPython(fill, migrations.RunPython.noop),
        *[
            migrations.AlterField(name, "public_id", models.UUIDField(default=uuid.uuid4, unique=True, editable=False))
            for name in MODELS
        ],
    ]
