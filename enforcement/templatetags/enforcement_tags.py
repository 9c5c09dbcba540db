"""Template helpers for enforcement pages (and the PDF reports that reuse them).

- ``{% unverified obj "field" %}``: the visible UNVERIFIED mark with the note from the data.
- ``{{ amount|money:currency }}``, ``{{ amount|money_compact:currency }}``.
- ``{% partial_date obj.decision_date obj.decision_date_precision %}``: "2023", "May 2023", "unknown".
- ``{{ url|safe_href }}``: only http(s) links leave the page.
- ``{% bar_chart data title=... %}`` and friends: the SVG charts from core.charts.
- ``{% list_query page=2 ordering=None %}``: the current list's query string with changes.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode, urlsplit

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core import charts

register = template.Library()


@register.simple_tag(takes_context=True)
def list_query(context, **changes) -> str:
    """Django's ``{% querystring %}`` for list pages, which link to themselves dozens of times
    (pagination, sort headers, an authority and a respondent per row): the request's parameters
    are read once per request instead of copying ``request.GET`` for every link. The same result:
    existing keys keep their place, a changed key takes its new value, None removes it."""
    request = context["request"]
    lists = getattr(request, "_list_query_lists", None)
    if lists is None:
        lists = dict(request.GET.lists())
        request._list_query_lists = lists
    params = dict(lists)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = [str(value)]
    return "?" + urlencode([(key, value) for key, values in params.items() for value in values])


# --- verification state --------------------------------------------------------------------


def unverified_note(obj, field: str) -> str | None:
    """The note for an unverified field, "" if unverified without a note, None if verified."""
    if obj is None:
        return None
    checker = getattr(obj, "is_unverified", None)
    flagged = checker(field) if callable(checker) else field in (getattr(obj, "unverified_fields", None) or [])
    if not flagged:
        return None
    notes = getattr(obj, "verification_notes", None) or {}
    return str(notes.get(field, "") or "")


@register.simple_tag
def unverified(obj, field: str):
    """The UNVERIFIED mark for one field: the note from the data is its tooltip and is also
    written out next to it (phones have no hover; screen readers read it in place)."""
    note = unverified_note(obj, field)
    if note is None:
        return ""
    value = getattr(obj, field, None)
    if isinstance(value, str) and note.strip() and note.strip() == value.strip():
        # The value itself is the note (e.g. a reported fact ending in "outcome UNVERIFIED"): the
        # text is already on the page, the mark carries it as its tooltip.
        return format_html('<span class="unverified" title="{}">{}</span>', note, _("UNVERIFIED"))
    return unverified_mark(note)


@register.simple_tag(name="unverified_text")
def unverified_mark(note: str):
    label = _("UNVERIFIED")
    note = (note or "").strip()
    rest = note
    if note.upper().startswith("UNVERIFIED"):
        rest = note[len("UNVERIFIED") :].strip(" :;,-")
    if not rest:
        return format_html('<span class="unverified" title="{}">{}</span>', _("No source confirms this value"), label)
    return format_html(
        '<span class="unverified" title="{}">{}</span> <span class="unverified-note">{}</span>', note, label, rest
    )


@register.simple_tag
def unverified_rest(obj, shown: str = ""):
    """UNVERIFIED marks for the fields of `obj` that the page does not show next to a value
    (`shown`: space-separated names already marked), so that no unverified fact goes unmarked."""
    if obj is None:
        return ""
    skip = set(shown.split())
    marks = []
    for field in getattr(obj, "unverified_fields", None) or []:
        if field in skip:
            continue
        try:
            label = str(obj._meta.get_field(field).verbose_name)
        except FieldDoesNotExist:  # a name the data uses for a group of records, e.g. "orders"
            label = field.replace("_", " ")
        note = unverified_note(obj, field) or ""
        mark = unverified_mark(note)
        marks.append(format_html('<span class="unverified-field">{}: {}</span>', label.capitalize(), mark))
    if not marks:
        return ""
    return format_html('<span class="unverified-rest">{}</span>', mark_safe(" ".join(str(m) for m in marks)))  # noqa: S308


@register.simple_tag
def caveat(obj, field: str):
    """A note on a value that is not marked unverified (e.g. "per efdpo.eu only"), in small print."""
    if obj is None or unverified_note(obj, field) is not None:
        return ""
    note = ((getattr(obj, "verification_notes", None) or {}).get(field) or "").strip()
    if not note:
        return ""
    return format_html('<span class="caveat">({})</span>', note)


@register.filter
def is_unverified(obj, field: str) -> bool:
    return unverified_note(obj, field) is not None


# --- money and dates -----------------------------------------------------------------------


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def money(value, currency: str = "") -> str:
    """Decimal + ISO 4217 code -> "EUR 30,500,000" (cents only when there are any)."""
    number = _decimal(value)
    if number is None:
        return "—"
    return charts.format_full(number, currency or "")


@register.filter
def money_compact(value, currency: str = "") -> str:
    number = _decimal(value)
    if number is None:
        return "—"
    return charts.format_compact(number, currency or "")


def partial_date_text(value: datetime.date | None, precision: str | None) -> str:
    """A date known only to the year or month is shown as such, never as a made-up day."""
    try:
        from enforcement.dates import partial_date_display
    except ImportError:  # the domain helper's module; keep pages rendering without it
        partial_date_display = None
    if partial_date_display is not None:
        return str(partial_date_display(value, precision))
    if value is None or precision in (None, "", "unknown"):
        return _("unknown")
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return date_format(value, "F Y")
    return date_format(value, "j M Y")


@register.simple_tag
def partial_date(value, precision=None) -> str:
    return partial_date_text(value, precision)


@register.filter
def safe_href(url) -> str:
    """Only http(s) URLs become links; anything else (javascript:, data:) is dropped."""
    text = str(url or "").strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return ""
    return text if scheme in ("http", "https") else ""


@register.filter
def hostname(url) -> str:
    try:
        return urlsplit(str(url or "")).hostname or ""
    except ValueError:
        return ""


# --- charts --------------------------------------------------------------------------------


@register.simple_tag
def bar_chart(data, **options):
    return mark_safe(charts.bar_chart(list(data or []), **options))  # noqa: S308 - charts escape all text


@register.simple_tag
def column_chart(data, **options):
    return mark_safe(charts.column_chart(list(data or []), **options))  # noqa: S308 - charts escape all text


@register.simple_tag
def line_chart(data, **options):
    return mark_safe(charts.line_chart(list(data or []), **options))  # noqa: S308 - charts escape all text


@register.simple_tag
def cap_bar(value, cap, **options):
    return mark_safe(charts.cap_bar(value=value, cap=cap, **options))  # noqa: S308 - charts escape all text


@register.filter
def elided_pages(page):
    """Page numbers to link to: the first and last two, and three either side of the current one
    (Django's Paginator.get_elided_page_range); gaps are Paginator.ELLIPSIS."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=3, on_ends=2)
