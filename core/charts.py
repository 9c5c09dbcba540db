"""Server-rendered SVG charts: bar, column and line charts and a progress-against-cap bar.

Pure functions: they take lists of ``(label, value)`` pairs and keyword options and return an
SVG document as a string. They know nothing about requests, templates or HTML pages, so the
same call renders a chart on the dashboard and in a weasyprint PDF report.

Design choices, for readers and for the people who have to read the charts:
- Every chart is ``role="img"`` with a ``<title>`` and a ``<desc>`` that lists every value in
  words, referenced by ``aria-labelledby``: a screen reader gets the data, not "image".
- Colours come from the Okabe-Ito palette, which stays distinguishable for the common forms
  of colour blindness; no information is carried by colour alone (every bar and point has its
  value written next to it).
- Sizes are fixed in a ``viewBox`` (scalable with CSS) and text is set in system fonts with
  DejaVu Sans as fallback, which weasyprint has.
- Values are Decimal, int or float; money stays Decimal until the moment it is drawn.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from html import escape

Number = Decimal | int | float
Datum = tuple[str, Number]

# Okabe & Ito (2008), "Color Universal Design". Blue first: 5.0:1 contrast on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
INK = "#1b1f24"
MUTED = "#4a5560"
GRID = "#d5dbe1"
TRACK = "#e7ebef"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif"
FONT_SIZE = 14
CHAR_WIDTH = 0.6  # average glyph width as a share of the font size, generous for DejaVu Sans

__all__ = [
    "PALETTE",
    "bar_chart",
    "cap_bar",
    "column_chart",
    "format_compact",
    "format_full",
    "line_chart",
    "nice_ticks",
]


# --- numbers -------------------------------------------------------------------------------


def _to_decimal(value: Number) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"chart values must be finite numbers, got {value!r}")
        return Decimal(repr(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise TypeError(f"chart values must be Decimal, int or float, got {type(value).__name__}")


def format_full(value: Number, unit: str = "") -> str:
    """30500000 -> "EUR 30,500,000"; cents are kept only when there are any."""
    number = _to_decimal(value)
    text = f"{number:,.2f}" if number != number.to_integral_value() else f"{number:,.0f}"
    return f"{unit} {text}".strip()


def format_compact(value: Number, unit: str = "") -> str:
    """Three significant digits with k/M/B suffixes: 30500000 -> "EUR 30.5M", 170000 -> "170k"."""
    # Round to three significant digits first, so 999,950 becomes "1M" rather than "1,000k".
    number = Decimal(format(_to_decimal(value), ".3g"))
    magnitude = abs(number)
    scaled, suffix = number, ""
    for threshold, name in ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 3, "k")):
        if magnitude >= threshold:
            scaled, suffix = number / threshold, name
            break
    if scaled == 0:
        text = "0"
    else:
        digits_before_point = int(math.floor(math.log10(abs(float(scaled))))) + 1
        places = max(0, 3 - digits_before_point)
        text = f"{scaled:,.{places}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return f"{unit} {text}{suffix}".strip()


def nice_ticks(maximum: Number, minimum: Number = 0, count: int = 5) -> list[Decimal]:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten) covering [minimum, maximum]."""
    high, low = _to_decimal(maximum), _to_decimal(minimum)
    if high < low:
        high, low = low, high
    if high == low:
        high = low + (abs(low) if low else Decimal(1))
    raw_step = (high - low) / max(count, 1)
    exponent = Decimal(10) ** int(math.floor(math.log10(float(raw_step))))
    for factor in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        step = factor * exponent
        if step >= raw_step:
            break
    start = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
    ticks = [start]
    while ticks[-1] < high:
        ticks.append(ticks[-1] + step)
    return [Decimal(int(tick)) if tick == tick.to_integral_value() else tick.normalize() for tick in ticks]


# --- SVG helpers ---------------------------------------------------------------------------


def _chart_id(kind: str, title: str, data: Sequence) -> str:
    digest = hashlib.sha1(f"{kind}|{title}|{data!r}".encode(), usedforsecurity=False).hexdigest()[:10]
    return f"chart-{digest}"


def _fmt(number: float) -> str:
    """Coordinates with at most one decimal, so the SVG stays small and deterministic."""
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    return len(text) * size * CHAR_WIDTH


