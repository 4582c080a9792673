"""A newcomer's first minute, in Debian's Chromium driven by Playwright."""

from __future__ import annotations

from pathlib import Path

import pytest

from accounts.models import Profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def page(chromium_path, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test
    # makes between steps are still plain synchronous code, so Django may allow them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            timezone_id="Asia/Tokyo", viewport={"width": 390, "height": 844}
        )
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        yield page
        context.close()
        browser.close()


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
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "signup-dashboard.png"), full_page=True)

    # On a phone-sized screen the navigation folds behind the menu button.
    assert not page.locator("#nav").get_by_text("Contacts").is_visible()
    page.click("button.navbar-toggler")
    page.locator("#nav.collapse.show").wait_for()
    page.locator("#nav").get_by_text("Contacts").click()
    page.wait_for_url(f"{live_server.url}/contacts/")
    assert Profile.objects.get(user__email="newcomer@example.com").timezone == "Asia/Tokyo"
    assert page.console_errors == [], "the page logged errors (a blocked script or style?)"
