"""An event as a person goes through it, on a laptop and on a phone: made from the Events page,
then after it, everyone met logged on one screen — two people picked by typing and one new —
each with a follow-up due today, which Today lists first; the KPI page counts them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from contacts.models import Contact, Interaction
from events.models import Event
from followups.models import FollowUp
from tests.browser.conftest import screenshot
from tests.browser.test_picker_journey import logged_in, pick
from tests.contacts.factories import contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("screen", SCREENS)
def test_make_an_event_log_three_people_met_and_see_it_on_today_and_the_kpis(
    browser_context, live_server, alice, bob, screen
):
    contact(alice, "Feno", last_name="Rakoto", company="Acme")
    contact(alice, "Rosyn", last_name="Brookford")
    contact(bob, "Feno", last_name="Elsewhere")  # bob's: never offered to alice
    page = logged_in(browser_context, live_server, alice, SCREENS[screen])
    today = alice.profile.today()

    # Before: the event, made from the Events page.
    page.goto(f"{live_server.url}/events/")
    page.get_by_role("link", name="New event").click()
    page.get_by_label("Name").fill("Fintech product night")
    page.get_by_label("Date").fill(today.isoformat())
    page.get_by_label("Place or link").fill("Station F")
    page.get_by_label("People to meet").fill("The speaker")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Fintech product night")).to_be_visible()
    expect(page.get_by_test_id("event-status")).to_have_text("Going")

    # After: everyone met, on one screen.
    page.get_by_role("link", name="Log who you met").first.click()
    # The picker searches once htmx has started on the new page: wait for it to load.
    page.wait_for_url(re.compile(r"/events/\d+/met/$"))
    page.wait_for_load_state("load")
    picker = page.locator("#met-picker")
    pick(picker, "Feno", "Feno Rakoto")
    pick(picker, "Rosyn", "Rosyn Brookford", key="Tab")
    rows = page.get_by_test_id("new-person")
    rows.nth(0).get_by_placeholder("Name").fill("Ada Byron")
    rows.nth(0).get_by_placeholder("Company").fill("Analytical Engines")
    rows.nth(0).get_by_placeholder("E-mail").fill("ada@engines.example")
    page.get_by_role("button", name="Add another person").click()
    expect(rows).to_have_count(4)
    page.get_by_label("Due in (days)").fill("0")
    screenshot(page, f"event-met-{screen}")
    page.get_by_role("button", name="Log them").click()
    expect(
        page.get_by_text(re.compile(r"Logged 3 people met at Fintech product night"))
    ).to_be_visible()
    expect(page.get_by_test_id("met").get_by_role("link")).to_have_count(3)
    expect(page.get_by_test_id("event-status")).to_have_text("Went")

    event = Event.objects.get(owner=alice)
    assert Interaction.objects.filter(event=event).count() == 3
    assert Contact.objects.get(owner=alice, first_name="Ada").company == "Analytical Engines"
    assert FollowUp.objects.filter(owner=alice, due_on=today).count() == 3

    # Today lists the three follow-ups first, and no longer asks about the event.
    page.goto(f"{live_server.url}/")
    followups = page.get_by_test_id("followups").get_by_test_id("followup")
    expect(followups).to_have_count(3)
    expect(page.get_by_test_id("followups")).to_contain_text("Ada Byron")
    expect(page.get_by_test_id("event-to-log")).to_have_count(0)

    # The KPI page counts them this week.
    page.goto(f"{live_server.url}/kpis/")
    row = page.get_by_role("row", name=re.compile("People met at events"))
    expect(row).to_contain_text("3")
    screenshot(page, f"event-kpis-{screen}")
    assert page.console_errors == []


def test_today_asks_about_yesterdays_event_until_dismissed(browser_context, live_server, alice):
    yesterday = alice.profile.today() - dt.timedelta(days=1)
    Event.objects.create(
        owner=alice,
        name="Payments meetup",
        starts_at=dt.datetime.combine(yesterday, dt.time(19), tzinfo=alice.profile.zone),
        timezone=alice.profile.timezone,
    )
    page = logged_in(browser_context, live_server, alice, SCREENS["phone"])
    reminder = page.get_by_test_id("event-to-log")
    expect(reminder).to_contain_text("You went to Payments meetup yesterday")
    reminder.get_by_role("button", name="Dismiss").click()
    expect(page.get_by_test_id("event-to-log")).to_have_count(0)
    page.reload()
    expect(page.get_by_test_id("event-to-log")).to_have_count(0)
