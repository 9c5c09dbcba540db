"""`manage.py verify_report FILE`: the produced file verifies; a tampered copy, a foreign file and
a file whose audit record was edited do not."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.models import AuditEvent
from reports.models import ReportKind, ReportStatus
from reports.services import AUDIT_ACTION_GENERATED, report_request
from tests.reports.factories import RequestFactory

pytestmark = pytest.mark.django_db


def verify(path) -> tuple[bool, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_report", str(path), stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue() + str(error)
    return True, out.getvalue()


@pytest.fixture
def letter(staff_user, clearview):
    """A stored report (a case file; requesters' letters are request documents, issued by the
    workflow with their hash kept, not reports)."""
    case = clearview["nl-ap-2024"]
    report = report_request(kind=ReportKind.CASE_FILE, parameters={"case": str(case.public_id)}, user=staff_user)
    assert report.status == ReportStatus.DONE, report.last_error
    return report


def test_the_produced_file_verifies_with_who_when_and_parameters(letter, tmp_path):
    copy = tmp_path / "received-by-email.pdf"
    shutil.copy(letter.file.path, copy)  # a copy elsewhere, byte for byte
    ok, output = verify(copy)
    assert ok, output
    assert "VERIFIED" in output
    assert str(letter.public_id) in output
    assert "stella_staff" in output
    assert f"case={letter.parameters['case']}" in output
    assert letter.sha256 in output
    event = AuditEvent.objects.get(action=AUDIT_ACTION_GENERATED, object_id=str(letter.public_id))
    assert event.details["sha256"] == letter.sha256
    assert f"record #{event.seq}" in output


def test_a_tampered_copy_is_not_verified_and_names_the_report_it_claims_to_be(letter, tmp_path):
    data = bytearray(Path(letter.file.path).read_bytes())
    # Change the text of the content, keep the file readable as a PDF: flip one byte inside the
    # first content stream's data.
    position = data.index(b"stream") + 20
    data[position] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    ok, output = verify(tampered)
    assert not ok
    assert "NOT VERIFIED" in output
    assert f"names report {letter.public_id}" in output
    assert "altered" in output


def test_a_file_this_system_did_not_produce(tmp_path, db):
    other = tmp_path / "other.pdf"
    other.write_bytes(b"%PDF-1.7\n%not ours\n")
    ok, output = verify(other)
    assert not ok
    assert "not a report this system produced" in output


def test_a_missing_file_is_a_clear_error(tmp_path, db):
    ok, output = verify(tmp_path / "nope.pdf")
    assert not ok
    assert "cannot read" in output


def test_an_edited_audit_record_fails_verification(letter):
    event = AuditEvent.objects.get(action=AUDIT_ACTION_GENERATED, object_id=str(letter.public_id))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE compliance_auditevent SET actor_label = %s WHERE id = %s", ["someone else", event.pk])
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")
    ok, output = verify(letter.file.path)
    assert not ok
    assert "edited" in output
    assert "BROKEN" in output


def test_a_document_assembled_elsewhere_is_recorded_and_verifies(tmp_path, clearview, staff_user):
    """report_generate_from_content: a document whose content another service assembled (here the
    case file's builder), linked to a data-subject request in its audit record."""
    import dataclasses

    from enforcement.reports import case_file_build
    from reports.services import report_generate_from_content

    dsr = RequestFactory()
    parameters = {"case": str(clearview["nl-ap-2024"].public_id)}
    content = case_file_build(report=None, parameters=parameters, user=staff_user)
    report = report_generate_from_content(
        kind=ReportKind.CASE_FILE,
        parameters=parameters,
        content=dataclasses.replace(content, request=dsr),
        requested_by_label="worker",
    )
    assert report.status == ReportStatus.DONE and report.requested_by_label == "worker"
    ok, output = verify(report.file.path)
    assert ok, output
    assert AuditEvent.objects.get(object_id=str(report.public_id)).request_public_id == dsr.public_id
