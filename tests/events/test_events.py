"""Events: the form (by hand and from an .ics file), the list and page, the one screen that
logs everyone met there, Today's reminder, the calendar feed, and bob getting a 404 for every
one of alice's events."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from communities.models import Community
from contacts.models import Contact, ContactEmail, Interaction, Kind
from events.models import Event, Status
from followups.models import FollowUp
from followups.services import calendar_token_renew
from tests.contacts.factories import contact, fresh, queries_of

pytestmark = pytest.mark.django_db
LIST = reverse("events:list")
CREATE = reverse("events:create")
# Monday 15 June 2026, 10:00 UTC: noon in Paris, where alice lives.
NOW = dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def on_today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


def event(owner, name="Fintech meetup", *, days=-1, hour=19, **fields) -> Event:
    starts = dt.datetime.combine(TODAY + dt.timedelta(days=days), dt.time(hour), tzinfo=dt.UTC)
    fields.setdefault("status", Status.GOING)
    return Event.objects.create(owner=owner, name=name, starts_at=starts, **fields)


def form(**fields) -> dict:
    return {
        "name": "Fintech meetup",
        "day": "2026-06-20",
        "time": "18:30",
        "timezone": "Europe/Paris",
        "place": "Station F",
        "url": "https://meetup.example.com/fintech",
        "status": "going",
        "cost": "",
        "to_meet": "The speaker\nSomeone from a bank",
        "notes": "",
        **fields,
    }


def met(**fields) -> dict:
    data = {
        "quality": "4",
        "notes": "Met at the bar",
        "follow_up": "on",
        "follow_up_days": "3",
        "follow_up_about": "Follow up after the meetup",
        "new-TOTAL_FORMS": "3",
        "new-INITIAL_FORMS": "0",
        "new-MIN_NUM_FORMS": "0",
        "new-MAX_NUM_FORMS": "50",
    }
    data.update(fields)
    return data


# --- The form ---------------------------------------------------------------------------


def test_it_creates_an_event_at_its_local_time(alice_client, alice):
    dana = contact(alice, "Dana")
    response = alice_client.post(CREATE, form(going_with=[dana.pk]))
    made = Event.objects.get()
    assert response.url == reverse("events:detail", args=[made.pk])
    assert made.starts_at == dt.datetime(2026, 6, 20, 16, 30, tzinfo=dt.UTC)  # 18:30 in Paris
    assert (made.timezone, made.status, made.place) == ("Europe/Paris", "going", "Station F")
    assert list(made.going_with.all()) == [dana]
    assert made.to_meet_list == ["The speaker", "Someone from a bank"]


def test_the_form_starts_in_the_users_time_zone_and_shows_a_saved_time(alice_client, alice):
    assert 'value="Europe/Paris" selected' in alice_client.get(CREATE).content.decode()
    made = event(alice, hour=16, timezone="Europe/Paris")
    body = alice_client.get(reverse("events:edit", args=[made.pk])).content.decode()
    assert 'value="18:00"' in body  # 16:00 UTC is 18:00 in Paris in June


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"day": ""}, "Say when it is: pick a date."),
        ({"day": "2026-02-30"}, "Enter the date as YYYY-MM-DD."),
        ({"name": "  "}, "Give the event a name."),
        (
            {"url": "ftp://files.example.com"},
            "Enter a web address starting with http:// or https://.",
        ),
        ({"cost": "-5"}, "The cost cannot be below zero."),
        ({"timezone": "Mars/Olympus"}, "Mars/Olympus is not a time zone we know."),
        ({"status": "maybe"}, "Select a valid choice."),
    ],
)
def test_bad_input_gets_words_and_saves_nothing(alice_client, fields, words):
    response = alice_client.post(CREATE, form(**fields))
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not Event.objects.exists()


def test_another_users_community_objective_or_contact_is_refused(alice_client, bob):
    theirs = Community.objects.create(owner=bob, name="Theirs")
    response = alice_client.post(CREATE, form(community=theirs.pk))
    assert "Pick one of your communities." in response.content.decode()
    response = alice_client.post(CREATE, form(going_with=[contact(bob, "Theirs").pk]))
    assert "One of the chosen contacts is not in your network." in response.content.decode()
    assert not Event.objects.exists()


ICS = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Meetups//EN
BEGIN:VEVENT
UID:abc@meetup.example.com
DTSTART;TZID=America/New_York:20260702T183000
DTEND;TZID=America/New_York:20260702T210000
SUMMARY:Product leaders meetup
LOCATION:The Loft\\, 5th Avenue
DESCRIPTION:Talks and drinks.
URL:https://meetup.example.com/product/42
END:VEVENT
END:VCALENDAR
"""


