"""The enforcement pages in a real Chromium, on the real Clearview record (the demo data).

Each test leaves a full-page screenshot in test-artifacts/<test name>.png (the `page` fixture),
at desktop width and at a 375 px phone width.
"""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from enforcement.models import Case
from tests.conftest import browser_login

DEMO_FILE = Path(__file__).resolve().parents[2] / "enforcement" / "data" / "clearview_enforcement.json"
WIDTHS = [pytest.param(1280, id="desktop"), pytest.param(375, id="phone")]

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_data(transactional_db):
    """The shipped copy of ../shared/data/clearview_enforcement.json, through the real importer."""
    call_command("import_enforcement", str(DEMO_FILE), verbosity=0)
    return Case.objects.get(reference="nl-ap-2024")


def at_width(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900 if width > 600 else 800})


def accessibility_problems(page) -> list[str]:
    """Basic checks: every form control has a label, heading levels never skip (h2 -> h4), one
    h1, every table column header is a <th>."""
    return page.evaluate(
        """() => {
        const problems = [];
        for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
            const labelled = (el.id && document.querySelector(`label[for="${el.id}"]`)) || el.closest('label')
                || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
            if (!labelled) problems.push(`no label: ${el.name || el.id}`);
        }
        let previous = 0;
        for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
            const level = Number(h.tagName[1]);
            if (previous && level > previous + 1) problems.push(`heading skips: ${h.tagName} ${h.textContent.trim()}`);
            previous = level;
        }
        if (document.querySelectorAll('h1').length !== 1) problems.push('not exactly one h1');
        for (const table of document.querySelectorAll('main table')) {
            if (!table.querySelector('th')) problems.push('table without headers');
        }
        return problems;
    }"""
    )


