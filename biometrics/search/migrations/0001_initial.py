import django.db.models.functions.datetime
from django.db import migrations, models


def install_triggers(apps, schema_editor):
    from biometrics.search.triggers import triggers_install

    triggers_install(schema_editor.connection, apps.get_model("biometrics", "Face")._meta.db_table)


def drop_triggers(apps, schema_editor):
    from biometrics.search.triggers import triggers_drop

    triggers_drop(schema_editor.connection, apps.get_model("biometrics", "Face")._meta.db_table)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("biometrics", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="IndexChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("generation", models.BigIntegerField()),
                ("token", models.CharField(max_length=32)),
                ("face_id", models.BigIntegerField()),
                ("changed_at", models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
            ],
            options={
                "db_table": "biometrics_search_change",
                "indexes": [
                    models.Index(fields=["generation"], name="biometrics_search_change_gen"),
                    models.Index(fields=["changed_at"], name="biometrics_search_change_at"),
                ],
            },
        ),
        migrations.CreateModel(
            name="IndexGeneration",
            fields=[
                ("id", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("epoch", models.CharField(max_length=32)),
                ("value", models.BigIntegerField()),
                ("token", models.CharField(max_length=32)),
            ],
            options={
                "db_table": "biometrics_search_generation",
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("id", 1)), name="biometrics_search_generation_single")
                ],
            },
        ),
        migrations.RunPython(install_triggers, drop_triggers),
    ]
