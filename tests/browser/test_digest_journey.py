"""A test digest, from the click in Settings to the click in the e-mail: a real Celery worker
sends it to a real SMTP server (aiosmtpd), and Chromium opens the HTML it received, follows the
contact's link to the contact page and the check-in's Done link to its confirmation page, where
one more click logs the check-in."""

from __future__ import annotations

import datetime as dt
import email
from email.message import Message

import pytest
from django.urls import reverse

from contacts.models import Interaction
from followups import digest
from tests.browser.conftest import open_page, screenshot
from tests.conftest import PASSWORD
from tests.contacts.factories import contact, fresh, log

# The follow-ups tests' real parts, as fixtures of this module too.
from tests.followups.conftest import isolated_redis, smtp_sink, start, wait_for  # noqa: F401
from tests.followups.test_agenda import followup
from tests.followups.test_digest_delivery import enqueue_to, worker_env

pytestmark = [
    pytest.mark.browser,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


def html_part(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no HTML part")


def test_a_test_digest_arrives_and_its_links_work(
    browser_context,
    live_server,
    alice,
    monkeypatch,
    start,  # noqa: F811
    smtp_sink,  # noqa: F811
    isolated_redis,  # noqa: F811
):
    today = alice.profile.today()  # the digest works in her local date (Paris)
    # Her last coffee with Dana was 17 days ago: the inner circle's 14 days ran out 3 days ago.
    dana = contact(alice, "Dana", circle="inner", company="Acme")
    log(alice, dana, on=today - dt.timedelta(days=17), today=today, notes="Coffee")
    erin = contact(alice, "Erin", circle="close")
    followup(alice, erin, about="Send Erin the deck", due_on=today)
    # The worker writes links to this live server; the web process queues on the test's Redis.
    start(
        "worker",
        "--pool=solo",
        "--hostname=digest-journey@%h",
        env=worker_env(smtp_sink, SITE_URL=live_server.url),
    )
    monkeypatch.setattr(digest, "enqueue_sends", enqueue_to(isolated_redis))

    page = open_page(browser_context, viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", alice.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(live_server.url + reverse("accounts:settings"))
    page.get_by_role("button", name="Send me a test digest now").click()
    page.get_by_text("A test digest is on its way to alice@example.com").wait_for()

    assert wait_for(lambda: len(smtp_sink.to(alice.email)) == 1)
    (received,) = smtp_sink.to(alice.email)
    decoded = email.message_from_bytes(received.as_bytes())
    assert str(email.header.make_header(email.header.decode_header(decoded["Subject"]))).startswith(
        "Test: 2 to check in with today"
    )
    html = html_part(decoded)

    def open_mail():
        """The e-mail in a new tab (a mail client's, not under the app's CSP), signed in."""
        tab = page.context.new_page()
        tab.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        tab.set_content(html)
        return tab

    inbox = open_mail()
    screenshot(inbox, "digest-journey-email")
    assert inbox.locator("h2").all_inner_texts()[:2] == ["Follow-ups", "Check-ins"]
    inbox.get_by_role("link", name="Dana", exact=True).first.click()
    inbox.wait_for_url(live_server.url + reverse("contacts:detail", args=[dana.pk]))
    assert inbox.get_by_role("heading", level=1).inner_text() == "Dana"

    inbox = open_mail()
    checkin = inbox.get_by_test_id("checkin").filter(has_text="Dana")
    checkin.get_by_role("link", name="Done", exact=True).click()
    inbox.wait_for_url(f"{live_server.url}/followups/digest/**")
    heading = inbox.get_by_role("heading", level=1).inner_text()
    assert heading == "Mark your check-in with Dana done?"
    screenshot(inbox, "digest-journey-confirm")
    assert Interaction.objects.filter(contacts=dana, notes="Checked in").count() == 0

    inbox.get_by_role("button", name="Yes, mark it done").click()
    inbox.get_by_test_id("digest-finished").wait_for()
    assert Interaction.objects.filter(contacts=dana, notes="Checked in").count() == 1
    assert fresh(dana).next_checkin_on == today + dt.timedelta(days=14)
    assert page.console_errors == [], "the page logged errors (a blocked script or style?)"
