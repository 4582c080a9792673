"""The KPI page in Chromium: from a Today card to 12 weeks of charts, drawn without a console
error (the CSP allows no inline script or style), their tables, a CSV, and a phone's width."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from contacts.models import Channel, Circle, Kind, Outcome
from goals.models import GoalPlan, Objective, Period, Tactic
from kpis.rollup import monday, rollup_backfill
from tests.browser.conftest import open_page, screenshot
from tests.contacts.factories import contact, log

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHANNELS = [Channel.IN_PERSON, Channel.LINKEDIN, Channel.VIDEO, Channel.PHONE, Channel.EMAIL]


def signed_in(browser, live_server, user, **options):
    client = Client()
    client.force_login(user)
    page = open_page(browser, **options)
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


@pytest.fixture
def twelve_weeks(alice):
    """Twelve weeks of alice's networking, rolled up, and a plan with targets and budgets."""
    today = alice.profile.today()
    start = monday(today) - dt.timedelta(weeks=12)
    people = [
        contact(alice, name, circle=circle)
        for name, circle in [("Dana", Circle.INNER), ("Eli", Circle.CLOSE), ("Fay", Circle.ACTIVE)]
    ]
    for week in range(12):
        for n in range(week % 4 + 1):
            day = start + dt.timedelta(weeks=week, days=n)
            log(
                alice,
                people[(week + n) % 3],
                on=day,
                today=today,
                kind=Kind.MEETING if n % 2 else Kind.MESSAGE,
                channel=CHANNELS[(week + n) % len(CHANNELS)],
                quality=3 + n % 3,
                duration_minutes=20 + 10 * n,
                outcome=Outcome.REFERRAL if week % 5 == 0 and n == 0 else "",
                outcome_value=500 if week % 5 == 0 and n == 0 else None,
            )
    plan = GoalPlan.objects.create(owner=alice, started_on=start)
    Objective.objects.create(
        plan=plan, title="Meaningful conversations", metric="meaningful_connections", target=2,
        period=Period.WEEK,
    )  # fmt: skip
    Objective.objects.create(
        plan=plan, title="Stay on top of check-ins", metric="contacts_overdue", target=1,
        period=Period.MONTH,
    )  # fmt: skip
    Tactic.objects.create(plan=plan, platform="linkedin", action="Comment", minutes_per_week=30)
    rollup_backfill(weeks=12, users=[alice])
    return alice


def test_the_kpi_page_draws_its_charts_without_a_console_error(
    browser_context, live_server, twelve_weeks
):
    page = signed_in(
        browser_context, live_server, twelve_weeks, viewport={"width": 1280, "height": 900}
    )
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("kpi-card").first.click()  # once htmx has loaded them
    page.wait_for_url(f"{live_server.url}/kpis/")
    canvases = page.locator("canvas[data-kpi-chart]")
    assert canvases.count() >= 8  # activity, 2 objectives, channels, balance… and time
    expect(page.locator("canvas[data-drawn=true]")).to_have_count(canvases.count())
    # Chart.js sized each canvas to its box (a canvas it could not draw stays 300 × 150).
    box = page.locator("canvas[data-kpi-chart=activity]").bounding_box()
    assert box["width"] > 600
    assert box["height"] > 200
    screenshot(page, "kpis-desktop")

    # The numbers behind a chart, without the chart.
    channels = page.locator("[data-chart=channels]")
    channels.get_by_text("Show the numbers").click()
    expect(channels.locator("table")).to_be_visible()
    expect(channels.locator("thead")).to_contain_text("LinkedIn")

    with page.expect_download() as download:
        channels.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.startswith("networkcrm-kpis-channels-")
    assert page.console_errors == []


def test_the_kpi_page_fits_a_phone(browser_context, live_server, twelve_weeks):
    page = signed_in(
        browser_context, live_server, twelve_weeks, viewport={"width": 390, "height": 844}
    )
    page.goto(f"{live_server.url}/kpis/")
    canvases = page.locator("canvas[data-kpi-chart]")
    expect(page.locator("canvas[data-drawn=true]")).to_have_count(canvases.count())
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = page.locator("canvas[data-kpi-chart=activity]").bounding_box()
    assert 300 < box["width"] <= 390
    screenshot(page, "kpis-phone")
    assert page.console_errors == []
