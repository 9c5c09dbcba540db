"""Aggregates of a filtered case list, computed once per query and kept until the data changes.

A page of the case list, the public register or the API shows, beside its 25-100 rows, numbers
about the whole filtered set: how many cases match, the EUR total of their fines per currency and
rate, the penalty totals and the facet counts. At 100,000 cases each of these is an aggregate over
tens of thousands of rows (about 70 ms each on PostgreSQL), while the rows themselves cost a few
milliseconds. The aggregates change only when enforcement data is written, so they are cached:

- The key is the aggregate's name, the SQL and parameters of the query it aggregates (which
  already carry the filters, the visibility of the user and the ordering-free form of the
  queryset) and the current **data version**.
- The data version is a random token in the one row of `enforcement_dataversion`, replaced by
  database triggers (installed by `install_triggers`, migration 0013) on every INSERT, UPDATE,
  DELETE or TRUNCATE of every enforcement table: also writes that bypass the ORM (`update()`,
  `bulk_create`, the importer, raw SQL, psql). A cached value is therefore never served after
  the data it was computed from has changed, in any process, and nothing has to remember to
  invalidate anything.
- A token, not a counter: a rolled-back write restores the old token together with the old
  data (so the old entries are right again), and a new token is never reused, where a counter
  would be (rolled back to 7, written again to 8) and would then serve the aggregates of data
  that no longer exist.
- Read committed: a page reads the token, then the aggregate. A write committed in between
  makes the page store newer figures under the older token, which is then never read again.
- The first page of every new filter pays the full price (benchmarks.enforcement_list prints
  that cold latency too). When the cache cannot be reached, the figures are computed directly:
  slower, never wrong.

    data_version() -> str | None            None when the version row is missing (then: no cache)
    one_version(), read_only_view           read the version once per read-only request
    cached(*, name, queryset, compute, version=...) -> value
    CachedCountPaginator                    Django's Paginator: count and page ids through cached()
    install_triggers(schema_editor, tables) for migrations that add enforcement tables
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.utils.functional import cached_property

from core.queue import service_unavailable_cause

logger = logging.getLogger(__name__)

T = TypeVar("T")
VERSION_TABLE = "enforcement_dataversion"
KEY_PREFIX = "enforcement:list:"
# Entries of older versions are never read again; they expire after this long (or are evicted).
TIMEOUT_SECONDS = 6 * 3600
_UNSET = object()


_LAZY = object()
_pinned: ContextVar[object] = ContextVar("enforcement_list_version", default=_UNSET)


@contextmanager
def one_version() -> Iterator[None]:
    """Within a read-only request: the data version is read once, at first use, and shared by
    every cached aggregate of the request (one query instead of one per aggregate). Never around
    writes: an aggregate computed after a write must not be stored under the version read
    before it (on rollback that version would come back with other data)."""
    token = _pinned.set(_LAZY)
    try:
        yield
    finally:
        _pinned.reset(token)


def read_only_view(view):
    """Decorator for GET views: one_version() around the view."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with one_version():
            return view(request, *args, **kwargs)

    return wrapped


def current_version() -> str | None:
    pinned = _pinned.get()
    if pinned is _UNSET:
        return data_version()
    if pinned is _LAZY:
        version = data_version()
        _pinned.set(version)
        return version
    return pinned  # type: ignore[return-value]


def data_version() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {VERSION_TABLE} WHERE id = 1")  # noqa: S608 (a constant)
        row = cursor.fetchone()
    return row[0] if row else None


