"""A coach logs in through the form and lands on the caseload, in Debian's Chromium."""

from __future__ import annotations

import pytest

from coaching.services import make_coach
from tests.browser.conftest import open_page, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coach_logs_in_and_lands_on_the_caseload(browser_context, live_server, carol):
    make_coach(carol)
    base = live_server.url
    page = open_page(browser_context, viewport={"width": 1200, "height": 900})
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", carol.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/coaching/client/")
    screenshot(page, "coach-landing")

    # The site's home is the caseload too.
    page.goto(f"{base}/")
    page.wait_for_url(f"{base}/admin/coaching/client/")
