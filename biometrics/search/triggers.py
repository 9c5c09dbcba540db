"""Database triggers that feed IndexGeneration / IndexChange from the face table.

PostgreSQL: one statement-level trigger per event with transition tables, so a bulk insert of
thousands of faces is one generation. SQLite (development, tests): row-level triggers.
Both are installed by this app's migration and again after every `migrate` (idempotent).
"""

from django.apps import apps as global_apps
from django.db import connections

GENERATION = "biometrics_search_generation"
CHANGE = "biometrics_search_change"
FUNCTION = "biometrics_search_face_changed"
TRUNCATE_FUNCTION = "biometrics_search_face_truncated"
TRIGGERS = ("biometrics_search_face_insert", "biometrics_search_face_update", "biometrics_search_face_delete")
TRUNCATE_TRIGGER = "biometrics_search_face_truncate"  # PostgreSQL only (SQLite has no TRUNCATE)

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    new_generation bigint;
    new_token varchar(32);
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT 1 FROM changed_new) THEN RETURN NULL; END IF;
    ELSE
        IF NOT EXISTS (SELECT 1 FROM changed_old) THEN RETURN NULL; END IF;
    END IF;
    INSERT INTO {GENERATION} (id, epoch, value, token)
        VALUES (1, md5(random()::text || clock_timestamp()::text), 0, '')
        ON CONFLICT (id) DO NOTHING;
    -- The row lock taken here is held until commit: generations commit in order.
    UPDATE {GENERATION}
        SET value = value + 1, token = substr(md5(random()::text || clock_timestamp()::text), 1, 16)
        WHERE id = 1
        RETURNING value, token INTO new_generation, new_token;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO {CHANGE} (generation, token, face_id, changed_at)
            SELECT new_generation, new_token, id, now() FROM changed_new;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO {CHANGE} (generation, token, face_id, changed_at)
            SELECT new_generation, new_token, id, now() FROM changed_old;
    ELSE
        INSERT INTO {CHANGE} (generation, token, face_id, changed_at)
            SELECT new_generation, new_token, id, now() FROM changed_old
            UNION SELECT new_generation, new_token, id, now() FROM changed_new;
    END IF;
    RETURN NULL;
END
$$;
"""  # noqa: S608 - constant names only


# TRUNCATE fires no row or statement DELETE triggers and has no transition table: a new epoch
# makes every reader reload in full.
POSTGRES_TRUNCATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TRUNCATE_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {GENERATION} AS g (id, epoch, value, token)
        VALUES (1, md5(random()::text || clock_timestamp()::text), 1,
                substr(md5(random()::text || clock_timestamp()::text), 1, 16))
        ON CONFLICT (id) DO UPDATE SET epoch = EXCLUDED.epoch, value = g.value + 1, token = EXCLUDED.token;
    RETURN NULL;
END
$$;
"""  # noqa: S608 - constant names only


def trigger_names(vendor: str) -> tuple[str, ...]:
    return (*TRIGGERS, TRUNCATE_TRIGGER) if vendor == "postgresql" else TRIGGERS


def _postgres_statements(face_table: str) -> list[str]:
    insert, update, delete = TRIGGERS
    return [
        POSTGRES_FUNCTION,
        POSTGRES_TRUNCATE_FUNCTION,
        f'DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON "{face_table}"',
        f'CREATE TRIGGER {TRUNCATE_TRIGGER} AFTER TRUNCATE ON "{face_table}" '
        f"FOR EACH STATEMENT EXECUTE FUNCTION {TRUNCATE_FUNCTION}()",
        f'DROP TRIGGER IF EXISTS {insert} ON "{face_table}"',
        f'DROP TRIGGER IF EXISTS {update} ON "{face_table}"',
        f'DROP TRIGGER IF EXISTS {delete} ON "{face_table}"',
        f'CREATE TRIGGER {insert} AFTER INSERT ON "{face_table}" REFERENCING NEW TABLE AS changed_new '
        f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()",
        f'CREATE TRIGGER {update} AFTER UPDATE ON "{face_table}" REFERENCING OLD TABLE AS changed_old '
        f"NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()",
        f'CREATE TRIGGER {delete} AFTER DELETE ON "{face_table}" REFERENCING OLD TABLE AS changed_old '
        f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()",
    ]


def _sqlite_body(ids: list[str]) -> str:
    logged = "\n".join(
        f"    INSERT INTO {CHANGE} (generation, token, face_id, changed_at) "  # noqa: S608
        f"SELECT value, token, {face_id}, strftime('%Y-%m-%d %H:%M:%f', 'now') FROM {GENERATION} WHERE id = 1;"
        for face_id in ids
    )
    return (
        f"    INSERT OR IGNORE INTO {GENERATION} (id, epoch, value, token) "  # noqa: S608
        f"VALUES (1, lower(hex(randomblob(16))), 0, '');\n"
        f"    UPDATE {GENERATION} SET value = value + 1, token = lower(hex(randomblob(8))) WHERE id = 1;\n"
        f"{logged}\n"
    )


def _sqlite_statements(face_table: str) -> list[str]:
    insert, update, delete = TRIGGERS
    return [
        f'CREATE TRIGGER IF NOT EXISTS {insert} AFTER INSERT ON "{face_table}" BEGIN\n{_sqlite_body(["NEW.id"])}END',
        f'CREATE TRIGGER IF NOT EXISTS {update} AFTER UPDATE ON "{face_table}" BEGIN\n'
        f"{_sqlite_body(['OLD.id', 'NEW.id'])}END",
        f'CREATE TRIGGER IF NOT EXISTS {delete} AFTER DELETE ON "{face_table}" BEGIN\n{_sqlite_body(["OLD.id"])}END',
    ]


def statements_for(vendor: str, face_table: str) -> list[str]:
    if vendor == "postgresql":
        return _postgres_statements(face_table)
    if vendor == "sqlite":
        return _sqlite_statements(face_table)
    raise NotImplementedError(f"face search triggers are written for PostgreSQL and SQLite, not {vendor}")


def triggers_install(connection, face_table: str) -> None:
    with connection.cursor() as cursor:
        for statement in statements_for(connection.vendor, face_table):
            cursor.execute(statement)


def triggers_drop(connection, face_table: str) -> None:
    with connection.cursor() as cursor:
        for name in trigger_names(connection.vendor):
            if connection.vendor == "postgresql":
                cursor.execute(f'DROP TRIGGER IF EXISTS {name} ON "{face_table}"')
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
            cursor.execute(f"DROP FUNCTION IF EXISTS {TRUNCATE_FUNCTION}()")


def triggers_present(connection, face_table: str) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND tgname = ANY(%s)",
                [f'"{face_table}"', list(trigger_names("postgresql"))],
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s AND name IN (%s, %s, %s)",
                [face_table, *TRIGGERS],
            )
        else:
            return False
        return cursor.fetchone()[0] == len(trigger_names(connection.vendor))


def face_table() -> str:
    return global_apps.get_model("biometrics", "Face")._meta.db_table


def triggers_install_after_migrate(sender, using: str = "default", apps=global_apps, **kwargs) -> None:
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    table = apps.get_model("biometrics", "Face")._meta.db_table
    if {table, GENERATION, CHANGE} <= tables:
        triggers_install(connection, table)
