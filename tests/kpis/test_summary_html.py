"""The weekly summary's HTML part in Debian's Chromium, at a phone's width and a desktop's: it
fits without sideways scrolling, each name links to the contact's page, and the layout lives in
inline styles. The screenshots land in test-output/browser/email-summary-*.png."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from followups.models import DeliveryKind, DigestDelivery
from kpis.rollup import rollup_backfill
from kpis.summary import summary_message
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
from tests.kpis.test_kpis import AFTER, MONDAY, alice_plan, alice_week

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(alice):
    found = alice_week(alice)
    alice_plan(alice)
    rollup_backfill(weeks=5, users=[alice], now=AFTER)
    return found


def written(user) -> str:
    delivery = DigestDelivery.objects.create(
        user=user, kind=DeliveryKind.WEEKLY, local_date=MONDAY, lease_until=AFTER
    )
    message, _suggestions = summary_message(delivery)
    return html_of(message)


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_it_fits_the_screen_without_scrolling_sideways(browser_context, alice, people, width):
    page = email_page(browser_context, written(alice), width=width, name="email-summary")
    assert scroll_width(page) <= width
    card = page.locator("td.card").bounding_box()
    assert card["width"] <= 600
    assert card["x"] + card["width"] <= width


def test_each_name_of_an_outcome_is_a_link_to_the_contact(browser_context, alice, people):
    page = email_page(browser_context, written(alice), width=PHONE, name="email-summary-links")
    for who in ("gus", "eli"):  # the job lead's and the referral's
        url = settings.SITE_URL + reverse("contacts:detail", args=[people[who].pk])
        assert link_texts(page, url) == [people[who].name]


def test_the_layout_holds_without_its_style_block(browser_context, alice, people):
    page = email_page(browser_context, written(alice), width=PHONE, name="email-summary-inline")
    without_style_blocks(page)
    assert scroll_width(page) <= PHONE
    assert page.locator("td.card").bounding_box()["width"] <= PHONE
    assert min(heights(page, "See the trends over 12 weeks")) >= TAP_HEIGHT
