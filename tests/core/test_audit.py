"""The audit trail is append-only and tamper-evident: editing or deleting any record (even with
raw SQL that bypasses the model guards) is found by `manage.py verify_audit`."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from core.audit import AuditDetailsRejected, audit_record, audit_verify
from core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


def _chain(n=5, **kwargs):
    return [audit_record(action=f"test.action_{i}", details={"i": i}, **kwargs) for i in range(n)]


def _run_raw(sql, params=()):
    """Tamper like a database administrator would: around the model guard and, on PostgreSQL,
    with the append-only trigger switched off for this transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As a superuser would: replica mode skips ordinary triggers for this transaction.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def test_records_link_into_a_chain(staff_user):
    events = _chain(3, actor=staff_user)
    assert events[1].seq == events[0].seq + 1 and events[2].seq == events[1].seq + 1
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert events[0].actor == staff_user and events[0].actor_label == staff_user.username
    result = audit_verify()
    assert result.ok and result.checked == AuditEvent.objects.count()
    call_command("verify_audit")


def test_model_guards_refuse_update_and_delete():
    event = _chain(1)[0]
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(action="edited")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        event.delete()
    event.action = "edited"
    with pytest.raises(TypeError):
        event.save()


def test_database_trigger_refuses_raw_update_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    event = _chain(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE compliance_auditevent SET action = 'x' WHERE id = %s", [event.pk])


def test_editing_one_row_with_raw_sql_is_detected(capsys):
    events = _chain(5)
    target = events[2]
    _run_raw("UPDATE compliance_auditevent SET details = %s WHERE id = %s", ['{"i": 99}', target.pk])
    result = audit_verify()
    assert not result.ok
    assert result.broken_at_id == target.pk
    assert "edited" in result.reason
    with pytest.raises(CommandError, match=f"id={target.pk}") as caught:
        call_command("verify_audit")
    assert "hash does not match" in str(caught.value)


def test_editing_a_row_and_recomputing_its_hash_breaks_the_next_link():
    from core.audit import event_hash

    events = _chain(4)
    target = AuditEvent.objects.get(pk=events[1].pk)
    target.action = "test.forged"
    forged_hash = event_hash(target)
    _run_raw(
        "UPDATE compliance_auditevent SET action = %s, hash = %s WHERE id = %s", ["test.forged", forged_hash, target.pk]
    )
    result = audit_verify()
    assert not result.ok and result.broken_at_id == events[2].pk
    assert "prev_hash" in result.reason


def test_deleting_a_row_is_detected():
    events = _chain(5)
    _run_raw("DELETE FROM compliance_auditevent WHERE id = %s", [events[2].pk])
    result = audit_verify()
    assert not result.ok and result.broken_at_id == events[3].pk
    assert "seq gap" in result.reason
    with pytest.raises(CommandError, match=f"id={events[3].pk}"):
        call_command("verify_audit")


def test_deleting_the_newest_row_is_detected_through_the_head():
    events = _chain(3)
    _run_raw("DELETE FROM compliance_auditevent WHERE id = %s", [events[-1].pk])
    result = audit_verify()
    assert not result.ok and "head" in result.reason


def test_details_refuse_biometric_data_and_secrets():
    for details in (
        {"selfie": "x"},
        {"encoding": [0.1] * 128},
        {"values": list(range(128))},
        {"photo_bytes": b"x"},
        {"token": "abc"},
        {"ip": "1.2.3.4"},
        {"original_name": "me.jpg"},
    ):
        with pytest.raises(AuditDetailsRejected):
            audit_record(action="test.bad", details=details)
    assert not AuditEvent.objects.filter(action="test.bad").exists()


def test_details_survive_the_json_column_round_trip():
    from datetime import date
    from decimal import Decimal

    audit_record(
        action="test.types",
        details={
            "d": date(2025, 1, 2),
            "n": 1.5,
            "m": Decimal("2.50"),
            "b": True,
            "nested": {"list": [1, "a", None]},
            "big": 10**20,
        },
    )
    assert audit_verify().ok


def test_chain_head_is_recreated_from_the_last_record_when_missing():
    _chain(2)
    AuditChainHead.objects.all().delete()
    event = audit_record(action="test.after_flush")
    assert event.seq == 3
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers itself; the race needs a server database")
    errors = []

    def writer(n):
        from django.db import connection as thread_connection

        try:
            for i in range(10):
                audit_record(action=f"test.thread_{n}_{i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert AuditEvent.objects.count() == 40
    result = audit_verify()
    assert result.ok, result
