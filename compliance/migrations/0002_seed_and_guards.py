"""Seed public holidays and the audit chain head; on PostgreSQL, make audit events append-only
in the database too (a trigger raises on UPDATE and DELETE)."""

import csv
from pathlib import Path

from django.db import migrations

HOLIDAYS_CSV = Path(__file__).resolve().parent.parent / "data" / "holidays.csv"

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION compliance_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'compliance_auditevent is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER compliance_auditevent_no_update_delete
    BEFORE UPDATE OR DELETE ON compliance_auditevent
    FOR EACH ROW EXECUTE FUNCTION compliance_auditevent_append_only();
"""
DROP_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS compliance_auditevent_no_update_delete ON compliance_auditevent;
DROP FUNCTION IF EXISTS compliance_auditevent_append_only();
"""


def seed(apps, schema_editor):
    Holiday = apps.get_model("compliance", "Holiday")
    AuditChainHead = apps.get_model("compliance", "AuditChainHead")
    AuditChainHead.objects.get_or_create(id=1)
    with HOLIDAYS_CSV.open(newline="", encoding="utf-8") as handle:
        rows = [Holiday(country=r["country"], date=r["date"], name=r["name"]) for r in csv.DictReader(handle)]
    Holiday.objects.bulk_create(rows, ignore_conflicts=True)


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
