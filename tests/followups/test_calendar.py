"""The iCalendar feed behind a secret, revocable address, and its section in the settings."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from accounts.models import Profile
from followups.models import FollowUpStatus
from followups.services import calendar_token_renew
from tests.contacts.factories import TODAY, contact
from tests.followups.test_agenda import due, followup

pytestmark = pytest.mark.django_db
SETTINGS = reverse("accounts:settings")


@pytest.fixture(autouse=True)
def on_today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False):
        yield


def feed_url(token: str) -> str:
    return reverse("followups:calendar", args=[token])


def events(client, user) -> dict[str, tuple[dt.date, str]]:
    """UID → (day, summary) of the user's feed, read back with icalendar."""
    response = client.get(feed_url(calendar_token_renew(user=user)))
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    return {
        str(event["UID"]): (event.decoded("DTSTART"), str(event["SUMMARY"]))
        for event in calendar.walk("VEVENT")
    }


def test_it_serves_a_calendar_without_a_login(client, alice):
    response = client.get(feed_url(calendar_token_renew(user=alice)))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert "NetworkCRM" in str(calendar["PRODID"])


def test_it_lists_checkins_due_in_the_next_60_days(client, alice):
    soon = due(alice, "Soon", days_overdue=-60)
    later = due(alice, "Later", days_overdue=-61)
    found = events(client, alice)
    assert found[f"checkin-{soon.pk}@networkcrm"] == (
        TODAY + dt.timedelta(days=60),
        "Check in with Soon",
    )
    assert f"checkin-{later.pk}@networkcrm" not in found


def test_it_shows_an_overdue_checkin_on_today(client, alice):
    late = due(alice, "Late", days_overdue=3)
    day, summary = events(client, alice)[f"checkin-{late.pk}@networkcrm"]
    assert day == TODAY
    assert summary == "Check in with Late (overdue since 12 Jun 2026)"


def test_it_lists_open_and_snoozed_followups_but_not_closed_ones(client, alice):
    dana = contact(alice, "Dana")
    ahead = followup(alice, dana, about="Ahead", due_on=TODAY + dt.timedelta(days=90))
    snoozed = followup(
        alice,
        dana,
        about="Snoozed",
        status=FollowUpStatus.SNOOZED,
        snoozed_until=TODAY + dt.timedelta(days=3),
    )
    followup(alice, dana, about="Done", status=FollowUpStatus.DONE, done_on=TODAY)
    found = events(client, alice)
    assert found[f"followup-{ahead.pk}@networkcrm"] == (
        TODAY + dt.timedelta(days=90),
        "Follow up with Dana: Ahead",
    )
    assert found[f"followup-{snoozed.pk}@networkcrm"][0] == TODAY + dt.timedelta(days=3)
    assert not any("Done" in summary for _day, summary in found.values())


def test_it_shows_only_the_owners_events(client, alice, bob):
    due(bob, "Theirs")
    assert events(client, alice) == {}


def test_the_uids_stay_the_same_from_one_fetch_to_the_next(client, alice):
    due(alice, "Dana")
    token = calendar_token_renew(user=alice)
    first = client.get(feed_url(token)).content
    second = client.get(feed_url(token)).content
    uids = [Calendar.from_ical(body).walk("VEVENT")[0]["UID"] for body in (first, second)]
    assert uids[0] == uids[1]


def test_an_unknown_token_is_a_404(client, alice):
    calendar_token_renew(user=alice)
    assert client.get(feed_url("not-the-token")).status_code == 404


def test_a_blank_token_never_opens_a_feed(client, alice):
    # Every profile without a feed has a blank token; no address may reach them.
    assert Profile.objects.get(user=alice).calendar_token == ""
    assert client.get("/followups/calendar/.ics").status_code == 404


def test_a_replaced_token_is_a_404(client, alice):
    old = calendar_token_renew(user=alice)
    calendar_token_renew(user=alice)
    assert client.get(feed_url(old)).status_code == 404


def test_the_settings_page_shows_the_address(alice_client, alice):
    token = calendar_token_renew(user=alice)
    body = alice_client.get(SETTINGS).content.decode()
    assert f"http://testserver{feed_url(token)}" in body


def test_the_settings_page_offers_to_turn_it_on(alice_client):
    body = alice_client.get(SETTINGS).content.decode()
    assert "Turn on the calendar feed" in body


def test_a_new_address_revokes_the_old_one(alice_client, alice):
    old = calendar_token_renew(user=alice)
    response = alice_client.post(reverse("followups:calendar_renew"))
    assert response.url == SETTINGS + "#calendar"
    new = Profile.objects.get(user=alice).calendar_token
    assert new
    assert new != old
    assert alice_client.get(feed_url(old)).status_code == 404
    assert alice_client.get(feed_url(new)).status_code == 200


def test_turning_it_off_revokes_the_address(alice_client, alice):
    old = calendar_token_renew(user=alice)
    alice_client.post(reverse("followups:calendar_off"))
    assert Profile.objects.get(user=alice).calendar_token == ""
    assert alice_client.get(feed_url(old)).status_code == 404


def test_bob_renewing_his_address_leaves_alices_alone(client, alice, bob):
    token = calendar_token_renew(user=alice)
    client.force_login(bob)
    client.post(reverse("followups:calendar_renew"))
    client.post(reverse("followups:calendar_off"))
    assert Profile.objects.get(user=alice).calendar_token == token


def test_renewing_takes_a_post(alice_client, alice):
    assert alice_client.get(reverse("followups:calendar_renew")).status_code == 405
    assert Profile.objects.get(user=alice).calendar_token == ""
