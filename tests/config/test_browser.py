import pytest

from tests.conftest import browser_login


@pytest.mark.browser
def test_smoke_home_login_and_staff_navigation(page, live_server, staff_user):
    page.goto(live_server.url + "/")
    assert page.get_by_role("link", name="Staff log in").is_visible()
    browser_login(page, live_server, "stella_staff")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_attribute("data-role") == "staff"
    assert page.get_by_text("You are signed in as DPA staff").is_visible()
