"""The Today page: a due contact is there; one click on Done checks in and the row goes."""

from __future__ import annotations

import datetime as dt

import pytest

from contacts.models import Interaction
from tests.browser.conftest import open_page, screenshot
from tests.conftest import PASSWORD
from tests.contacts.factories import contact, fresh, log

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_checks_in_and_snoozes_from_the_today_page(browser_context, live_server, alice):
    today = alice.profile.today()  # the page works in her local date (Paris)
    # Their last coffees were 17 days ago: the inner circle's 14 days ran out 3 days ago.
    dana = contact(alice, "Dana", circle="inner", company="Acme")
    erin = contact(alice, "Erin", circle="inner")
    for person in (dana, erin):
        log(alice, person, on=today - dt.timedelta(days=17), today=today, notes="Coffee")

    page = open_page(browser_context, viewport={"width": 1200, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", alice.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    dana_row = page.locator(f"#checkin-{dana.pk}")
    assert "3 days overdue" in dana_row.inner_text()
    screenshot(page, "today-due")

    dana_row.get_by_role("button", name="Done").click()
    result = page.get_by_test_id("result").first
    result.wait_for()
    assert result.inner_text().startswith("Checked in with Dana. Next check-in")
    assert page.locator(f"#checkin-{dana.pk}").count() == 0
    assert fresh(dana).next_checkin_on == today + dt.timedelta(days=14)
    assert Interaction.objects.filter(contacts=dana, notes="Checked in").count() == 1

    erin_row = page.locator(f"#checkin-{erin.pk}")
    erin_row.locator("summary", has_text="Snooze").click()
    erin_row.get_by_role("button", name="1 week").click()
    page.get_by_text("Snoozed Erin until").wait_for()
    assert fresh(erin).next_checkin_on == today + dt.timedelta(days=7)

    page.reload()
    assert page.get_by_test_id("checkin").count() == 0
    assert "All done for today" in page.get_by_test_id("empty").inner_text()
    screenshot(page, "today-all-done")
    assert page.console_errors == [], "the page logged errors (a blocked script or style?)"
