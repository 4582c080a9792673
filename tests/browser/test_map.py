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


GRAPH = """(canvas) => {
  const cy = canvas.cy;
  const box = cy.elements().renderedBoundingBox({ includeLabels: false });
  const named = cy.nodes(".named").map((node) => ({
    name: node.data("name"),
    label: node.style("label"),
    fontSize: parseFloat(node.renderedStyle("font-size")),
    x: node.renderedPosition("x"),
    y: node.renderedPosition("y"),
  }));
  return { width: canvas.clientWidth, height: canvas.clientHeight, box, named };
}"""


def network_of(alice, count: int) -> list[str]:
    """`count` contacts in a few companies, introduced in chains; their names, strongest first."""
    contacts = Contact.objects.bulk_create(
        Contact(
            owner=alice,
            first_name=f"Person{i:03d}",
            company=f"Company {i % 12}",
            circle=Circle.values[i % 5],
            strength=100 - (i % 100),
        )
        for i in range(count)
    )
    for contact in contacts[10:]:
        contact.introduced_by = contacts[contacts.index(contact) % 10]
    Contact.objects.bulk_update(contacts[10:], ["introduced_by"])
    strongest = Contact.objects.filter(owner=alice).order_by("-strength", "first_name", "pk")
    return [contact.name for contact in strongest]


@pytest.mark.parametrize("width", [390, 1280])
def test_it_names_the_strongest_and_fills_the_canvas(browser_context, live_server, alice, width):
    names = network_of(alice, 150)
    client = Client()
    client.force_login(alice)
    page = open_page(browser_context, viewport={"width": width, "height": 844}, has_touch=True)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/contacts/map/")
    canvas = page.locator("[data-map-ready=true]")
    canvas.wait_for(timeout=15_000)
    graph = canvas.evaluate(GRAPH)
    labelled = int(canvas.get_attribute("data-map-labelled"))
    assert labelled >= 8

    # The strongest carry their names, legible, inside the canvas.
    assert sorted(node["name"] for node in graph["named"]) == sorted(names[:labelled])
    for node in graph["named"]:
        assert node["label"] == node["name"]
        assert node["fontSize"] >= 11, node
        assert 0 <= node["x"] <= graph["width"], node
        assert 0 <= node["y"] <= graph["height"], node

    # The graph spans most of the canvas both ways.
    box = graph["box"]
    assert box["w"] >= 0.8 * graph["width"], graph
    assert box["h"] >= 0.8 * graph["height"], graph
    assert box["x1"] >= -1
    assert box["x2"] <= graph["width"] + 1
    screenshot(page, f"map-labels-{width}")

    # Another contact's name shows on a first tap; the contact opens on the second.
    quiet = canvas.evaluate(
        """(canvas) => {
          const node = canvas.cy.nodes().not(".named")[0];
          const at = canvas.getBoundingClientRect();
          return { id: node.id(), x: at.x + node.renderedPosition("x"),
                   y: at.y + node.renderedPosition("y") };
        }"""
    )
    page.touchscreen.tap(quiet["x"], quiet["y"])
    assert canvas.evaluate("(canvas) => canvas.cy.nodes('.shown').map((node) => node.id())") == [
        quiet["id"]
    ]
    page.touchscreen.tap(quiet["x"], quiet["y"])
    page.wait_for_url(f"**/contacts/{quiet['id']}/")
    assert page.console_errors == []
