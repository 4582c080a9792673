"""A newcomer's first minute, in Debian's Chromium driven by Playwright."""

from __future__ import annotations

import pytest

from accounts.models import Profile
from tests.browser.conftest import open_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser_context):
    return open_page(
        browser_context, timezone_id="Asia/Tokyo", viewport={"width": 390, "height": 844}
    )


def test_a_newcomer_signs_up_and_lands_on_the_dashboard(page, live_server):
    page.goto(f"{live_server.url}/accounts/signup/")
    assert page.locator("select[name=timezone]").input_value() == "Asia/Tokyo"

    page.fill("input[name=email]", "newcomer@example.com")
    page.fill("input[name=name]", "New Comer")
    page.fill("input[name=password1]", "a long enough passphrase")
    page.fill("input[name=password2]", "a long enough passphrase")
    page.click("button[type=submit]")

    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Today"
    assert "Welcome to NetworkCRM" in page.content()
    screenshot(page, "signup-dashboard")

    # On a phone-sized screen the navigation folds behind the menu button.
    assert not page.locator("#nav").get_by_text("Contacts").is_visible()
    page.click("button.navbar-toggler")
    page.locator("#nav.collapse.show").wait_for()
    page.locator("#nav").get_by_text("Contacts").click()
    page.wait_for_url(f"{live_server.url}/contacts/")
    assert Profile.objects.get(user__email="newcomer@example.com").timezone == "Asia/Tokyo"
    assert page.console_errors == [], "the page logged errors (a blocked script or style?)"
