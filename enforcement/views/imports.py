"""Staff upload another tracker's export (CSV, TSV, XLSX or JSON) through a column mapping
(issue 15, "bring your own data"): the same service as `manage.py import_enforcement`
(enforcement/services/tabular_import.py), all-or-nothing unless staff choose to import the valid
rows and get every rejected row back with its reason. Files above UPLOAD_MAX_BYTES are refused
before they are read (core.uploads); a web import stops at MAX_WEB_ROWS rows (larger files go
through the command, which shows a progress bar).
"""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.roles import Perm
from core.uploads import upload_form
from enforcement.services.import_parse import ImportValidationError
from enforcement.services.tabular_import import TabularFileError, tabular_dataset_load, tabular_import
from enforcement.services.tabular_parse import MAPPINGS, mapping_load

MAX_WEB_ROWS = 5_000
SHOWN_ERRORS = 200


class ImportForm(forms.Form):
    file = forms.FileField(label="File (.csv, .tsv, .xlsx or .json)")
    mapping = forms.ChoiceField(label="Column mapping", choices=[(name, name) for name in MAPPINGS], initial="standard")
    keep_valid = forms.BooleanField(
        label="Import the valid rows and list every rejected row with its reason (otherwise nothing is imported "
        "when one row is wrong)",
        required=False,
    )


def _page(request, form, *, status=200, **context):
    return render(
        request, "enforcement/import.html", {"form": form, "max_rows": MAX_WEB_ROWS, **context}, status=status
    )


def _refused(request, message: str, status: int):
    form = ImportForm()
    form.add_error(None, message)
    return _page(request, form, status=status)


@require_http_methods(["GET", "POST"])
@upload_form(fields=("file",), refused=_refused, permission=Perm.EDIT)
def import_upload(request):
    if request.method != "POST":
        return _page(request, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        dataset = tabular_dataset_load(content=upload.read(), file_name=upload.name)
    except TabularFileError as error:
        form.add_error("file", str(error))
        return _page(request, form, status=400)
    if len(dataset) > MAX_WEB_ROWS:
        form.add_error(
            "file",
            f"{len(dataset)} rows: the upload page takes at most {MAX_WEB_ROWS}; use "
            "`python manage.py import_enforcement FILE --mapping NAME` for larger files.",
        )
        return _page(request, form, status=400)
    try:
        with transaction.atomic():
            report = tabular_import(
                dataset=dataset,
                mapping=mapping_load(form.cleaned_data["mapping"]),
                user=request.user,
                source_name=upload.name,
                keep_valid=form.cleaned_data["keep_valid"],
            )
    except ImportValidationError as error:
        errors = [str(item) for item in error.errors]
        return _page(request, form, status=400, errors=errors[:SHOWN_ERRORS], error_count=len(errors))
    return _page(request, ImportForm(), report=report, rejected=report.rejected[:SHOWN_ERRORS])
