"""The relationship map in Debian's Chromium: cytoscape draws under the CSP, without errors."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from contacts.models import Circle, Contact
from tests.browser.conftest import open_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser_context, live_server, alice):
    """A phone-sized page, logged in as alice."""
    client = Client()
    client.force_login(alice)
    page = open_page(browser_context, viewport={"width": 390, "height": 844})
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def test_it_draws_the_map_without_errors(page, live_server, alice):
    ada = Contact.objects.create(
        owner=alice, first_name="Ada", company="Acme", circle=Circle.INNER, strength=90
    )
    Contact.objects.create(owner=alice, first_name="Bea", company="acme", strength=40)
    Contact.objects.create(owner=alice, first_name="Cy", introduced_by=ada, strength=10)

    page.goto(f"{live_server.url}/contacts/map/")
    page.locator("[data-map-ready=true] canvas").first.wait_for()
    assert page.locator("[data-map-hint]").is_hidden()
    assert page.get_by_test_id("map-table").get_by_role("link", name="Ada").first.is_visible()
    screenshot(page, "map")
    assert page.console_errors == [], "the page logged errors (a blocked script or style?)"


def test_it_draws_a_thousand_contacts(page, live_server, alice):
    Contact.objects.bulk_create(
        Contact(
            owner=alice,
            first_name=f"Person{i:04d}",
            company=f"Company {i % 40}",
            circle=Circle.values[i % 5],
            strength=i % 101,
        )
        for i in range(1200)
    )
    page.goto(f"{live_server.url}/contacts/map/?limit=1000")
    assert "Showing the 1,000 strongest of 1,200 contacts" in page.content()
    page.locator("[data-map-ready=true] canvas").first.wait_for(timeout=15_000)
    screenshot(page, "map-1000")
    assert page.console_errors == [], "the page logged errors (a blocked script or style?)"
