"""Case lists: the staff list with its CSV/JSON exports, and the public register.

All three read the same `CaseFilterSet` (enforcement.filters) through the selectors, so the URL
of a filtered list, its export and the API with the same parameters return the same cases.
A page costs a fixed number of queries whatever its size: the page of cases (authority and
respondent joined), one query per prefetched relation, the count and the EUR breakdown.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from functools import partial

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import F, Prefetch, QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.roles import Perm, require
from enforcement import selectors
from enforcement.dates import partial_date_iso
from enforcement.filters import DecisionFilterSet
from enforcement.listcache import CachedCountPaginator, cached, read_only_view
from enforcement.models import ArticleReference, Case, Decision, Fine, PenaltyPayment

PAGE_SIZES = (25, 50, 100)
EXPORT_CHUNK = 2000

# (ordering value, column heading) of the sortable columns; the values are CaseFilterSet's.
SORTABLE = {
    "reference": _("Case"),
    "authority": _("Authority"),
    "respondent": _("Respondent"),
    "date": _("Latest decision"),
    "amount": _("Fines (EUR)"),
    "status": _("Status"),
}


# --- shared --------------------------------------------------------------------------------


def with_penalties(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Add the penalty payments (for the cap column and the liquidated amounts) to the
    selector's list prefetches."""
    return cases.prefetch_related(
        Prefetch(
            "decisions__penalty_payments",
            queryset=PenaltyPayment.objects.order_by("id").prefetch_related("liquidations"),
        )
    )


SELECT_LIMIT = 150  # above this many respondents, a select box is too heavy to render and to use


def polish_filter_form(form) -> None:
    """Browser date pickers and number keyboards, "Any" instead of dashes in the selects, and a
    text box (the respondent's slug, which the list links to) instead of a select with thousands
    of respondents."""
    respondent = form.fields.get("respondent")
    if respondent is not None and respondent.queryset.count() > SELECT_LIMIT:
        respondent.widget = forms.TextInput(attrs={"placeholder": "clearview-ai-inc", "spellcheck": "false"})
        respondent.help_text = _("The respondent's short name as in its link, e.g. clearview-ai-inc.")
    for name, field in form.fields.items():
        widget = field.widget
        if name in ("date_from", "date_to"):
            widget.input_type = "date"
        if name in ("amount_min", "amount_max"):
            widget.attrs.update({"min": "0", "step": "any", "inputmode": "decimal"})
        if name == "article":
            widget.attrs.update({"placeholder": "5(1)(a)"})
        if getattr(field, "empty_label", None) is not None:
            # The field's choice iterator adds this one empty choice itself: writing the
            # choices back as well gave every menu a second "Any".
            field.empty_label = _("Any")
            continue
        choices = getattr(field, "choices", None)
        if choices is not None and not hasattr(field, "queryset"):
            field.choices = [("", _("Any")) if value == "" else (value, label) for value, label in choices]


def filtered_cases(request, *, public: bool):
    """(filterset, cases): cases is empty when a filter is invalid (the form shows why)."""
    user = AnonymousUser() if public else request.user
    filterset = selectors.case_filterset(user=user, data=request.GET)
    cases = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    polish_filter_form(filterset.form)
    return filterset, with_penalties(cases)


def show_facet_counts(filterset) -> None:
    """Put the number of cases next to each value of the sector and violation-type filters
    ("Health (12)"): the cases that match the other filters and have that value."""
    if not filterset.is_valid():
        return
    for facet, counts in selectors.case_facet_counts(filterset).items():
        field = filterset.form.fields[facet]
        # The field adds its one "Any" choice itself (polish_filter_form).
        field.choices = [(c.value, f"{c.label} ({c.count})") for c in counts]


def page_size(request) -> int:
    try:
        size = int(request.GET.get("per_page", PAGE_SIZES[0]))
    except ValueError:
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