def _truncate(text: str, width: float, size: float = FONT_SIZE) -> str:
    max_chars = max(4, int(width / (size * CHAR_WIDTH)))
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: float = FONT_SIZE,
    anchor: str = "start",
    fill: str = INK,
    weight: str | None = None,
    full: str | None = None,
    extra: str = "",
) -> str:
    """A <text> element; when the visible text is shortened, the full text is its tooltip."""
    attrs = f'x="{_fmt(x)}" y="{_fmt(y)}" font-size="{_fmt(size)}" fill="{fill}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    if extra:
        attrs += f" {extra}"
    tooltip = f"<title>{escape(full)}</title>" if full and full != content else ""
    return f"<text {attrs}>{tooltip}{escape(content)}</text>"


def _tooltip(label: str, value: Decimal, unit: str) -> str:
    """The exact value of a mark, shown on hover and read by screen readers."""
    return f"<title>{escape(label)}: {escape(format_full(value, unit))}</title>"


def _document(
    *, chart_id: str, width: float, height: float, title: str, description: str, body: list[str], css_class: str
) -> str:
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{escape(css_class)}" id="{chart_id}" role="img" '
        f'width="{_fmt(width)}" height="{_fmt(height)}" viewBox="0 0 {_fmt(width)} {_fmt(height)}" '
        f'aria-labelledby="{title_id} {desc_id}" font-family="{escape(FONT)}">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def _describe(data: Sequence[Datum], formatter: Callable[[Number], str], description: str) -> str:
    listing = "; ".join(f"{label}: {formatter(value)}" for label, value in data)
    parts = [part for part in (description.strip(), listing + "." if listing else "No data.") if part]
    return " ".join(parts)


def _check(data: Iterable[Datum], *, allow_negative: bool) -> list[tuple[str, Decimal]]:
    rows = []
    for row in data:
        label, value = row
        number = _to_decimal(value)
        if number < 0 and not allow_negative:
            raise ValueError(f"bar lengths cannot be negative: {label!r} = {value}")
        rows.append((str(label), number))
    return rows


def _empty(*, chart_id: str, width: float, title: str, description: str, css_class: str, message: str) -> str:
    height = 90
    body = [
        _text(0, 20, title, size=FONT_SIZE + 2, weight="600"),
        f'<rect x="0.5" y="34.5" width="{_fmt(width - 1)}" height="44" fill="none" stroke="{GRID}" rx="4"/>',
        _text(width / 2, 62, message, anchor="middle", fill=MUTED),
    ]
    return _document(
        chart_id=chart_id,
        width=width,
        height=height,
        title=title,
        description=f"{description} {message}".strip(),
        body=body,
        css_class=css_class,
    )


# --- charts --------------------------------------------------------------------------------


