"""Add a contact, quick-log a coffee, see it on the timeline and the next check-in move."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils.formats import date_format

from contacts.models import Contact
from tests.browser.conftest import open_page, screenshot
from tests.conftest import PASSWORD
from tests.contacts.factories import log

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_adds_a_contact_and_logs_a_coffee(browser_context, live_server, alice):
    page = open_page(browser_context, viewport={"width": 1200, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", alice.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/contacts/new/")
    page.fill("input[name=first_name]", "Dana")
    page.fill("input[name=last_name]", "Reyes")
    page.fill("input[name=company]", "Acme")
    page.select_option("select[name=circle]", "inner")
    page.click("button[type=submit]:has-text('Save')")
    page.wait_for_url(re.compile(r"/contacts/\d+/$"))
    dana = Contact.objects.get(owner=alice, first_name="Dana")
    # Their last coffee was three weeks ago: the inner circle's 14 days have run out.
    today = alice.profile.today()  # the quick log defaults to her local date (Paris)
    log(alice, dana, on=today - dt.timedelta(days=21), today=today)
    page.reload()
    assert page.get_by_test_id("status").inner_text() == "Overdue"
    assert page.get_by_test_id("next-checkin").inner_text() == date_format(
        today - dt.timedelta(days=7)
    )

    # The quick log opens in a modal, already holding Dana; the date defaults to today.
    page.get_by_role("link", name="Log an interaction").click()
    page.locator("#quick-log-form").wait_for()
    page.select_option("#quick-log-form select[name=kind]", "meeting")
    page.fill("#quick-log-form textarea[name=notes]", "Coffee by the harbour")
    page.keyboard.press("Tab")
    page.click("#quick-log-form button[type=submit]")

    page.get_by_test_id("timeline").get_by_text("Coffee by the harbour").wait_for()
    assert page.get_by_test_id("next-checkin").inner_text() == date_format(
        today + dt.timedelta(days=14)
    )
    assert page.get_by_test_id("status").inner_text() == "On track"
    dana.refresh_from_db()
    assert dana.last_interaction_on == today
    screenshot(page, "contact-after-quick-log")
    assert page.console_errors == [], "the page logged errors (a blocked script or style?)"
