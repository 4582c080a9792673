"""Keeping family out of the networking numbers, in Chromium on a phone: mark a contact
personal on their form, choose *Professional contacts* in Settings, and Today stops listing
them while the contact list still shows everyone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from contacts.models import Contact
from tests.browser.test_picker_journey import logged_in
from tests.followups.test_agenda import due

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_personal_contact_leaves_today_when_the_focus_is_professional(
    browser_context, live_server, alice
):
    due(alice, "Pat", days_overdue=2)
    mum = due(alice, "Mum", days_overdue=2)
    page = logged_in(browser_context, live_server, alice, {"width": 390, "height": 844})
    page.goto(f"{live_server.url}/")
    today = page.locator("main")
    expect(today).to_contain_text("Mum")
    # Mum is family: say so on her form.
    page.goto(f"{live_server.url}/contacts/{mum.pk}/edit/")
    page.get_by_label("Context").select_option(label="Personal")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("context")).to_have_text("Personal")
    # Keep personal contacts out of the numbers.
    page.goto(f"{live_server.url}/accounts/settings/")
    page.get_by_label("Count in my networking").select_option(label="Professional contacts")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Your settings are saved.")).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("focus")).to_contain_text("Counting your professional contacts")
    expect(today).to_contain_text("Pat")
    expect(today).not_to_contain_text("Mum")
    # The list still has her, and its filter finds her by context.
    page.goto(f"{live_server.url}/contacts/")
    expect(page.get_by_test_id("contact-row")).to_have_count(2)
    page.get_by_label("Context", exact=True).first.select_option(label="Personal")
    expect(page.get_by_test_id("contact-row")).to_have_count(1)
    expect(page.locator("#contact-rows")).to_contain_text("Mum")
    assert Contact.objects.get(pk=mum.pk).context == "personal"
