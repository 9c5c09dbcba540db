"""The SVG charts: well-formed, accessible, honest about their numbers."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from core import charts

SVG = "{http://www.w3.org/2000/svg}"
BY_AUTHORITY = [
    ("AP (Dutch DPA)", Decimal("30500000")),
    ("CNIL", Decimal("20000000")),  # the Art. 83 fine; the liquidated EUR 5.2M penalty is no fine
    ("Garante / GPDP", Decimal("20000000")),
    ("IMY", Decimal("230000.50")),
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


def bars(root: ET.Element) -> list[ET.Element]:
    return [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "bar"]


def _visible(node: ET.Element) -> str:
    """The text a sighted reader sees (the tooltip <title> child excluded)."""
    title = node.find(f"{SVG}title")
    return title.tail if title is not None else (node.text or "")


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (Decimal("30500000"), "EUR", "EUR 30.5M"),
        (Decimal("5100000"), "EUR", "EUR 5.1M"),
        (Decimal("7552800"), "GBP", "GBP 7.55M"),
        (170000, "", "170k"),
        (Decimal("2500000000"), "", "2.5B"),
        (0, "EUR", "EUR 0"),
        (Decimal("999"), "", "999"),
        (Decimal("0.5"), "", "0.5"),
        (-1500, "", "-1.5k"),
        (999_950, "", "1M"),
        (Decimal("1234.5"), "", "1.23k"),
    ],
)
def test_format_compact(value, unit, expected):
    assert charts.format_compact(value, unit) == expected


def test_format_full_keeps_cents_only_when_present():
    assert charts.format_full(Decimal("30500000"), "EUR") == "EUR 30,500,000"
    assert charts.format_full(Decimal("230000.50"), "SEK") == "SEK 230,000.50"
    assert charts.format_full(5) == "5"


@pytest.mark.parametrize(
    ("maximum", "expected_top", "expected_step"),
    [
        (30500000, 40000000, 10000000),
        (7, 8, 2),
        (100, 100, 20),
        (110, 125, 25),
        (Decimal("0.9"), Decimal("1"), Decimal("0.2")),
    ],
)
def test_nice_ticks_cover_the_data_with_round_steps(maximum, expected_top, expected_step):
    ticks = charts.nice_ticks(maximum)
    assert ticks[0] == 0
    assert ticks[-1] == expected_top
    assert ticks[1] - ticks[0] == expected_step
    assert ticks[-1] >= maximum


def test_bar_chart_is_accessible_and_labels_every_bar():
    svg = charts.bar_chart(BY_AUTHORITY, title="Fines by authority", unit="EUR", axis_label="EUR")
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title.get("id") == title_id and title.text == "Fines by authority"
    assert desc.get("id") == desc_id
    # The description carries every value in full, for screen readers.
    assert "AP (Dutch DPA): EUR 30,500,000" in desc.text
    assert "IMY: EUR 230,000.50" in desc.text
    visible = [_visible(node) for node in root.iter(f"{SVG}text")]
    for label in ("AP (Dutch DPA)", "CNIL", "Garante / GPDP", "IMY", "EUR 30.5M", "EUR 20M", "EUR 230k"):
        assert label in visible
    assert "Fines by authority" in visible  # a visible title, also in PDFs
    assert "0" in visible and "40M" in visible  # axis tick labels


def test_bar_lengths_are_proportional_to_values():
    root = parse(charts.bar_chart(BY_AUTHORITY, title="t"))
    widths = [float(rect.get("width")) for rect in bars(root)]
    assert len(widths) == 4
    assert widths[0] / widths[1] == pytest.approx(30.5 / 20, rel=0.01)
    assert widths[0] / widths[2] == pytest.approx(30.5 / 20, rel=0.01)
    assert widths == sorted(widths, reverse=True)


def test_tiny_values_stay_visible_and_zero_stays_empty():
    root = parse(charts.bar_chart([("big", 1_000_000), ("tiny", 1), ("none", 0)], title="t"))
    widths = [float(rect.get("width")) for rect in bars(root)]
    assert widths[1] >= 2
    assert widths[2] == 0


def test_text_is_escaped():
    svg = charts.bar_chart([("<script>alert(1)</script> & Co", 5)], title='A "quoted" <title>')
    assert "<script>" not in svg
    root = parse(svg)  # still well-formed
    assert root.find(f"{SVG}title").text == 'A "quoted" <title>'
    assert "&lt;script&gt;" in svg


def test_long_labels_are_shortened_with_the_full_text_as_tooltip():
    name = "Commission nationale de l'informatique et des libertés (formation restreinte)"
    root = parse(charts.bar_chart([(name, 20_000_000)], title="t", width=320))
    label = next(node for node in root.iter(f"{SVG}text") if node.find(f"{SVG}title") is not None)
    assert label.find(f"{SVG}title").text == name
    assert _visible(label).endswith("…")
    assert len(_visible(label)) < len(name)


def test_empty_data_renders_a_message_not_an_error():
    root = parse(charts.bar_chart([], title="Fines by authority", empty_message="No fines yet"))
    assert "No fines yet" in [_visible(node) for node in root.iter(f"{SVG}text")]
    assert "No fines yet" in root.find(f"{SVG}desc").text
    for function in (charts.column_chart, charts.line_chart):
        assert "No data" in function([], title="x")


def test_negative_bars_and_bad_values_are_refused():
    with pytest.raises(ValueError, match="negative"):
        charts.bar_chart([("a", -1)], title="t")
    with pytest.raises(ValueError, match="finite"):
        charts.column_chart([("a", float("nan"))], title="t")
    with pytest.raises(TypeError):
        charts.line_chart([("a", "12")], title="t")


def test_column_chart_heights_axis_and_labels():
    data = [("2021", Decimal("230000")), ("2022", Decimal("68800000")), ("2024", Decimal("30500000"))]
    root = parse(charts.column_chart(data, title="Fines by year", unit="EUR", x_label="Year of decision"))
    rects = bars(root)
    heights = [float(rect.get("height")) for rect in rects]
    assert heights[1] / heights[2] == pytest.approx(68.8 / 30.5, rel=0.01)
    # every bar sits on the same baseline
    bottoms = {round(float(rect.get("y")) + float(rect.get("height")), 1) for rect in rects}
    assert len(bottoms) == 1
    visible = [_visible(node) for node in root.iter(f"{SVG}text")]
    # value labels without the unit: the value axis says EUR once
    assert {"2021", "2022", "2024", "68.8M", "Year of decision", "EUR", "80M"} <= set(visible)


def test_line_chart_points_follow_the_values():
    data = [("2021", 10), ("2022", 30), ("2023", -10)]
    root = parse(charts.line_chart(data, title="Balance"))
    points = [(float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{SVG}circle")]
    assert [x for x, _ in points] == sorted(x for x, _ in points)
    # higher value, smaller y (SVG y grows downwards); negative values allowed for lines
    assert points[1][1] < points[0][1] < points[2][1]
    polyline = root.find(f"{SVG}polyline")
    assert len(polyline.get("points").split()) == 3


def test_cap_bar_shows_accrued_against_cap():
    svg = charts.cap_bar(value=Decimal("2550000"), cap=Decimal("5100000"), title="Dutch penalty", unit="EUR")
    root = parse(svg)
    track, fill = list(root.iter(f"{SVG}rect"))
    assert float(fill.get("width")) / float(track.get("width")) == pytest.approx(0.5, rel=0.01)
    text = " ".join(_visible(node) for node in root.iter(f"{SVG}text"))
    assert "EUR 2,550,000 accrued of EUR 5,100,000 cap (50%)" in text
    assert "EUR 5,100,000 cap" in root.find(f"{SVG}desc").text


def test_cap_bar_summary_wraps_on_narrow_charts():
    root = parse(
        charts.cap_bar(
            value=Decimal("0"), cap=Decimal("5100000"), title="t", unit="EUR", width=300, value_label="liquidated"
        )
    )
    lines = [_visible(node) for node in root.iter(f"{SVG}text")][1:]
    assert lines == ["EUR 0 liquidated", "of EUR 5,100,000 cap (0%)"]
    assert float(root.get("height")) > float(parse(charts.cap_bar(value=0, cap=1, title="t")).get("height"))


def test_cap_bar_never_overflows_and_handles_missing_cap():
    root = parse(charts.cap_bar(value=Decimal("6000000"), cap=Decimal("5100000"), title="over"))
    track, fill = list(root.iter(f"{SVG}rect"))
    assert float(fill.get("width")) == float(track.get("width"))
    assert "(118%)" in "".join(root.itertext())
    root = parse(charts.cap_bar(value=Decimal("5200000"), cap=None, title="France", unit="EUR"))
    assert "no cap stated" in "".join(root.itertext())
    with pytest.raises(ValueError):
        charts.cap_bar(value=1, cap=0, title="bad")


def test_output_is_deterministic_and_ids_differ_between_charts():
    first = charts.bar_chart(BY_AUTHORITY, title="A")
    assert first == charts.bar_chart(BY_AUTHORITY, title="A")
    ids = {
        parse(svg).get("id")
        for svg in (first, charts.bar_chart(BY_AUTHORITY, title="B"), charts.bar_chart(BY_AUTHORITY[:2], title="A"))
    }
    assert len(ids) == 3
    assert parse(charts.bar_chart(BY_AUTHORITY, title="A", chart_id="fixed")).get("id") == "fixed"


def test_palette_is_okabe_ito_and_no_scripts_or_external_references():
    assert charts.PALETTE[:3] == ("#0072B2", "#D55E00", "#009E73")
    for svg in (
        charts.bar_chart(BY_AUTHORITY, title="t"),
        charts.column_chart(BY_AUTHORITY, title="t"),
        charts.line_chart(BY_AUTHORITY, title="t"),
        charts.cap_bar(value=1, cap=2, title="t"),
    ):
        assert "<script" not in svg
        assert not re.search(r"(?:href|src)=", svg)
        assert "http://www.w3.org/2000/svg" in svg and svg.count("http") == 1