def test_an_ics_file_fills_the_form_and_saves_nothing(alice_client):
    upload = SimpleUploadedFile("event.ics", ICS, content_type="text/calendar")
    response = alice_client.post(CREATE, {"ics": "1", "file": upload})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="Product leaders meetup"' in body
    assert 'value="2026-07-02"' in body
    assert 'value="18:30"' in body
    assert 'value="America/New_York" selected' in body
    assert "The Loft, 5th Avenue" in body
    assert "https://meetup.example.com/product/42" in body
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"this is not a calendar", "This file is not an iCalendar (.ics) file."),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "This file holds no event."),
    ],
)
def test_an_ics_file_that_gives_no_event_says_why(alice_client, data, words):
    upload = SimpleUploadedFile("event.ics", data, content_type="text/calendar")
    response = alice_client.post(CREATE, {"ics": "1", "file": upload})
    assert words in response.content.decode()
    assert not Event.objects.exists()


# --- Tenancy ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["events:detail", "events:edit", "events:delete", "events:met", "events:dismiss"],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_users_event_is_a_404(bob_client, alice, name, method):
    made = event(alice)
    response = getattr(bob_client, method)(reverse(name, args=[made.pk]), met())
    assert response.status_code == (405 if (name, method) == ("events:dismiss", "get") else 404)
    made.refresh_from_db()
    assert (made.status, made.logged_at, made.dismissed_at) == ("going", None, None)
    assert not Interaction.objects.exists()


def test_the_list_shows_only_the_users_events_upcoming_and_past(alice_client, alice, bob):
    event(alice, "Coming up", days=3)
    event(alice, "Been there", days=-3)
    event(bob, "Their party", days=3)
    upcoming = alice_client.get(LIST).content.decode()
    past = alice_client.get(LIST, {"shown": "past"}).content.decode()
    assert "Coming up" in upcoming
    assert "Been there" not in upcoming
    assert "Been there" in past
    assert "Coming up" not in past
    assert "Their party" not in upcoming + past


# --- Who you met ------------------------------------------------------------------------


def test_it_logs_everyone_met_with_new_people_and_follow_ups(alice_client, alice):
    dana, eli = contact(alice, "Dana"), contact(alice, "Eli")
    slack = Community.objects.create(owner=alice, name="Fintech Slack")
    made = event(alice, community=slack)
    data = met(
        contacts=[dana.pk, eli.pk],
        **{"new-0-name": "Rosa Diaz", "new-0-company": "Bank", "new-0-email": "rosa@bank.example"},
    )
    response = alice_client.post(reverse("events:met", args=[made.pk]), data)
    assert response.url == reverse("events:detail", args=[made.pk])
    rosa = Contact.objects.get(first_name="Rosa")
    assert (rosa.last_name, rosa.company, rosa.source, rosa.met_on) == (
        "Diaz",
        "Bank",
        "event",
        TODAY - dt.timedelta(days=1),
    )
    assert ContactEmail.objects.get(contact=rosa).address == "rosa@bank.example"
    logged = Interaction.objects.filter(event=made)
    assert sorted(i.sole_contact.first_name for i in logged) == ["Dana", "Eli", "Rosa"]
    assert {(i.kind, i.channel, i.quality, i.community_id) for i in logged} == {
        (Kind.EVENT, "event", 4, slack.pk)
    }
    assert all(list(i.contacts.all()) == [i.sole_contact] for i in logged)
    assert set(slack.members.all()) == {dana, eli, rosa}
    followups = FollowUp.objects.filter(owner=alice)
    assert followups.count() == 3
    assert {f.due_on for f in followups} == {TODAY + dt.timedelta(days=3)}
    assert fresh(dana).last_interaction_on == TODAY - dt.timedelta(days=1)
    assert fresh(dana).strength > 0
    made.refresh_from_db()
    assert made.status == Status.WENT
    assert made.logged_at is not None