def no_horizontal_overflow(page) -> bool:
    """The page itself never scrolls sideways (wide tables scroll inside their own box)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", WIDTHS)
def test_dashboard(page, live_server, staff_user, demo_data, width):
    at_width(page, width)
    browser_login(page, live_server, "stella_staff")
    page.goto(f"{live_server.url}/enforcement/dashboard/")
    assert page.get_by_role("heading", name="Enforcement dashboard", level=1).is_visible()
    charts = page.locator("svg[role=img]")
    titles = [charts.nth(i).locator("title").first.text_content() for i in range(charts.count())]
    for title in ("Fines by authority (EUR)", "Fines by country (EUR)", "Fines by year of decision (EUR)"):
        assert title in titles
    by_authority = page.get_by_role("img", name=re.compile("Fines by authority"))
    assert by_authority.is_visible()
    assert "AP (Dutch DPA): EUR 30,500,000" in by_authority.locator("desc").text_content()
    assert by_authority.get_by_text("EUR 30.5M").is_visible()
    # Rendered big enough to read: the chart is at least 300 px wide on a phone.
    assert by_authority.bounding_box()["width"] >= (300 if width < 600 else 400)
    assert page.get_by_text("penalty payments liquidated (not fines)").is_visible()
    assert page.get_by_text("penalty caps (limits, not owed)").is_visible()
    cap = page.get_by_role("img", name=re.compile("Liquidated against the cap"))
    assert "EUR 5,100,000 cap" in cap.first.locator("desc").text_content()
    assert no_horizontal_overflow(page)
    assert accessibility_problems(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_case_list_filtered_to_nl(page, live_server, staff_user, demo_data, width):
    at_width(page, width)
    browser_login(page, live_server, "stella_staff")
    page.goto(f"{live_server.url}/enforcement/cases/")
    assert page.locator(".result-summary .count strong").text_content() == "14"
    if width >= 1280:
        table_fits(page)  # all 14 cases, the longest titles and amounts
    page.get_by_label("Country").select_option(label="Netherlands")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert "country=NL" in page.url  # the filter is in the URL: bookmarkable
    rows = page.locator("table.case-table tbody tr")
    assert rows.count() == 1
    row = rows.first
    assert row.get_by_text("nl-ap-2024").is_visible()
    assert row.get_by_text("EUR 30,500,000").is_visible()
    assert row.get_by_text("EUR 5,100,000").is_visible()  # the penalty cap
    assert page.get_by_test_id("eur-total").text_content() == "EUR 30,500,000"
    # The export links carry the same filter.
    assert "country=NL" in page.get_by_role("link", name="Export CSV").get_attribute("href")
    assert no_horizontal_overflow(page)
    if width >= 1280:
        table_fits(page)


def table_fits(page) -> None:
    """At 1280 px every column of the case table is inside its box: no sideways scroll."""
    box = page.evaluate(
        """() => { const t = document.querySelector('table.case-table');
                   return [t.scrollWidth, t.parentElement.clientWidth]; }"""
    )
    assert box[0] <= box[1] + 1, box
    last = page.locator("table.case-table thead th").last
    assert last.bounding_box()["x"] + last.bounding_box()["width"] <= 1280
    assert accessibility_problems(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_case_page(page, live_server, staff_user, demo_data, width):
    at_width(page, width)
    browser_login(page, live_server, "stella_staff")
    page.goto(f"{live_server.url}/enforcement/cases/?country=FR&ordering=date")
    page.get_by_role("link", name=re.compile("CNIL")).first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Penalty payments").is_visible()
    assert page.get_by_text("EUR 100,000", exact=True).first.is_visible()
    assert page.get_by_text("52", exact=True).first.is_visible()  # the liquidated days
    assert page.get_by_text("Liquidated: EUR 5,200,000.").first.is_visible()
    unverified = page.locator(".unverified")
    assert unverified.count() >= 1
    assert unverified.first.get_attribute("title")
    for heading in ("Parties", "Timeline", "Decisions", "Appeals", "Sources", "Internal notes", "History"):
        assert page.get_by_role("heading", name=re.compile(f"^{heading}")).count() == 1, heading
    source = page.locator(".sources a").first
    assert source.get_attribute("rel") == "noopener noreferrer"
    assert no_horizontal_overflow(page)
    assert accessibility_problems(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_public_register_as_anonymous(page, live_server, demo_data, width):
    from enforcement import services

    hidden = Case.objects.get(reference="de-hmbbfdi-2021")
    services.case_update(case=hidden, user=None, data={"published": False, "internal_notes": "SECRET-NOTE-42"})
    at_width(page, width)
    page.goto(f"{live_server.url}/enforcement/register/")
    assert page.get_by_role("heading", name="Public register of enforcement decisions").is_visible()
    assert page.locator("table.case-table tbody tr").count() == 13
    assert page.get_by_text("de-hmbbfdi-2021", exact=True).count() == 0
    page.get_by_label("Country").select_option(label="Netherlands")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    page.get_by_role("link", name=re.compile("Clearview")).first.click()
    page.wait_for_load_state()
    assert page.get_by_text("EUR 5,100,000").first.is_visible()
    assert page.get_by_role("heading", name="Internal notes").count() == 0
    assert page.get_by_role("heading", name="History").count() == 0
    assert page.get_by_role("link", name="Edit case").count() == 0
    response = page.goto(f"{live_server.url}/enforcement/register/{hidden.public_id}/")
    assert response.status == 404
    assert "SECRET-NOTE-42" not in page.content()
    page.goto(f"{live_server.url}/enforcement/register/")
    page.get_by_role("link", name="Decisions", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("table.decision-table tbody tr").count() == 14  # 15 decisions, one case hidden
    assert page.get_by_text("EUR 30,500,000").is_visible()
    page.goto(f"{live_server.url}/enforcement/register/")  # the screenshot shows the register
    assert no_horizontal_overflow(page)
    assert accessibility_problems(page) == []


def test_staff_edits_a_fine_and_the_history_shows_it(page, live_server, staff_user, demo_data):
    browser_login(page, live_server, "stella_staff")
    page.goto(f"{live_server.url}/enforcement/cases/{demo_data.public_id}/")
    page.get_by_role("link", name="Edit fine").click()
    page.wait_for_load_state()
    assert accessibility_problems(page) == []
    page.locator("#id_amount").fill("-5")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_text("A fine cannot be negative.").is_visible()
    page.locator("#id_amount").fill("30500000")
    page.locator("#id_payment_status").select_option("unpaid")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "#history" in page.url
    history = page.locator("#history table")
    row = history.locator("tr", has_text="payment_status").first
    assert row.get_by_text("stella_staff").is_visible()
    assert row.get_by_text("Unknown").is_visible() and row.get_by_text("Unpaid").is_visible()


def test_staff_add_a_liquidation_decision_and_its_liquidation(page, live_server, staff_user, demo_data):
    """From the case page: a new decision with a month-only date that enforces the first one, then
    a liquidation recorded against the Dutch penalty payment; both forms pass the label checks and
    a wrong date comes back with its message."""
    browser_login(page, live_server, "stella_staff")
    page.goto(f"{live_server.url}/enforcement/cases/{demo_data.public_id}/")
    page.get_by_role("link", name="Add a decision").click()
    page.wait_for_load_state()
    assert accessibility_problems(page) == []
    page.locator("#id_kind").select_option("penalty_liquidation")
    page.locator("#id_decided").fill("2025-13")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_text("Enter a date as YYYY-MM-DD").is_visible()
    assert page.locator("#id_kind").input_value() == "penalty_liquidation"  # nothing typed is lost
    page.locator("#id_decided").fill("2025-06")
    page.locator("#id_parent").select_option(index=1)
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    new = demo_data.decisions.get(kind="penalty_liquidation", decision_date_precision="month")
    assert f"#decision-{new.public_id}" in page.url
    assert page.locator(f"#decision-{new.public_id}").get_by_text("Jun 2025").first.is_visible()

    page.get_by_role("link", name="Record a liquidation").first.click()
    page.wait_for_load_state()
    assert accessibility_problems(page) == []
    page.locator("#id_decision").select_option(str(new.pk))
    page.locator("#id_period_start").fill("2024-09-03")
    page.locator("#id_period_end").fill("2024-10-03")
    page.locator("#id_units").fill("1")
    page.locator("#id_amount").fill("100000")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "#penalty-" in page.url
    assert page.get_by_role("table", name="Liquidations").first.get_by_text("100,000").first.is_visible()


# --- the public trackers' data on top of the demo (issue 15) ---------------------------------------


@pytest.fixture
def demo_and_tidytuesday(demo_data, shared_data_dir):
    """The demo record plus the 250 real fines of the TidyTuesday export, imported as staff would
    (valid rows; the rejected ones are reported)."""
    from enforcement.services.tabular_import import tabular_dataset_load, tabular_import
    from enforcement.services.tabular_parse import mapping_load

    name = "gdpr_violations_tidytuesday.tsv"
    dataset = tabular_dataset_load(content=(shared_data_dir / name).read_bytes(), file_name=name)
    report = tabular_import(dataset=dataset, mapping=mapping_load("tidytuesday"), source_name=name, keep_valid=True)
    return report


def test_dashboard_and_faceted_list_on_the_real_trackers_data(page, live_server, staff_user, demo_and_tidytuesday):
    from enforcement.models import Authority, Decision

    decisions = Decision.objects.count()
    countries = Authority.objects.filter(cases__isnull=False).values("country").distinct().count()
    assert decisions >= 255 and countries >= 25, (decisions, countries)

    at_width(page, 1280)
    browser_login(page, live_server, "stella_staff")
    page.goto(f"{live_server.url}/enforcement/dashboard/")
    by_country = page.get_by_role("img", name=re.compile("Fines by country"))
    assert by_country.is_visible()
    # Real countries of the export show up in the chart's text alternative.
    described = by_country.locator("desc").text_content()
    assert "Italy" in described and "Germany" in described
    page.screenshot(path="test-artifacts/issue15-dashboard-real-data.png", full_page=True)

    page.goto(f"{live_server.url}/enforcement/cases/")
    # The country dropdown is searchable: typing narrows it to the matching names.
    country = page.locator("select#id_country")
    search = page.locator("input.select-search[aria-controls=id_country]")
    search.fill("germ")
    visible = country.evaluate("s => Array.from(s.options).filter(o => o.value && !o.hidden).map(o => o.textContent)")
    assert visible == ["Germany"]
    assert country.input_value() == "DE"
    page.select_option("select#id_sector", "telecoms")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"country=DE"))
    assert "sector=telecoms" in page.url
    rows = page.locator("table.case-table tbody tr")
    count = rows.count()
    expected = Case.objects.filter(authority__country="DE", sector="telecoms").count()
    assert count == expected >= 1
    # The facets list the number of cases per value among the other filters.
    page.goto(f"{live_server.url}/enforcement/cases/?violation_type=security&country=IT")
    expected = Case.objects.filter(authority__country="IT", violation_types__code="security").distinct().count()
    assert expected >= 1
    assert page.locator("table.case-table tbody tr").count() == min(expected, 25)
    assert no_horizontal_overflow(page)
    page.screenshot(path="test-artifacts/issue15-case-list-facets.png", full_page=True)