def _key(name: str, queryset: QuerySet, version: str) -> str | None:
    """None for a query that selects nothing by construction (.none(), an empty page)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    digest = hashlib.sha256(repr((name, connection.vendor, sql, params)).encode()).hexdigest()
    return f"{KEY_PREFIX}{version}:{digest}"


def _cache_get(key: str):
    """The cached value, or _UNSET when missing or when the cache cannot be reached."""
    try:
        return cache.get(key, _UNSET)
    except Exception as error:
        if service_unavailable_cause(error) is None:
            raise
        logger.warning("list cache unavailable (%s): computing directly", type(error).__name__)
        return _UNSET


def _cache_set(key: str, value) -> None:
    try:
        cache.set(key, value, timeout=TIMEOUT_SECONDS)
    except Exception as error:
        if service_unavailable_cause(error) is None:
            raise


def cached(*, name: str, queryset: QuerySet, compute: Callable[[], T], version: object = _UNSET) -> T:
    """compute(), or its value for the same `name` and `queryset` at the current data version.
    `version` may be passed when the caller has read it already (one query less)."""
    current = current_version() if version is _UNSET else version
    key = _key(name, queryset, str(current)) if current else None
    if key is None:
        return compute()
    hit = _cache_get(key)
    if hit is not _UNSET:
        return hit
    value = compute()
    _cache_set(key, value)
    return value


def cached_count(queryset: QuerySet, *, version: object = _UNSET) -> int:
    """COUNT of the queryset, cached like every aggregate (ordering and prefetches play no part)."""
    counted = queryset.order_by().prefetch_related(None)
    return cached(name="count", queryset=counted, compute=counted.count, version=version)


class CachedCountPaginator(Paginator):
    """Django's Paginator with the expensive parts of a filtered list cached per query:

    - `count` (a COUNT over the whole filtered set);
    - with `rows_from` (the visible, list-ready queryset *without* the user's filters), the ids
      of each page: a filter such as free text over 100,000 cases costs hundreds of milliseconds
      to evaluate, while fetching 50 known ids is one index lookup. A page is evaluated the
      ordinary way the first time (and its ids kept); afterwards its rows are fetched from
      `rows_from` by id, with its select_related, prefetches and visibility filter, so a row
      that became invisible is never shown. As with any page read in several statements, a
      write committed between reading the version and fetching the rows shows the new values
      of the rows in the old order, once.
    Only enforcement querysets are cached (only their tables have the triggers). The data
    version is read once per paginator."""

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, rows_from=None):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.rows_from = rows_from

    @cached_property
    def version(self) -> str | None:
        objects = self.object_list
        if not isinstance(objects, QuerySet) or objects.model._meta.app_label != "enforcement":
            return None
        return current_version()

    @cached_property
    def count(self) -> int:
        if not self.version:
            return super().count
        return cached_count(self.object_list, version=self.version)

    def page(self, number):
        if self.rows_from is None or not self.version:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        window = self.object_list[bottom:top]
        key = _key("page_ids", window.prefetch_related(None), self.version)
        if key is None:
            return self._get_page(window, number, self)
        ids = _cache_get(key)
        if ids is _UNSET:
            rows = list(window)
            _cache_set(key, [row.pk for row in rows])
            return self._get_page(rows, number, self)
        by_id = {row.pk: row for row in self.rows_from.filter(pk__in=ids)}
        return self._get_page([by_id[pk] for pk in ids if pk in by_id], number, self)


# --- the triggers -----------------------------------------------------------------------------

# The table and trigger names in these statements are this module's constants, never user input.
_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION enforcement_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO enforcement_dataversion (id, token) VALUES (1, replace(gen_random_uuid()::text, '-', ''))
    ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
    RETURN NULL;
END
$$;
"""
TRIGGER_NAME = "enforcement_data_changed"
SQLITE_TRIGGERS = "SELECT {column} FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s"


def install_triggers(schema_editor, tables: list[str]) -> None:
    """Make every write to `tables` replace the data version (idempotent). PostgreSQL: one
    statement-level trigger per table (a bulk insert of 5,000 rows replaces it once); SQLite has
    row-level triggers only: one per table and operation."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_POSTGRES_FUNCTION)
        for table in tables:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS {TRIGGER_NAME} ON "{table}"')
            schema_editor.execute(
                f'CREATE TRIGGER {TRIGGER_NAME} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
                f"FOR EACH STATEMENT EXECUTE FUNCTION enforcement_data_changed()"
            )
    elif vendor == "sqlite":
        for table in tables:
            for operation in ("insert", "update", "delete"):
                name = f"{TRIGGER_NAME}_{table}_{operation}"
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
                schema_editor.execute(
                    f'CREATE TRIGGER "{name}" AFTER {operation.upper()} ON "{table}" BEGIN '  # noqa: S608
                    f"INSERT OR REPLACE INTO {VERSION_TABLE} (id, token) VALUES (1, lower(hex(randomblob(16)))); END"
                )
    else:  # another database: no triggers, so no version row either, and nothing is cached
        schema_editor.execute(f"DELETE FROM {VERSION_TABLE}")  # noqa: S608


def uninstall_triggers(schema_editor) -> None:
    """Remove every trigger install_triggers made (the reverse of migration 0013)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS enforcement_data_changed() CASCADE")
    elif schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(SQLITE_TRIGGERS.format(column="name"), [f"{TRIGGER_NAME}_%"])
            names = [row[0] for row in cursor.fetchall()]
        for name in names:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def tables_without_trigger() -> list[str]:
    """The enforcement tables whose writes would not replace the data version (for the test that
    keeps every new table covered)."""
    tables = {
        model._meta.db_table
        for model in apps.get_app_config("enforcement").get_models(include_auto_created=True)
        if model._meta.db_table != VERSION_TABLE
    }
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = %s",
                [TRIGGER_NAME],
            )
            covered = {row[0] for row in cursor.fetchall()}
        else:
            cursor.execute(SQLITE_TRIGGERS.format(column="tbl_name"), [f"{TRIGGER_NAME}_%"])
            covered = {row[0] for row in cursor.fetchall()}
    return sorted(tables - covered)