def rendered_page(request, cases: QuerySet[Case], *, rows_from: QuerySet[Case], rows_template: str) -> tuple[Page, str]:
    """The requested page (for the pagination links) and the HTML of its rows.

    The rows are rendered once per list URL, language and data version and then served from the
    cache (enforcement.listcache): rendering 25-100 rows with their decisions, fines and marks
    costs more than every query of the page together. A row shows no user-specific content (the
    staff list is the same for every user who may see it; the register is public), and the URL
    and the cases' SQL carry the filters, the sort and the page."""
    paginator = CachedCountPaginator(cases, page_size(request), rows_from=rows_from)
    try:
        number = paginator.validate_number(request.GET.get("page") or 1)
    except PageNotAnInteger:
        number = 1
    except EmptyPage:
        number = paginator.num_pages

    def render_rows() -> str:
        rows = [(case, row_facts(case)) for case in paginator.page(number).object_list]
        return render_to_string(rows_template, {"rows": rows, "request": request})

    html = cached(
        name=f"rows:{rows_template}:{get_language()}:{request.get_full_path()}",
        queryset=cases.prefetch_related(None),
        compute=render_rows,
        version=paginator.version,
    )
    return Page([], number, paginator), mark_safe(html)  # noqa: S308 (rendered by our template)


def sort_columns(request) -> dict[str, dict]:
    """For each sortable column: the ordering to link to and the aria-sort state."""
    current = (request.GET.get("ordering") or "").split(",")[0].strip()
    columns = {}
    for key, label in SORTABLE.items():
        if current == key:
            state, next_value = "ascending", f"-{key}"
        elif current == f"-{key}":
            state, next_value = "descending", key
        else:
            state = None
            next_value = f"-{key}" if key in ("date", "amount") else key  # big and recent first
        columns[key] = {"label": label, "ordering": next_value, "aria_sort": state}
    return columns


def row_facts(case: Case) -> dict:
    """What a list row and an export line show, from the prefetched relations only."""
    decisions = list(case.decisions.all())
    fines = [fine for decision in decisions for fine in decision.fines.all()]
    penalties = [penalty for decision in decisions for penalty in decision.penalty_payments.all()]
    caps = [penalty for penalty in penalties if penalty.cap is not None]
    return {"decisions": decisions, "fines": fines, "penalties": penalties, "caps": caps}


# --- staff list ------------------------------------------------------------------------------


@require_GET
@require(Perm.VIEW_INTERNAL)
@read_only_view
def case_list(request):
    filterset, cases = filtered_cases(request, public=False)
    show_facet_counts(filterset)
    page, rows_html = rendered_page(
        request,
        cases,
        rows_from=with_penalties(filterset.queryset),
        rows_template="enforcement/includes/case_list_rows.html",
    )
    breakdown = selectors.case_eur_breakdown(cases)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "enforcement/case_list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "page": page,
            "rows_html": rows_html,
            "breakdown": breakdown,
            "columns": sort_columns(request),
            "page_sizes": PAGE_SIZES,
            "per_page": page_size(request),
            "export_query": query.urlencode(),
        },
        status=200 if filterset.is_valid() else 400,
    )


