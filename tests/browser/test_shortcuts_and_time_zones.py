"""Alt+L opens the quick log from any page (a keydown handler, not an accesskey), never while
typing in a field, and names its key by platform; the time zone list is grouped by region."""

from __future__ import annotations

import pytest

from tests.browser.conftest import open_page, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)


def logged_in(browser, live_server, user, **options):
    page = open_page(browser, viewport={"width": 1200, "height": 900}, **options)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_alt_l_opens_the_quick_log_from_another_page(browser_context, live_server, alice):
    page = logged_in(browser_context, live_server, alice)
    page.goto(f"{live_server.url}/followups/")
    assert page.locator("[data-shortcut-hint]").inner_text() == "Alt+L"
    assert page.locator("[data-quick-log-shortcut]").get_attribute("title") == "Quick log (Alt+L)"
    page.keyboard.press("Alt+KeyL")
    page.locator("#quick-log.show #quick-log-form").wait_for()
    screenshot(page, "shortcut-quick-log")
    # Pressed again with the log open, it stays open.
    page.locator("#quick-log-title").click()
    page.keyboard.press("Alt+KeyL")
    assert page.locator("#quick-log.show #quick-log-form").is_visible()
    assert page.console_errors == []


def test_alt_l_is_left_alone_while_typing_in_a_field(browser_context, live_server, alice):
    page = logged_in(browser_context, live_server, alice)
    page.goto(f"{live_server.url}/contacts/")
    search = page.locator("input[name=q]")
    search.click()
    page.keyboard.press("Alt+KeyL")
    page.keyboard.type("Dana")
    assert search.input_value() == "Dana"
    assert page.locator("#quick-log.show").count() == 0
    assert page.locator("#quick-log-form").count() == 0


def test_a_mac_shows_option_l(browser_context, live_server, alice):
    page = logged_in(browser_context, live_server, alice, user_agent=MAC)
    assert page.locator("[data-shortcut-hint]").inner_text() == "⌥L"
    assert page.locator("[data-quick-log-shortcut]").get_attribute("title") == "Quick log (⌥L)"
    page.keyboard.press("Alt+KeyL")
    page.locator("#quick-log.show #quick-log-form").wait_for()


def test_the_time_zone_list_is_grouped_and_found_by_typing_a_city(browser_context, live_server):
    page = open_page(browser_context, timezone_id="Asia/Tokyo")
    page.goto(f"{live_server.url}/accounts/signup/")
    select = page.locator("select[name=timezone]")
    assert select.input_value() == "Asia/Tokyo"
    chosen = select.locator("option:checked")
    assert chosen.inner_text() == "Tokyo"
    assert chosen.evaluate("option => option.parentElement.label") == "Asia"
    regions = select.locator("optgroup").evaluate_all("groups => groups.map(g => g.label)")
    assert regions[:2] == ["Africa", "America"]
    assert "Europe" in regions
    # The browser's own type-ahead finds a zone by its place's first letters.
    select.focus()
    page.keyboard.type("Lisbon")
    assert select.input_value() == "Europe/Lisbon"
    screenshot(page, "time-zone-picker")


def test_the_log_button_keeps_its_name_and_announces_the_shortcut(
    browser_context, live_server, alice
):
    page = logged_in(browser_context, live_server, alice)
    button = page.get_by_role("link", name="Log", exact=True)
    assert button.get_attribute("aria-keyshortcuts") == "Alt+L"
    assert button.get_attribute("accesskey") is None