def bar_chart(
    data: Sequence[Datum],
    *,
    title: str,
    description: str = "",
    unit: str = "",
    axis_label: str = "",
    width: int = 480,
    color: str = PALETTE[0],
    value_format: Callable[[Number], str] | None = None,
    empty_message: str = "No data",
    chart_id: str | None = None,
    css_class: str = "chart chart-bar",
) -> str:
    """Horizontal bars, the label written above each bar so long names (authorities) stay whole
    even on a phone, the value at the end of the bar, a value axis with round ticks below."""
    rows = _check(data, allow_negative=False)
    chart_id = chart_id or _chart_id("bar", title, rows)
    short = value_format or (lambda value: format_compact(value, unit))
    desc = _describe(rows, lambda value: format_full(value, unit), description)
    if not rows:
        return _empty(
            chart_id=chart_id,
            width=width,
            title=title,
            description=description,
            css_class=css_class,
            message=empty_message,
        )

    pad = 8
    title_height = 30
    row_height = 46  # label line + bar
    bar_height = 18
    value_labels = [short(value) for _, value in rows]
    value_room = max(_text_width(label, FONT_SIZE - 1) for label in value_labels) + 8
    plot_left, plot_right = pad, width - pad - value_room
    plot_width = plot_right - plot_left
    ticks = nice_ticks(max(value for _, value in rows) or Decimal(1), 0, count=4)
    top_value = ticks[-1]
    scale = plot_width / float(top_value)

    body = [_text(pad, 20, title, size=FONT_SIZE + 2, weight="600")]
    plot_top = title_height + 6
    plot_bottom = plot_top + row_height * len(rows)
    for tick in ticks:
        x = plot_left + float(tick) * scale
        body.append(
            f'<line x1="{_fmt(x)}" y1="{_fmt(plot_top)}" x2="{_fmt(x)}" y2="{_fmt(plot_bottom)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(
            _text(
                x,
                plot_bottom + 16,
                format_compact(tick),
                size=FONT_SIZE - 2,
                anchor="middle" if tick else "start",
                fill=MUTED,
            )
        )
    for index, ((label, value), value_label) in enumerate(zip(rows, value_labels, strict=True)):
        y = plot_top + index * row_height
        shown = _truncate(label, width - 2 * pad - 6)
        # A white band behind the label keeps it legible where gridlines cross it.
        body.append(
            f'<rect x="{_fmt(plot_left + 1)}" y="{_fmt(y + 2)}" '
            f'width="{_fmt(min(_text_width(shown) + 6, width - pad))}" height="17" fill="#fff"/>'
        )
        body.append(_text(plot_left + 4, y + 15, shown, full=label))
        bar_width = max(float(value) * scale, 2 if value > 0 else 0)
        bar_y = y + 21
        body.append(
            f'<rect class="bar" x="{_fmt(plot_left)}" y="{_fmt(bar_y)}" width="{_fmt(bar_width)}" '
            f'height="{bar_height}" fill="{color}" rx="2">{_tooltip(label, value, unit)}</rect>'
        )
        body.append(
            _text(plot_left + bar_width + 6, bar_y + bar_height - 4, value_label, size=FONT_SIZE - 1, weight="600")
        )
    body.append(
        f'<line x1="{_fmt(plot_left)}" y1="{_fmt(plot_top)}" x2="{_fmt(plot_left)}" '
        f'y2="{_fmt(plot_bottom)}" stroke="{MUTED}" stroke-width="1"/>'
    )
    height = plot_bottom + 24
    if axis_label:
        body.append(
            _text(plot_left + plot_width / 2, height + 8, axis_label, size=FONT_SIZE - 1, anchor="middle", fill=MUTED)
        )
        height += 18
    return _document(
        chart_id=chart_id, width=width, height=height, title=title, description=desc, body=body, css_class=css_class
    )


def _value_axis(
    ticks: list[Decimal], *, left: float, right: float, top: float, bottom: float, unit_label: str
) -> tuple[list[str], Callable[[Decimal], float]]:
    low, high = float(ticks[0]), float(ticks[-1])

    def y_of(value: Decimal) -> float:
        return bottom - (float(value) - low) / (high - low) * (bottom - top)

    body = []
    for tick in ticks:
        y = y_of(tick)
        body.append(
            f'<line x1="{_fmt(left)}" y1="{_fmt(y)}" x2="{_fmt(right)}" y2="{_fmt(y)}" stroke="{GRID}" '
            f'stroke-width="1"/>'
        )
        body.append(_text(left - 6, y + 4, format_compact(tick), size=FONT_SIZE - 2, anchor="end", fill=MUTED))
    body.append(f'<line x1="{_fmt(left)}" y1="{_fmt(top)}" x2="{_fmt(left)}" y2="{_fmt(bottom)}" stroke="{MUTED}"/>')
    body.append(
        f'<line x1="{_fmt(left)}" y1="{_fmt(bottom)}" x2="{_fmt(right)}" y2="{_fmt(bottom)}" stroke="{MUTED}"/>'
    )
    if unit_label:
        body.append(_text(left - 6, top - 10, unit_label, size=FONT_SIZE - 2, anchor="end", fill=MUTED))
    return body, y_of


@dataclass(frozen=True)
class _CategoryPlot:
    """Where a column or line chart may draw its marks: one slot per category, left to right."""

    rows: list[tuple[str, Decimal]]
    points: list[tuple[float, float]]  # the centre of each slot and the height of its value
    slot: float
    bottom: float
    unit: str
    short: Callable[[Number], str]

    def category_label(self, index: int) -> str:
        """The category name under its slot, shortened to fit (the full name as tooltip)."""
        label = self.rows[index][0]
        return _text(
            self.points[index][0],
            self.bottom + 18,
            _truncate(label, self.slot - 4, FONT_SIZE - 1),
            size=FONT_SIZE - 1,
            anchor="middle",
            full=label,
        )


