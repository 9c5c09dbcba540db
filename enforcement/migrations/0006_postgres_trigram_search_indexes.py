"""PostgreSQL-only trigram indexes for the free-text filter `q` (enforcement.filters).

Django turns `field__icontains=value` into `UPPER("field"::text) LIKE UPPER('%value%')` on
PostgreSQL. A btree index cannot serve a pattern with a leading wildcard; a GIN index with the
pg_trgm operator class on exactly that expression can, so each index below is on
`UPPER(column::text)`. (PostgreSQL matches an index expression against the query's by structure:
`UPPER("summary"::text)` on a text column and `UPPER("summary")` are the same expression.)

The filters look each table up on its own (ids of matching cases, unioned; see
`CaseFilterSet.filter_q`), so that every branch is an index scan on one table and PostgreSQL
never has to test every joined row against the whole OR.

Authorities are not indexed: there are a few dozen data protection authorities, a sequential
scan of that table is cheaper than any index. Patterns shorter than three characters have no
trigram; PostgreSQL then scans as before, with the same results.

SQLite (development, tests) has no pg_trgm; its LIKE is evaluated row by row there, and this
migration does nothing. pg_trgm is a trusted extension (PostgreSQL 13+): the database owner can
create it without superuser rights.
"""

from django.db import migrations

INDEXES = {
    # Case free text (CaseFilterSet.filter_q): title.
    "case_title_trgm_idx": ("enforcement_case", "title"),
    # Case free text: the case reference (and DecisionFilterSet.filter_q: the case's reference).
    "case_reference_trgm_idx": ("enforcement_case", "reference"),
    # Case free text: the summary.
    "case_summary_trgm_idx": ("enforcement_case", "summary"),
    # Case free text: the respondent's name (cases of the matching respondents).
    "respondent_name_trgm_idx": ("enforcement_respondent", "name"),
    # Case free text (cases with a matching decision) and DecisionFilterSet.filter_q: the
    # authority's own decision reference.
    "decision_reference_trgm_idx": ("enforcement_decision", "reference"),
    # DecisionFilterSet.filter_q: the decision summary.
    "decision_summary_trgm_idx": ("enforcement_decision", "summary"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    # The extension stays: other database objects may use it, and it holds no data.


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0005_state_and_money_constraints")]
    operations = [migrations.RunPython(create, drop)]
