"""Set up a plan from a starter, log a meaningful coffee, see the objective's progress move."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from contacts.models import Circle, Contact
from goals.models import GoalPlan
from tests.browser.conftest import open_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser_context, live_server, alice):
    client = Client()
    client.force_login(alice)
    page = open_page(browser_context, viewport={"width": 1200, "height": 900})
    # An exception in a script is a page error, not a console message: count both.
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
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


def objective_label(page, title: str) -> str:
    card = page.get_by_test_id("objective").filter(has_text=title)
    return card.get_by_test_id("objective-label").inner_text()


def test_a_user_sets_up_a_plan_and_sees_it_move(page, live_server, alice):
    dana = Contact.objects.create(owner=alice, first_name="Dana", circle=Circle.CLOSE)

    # No plan yet: the page leads to the guided setup.
    page.goto(f"{live_server.url}/goals/")
    page.get_by_role("link", name="Set up my plan").click()

    # 1. A starting point.
    page.get_by_test_id("starter-job_search").get_by_role("button").click()

    # 2. Purpose, prefilled and edited.
    assert "Step 2 of 5: Purpose" in page.get_by_test_id("setup-step").inner_text()
    assert "Hiring managers" in page.input_value("textarea[name=purpose_who]")
    page.fill("textarea[name=purpose_who]", "Product leads at fintech companies")
    page.get_by_role("button", name="Next: objectives").click()

    # 3. Objectives: a metric that cannot be narrowed has its details switched off, and its
    # help is the metric's own.
    page.get_by_test_id("setup-step").filter(has_text="Objectives").wait_for()
    expect(page.locator("#id_objectives-0-detail")).to_be_disabled()
    expect(page.locator("#id_objectives-0-metric_helptext")).to_contain_text("rated 4 or 5")
    expect(page.locator("#id_objectives-2-detail")).to_have_value("job_lead")
    page.select_option("#id_objectives-3-metric", "interactions_by_channel")
    expect(page.locator("#id_objectives-3-detail")).to_be_enabled()
    page.select_option("#id_objectives-3-metric", "")
    page.get_by_role("button", name="Next: priorities").click()

    # 4. Priorities, 5. tactics, then saved.
    page.get_by_role("button", name="Next: tactics").click()
    page.get_by_role("button", name="Save my plan").click()
    page.wait_for_url(f"{live_server.url}/goals/")
    plan = GoalPlan.objects.get(owner=alice)
    assert plan.purpose_who == "Product leads at fintech companies"
    assert "0 of 6" in objective_label(page, "Have meaningful conversations")

    # Reorder priorities in place (htmx): the second one comes first.
    page.get_by_role(
        "button", name="Move “Ask for introductions rather than applying cold” up"
    ).click()
    expect(page.get_by_test_id("priority").first).to_contain_text("Ask for introductions")
    expect(page.get_by_role("button", name="Move “Ask for introductions")).to_have_count(2)

    # A meaningful coffee with Dana, through the quick log page, back to the plan.
    page.goto(f"{live_server.url}/contacts/log/?contact={dana.pk}&next=/goals/")
    page.fill("#quick-log-form input[name=quality]", "5")
    page.fill("#quick-log-form textarea[name=notes]", "Coffee about the fintech scene")
    page.click("#quick-log-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/goals/")

    assert "1 of 6" in objective_label(page, "Have meaningful conversations")
    screenshot(page, "goals-plan")
    assert page.console_errors == [], "the page logged errors (a blocked script or style?)"