def test_new_people_are_professional_unless_the_screen_says(alice_client, alice):
    first, second = event(alice), event(alice)
    alice_client.post(reverse("events:met", args=[first.pk]), met(**{"new-0-name": "Pat Work"}))
    alice_client.post(
        reverse("events:met", args=[second.pk]),
        met(context="personal", **{"new-0-name": "Kim Friend"}),
    )
    contexts = dict(Contact.objects.values_list("first_name", "context"))
    assert contexts == {"Pat": "professional", "Kim": "personal"}
    assert (
        "The new people are"
        in alice_client.get(reverse("events:met", args=[event(alice).pk])).content.decode()
    )


def test_nothing_is_half_saved_when_one_of_twenty_is_wrong(alice_client, alice):
    people = [contact(alice, f"P{i}") for i in range(19)]
    data = met(contacts=[p.pk for p in people], **{"new-0-name": "Bad Mail", "new-0-email": "nope"})
    response = alice_client.post(reverse("events:met", args=[event(alice).pk]), data)
    assert "Enter an e-mail address like dana@example.com." in response.content.decode()
    assert not Interaction.objects.exists()
    assert not FollowUp.objects.exists()
    assert Contact.objects.count() == 19
    # What was typed is still there to correct.
    assert 'value="Bad Mail"' in response.content.decode()


def test_a_row_with_details_but_no_name_is_refused_in_words(alice_client, alice):
    data = met(**{"new-1-company": "Bank"})
    response = alice_client.post(reverse("events:met", args=[event(alice).pk]), data)
    assert "Give this person a name, or clear the row." in response.content.decode()
    assert not Contact.objects.exists()


def test_nobody_at_all_is_refused_in_words(alice_client, alice):
    response = alice_client.post(reverse("events:met", args=[event(alice).pk]), met())
    assert "Pick the people you met, or add new ones below." in response.content.decode()


def test_a_new_person_you_already_have_is_warned_then_kept_if_asked(alice_client, alice):
    dana = contact(alice, "Dana", last_name="Reyes")
    ContactEmail.objects.create(contact=dana, address="dana@example.com", is_primary=True)
    url = reverse("events:met", args=[event(alice).pk])
    data = met(**{"new-0-name": "Dana R", "new-0-email": "DANA@example.com"})
    body = alice_client.post(url, data).content.decode()
    assert "You may already have this person: Dana Reyes" in body
    assert "Add anyway" in body
    assert Contact.objects.count() == 1
    alice_client.post(url, {**data, "new-0-keep_both": "on"})
    assert Contact.objects.count() == 2


def test_no_follow_ups_when_not_asked(alice_client, alice):
    dana = contact(alice, "Dana")
    data = met(contacts=[dana.pk])
    del data["follow_up"]
    alice_client.post(reverse("events:met", args=[event(alice).pk]), data)
    assert Interaction.objects.count() == 1
    assert not FollowUp.objects.exists()


def test_the_screen_preselects_who_was_going(alice_client, alice):
    dana = contact(alice, "Dana")
    made = event(alice)
    made.going_with.set([dana])
    body = alice_client.get(reverse("events:met", args=[made.pk])).content.decode()
    assert f'value="{dana.pk}" id="met-chip-{dana.pk}" checked' in body