def _category_chart(
    kind: str,
    data: Sequence[Datum],
    *,
    allow_negative: bool,
    draw: Callable[[_CategoryPlot], Iterable[str]],
    title: str,
    description: str,
    unit: str,
    x_label: str,
    y_label: str,
    width: int,
    height: int,
    value_format: Callable[[Number], str] | None,
    empty_message: str,
    chart_id: str | None,
    css_class: str,
) -> str:
    """What column and line charts share: the title, a value axis with round ticks on the left,
    one slot per category along the bottom and the axis label under it. ``draw`` adds the
    marks (bars, a line) and calls ``category_label`` for each slot."""
    rows = _check(data, allow_negative=allow_negative)
    chart_id = chart_id or _chart_id(kind, title, rows)
    short = value_format or format_compact  # the unit is written on the value axis
    desc = _describe(rows, lambda value: format_full(value, unit), description)
    if not rows:
        return _empty(
            chart_id=chart_id,
            width=width,
            title=title,
            description=description,
            css_class=css_class,
            message=empty_message,
        )

    values = [value for _, value in rows]
    low = min([Decimal(0), *values]) if allow_negative else Decimal(0)
    ticks = nice_ticks(max([*values, Decimal(0)]) or Decimal(1), low, count=4)
    tick_room = max(_text_width(format_compact(tick), FONT_SIZE - 2) for tick in ticks)
    left = max(44.0, tick_room + 12)
    top = 30 + 28
    bottom = height - 34 - (18 if x_label else 0)
    right = width - 12
    body = [_text(8, 20, title, size=FONT_SIZE + 2, weight="600")]
    axis, y_of = _value_axis(ticks, left=left, right=right, top=top, bottom=bottom, unit_label=y_label or unit)
    body += axis
    slot = (right - left) / len(rows)
    points = [(left + slot * (index + 0.5), y_of(value)) for index, value in enumerate(values)]
    body += draw(_CategoryPlot(rows=rows, points=points, slot=slot, bottom=bottom, unit=unit, short=short))
    if x_label:
        body.append(
            _text(left + (right - left) / 2, height - 8, x_label, size=FONT_SIZE - 1, anchor="middle", fill=MUTED)
        )
    return _document(
        chart_id=chart_id, width=width, height=height, title=title, description=desc, body=body, css_class=css_class
    )


def column_chart(
    data: Sequence[Datum],
    *,
    title: str,
    description: str = "",
    unit: str = "",
    x_label: str = "",
    y_label: str = "",
    width: int = 480,
    height: int = 300,
    color: str = PALETTE[0],
    value_format: Callable[[Number], str] | None = None,
    empty_message: str = "No data",
    chart_id: str | None = None,
    css_class: str = "chart chart-column",
) -> str:
    """Vertical bars for a handful of ordered categories (years), value written above each bar."""

    def draw(plot: _CategoryPlot) -> Iterator[str]:
        bar_width = min(plot.slot * 0.6, 64)
        for index, ((label, value), (center, y)) in enumerate(zip(plot.rows, plot.points, strict=True)):
            bar_height = max(plot.bottom - y, 2 if value > 0 else 0)
            yield (
                f'<rect class="bar" x="{_fmt(center - bar_width / 2)}" y="{_fmt(plot.bottom - bar_height)}" '
                f'width="{_fmt(bar_width)}" height="{_fmt(bar_height)}" fill="{color}" rx="2">'
                f"{_tooltip(label, value, plot.unit)}</rect>"
            )
            yield _text(
                center,
                plot.bottom - bar_height - 6,
                plot.short(value),
                size=FONT_SIZE - 1,
                anchor="middle",
                weight="600",
            )
            yield plot.category_label(index)

    return _category_chart(
        "column",
        data,
        allow_negative=False,
        draw=draw,
        title=title,
        description=description,
        unit=unit,
        x_label=x_label,
        y_label=y_label,
        width=width,
        height=height,
        value_format=value_format,
        empty_message=empty_message,
        chart_id=chart_id,
        css_class=css_class,
    )


