"""The people picker, in every form that picks people: three people found by search and
picked with the keyboard stay chosen as chips, one removed and added again, all three saved."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from contacts.models import Interaction
from followups.models import FollowUp
from goals import services
from goals.starters import JOB_SEARCH
from tests.browser.conftest import open_page, screenshot
from tests.conftest import PASSWORD
from tests.contacts.factories import contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1200, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def people(alice, bob):
    contact(bob, "Feno", last_name="Elsewhere")  # bob's: never offered to alice
    return [
        contact(alice, "Feno", last_name="Rakoto", company="Acme"),
        contact(alice, "Rosyn", last_name="Brookford"),
        contact(alice, "Tamsin", last_name="Okafor"),
    ]


def logged_in(browser, live_server, alice, viewport):
    page = open_page(browser, viewport=viewport)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", alice.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def pick(picker, typed: str, name: str, key: str = "Enter") -> None:
    search = picker.get_by_role("combobox")
    search.fill(typed)
    expect(picker.get_by_role("option").first).to_contain_text(name)
    expect(picker.get_by_role("option")).to_have_count(1)  # bob's Feno is not offered
    search.press(key)
    expect(chip(picker, name)).to_be_visible()
    expect(search).to_have_value("")
    expect(search).to_be_focused()


def chip(picker, name: str):
    return picker.locator("[data-picker-chip]", has_text=name)


def pick_three_remove_one_and_add_it_back(picker) -> None:
    pick(picker, "Feno", "Feno Rakoto")
    pick(picker, "Rosyn", "Rosyn Brookford", key="Tab")
    pick(picker, "oka", "Tamsin Okafor")
    expect(picker.locator("[data-picker-chip]")).to_have_count(3)

    # Remove Rosyn from her chip's button with the keyboard; the focus moves to the next chip.
    picker.get_by_role("button", name="Remove Rosyn Brookford").focus()
    picker.page.keyboard.press("Delete")
    expect(chip(picker, "Rosyn")).to_have_count(0)
    expect(picker.get_by_role("button", name="Remove Tamsin Okafor")).to_be_focused()
    # Backspace in the empty search removes the last one.
    picker.get_by_role("combobox").focus()
    picker.page.keyboard.press("Backspace")
    expect(chip(picker, "Tamsin")).to_have_count(0)
    expect(picker.locator("[data-picker-chip]")).to_have_count(1)

    # Added back, with the arrow keys this time: a search that also finds a picked one skips it.
    search = picker.get_by_role("combobox")
    search.fill("o")
    expect(picker.get_by_role("option")).to_have_count(2)  # Rosyn and Tamsin, not Feno
    search.press("ArrowDown")
    search.press("ArrowDown")  # wraps back to the first
    expect(search).to_have_attribute("aria-expanded", "true")
    active = picker.locator("[role=option][aria-selected=true]")
    expect(active).to_have_count(1)
    first = active.get_attribute("data-name")
    search.press("Enter")
    search.fill("o")
    expect(picker.get_by_role("option")).to_have_count(1)
    search.press("Enter")
    expect(picker.locator("[data-picker-chip]")).to_have_count(3)
    assert first in {"Rosyn Brookford", "Tamsin Okafor"}


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_quick_log_logs_a_group_coffee_with_three_people(
    browser_context, live_server, alice, people
):
    page = logged_in(browser_context, live_server, alice, DESKTOP)
    page.get_by_role("link", name="Log", exact=True).click()
    form = page.locator("#quick-log-form")
    form.wait_for()
    picker = form.locator("[data-picker]")
    expect(picker.get_by_role("combobox")).to_be_focused()  # nobody chosen yet: type a name

    pick_three_remove_one_and_add_it_back(picker)
    screenshot(page, "picker-quick-log")
    form.locator("select[name=kind]").select_option("meeting")
    form.get_by_role("button", name="Log it").click()
    expect(page.get_by_role("alert").first).to_contain_text("Logged: meeting with")

    interaction = Interaction.objects.get(owner=alice)
    assert set(interaction.contacts.all()) == set(people)
    assert page.console_errors == [], "the page logged errors (a blocked script or style?)"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_followup_is_with_three_people(browser_context, live_server, alice, people, viewport):
    page = logged_in(browser_context, live_server, alice, viewport)
    page.goto(f"{live_server.url}{reverse('followups:create')}")
    form = page.locator("main form")
    picker = form.locator("[data-picker]")

    pick_three_remove_one_and_add_it_back(picker)
    assert no_horizontal_scroll(page), "the page scrolls sideways"
    screenshot(page, f"picker-followup-{viewport['width']}")
    form.get_by_label("About").fill("Send the deck")
    form.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}{reverse('followups:list')}")

    followup = FollowUp.objects.get(owner=alice)
    assert set(followup.contacts.all()) == set(people)
    assert no_horizontal_scroll(page)
    assert page.console_errors == [], "the page logged errors (a blocked script or style?)"


def test_an_objective_targets_three_people(browser_context, live_server, alice, people):
    plan = services.plan_start(owner=alice, starter=JOB_SEARCH, today=alice.profile.today())
    objective = plan.objectives.first()
    page = logged_in(browser_context, live_server, alice, DESKTOP)
    page.goto(f"{live_server.url}{reverse('goals:objective_edit', args=[objective.pk])}")
    picker = page.locator("[data-picker]")

    pick(picker, "Feno", "Feno Rakoto")
    pick(picker, "Rosyn", "Rosyn Brookford")
    pick(picker, "Tamsin", "Tamsin Okafor", key="Tab")
    picker.get_by_role("button", name="Remove Feno Rakoto").click()
    expect(chip(picker, "Feno")).to_have_count(0)
    pick(picker, "Feno", "Feno Rakoto")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/goals/(#.*)?$"))

    objective.refresh_from_db()
    assert set(objective.targets.all()) == set(people)
    assert page.console_errors == [], "the page logged errors (a blocked script or style?)"
