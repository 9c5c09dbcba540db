"""The staff upload page for spreadsheets (issue 15, bring your own data): the same service as
the command; all-or-nothing by default with every problem listed, or the valid rows imported and
the rejected ones listed with their reasons; bad files get a clear message, never a 500."""

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enforcement.models import Decision
from tests.enforcement.test_import_tabular import HEADERS, ROWS

URL = reverse("enforcement:import_upload")


def upload(rows, fmt="xlsx", name=None):
    data = tablib.Dataset(*[tuple(row) for row in rows], headers=HEADERS).export(fmt)
    content = data if isinstance(data, bytes) else data.encode("utf-8")
    return SimpleUploadedFile(name or f"fines.{fmt}", content)


@pytest.mark.django_db
def test_staff_import_a_spreadsheet_and_see_what_was_done(staff_client):
    page = staff_client.get(URL)
    assert page.status_code == 200 and 'id="import-form"' in page.content.decode()
    response = staff_client.post(URL, {"file": upload(ROWS), "mapping": "standard"})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="import-report"' in html, html[:3000]
    assert "6 rows read: 5 imported as new decisions, 1 merged" in html
    assert Decision.objects.count() == 5


@pytest.mark.django_db
def test_one_bad_row_imports_nothing_unless_staff_keep_the_valid_ones(staff_client):
    bad = [*ROWS[:2], ["9", "Atlantis", "Nobody", "31.02.2019", "X", "abc", "EUR", "Art. 5 GDPR", "", ""]]
    refused = staff_client.post(URL, {"file": upload(bad, "csv"), "mapping": "standard"})
    html = refused.content.decode()
    assert refused.status_code == 400 and 'id="import-errors"' in html and "row 9" in html
    assert Decision.objects.count() == 0
    kept = staff_client.post(URL, {"file": upload(bad, "csv"), "mapping": "standard", "keep_valid": "on"})
    html = kept.content.decode()
    assert kept.status_code == 200 and 'id="rejected-rows"' in html and Decision.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("fines.xlsx", b"PK\x03\x04 not really a workbook", "cannot be read as XLSX"),
        ("fines.xlsx", b"just text", "not an XLSX workbook"),
        ("fines.pdf", b"%PDF-1.4", "use a .csv, .tsv, .xlsx or .json file"),
        ("fines.csv", b"\xff\xfe\x00bad", "not UTF-8 text"),
    ],
)
def test_bad_files_get_a_clear_message(staff_client, name, content, message):
    response = staff_client.post(URL, {"file": SimpleUploadedFile(name, content), "mapping": "standard"})
    assert response.status_code == 400 and message in response.content.decode()
    assert Decision.objects.count() == 0


@pytest.mark.django_db
def test_a_file_above_the_upload_limit_is_refused_before_it_is_read(staff_client, settings):
    settings.UPLOAD_MAX_BYTES = 1_000
    response = staff_client.post(URL, {"file": SimpleUploadedFile("big.csv", b"a," * 5_000), "mapping": "standard"})
    assert response.status_code in (400, 413) and Decision.objects.count() == 0


@pytest.mark.django_db
def test_auditors_may_not_import(auditor_client):
    assert auditor_client.get(URL).status_code == 403
    assert auditor_client.post(URL, {"file": upload(ROWS), "mapping": "standard"}).status_code == 403
    assert Decision.objects.count() == 0
