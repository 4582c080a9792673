"""Accented names found as a person types them, in Chromium: the contact list's search and the
quick log's picker find "Jörg", "Zoë" and "Müller" with or without the accents, in any case,
and never someone else's contact."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_picker_journey import logged_in, pick
from tests.contacts.factories import contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(alice, bob):
    contact(bob, "Jörg", last_name="Theirs")  # bob's: never shown to alice
    return [
        contact(alice, "Jörg", last_name="Müller", company="Brücke GmbH"),
        contact(alice, "Zoë", last_name="Lindqvist"),
        contact(alice, "Dana", last_name="Reyes"),
    ]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("jorg", ["Jörg Müller"]),
        ("JÖRG", ["Jörg Müller"]),
        ("muller", ["Jörg Müller"]),
        ("zoe", ["Zoë Lindqvist"]),
        ("brucke", ["Jörg Müller"]),
    ],
)
def test_the_contact_list_finds_accented_names_as_typed(
    browser_context, live_server, alice, people, typed, found
):
    page = logged_in(browser_context, live_server, alice, {"width": 390, "height": 844})
    page.goto(f"{live_server.url}/contacts/")
    expect(page.get_by_test_id("contact-row")).to_have_count(3)
    page.get_by_label("Search").fill(typed)
    rows = page.get_by_test_id("contact-row")
    expect(rows).to_have_count(len(found))
    for name in found:
        expect(page.locator("#contact-rows")).to_contain_text(name)
    expect(page.locator("#contact-rows")).not_to_contain_text("Theirs")


def test_the_quick_log_picker_finds_them_without_accents(
    browser_context, live_server, alice, people
):
    page = logged_in(browser_context, live_server, alice, {"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/contacts/log/")
    picker = page.locator("#log-contacts-picker")
    pick(picker, "muller", "Jörg Müller")
    pick(picker, "ZOE", "Zoë Lindqvist")
    expect(picker.locator("[data-picker-chip]")).to_have_count(2)
