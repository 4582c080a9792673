"""A client brings in a coach and lets them go again, in Debian's Chromium: the invitation
travels through a real SMTP server (aiosmtpd), the coach works in the admin, and the client
sees the note, then ends the coaching, which the coach's next page load reflects."""

from __future__ import annotations

import re

import pytest

from accounts.models import AssignmentStatus, CoachAssignment
from coaching.models import CoachNote
from kpis.rollup import rollup_backfill
from tests.browser.conftest import open_page, screenshot
from tests.coaching.conftest import network
from tests.conftest import PASSWORD
from tests.followups.conftest import smtp_sink  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base: str, email: str) -> None:
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def text_part(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    raise AssertionError("no plain-text part")


def test_invite_accept_note_and_revoke(
    browser_context,
    live_server,
    settings,
    smtp_sink,  # noqa: F811 (the fixture imported above)
    alice,
    carol,
):
    settings.SITE_URL = live_server.url
    network(alice, today=alice.profile.today())
    rollup_backfill(weeks=2, users=[alice])
    base = live_server.url

    client = open_page(browser_context, viewport={"width": 1200, "height": 900})
    client.goto(f"{base}/accounts/login/")
    log_in(client, base, alice.email)
    client.wait_for_url(f"{base}/")
    client.goto(f"{base}/accounts/settings/")
    client.get_by_role("link", name="Coaching settings and access log").click()
    client.wait_for_url(f"{base}/coaching/")
    client.fill("input[name=email]", carol.email)
    client.select_option("select[name=scope]", "contacts")
    client.get_by_role("button", name="Send the invitation").click()
    client.get_by_text("Invitation sent to carol@example.com").wait_for()
    assert client.get_by_test_id("invited-carol@example.com").is_visible()

    [message] = smtp_sink.to(carol.email)
    link = re.search(r"(http://\S+/coaching/invitations/\S+/)", text_part(message)).group(1)

    coach = open_page(browser_context, viewport={"width": 1400, "height": 900})
    coach.goto(link)  # not signed in: the login page, then back to the invitation
    log_in(coach, base, carol.email)
    coach.get_by_text("Alice invites you to coach them").wait_for()
    coach.get_by_role("button", name="Accept and open my caseload").click()
    coach.wait_for_url(f"{base}/admin/coaching/client/")
    row = coach.locator("#result_list tbody tr", has_text="alice@example.com")
    assert "interactions" in row.inner_text()
    assert "Plan, KPIs and contacts" in row.inner_text()
    screenshot(coach, "coach-caseload")

    row.get_by_role("link", name="Alice").click()
    coach.get_by_role("heading", name="Goal plan").wait_for()
    coach.get_by_role("link", name="Write a note").click()
    coach.fill("textarea[name=text]", "Lovely month. Two coffees with former colleagues next?")
    coach.locator("input[name=_save]").click()
    coach.get_by_text("was added successfully").wait_for()
    assert CoachNote.objects.get().client == alice

    client.goto(f"{base}/")
    note = client.get_by_test_id("coach-note")
    assert "Two coffees with former colleagues" in note.inner_text()
    screenshot(client, "client-coach-note")

    client.goto(f"{base}/coaching/")
    assert "plan and KPIs" in client.get_by_test_id("access-log").inner_text()
    client.get_by_role("button", name="End coaching").click()
    client.get_by_text("Coaching ended").wait_for()
    assert CoachAssignment.objects.get().status == AssignmentStatus.REVOKED

    coach.goto(f"{base}/admin/coaching/client/")
    assert coach.locator("#result_list tbody tr", has_text="alice@example.com").count() == 0
    assert "alice@example.com" not in coach.content()
    assert client.console_errors == []
