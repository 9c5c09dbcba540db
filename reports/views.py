"""The reports section: stored reports, their status pages, downloads and "Export PDF".

Staff and auditors (Perm.EXPORT) export and download; anonymous users go to the login page and
logged-in users without the permission get 403. Citizens never see these pages: they download
their letters through `letter_download`, reached from their status page with a signed link
that names one request and one letter and expires.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.roles import Perm, require
from reports.models import GeneratedReport, ReportKind, ReportStatus
from reports.services import (
    REPORT_KINDS,
    ReportError,
    report_parameters_text,
    report_request,
)

PAGE_SIZE = 25
# Form field -> parameter name. "dsr" because templates already use `request` for the HTTP request.
EXPORT_PARAMETER_FIELDS = {
    "query": "query",
    "case": "case",
    "dsr": "request",
    "period_start": "period_start",
    "period_end": "period_end",
}


class ExportForm(forms.Form):
    kind = forms.ChoiceField(choices=ReportKind.choices)
    query = forms.CharField(required=False, max_length=4000)
    case = forms.UUIDField(required=False)
    dsr = forms.UUIDField(required=False)
    period_start = forms.DateField(required=False)
    period_end = forms.DateField(required=False)
    next = forms.CharField(required=False, max_length=2000)

    def parameters(self) -> dict:
        result = {}
        for field_name, parameter in EXPORT_PARAMETER_FIELDS.items():
            value = self.cleaned_data.get(field_name)
            if value not in (None, ""):
                result[parameter] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return result


class AuditPeriodForm(forms.Form):
    period_start = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=gettext_lazy("To (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            raise forms.ValidationError(_("The end of the period is before its start."))
        return data


def _safe_next(request, candidate: str) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


@require(Perm.EXPORT)
@require_GET
def report_list(request):
    reports = GeneratedReport.objects.select_related("requested_by").order_by("-created_at", "-id")
    kind = request.GET.get("kind", "")
    if kind in ReportKind.values:
        reports = reports.filter(kind=kind)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    for report in page:
        report.parameters_text = report_parameters_text(report.parameters)
    return render(
        request,
        "reports/list.html",
        {
            "page": page,
            "kinds": ReportKind.choices,
            "kind": kind,
            "audit_form": AuditPeriodForm(prefix="audit"),
        },
    )


@require(Perm.EXPORT)
@require_GET
@never_cache
def report_detail(request, public_id):
    report = get_object_or_404(GeneratedReport.objects.select_related("requested_by"), public_id=public_id)
    spec = REPORT_KINDS.get(report.kind)
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "parameters_text": report_parameters_text(report.parameters),
            "background": bool(spec and spec.background),
            # Follow a queued or running report without JavaScript: the page reloads itself.
            "refresh_seconds": None if report.is_finished else 3,
        },
    )


def _pdf_response(report: GeneratedReport) -> FileResponse:
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file of this report is missing.") from None
    response = FileResponse(handle, as_attachment=True, filename=report.download_name, content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require(Perm.EXPORT)
@require_GET
def report_download(request, public_id):
    report = get_object_or_404(GeneratedReport, public_id=public_id)
    if report.status != ReportStatus.DONE:
        return redirect("reports:detail", public_id=report.public_id)
    return _pdf_response(report)


@require(Perm.EXPORT)
@require_POST
def report_export(request):
    """The target of every "Export PDF" button (templates/reports/export_button.html)."""
    form = ExportForm(request.POST)
    back = _safe_next(request, request.POST.get("next", "")) or reverse("reports:list")
    if not form.is_valid():
        messages.error(request, _("The export could not be started: %(errors)s") % {"errors": _form_errors(form)})
        return redirect(back)
    try:
        report = report_request(kind=form.cleaned_data["kind"], parameters=form.parameters(), user=request.user)
    except ReportError as error:
        messages.error(request, str(error))
        return redirect(back)
    if report.status == ReportStatus.DONE:
        return redirect("reports:download", public_id=report.public_id)
    if report.status == ReportStatus.FAILED:
        messages.error(request, _("The report could not be generated: %(error)s") % {"error": report.last_error})
    return redirect("reports:detail", public_id=report.public_id)


@require(Perm.EXPORT)
@require_POST
def report_audit_export(request):
    """The compliance audit form on the reports page (a period, then a queued report)."""
    form = AuditPeriodForm(request.POST, prefix="audit")
    if not form.is_valid():
        messages.error(request, _("The audit could not be started: %(errors)s") % {"errors": _form_errors(form)})
        return redirect("reports:list")
    parameters = {key: form.cleaned_data[key].isoformat() for key in ("period_start", "period_end")}
    try:
        report = report_request(kind=ReportKind.COMPLIANCE_AUDIT, parameters=parameters, user=request.user)
    except ReportError as error:
        messages.error(request, str(error))
        return redirect("reports:list")
    return redirect("reports:detail", public_id=report.public_id)


def _form_errors(form: forms.Form) -> str:
    parts = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        parts.append(f"{label or field}: {' '.join(errors)}" if field != "__all__" else " ".join(errors))
    return "; ".join(parts)
