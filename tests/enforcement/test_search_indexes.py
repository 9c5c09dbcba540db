"""The trigram indexes of migration 0006 exist on PostgreSQL and are on the very expressions the
free-text filters send, so that the planner can use them. (How much faster that is at 100,000
cases: benchmarks/enforcement_list.py.)"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction

from enforcement.selectors import case_list, decision_list
from tests.enforcement.factories import CaseFactory, DecisionFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="pg_trgm indexes exist on PostgreSQL only; on SQLite migration 0006 does nothing",
    ),
]

TRIGRAM_INDEXES = {
    "case_title_trgm_idx": ("enforcement_case", "title"),
    "case_reference_trgm_idx": ("enforcement_case", "reference"),
    "case_summary_trgm_idx": ("enforcement_case", "summary"),
    "respondent_name_trgm_idx": ("enforcement_respondent", "name"),
    "decision_reference_trgm_idx": ("enforcement_decision", "reference"),
    "decision_summary_trgm_idx": ("enforcement_decision", "summary"),
}


def test_the_trigram_indexes_exist_on_upper_of_each_column():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == ("pg_trgm",)
        cursor.execute(
            "SELECT indexname, tablename, indexdef FROM pg_indexes WHERE indexname = ANY(%s)", [list(TRIGRAM_INDEXES)]
        )
        found = {name: (table, definition) for name, table, definition in cursor.fetchall()}
    assert set(found) == set(TRIGRAM_INDEXES)
    for name, (table, column) in TRIGRAM_INDEXES.items():
        found_table, definition = found[name]
        assert found_table == table
        assert "USING gin" in definition and "gin_trgm_ops" in definition, definition
        assert f"upper(({column})::text)" in definition or f"upper({column})" in definition, definition


def _plan(queryset) -> str:
    """The plan PostgreSQL picks for `queryset` when sequential scans and plain index scans (a walk
    of a whole btree, filtering each row) cost as much as they can: a text condition can then only
    be served by a bitmap scan of an index on its very expression. (A few test rows would
    otherwise rightly be read with a sequential scan.)"""
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_case_free_text_filter_can_use_every_case_side_index():
    DecisionFactory(case=CaseFactory(title="Clearview AI"), reference="SAN-2022-019")
    plan = _plan(case_list(user=AnonymousUser(), filters={"q": "clearview"}))
    for name in (
        "case_title_trgm_idx",
        "case_reference_trgm_idx",
        "case_summary_trgm_idx",
        "respondent_name_trgm_idx",
        "decision_reference_trgm_idx",
    ):
        assert name in plan, plan


def test_the_decision_free_text_filter_can_use_its_indexes():
    DecisionFactory(case=CaseFactory(title="Clearview AI"), reference="SAN-2022-019")
    plan = _plan(decision_list(user=AnonymousUser(), filters={"q": "clearview"}))
    for name in (
        "decision_reference_trgm_idx",
        "decision_summary_trgm_idx",
        "case_title_trgm_idx",
        "case_reference_trgm_idx",
    ):
        assert name in plan, plan
