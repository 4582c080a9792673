"""The Today page: who is due, one-click done and snooze, birthdays, and what to do next."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Interaction
from followups.models import FollowUp
from tests.contacts.factories import TODAY, contact, fresh
from tests.followups.test_agenda import due, followup, network

pytestmark = pytest.mark.django_db
URL = reverse("today")
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def on_today():
    # Noon in Paris, alice's time zone, on the factories' TODAY.
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False):
        yield


def page(client) -> str:
    return client.get(URL).content.decode()


def test_it_shows_due_checkins_with_their_last_interaction(alice_client, alice):
    due(alice, "Dana", days_overdue=3, company="Acme", circle="inner")
    body = page(alice_client)
    assert "Dana" in body
    assert "3 days overdue" in body
    assert "Last: call on 29 May 2026" in body


def test_it_shows_due_followups(alice_client, alice):
    followup(alice, contact(alice, "Dana"), about="Send the deck")
    assert "Send the deck" in page(alice_client)


def test_it_does_not_show_another_users_contacts(alice_client, bob):
    due(bob, "Theirs")
    followup(bob, contact(bob, "Also theirs"), about="Their secret")
    body = page(alice_client)
    assert "Theirs" not in body
    assert "Their secret" not in body


def test_it_shows_this_weeks_birthdays(alice_client, alice):
    contact(alice, "Bea", birthday_month=6, birthday_day=17)
    assert "Wednesday, 17 Jun" in page(alice_client)


def test_it_says_how_many_more_come_due_this_week(alice_client, alice):
    due(alice, "Soon", days_overdue=-2)
    due(alice, "Sooner", days_overdue=-1)
    assert "2 more check-ins due this week" in page(alice_client)


def test_an_empty_network_is_asked_to_add_contacts(alice_client):
    assert "Your network is empty" in page(alice_client)


def test_a_network_without_a_log_is_asked_to_log_a_conversation(alice_client, alice):
    contact(alice, "Dana")
    assert "Log your last conversation" in page(alice_client)


def test_a_day_with_nothing_due_says_all_done(alice_client, alice):
    due(alice, "Later", days_overdue=-20)
    assert "All done for today" in page(alice_client)


def test_it_keeps_the_circle_counts(alice_client, alice):
    contact(alice, "Dana", circle="inner")
    response = alice_client.get(URL)
    assert dict(response.context["circles"])["Inner"] == 1
    assert response.context["total"] == 1


def test_done_swaps_the_row_for_what_happened(alice_client, alice):
    dana = due(alice, "Dana", days_overdue=3, circle="inner")
    response = alice_client.post(reverse("followups:checkin_done", args=[dana.pk]), headers=HTMX)
    assert response.status_code == 200
    assert "Checked in with Dana. Next check-in 29 Jun 2026." in response.content.decode()
    assert fresh(dana).next_checkin_on == TODAY + dt.timedelta(days=14)
    assert "3 days overdue" not in page(alice_client)


def test_done_without_javascript_redirects_back_with_a_message(alice_client, alice):
    dana = due(alice, "Dana", circle="inner")
    response = alice_client.post(
        reverse("followups:checkin_done", args=[dana.pk]), {"next": "/"}, follow=True
    )
    assert response.redirect_chain == [("/", 302)]
    assert "Checked in with Dana." in response.content.decode()


def test_every_form_on_a_row_comes_back_to_the_page_it_was_sent_from(alice_client, alice):
    due(alice, "Dana", days_overdue=3)
    followup(alice, contact(alice, "Eve"), about="Send the deck")
    body = alice_client.get(URL, {"from": "mail"}).content.decode()
    # A check-in row: done and the snooze menu's two forms; a follow-up row: done, the
    # snooze menu's two, skip; and the new follow-up's form, which goes back to Today.
    assert re.findall(r'name="next" value="([^"]*)"', body) == ["/?from=mail"] * 7 + ["/"]
    made = FollowUp.objects.get()
    back = "?next=/%3Ffrom%3Dmail"
    assert f'href="{reverse("followups:log", args=[made.pk])}{back}"' in body
    assert f'href="{reverse("followups:edit", args=[made.pk])}{back}"' in body


def test_snooze_a_week_hides_the_checkin_until_then(alice_client, alice):
    dana = due(alice, "Dana", days_overdue=3)
    week = TODAY + dt.timedelta(days=7)
    response = alice_client.post(
        reverse("followups:checkin_snooze", args=[dana.pk]), {"until": week}, headers=HTMX
    )
    assert "Snoozed Dana until 22 Jun 2026." in response.content.decode()
    assert fresh(dana).next_checkin_on == week
    assert 'data-testid="checkin"' not in page(alice_client)


@pytest.mark.parametrize(
    ("until", "message"),
    [
        ("", "Pick a day."),
        ("next tuesday", "Enter the date as YYYY-MM-DD."),
        ("2026-06-31", "June 2026 has no day 31: it has 30 days."),
        ("2026-06-15", "Pick a day after today to snooze until."),
    ],
)
def test_a_bad_snooze_date_is_explained_and_changes_nothing(alice_client, alice, until, message):
    dana = due(alice, "Dana", days_overdue=3)
    response = alice_client.post(
        reverse("followups:checkin_snooze", args=[dana.pk]), {"until": until}, follow=True
    )
    assert message in response.content.decode()
    assert fresh(dana).next_checkin_on == TODAY - dt.timedelta(days=3)


def test_a_bad_snooze_date_from_htmx_reloads_the_page_with_the_reason(alice_client, alice):
    dana = due(alice, "Dana")
    response = alice_client.post(
        reverse("followups:checkin_snooze", args=[dana.pk]), {"until": "x"}, headers=HTMX
    )
    assert (response.status_code, response["HX-Redirect"]) == (204, "/")


def test_followup_done_from_the_page_logs_and_closes_it(alice_client, alice):
    pending = followup(alice, contact(alice, "Dana"), about="Send the deck")
    response = alice_client.post(reverse("followups:done", args=[pending.pk]), headers=HTMX)
    assert "Done: “Send the deck” with Dana." in response.content.decode()
    assert fresh(pending).status == "done"
    assert Interaction.objects.get().notes == "Followed up: Send the deck"


def test_the_new_followup_form_saves_and_comes_back_to_today(alice_client, alice):
    dana = contact(alice, "Dana")
    response = alice_client.post(
        reverse("followups:create"),
        {"contacts": [dana.pk], "about": "Intro to Sam", "due_on": "2026-06-20", "next": "/"},
    )
    assert response.url == "/"
    made = FollowUp.objects.get()
    assert (made.about, made.due_on, list(made.contacts.all())) == (
        "Intro to Sam",
        dt.date(2026, 6, 20),
        [dana],
    )


def test_the_log_button_preselects_the_contact(alice_client, alice):
    dana = due(alice, "Dana")
    assert f'hx-get="/contacts/log/?contact={dana.pk}"' in page(alice_client)


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    assert response.context["agenda"].checkins
    return len(queries)


def test_it_takes_as_many_queries_for_300_due_contacts_as_for_5(client, alice, bob):
    network(alice, 5)
    network(bob, 300)
    client.force_login(alice)
    few = count_queries(client)
    client.force_login(bob)
    many = count_queries(client)
    assert few == many


def test_a_busy_morning_takes_at_most_ten_queries(client, alice):
    # Due check-ins, a plan that ranks them, follow-ups and a birthday; no coach, no review
    # inbox, no event to log: the one statement that asks after those says so.
    network(alice, 30)
    client.force_login(alice)
    assert count_queries(client) <= 10


def test_it_lists_at_most_twenty_and_says_how_many_more(alice_client, alice):
    network(alice, 25)
    body = page(alice_client)
    assert body.count('data-testid="checkin"') == 20
    assert "And 5 more due." in body


def test_it_lists_due_followups_before_checkins(alice_client, alice):
    due(alice, "Dana", days_overdue=3, circle="inner")
    followup(alice, contact(alice, "Eve"), about="Send the deck")
    body = page(alice_client)
    assert body.index('data-testid="followups"') < body.index('data-testid="checkins"')


def test_the_navigation_has_followups_highlighted_on_their_page(alice_client):
    link = f'href="{reverse("followups:list")}">Follow-ups</a>'
    assert link in page(alice_client)
    listing = alice_client.get(reverse("followups:list")).content.decode()
    assert f'nav-link active" {link}' in listing


def test_a_network_of_one_says_contact_in_the_singular(alice_client, alice):
    contact(alice, "Dana")
    assert '<span class="fw-semibold" data-testid="contact-total">1</span> contact:' in (
        page(alice_client)
    )