def test_logging_twenty_people_takes_the_same_statements_whatever_the_network(alice):
    from events.services import NewPerson, event_met_log

    def statements(owner_people: int) -> int:
        Contact.objects.bulk_create(
            Contact(owner=alice, first_name=f"Filler{i}") for i in range(owner_people)
        )
        chosen = list(Contact.objects.filter(owner=alice).order_by("-pk")[:15])
        new = [NewPerson(name=f"New {i}", email=f"n{i}.{owner_people}@x.example") for i in range(5)]
        made = event(alice, f"Event {owner_people}")
        with CaptureQueriesContext(connection) as captured:
            event_met_log(
                event=made,
                contacts=chosen,
                new_people=new,
                quality=3,
                notes="",
                follow_up_on=TODAY,
                follow_up_about="Hello",
                today=TODAY,
            )
        return len(captured)

    small, large = statements(20), statements(1000)
    assert small == large
    assert large <= 20


# --- Today and the calendar -------------------------------------------------------------


def test_today_asks_to_log_who_you_met_until_done_or_dismissed(alice_client, alice):
    yesterday = event(alice, "Yesterday's meetup")
    event(alice, "Long ago", days=-20)
    event(alice, "Skipped it", status=Status.SKIPPED)
    event(alice, "Tomorrow", days=1)
    body = alice_client.get(reverse("today")).content.decode()
    assert body.count('data-testid="event-to-log"') == 1
    assert "You went to <strong>Yesterday&#x27;s meetup</strong> yesterday" in body
    alice_client.post(reverse("events:dismiss", args=[yesterday.pk]))
    assert 'data-testid="event-to-log"' not in alice_client.get(reverse("today")).content.decode()


def test_today_stops_asking_once_the_people_are_logged(alice_client, alice):
    made = event(alice)
    alice_client.post(reverse("events:met", args=[made.pk]), met(contacts=[contact(alice).pk]))
    assert 'data-testid="event-to-log"' not in alice_client.get(reverse("today")).content.decode()


def test_the_calendar_feed_has_the_events_you_go_to(client, alice):
    event(alice, "Going soon", days=5, hour=17, timezone="Europe/Paris")
    event(alice, "Maybe", days=6, status=Status.CONSIDERING)
    event(alice, "Not going", days=6, status=Status.SKIPPED)
    token = calendar_token_renew(user=alice)
    body = client.get(reverse("followups:calendar", args=[token])).content
    entries = {str(e["summary"]): e for e in Calendar.from_ical(body).walk("VEVENT")}
    assert "Going soon" in entries
    assert "Maybe (considering)" in entries
    assert "Not going" not in entries
    start = entries["Going soon"].decoded("dtstart")
    assert start == dt.datetime(2026, 6, 20, 17, tzinfo=dt.UTC)


def test_the_pages_take_as_many_queries_for_many_events_and_people(alice_client, alice):
    first = event(alice, "First", days=2)
    pages = [LIST, reverse("events:detail", args=[first.pk])]
    few = [queries_of(lambda p=p: alice_client.get(p)) for p in pages]
    people = Contact.objects.bulk_create(
        Contact(owner=alice, first_name=f"P{i}") for i in range(60)
    )
    for n in range(30):
        event(alice, f"More {n}", days=3).going_with.set(people[:5])
    first.going_with.set(people)
    assert [queries_of(lambda p=p: alice_client.get(p)) for p in pages] == few


def test_an_event_shows_its_own_local_time_and_names_a_zone_not_the_viewers(alice_client, alice):
    event(alice, "Abroad", days=17, hour=22, timezone="America/New_York")  # 18:00 there
    event(alice, "At home", days=18, hour=16, timezone="Europe/Paris")  # 18:00 in Paris
    event(alice, "All day", days=19, hour=22, timezone="Europe/Paris")  # 5 Jul, 00:00 in Paris
    body = alice_client.get(LIST).content.decode()
    when = re.findall(r">([^<>]*Jul 2026[^<>]*)<", body)
    assert [" ".join(w.split()) for w in when] == [
        "2 Jul 2026, 18:00 (America/New_York time)",
        "3 Jul 2026, 18:00",
        "5 Jul 2026",
    ]
