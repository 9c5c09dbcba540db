"""PostgreSQL-only indexes matching the case list's "newest decision first, undated last" order.

SQLite cannot declare NULLS LAST in CREATE INDEX (and sorts NULLs last in DESC order anyway), so
the plain indexes in 0001 serve it; on PostgreSQL an ORDER BY ... DESC NULLS LAST needs these.
"""

from django.db import migrations

INDEXES = {
    # Case list default ordering and the "date" sort.
    "case_latest_nl_idx": '("latest_decision_date" DESC NULLS LAST, "reference")',
    # Public register: published cases, newest decision first.
    "case_published_nl_idx": '("published", "latest_decision_date" DESC NULLS LAST, "reference")',
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "enforcement_case" {columns}')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