def line_chart(
    data: Sequence[Datum],
    *,
    title: str,
    description: str = "",
    unit: str = "",
    x_label: str = "",
    y_label: str = "",
    width: int = 480,
    height: int = 300,
    color: str = PALETTE[1],
    value_format: Callable[[Number], str] | None = None,
    empty_message: str = "No data",
    chart_id: str | None = None,
    css_class: str = "chart chart-line",
) -> str:
    """A line through ordered categories (years, months), a marker and a value at every point."""

    def draw(plot: _CategoryPlot) -> Iterator[str]:
        if len(plot.points) > 1:
            path = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in plot.points)
            yield f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2.5" stroke-linejoin="round"/>'
        for index, ((label, value), (x, y)) in enumerate(zip(plot.rows, plot.points, strict=True)):
            yield (
                f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="4.5" fill="#fff" stroke="{color}" stroke-width="2.5">'
                f"{_tooltip(label, value, plot.unit)}</circle>"
            )
            yield _text(x, y - 10, plot.short(value), size=FONT_SIZE - 1, anchor="middle", weight="600")
            yield plot.category_label(index)

    return _category_chart(
        "line",
        data,
        allow_negative=True,
        draw=draw,
        title=title,
        description=description,
        unit=unit,
        x_label=x_label,
        y_label=y_label,
        width=width,
        height=height,
        value_format=value_format,
        empty_message=empty_message,
        chart_id=chart_id,
        css_class=css_class,
    )


def cap_bar(
    *,
    value: Number,
    cap: Number | None,
    title: str,
    unit: str = "",
    value_label: str = "accrued",
    cap_label: str = "cap",
    no_cap_text: str = "no cap stated",
    width: int = 480,
    color: str = PALETTE[1],
    chart_id: str | None = None,
    css_class: str = "chart chart-cap",
) -> str:
    """One bar: how much of a cap is used up (penalty accrued against its maximum).

    With no cap the bar is drawn as an open-ended track and the text says so, rather than
    pretending the accrued amount is 100 % of something.
    """
    amount = _to_decimal(value)
    if amount < 0:
        raise ValueError("the accrued value cannot be negative")
    limit = _to_decimal(cap) if cap is not None else None
    if limit is not None and limit <= 0:
        raise ValueError("a cap must be positive")
    chart_id = chart_id or _chart_id("cap", title, [(value_label, amount), (cap_label, limit)])
    pad, bar_y, bar_height = 8, 30, 22
    track_width = width - 2 * pad
    body = [_text(pad, 18, title, size=FONT_SIZE + 1, weight="600")]
    body.append(
        f'<rect x="{pad}" y="{bar_y}" width="{_fmt(track_width)}" height="{bar_height}" fill="{TRACK}" '
        f'stroke="{MUTED}" stroke-width="1" rx="3"/>'
    )
    if limit is None:
        share = None
        fill_width = track_width * 0.5 if amount > 0 else 0
        summary = f"{format_full(amount, unit)} {value_label}; {no_cap_text}"
        body.append(
            f'<rect x="{pad}" y="{bar_y}" width="{_fmt(fill_width)}" height="{bar_height}" fill="{color}" rx="3"/>'
        )
        body.append(
            _text(
                pad + track_width - 6, bar_y + bar_height - 6, no_cap_text, size=FONT_SIZE - 1, anchor="end", fill=MUTED
            )
        )
    else:
        share = min(amount / limit, Decimal(1))
        fill_width = float(share) * track_width
        if amount > 0:
            fill_width = max(fill_width, 2)
        percent = (amount / limit * 100).quantize(Decimal("1"))
        summary = f"{format_full(amount, unit)} {value_label} of {format_full(limit, unit)} {cap_label} ({percent}%)"
        body.append(
            f'<rect x="{pad}" y="{bar_y}" width="{_fmt(fill_width)}" height="{bar_height}" fill="{color}" rx="3"/>'
        )
        body.append(
            f'<line x1="{_fmt(pad + track_width)}" y1="{bar_y - 4}" x2="{_fmt(pad + track_width)}" '
            f'y2="{bar_y + bar_height + 4}" stroke="{INK}" stroke-width="2"/>'
        )
    # The summary goes on two lines when one would not fit (narrow charts on phones).
    summary_lines = [summary]
    if _text_width(summary, FONT_SIZE - 1) > track_width and " of " in summary:
        head, tail = summary.split(" of ", 1)
        summary_lines = [head, f"of {tail}"]
    elif _text_width(summary, FONT_SIZE - 1) > track_width and "; " in summary:
        summary_lines = summary.split("; ", 1)
    for index, line in enumerate(summary_lines):
        body.append(_text(pad, bar_y + bar_height + 20 + index * 18, line, size=FONT_SIZE - 1))
    height = bar_y + bar_height + 30 + (len(summary_lines) - 1) * 18
    return _document(
        chart_id=chart_id,
        width=width,
        height=height,
        title=title,
        description=summary + ".",
        body=body,
        css_class=css_class,
    )