# --- exports ---------------------------------------------------------------------------------

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """Neutralise spreadsheet formula injection: a cell that starts like a formula is made text
    with a leading apostrophe (OWASP "CSV injection")."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _money(amount, currency) -> str:
    return "" if amount is None else f"{currency} {amount:.2f}"


def _marked(text: str, obj, field: str) -> str:
    return f"{text} [UNVERIFIED]" if text and obj.is_unverified(field) else text


def _unverified_lines(case: Case, facts: dict) -> list[str]:
    """Every unverified value of a case as 'record field: note'."""
    lines = []
    records = [("case", case), ("respondent", case.respondent)]
    records += [(f"decision {d.reference or d.get_kind_display()}", d) for d in facts["decisions"]]
    records += [(f"fine {f.currency} {f.amount:.2f}", f) for f in facts["fines"]]
    records += [(f"penalty {p}", p) for p in facts["penalties"]]
    for label, obj in records:
        for field in obj.unverified_fields or []:
            note = obj.verification_note(field)
            lines.append(f"{label} {field}: {note}" if note else f"{label} {field}")
    return lines


def export_record(case: Case, request) -> dict:
    facts = row_facts(case)
    return {
        "reference": case.reference,
        "title": _marked(case.title, case, "title"),
        "url": request.build_absolute_uri(reverse("enforcement:case_detail", args=[case.public_id])),
        "authority": case.authority.name,
        "authority_short_name": case.authority.short_name,
        "country": case.authority.country_code,
        "respondent": case.respondent.name,
        "legal_framework": _marked(case.get_legal_framework_display(), case, "legal_framework"),
        "legal_framework_detail": case.legal_framework_detail,
        "status": _marked(case.get_status_display(), case, "status"),
        "published": case.published,
        "latest_decision_date": case.latest_decision_date.isoformat() if case.latest_decision_date else None,
        "decisions": [
            {
                "kind": decision.get_kind_display(),
                "reference": _marked(decision.reference, decision, "reference"),
                "decision_date": partial_date_iso(decision.decision_date, decision.decision_date_precision),
                "decision_date_unverified": decision.is_unverified("decision_date"),
                "announced_date": partial_date_iso(decision.announced_date, decision.announced_date_precision),
                "short_summary": decision.short_summary,
            }
            for decision in facts["decisions"]
        ],
        "fines": [
            {
                "amount": f"{fine.amount:.2f}",
                "currency": fine.currency,
                "amount_eur": None if fine.amount_eur is None else f"{fine.amount_eur:.2f}",
                "eur_rate": None if fine.eur_rate is None else str(fine.eur_rate.rate_to_eur),
                "eur_rate_valid_from": None if fine.eur_rate is None else fine.eur_rate.valid_from.isoformat(),
                "payment_status": fine.payment_status,
                "unverified_fields": list(fine.unverified_fields or []),
            }
            for fine in facts["fines"]
        ],
        "fines_eur_total": None if case.fines_eur_total is None else f"{case.fines_eur_total:.2f}",
        # Liquidated penalty payments and caps are kept apart from the fines and from each other.
        "penalties_liquidated": [
            {
                "amount": f"{liquidation.amount:.2f}",
                "currency": p.currency,
                "period_start": liquidation.period_start.isoformat(),
                "period_end": liquidation.period_end.isoformat(),
                "units": liquidation.units,
                "payment_status": liquidation.payment_status,
            }
            for p in facts["penalties"]
            for liquidation in p.liquidations.all()
        ],
        "penalty_caps": [
            {"cap": f"{p.cap:.2f}", "currency": p.currency, "unverified": p.is_unverified("cap")} for p in facts["caps"]
        ],
        "articles": [str(a) for a in case.articles.all() if a.role == ArticleReference.Role.VIOLATED],
        "legal_basis": [str(a) for a in case.articles.all() if a.role == ArticleReference.Role.LEGAL_BASIS],
        "unverified": _unverified_lines(case, facts),
    }


CSV_COLUMNS = (
    "reference",
    "title",
    "authority",
    "country",
    "respondent",
    "legal_framework",
    "status",
    "published",
    "latest_decision_date",
    "decisions",
    "fines",
    "fines_eur_total",
    "payment_status",
    "penalties_liquidated",
    "penalty_caps",
    "articles",
    "legal_basis",
    "unverified",
    "url",
)


PUBLIC_CSV_COLUMNS = (
    "reference",
    "title",
    "authority",
    "country",
    "respondent",
    "sector",
    "violation_types",
    "facets_derived",
    "legal_framework",
    "status",
    "latest_decision_date",
    "decisions",
    "short_summaries",
    "fines",
    "fines_eur_total",
    "payment_status",
    "penalties_liquidated",
    "penalty_caps",
    "articles",
    "legal_basis",
    "complainant",
    "unverified",
    "url",
)


def public_export_record(case: Case, request) -> dict:
    """What the public register shows of a published case, for its CSV and JSON exports: the
    staff record without the publication flag, with the register's link, the facets (marked when
    derived by the classifier) and the complainant only where staff published it. Internal notes
    are in neither record."""
    record = export_record(case, request)
    del record["published"]
    record["url"] = request.build_absolute_uri(reverse("enforcement:register_case", args=[case.public_id]))
    record["sector"] = case.get_sector_display()
    record["violation_types"] = [str(violation) for violation in case.violation_types.all()]
    record["facets_derived"] = case.facets_derived
    record["complainant"] = case.complainant if case.complainant_public else ""
    return record


def csv_row(record: dict, columns: tuple[str, ...] = CSV_COLUMNS) -> list[str]:
    decisions = "; ".join(
        f"{d['kind']} {d['decision_date'] or 'date unknown'}{' [UNVERIFIED]' if d['decision_date_unverified'] else ''}"
        + (f" ({d['reference']})" if d["reference"] else "")
        for d in record["decisions"]
    )
    fines = "; ".join(
        f"{f['currency']} {f['amount']}" + (" [UNVERIFIED]" if "amount" in f["unverified_fields"] else "")
        for f in record["fines"]
    )
    statuses = "; ".join(
        f["payment_status"] + (" [UNVERIFIED]" if "payment_status" in f["unverified_fields"] else "")
        for f in record["fines"]
    )
    caps = "; ".join(
        f"{c['currency']} {c['cap']}" + (" [UNVERIFIED]" if c["unverified"] else "") for c in record["penalty_caps"]
    )
    liquidated = "; ".join(
        f"{item['currency']} {item['amount']} ({item['units']} units, {item['period_start']} to {item['period_end']}, "
        f"{item['payment_status']})"
        for item in record["penalties_liquidated"]
    )
    values = {
        **record,
        "penalties_liquidated": liquidated,
        "published": "yes" if record.get("published") else "no",
        "violation_types": "; ".join(record.get("violation_types", [])),
        "facets_derived": "derived" if record.get("facets_derived") else "",
        "short_summaries": " | ".join(d["short_summary"] for d in record["decisions"] if d["short_summary"]),
        "decisions": decisions,
        "fines": fines,
        "payment_status": statuses,
        "penalty_caps": caps,
        "articles": "; ".join(record["articles"]),
        "legal_basis": "; ".join(record["legal_basis"]),
        "unverified": " | ".join(record["unverified"]),
    }
    return [csv_safe(values[column]) for column in columns]


class _Echo:
    def write(self, value):
        return value


def _export_cases(cases: QuerySet[Case]) -> Iterable[Case]:
    return cases.iterator(chunk_size=EXPORT_CHUNK)


def _export_name(extension: str) -> str:
    return f"cases-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


def _csv_response(cases: QuerySet[Case], record, columns: tuple[str, ...], name: str) -> StreamingHttpResponse:
    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield "\ufeff"  # a BOM, so spreadsheet programs read UTF-8 (accents in authority names)
        yield writer.writerow(columns)
        for case in _export_cases(cases):
            yield writer.writerow(csv_row(record(case), columns))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@require(Perm.VIEW_INTERNAL)
@require(Perm.EXPORT)
@read_only_view
def case_list_csv(request):
    filterset, cases = filtered_cases(request, public=False)
    if not filterset.is_valid():
        return _invalid_filters(filterset)
    return _csv_response(cases, partial(export_record, request=request), CSV_COLUMNS, _export_name("csv"))


def _json_response(request, cases: QuerySet[Case], record, name: str) -> StreamingHttpResponse:
    breakdown = selectors.case_eur_breakdown(cases)
    header = {
        "generated_at": timezone.now().isoformat(),
        "filters": {key: request.GET.getlist(key) for key in request.GET if key not in ("page", "per_page")},
        "count": cases.count(),
        "total_eur": f"{breakdown.total_eur:.2f}",
        "rates_used": [
            {
                "currency": line.currency,
                "rate_to_eur": str(line.rate_to_eur),
                "valid_from": line.rate_valid_from.isoformat(),
                "source": line.rate_source,
            }
            for line in breakdown.rates_used
        ],
        "unconverted": [{"currency": line.currency, "amount": f"{line.amount:.2f}"} for line in breakdown.unconverted],
    }

    def chunks() -> Iterator[str]:
        head = json.dumps(header, ensure_ascii=False)
        yield head[:-1] + ', "cases": ['
        for index, case in enumerate(_export_cases(cases)):
            yield ("," if index else "") + json.dumps(record(case), ensure_ascii=False)
        yield "]}"

    response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@require(Perm.VIEW_INTERNAL)
@require(Perm.EXPORT)
@read_only_view
def case_list_json(request):
    filterset, cases = filtered_cases(request, public=False)
    if not filterset.is_valid():
        return _invalid_filters(filterset)
    return _json_response(request, cases, partial(export_record, request=request), _export_name("json"))


def _invalid_filters(filterset):
    from django.http import JsonResponse

    return JsonResponse({"errors": filterset.errors.get_json_data()}, status=400)


# --- public register -----------------------------------------------------------------------------


@require_GET
@require(Perm.VIEW_PUBLIC)
@read_only_view
def register(request):
    """Published cases and their decisions, for anyone (as the public trackers do). Staff see
    exactly what the public sees here: their own list is at /enforcement/cases/."""
    filterset, cases = filtered_cases(request, public=True)
    show_facet_counts(filterset)
    page, rows_html = rendered_page(
        request,
        cases,
        rows_from=with_penalties(filterset.queryset),
        rows_template="enforcement/includes/register_rows.html",
    )
    breakdown = selectors.case_eur_breakdown(cases)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "enforcement/register.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "page": page,
            "rows_html": rows_html,
            "breakdown": breakdown,
            "columns": sort_columns(request),
            "page_sizes": PAGE_SIZES,
            "per_page": page_size(request),
            "export_query": query.urlencode(),
        },
        status=200 if filterset.is_valid() else 400,
    )


def _public_export_cases(request):
    filterset, cases = filtered_cases(request, public=True)
    return filterset, cases.prefetch_related("violation_types")


@require_GET
@require(Perm.VIEW_PUBLIC)
def register_csv(request):
    """The public register as CSV, filtered like the register page: published cases only."""
    filterset, cases = _public_export_cases(request)
    if not filterset.is_valid():
        return _invalid_filters(filterset)
    return _csv_response(
        cases, partial(public_export_record, request=request), PUBLIC_CSV_COLUMNS, "register-" + _export_name("csv")
    )


@require_GET
@require(Perm.VIEW_PUBLIC)
@read_only_view
def register_json(request):
    """The public register as JSON, filtered like the register page: published cases only."""
    filterset, cases = _public_export_cases(request)
    if not filterset.is_valid():
        return _invalid_filters(filterset)
    return _json_response(
        request, cases, partial(public_export_record, request=request), "register-" + _export_name("json")
    )


@require_GET
@require(Perm.VIEW_PUBLIC)
def register_decisions(request):
    """Published decisions one per row, newest first, like the public trackers' fine lists."""
    decisions = (
        Decision.objects.filter(case__published=True)
        .select_related("case__authority", "case__respondent")
        .prefetch_related(Prefetch("fines", queryset=Fine.objects.order_by("id")))
        .order_by(F("decision_date").desc(nulls_last=True), "case__reference", "pk")
    )
    filterset = DecisionFilterSet(data=request.GET or None, queryset=decisions)
    valid = filterset.is_valid() if filterset.is_bound else True
    rows = filterset.qs if filterset.is_bound and valid else (decisions if valid else decisions.none())
    polish_filter_form(filterset.form)
    filterset.form.fields.pop("case", None)  # a case's own page lists its decisions; the API keeps it
    paginator = Paginator(rows, page_size(request))
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    return render(
        request,
        "enforcement/register_decisions.html",
        {"form": filterset.form, "page": page, "page_sizes": PAGE_SIZES, "per_page": page_size(request)},
        status=200 if valid else 400,
    )
