"""The digest's HTML part in Debian's Chromium, at a phone's width and a desktop's: it fits
without sideways scrolling, each name links to the contact's page, Done and Snooze are buttons
a thumb can hit, and the layout lives in inline styles (mail clients drop <style> blocks).
The screenshots land in test-output/browser/email-digest-*.png."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from followups.digest import MESSAGES
from followups.models import DeliveryKind, DigestDelivery
from goals.models import GoalPlan, Objective
from tests.contacts.factories import TODAY
from tests.followups.email_page import (
    DESKTOP,
    PHONE,
    TAP_HEIGHT,
    email_page,
    heights,
    html_of,
    link_texts,
    scroll_width,
    without_style_blocks,
)
from tests.followups.test_agenda import due, followup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def contact_url(person) -> str:
    return settings.SITE_URL + reverse("contacts:detail", args=[person.pk])


@pytest.fixture
def busy_day(alice):
    """Two follow-ups (one with two people), three check-ins, a birthday, a long note."""
    plan = GoalPlan.objects.create(owner=alice, started_on=TODAY, reviewed_at=timezone.now())
    goal = Objective.objects.create(
        plan=plan, title="Meet fintech founders", metric="interactions_by_kind", target=4
    )
    dana = due(alice, "Dana", days_overdue=3, circle="inner", last_name="Okafor-Lindqvist")
    dana.interactions.update(
        objective=goal,
        notes="Talked about her move to the payments team; she wants an intro to someone "
        "who ran a compliance rollout at a neobank. Send her Erin's deck and the article.",
    )
    erin = due(alice, "Erin", circle="close")
    erin.birthday_month, erin.birthday_day = (TODAY + dt.timedelta(days=2)).timetuple()[1:3]
    erin.save()
    frank = due(alice, "Frank", days_overdue=12, circle="inner")
    followup(alice, erin, dana, about="Send the deck", due_on=TODAY - dt.timedelta(days=1))
    followup(alice, frank, about="Ask about the conference talk")
    return {"dana": dana, "erin": erin, "frank": frank}


def written(user, kind=DeliveryKind.DAILY) -> str:
    delivery, _ = DigestDelivery.objects.get_or_create(user=user, local_date=TODAY, kind=kind)
    message, _items = MESSAGES[kind](delivery)
    return html_of(message)


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_it_fits_the_screen_without_scrolling_sideways(browser_context, alice, busy_day, width):
    page = email_page(browser_context, written(alice), width=width, name="email-digest")
    assert scroll_width(page) <= width
    card = page.locator("td.card").bounding_box()
    assert card["width"] <= 600
    assert card["x"] >= 0
    assert card["x"] + card["width"] <= width


def test_each_name_is_a_link_to_the_contact(browser_context, alice, busy_day):
    page = email_page(browser_context, written(alice), width=PHONE, name="email-digest-links")
    dana, erin, frank = busy_day["dana"], busy_day["erin"], busy_day["frank"]
    # Dana: her check-in and the follow-up; Erin: hers, the follow-up and her birthday.
    assert link_texts(page, contact_url(dana)) == [dana.name] * 2
    assert link_texts(page, contact_url(erin)) == [erin.name] * 3
    assert link_texts(page, contact_url(frank)) == [frank.name] * 2


def test_done_and_snooze_are_buttons_a_thumb_can_hit(browser_context, alice, busy_day):
    page = email_page(browser_context, written(alice), width=PHONE, name="email-digest-buttons")
    for name in ("Done", "Snooze a week"):
        found = heights(page, name)
        assert len(found) == 5  # two follow-ups, three check-ins
        assert min(found) >= TAP_HEIGHT, name


def test_the_layout_holds_without_its_style_block(browser_context, alice, busy_day):
    html = written(alice)
    assert "max-width: 600px" in html  # written into the elements
    page = email_page(browser_context, html, width=DESKTOP, name="email-digest-inline")
    without_style_blocks(page)
    assert page.locator("style").count() == 0
    assert page.locator("td.card").bounding_box()["width"] <= 600
    assert min(heights(page, "Done")) >= TAP_HEIGHT
    done = page.get_by_role("link", name="Done", exact=True).first
    assert done.evaluate("(link) => getComputedStyle(link).backgroundColor") == "rgb(13, 110, 253)"
    page.set_viewport_size({"width": PHONE, "height": 800})
    assert scroll_width(page) <= PHONE


def test_follow_ups_come_before_check_ins(browser_context, alice, busy_day):
    page = email_page(browser_context, written(alice), width=DESKTOP, name="email-digest-order")
    headings = page.locator("h2").all_inner_texts()
    assert headings == ["Follow-ups", "Check-ins", "Birthdays this week"]


def test_a_test_digest_shows_its_notice(browser_context, alice, busy_day):
    html = written(alice, kind=DeliveryKind.TEST)
    page = email_page(browser_context, html, width=PHONE, name="email-digest-test")
    assert page.get_by_test_id("test-digest").is_visible()
    assert scroll_width(page) <= PHONE
