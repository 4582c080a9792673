"""Follow-up pages: list, create, edit, the POST actions, the quick log's "follow up in …",
and bob getting a 404 for every one of alice's follow-ups and contacts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Contact, Interaction
from followups.models import FollowUp, FollowUpStatus
from tests.contacts.factories import TODAY, contact, fresh
from tests.followups.test_agenda import followup

pytestmark = pytest.mark.django_db
LIST = reverse("followups:list")
CREATE = reverse("followups:create")
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def on_today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


def form(*contacts: Contact) -> dict:
    return {"contacts": [c.pk for c in contacts], "about": "Send the deck", "due_on": "2026-06-20"}


# --- List -------------------------------------------------------------------------------


def test_the_list_shows_open_followups_by_default(alice_client, alice):
    dana = contact(alice, "Dana")
    followup(alice, dana, about="Still open")
    followup(alice, dana, about="Finished", status=FollowUpStatus.DONE, done_on=TODAY)
    body = alice_client.get(LIST).content.decode()
    assert "Still open" in body
    assert "Finished" not in body


@pytest.mark.parametrize(
    ("shown", "expected"), [("done", "Finished"), ("snoozed", "Sleeping"), ("skipped", "Dropped")]
)
def test_the_list_filters_by_status(alice_client, alice, shown, expected):
    dana = contact(alice, "Dana")
    followup(alice, dana, about="Finished", status=FollowUpStatus.DONE, done_on=TODAY)
    followup(alice, dana, about="Sleeping", status=FollowUpStatus.SNOOZED, snoozed_until=TODAY)
    followup(alice, dana, about="Dropped", status=FollowUpStatus.SKIPPED)
    body = alice_client.get(LIST, {"status": shown}).content.decode()
    assert expected in body
    assert [a for a in ("Finished", "Sleeping", "Dropped") if a in body] == [expected]


def test_the_list_shows_only_the_users_followups(alice_client, bob):
    followup(bob, contact(bob, "Theirs"), about="Their secret")
    assert "Their secret" not in alice_client.get(LIST).content.decode()


def count_list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def test_the_list_takes_as_many_queries_for_40_followups_as_for_2(alice_client, alice):
    people = [contact(alice, f"P{i}") for i in range(3)]
    for _ in range(2):
        followup(alice, *people)
    few = count_list_queries(alice_client)
    for _ in range(38):
        followup(alice, *people)
    assert count_list_queries(alice_client) == few


# --- Create and edit ------------------------------------------------------------------------


def test_it_creates_a_followup(alice_client, alice):
    dana = contact(alice, "Dana")
    response = alice_client.post(CREATE, form(dana))
    assert response.url == LIST
    made = FollowUp.objects.get()
    assert (made.owner, made.about, made.due_on) == (alice, "Send the deck", dt.date(2026, 6, 20))


def test_the_form_preselects_a_contact(alice_client, alice):
    dana = contact(alice, "Dana")
    contact(alice, "Someone Else")
    body = alice_client.get(CREATE, {"contact": dana.pk}).content.decode()
    assert f'value="{dana.pk}"' in body
    assert "Someone Else" not in body


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"contacts": []}, "Pick at least one contact to follow up with."),
        ({"about": "   "}, "Say what to follow up about."),
        ({"about": ""}, "Say what to follow up about."),
        ({"due_on": "next week"}, "Enter the date as YYYY-MM-DD."),
        ({"due_on": ""}, "Pick a date."),
        ({"due_on": "2999-01-01"}, "Pick a date within the next ten years."),
        ({"due_on": "2026-02-30"}, "February 2026 has no day 30: it has 28 days."),
        ({"due_on": "2026-06-14"}, "14 Jun 2026 has already passed. Pick today or a later day"),
    ],
)
def test_it_explains_bad_input_and_saves_nothing(alice_client, alice, change, message):
    dana = contact(alice, "Dana")
    response = alice_client.post(CREATE, {**form(dana), **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FollowUp.objects.exists()


def test_it_refuses_another_users_contact_in_words(alice_client, bob):
    theirs = contact(bob, "Theirs")
    response = alice_client.post(CREATE, form(theirs))
    assert "not in your network" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_it_creates_a_followup_with_three_contacts(alice_client, alice):
    people = [contact(alice, name) for name in ("Dana", "Erin", "Fred")]
    alice_client.post(CREATE, form(*people))
    assert set(FollowUp.objects.get().contacts.all()) == set(people)


def test_it_refuses_another_users_contact_among_its_own(alice_client, alice, bob):
    dana, theirs = contact(alice, "Dana"), contact(bob, "Theirs")
    body = alice_client.post(CREATE, form(dana, theirs)).content.decode()
    assert "One of the chosen contacts is not in your network." in body
    assert "Theirs" not in body
    assert 'aria-label="Remove Dana"' in body
    assert not FollowUp.objects.exists()


def test_the_form_draws_the_chosen_contacts_as_chips(alice_client, alice):
    dana = contact(alice, "Dana")
    body = alice_client.get(CREATE, {"contact": dana.pk}).content.decode()
    assert f'name="contacts" value="{dana.pk}"' in body
    assert 'aria-label="Remove Dana"' in body


def test_it_edits_a_followup(alice_client, alice):
    dana, erin = contact(alice, "Dana"), contact(alice, "Erin")
    pending = followup(alice, dana)
    alice_client.post(
        reverse("followups:edit", args=[pending.pk]),
        {**form(erin), "about": "Call back", "due_on": "2026-07-01"},
    )
    pending.refresh_from_db()
    assert (pending.about, pending.due_on) == ("Call back", dt.date(2026, 7, 1))
    assert list(pending.contacts.all()) == [erin]


def test_it_accepts_today_as_the_due_date(alice_client, alice):
    alice_client.post(CREATE, {**form(contact(alice, "Dana")), "due_on": "2026-06-15"})
    assert FollowUp.objects.get().due_on == TODAY


def test_an_overdue_followup_edited_for_another_reason_keeps_its_day(alice_client, alice):
    dana = contact(alice, "Dana")
    overdue = followup(alice, dana, due_on=TODAY - dt.timedelta(days=3))
    response = alice_client.post(
        reverse("followups:edit", args=[overdue.pk]),
        {**form(dana), "about": "Call back", "due_on": "2026-06-12"},
    )
    assert response.status_code == 302
    overdue.refresh_from_db()
    assert (overdue.about, overdue.due_on) == ("Call back", dt.date(2026, 6, 12))


def test_an_overdue_followup_cannot_move_to_another_past_day(alice_client, alice):
    dana = contact(alice, "Dana")
    overdue = followup(alice, dana, due_on=TODAY - dt.timedelta(days=3))
    response = alice_client.post(
        reverse("followups:edit", args=[overdue.pk]), {**form(dana), "due_on": "2026-06-01"}
    )
    assert "1 Jun 2026 has already passed." in response.content.decode()
    assert fresh(overdue).due_on == TODAY - dt.timedelta(days=3)


def test_it_never_redirects_off_site(alice_client, alice):
    response = alice_client.post(
        CREATE, {**form(contact(alice, "Dana")), "next": "//evil.example/"}
    )
    assert response.url == reverse("followups:list")


# --- Actions --------------------------------------------------------------------------------


def test_snooze_from_the_list(alice_client, alice):
    pending = followup(alice, contact(alice, "Dana"))
    response = alice_client.post(
        reverse("followups:snooze", args=[pending.pk]), {"until": "2026-06-22"}, headers=HTMX
    )
    assert "Snoozed “Send the deck” until 22 Jun 2026." in response.content.decode()
    assert (fresh(pending).status, fresh(pending).snoozed_until) == (
        "snoozed",
        dt.date(2026, 6, 22),
    )


def test_skip_from_the_list(alice_client, alice):
    pending = followup(alice, contact(alice, "Dana"))
    alice_client.post(reverse("followups:skip", args=[pending.pk]))
    assert fresh(pending).status == "skipped"


def test_an_action_answers_get_with_405(alice_client, alice):
    pending = followup(alice, contact(alice, "Dana"))
    assert alice_client.get(reverse("followups:done", args=[pending.pk])).status_code == 405
    assert fresh(pending).status == "open"


def test_done_twice_says_it_was_already_done(alice_client, alice):
    pending = followup(alice, contact(alice, "Dana"))
    url = reverse("followups:done", args=[pending.pk])
    alice_client.post(url, headers=HTMX)
    body = alice_client.post(url, headers=HTMX).content.decode()
    assert "already done" in body
    assert Interaction.objects.count() == 1


def test_log_opens_the_quick_log_with_the_followups_contacts(alice_client, alice):
    dana, erin = contact(alice, "Dana"), contact(alice, "Erin")
    pending = followup(alice, dana, erin)
    body = alice_client.get(
        reverse("followups:log", args=[pending.pk]), headers=HTMX
    ).content.decode()
    assert f'action="/followups/{pending.pk}/log/"' in body
    assert body.count("checked") >= 2


def test_logging_a_followup_settles_it_with_that_interaction(alice_client, alice):
    dana = contact(alice, "Dana")
    pending = followup(alice, dana)
    response = alice_client.post(
        reverse("followups:log", args=[pending.pk]),
        {
            "contacts": [dana.pk],
            "occurred_on": "2026-06-15",
            "kind": "call",
            "channel": "phone",
            "initiated_by": "me",
            "quality": "4",
            "notes": "Sent it",
            "next": "/",
        },
    )
    assert response.url == "/"
    pending.refresh_from_db()
    assert pending.status == "done"
    assert pending.interaction == Interaction.objects.get(notes="Sent it")


# --- The quick log's "follow up in …" ---------------------------------------------------------


def quick_log(*contacts: Contact, **fields: str) -> dict:
    return {
        "contacts": [c.pk for c in contacts],
        "occurred_on": "2026-06-15",
        "kind": "meeting",
        "channel": "in_person",
        "initiated_by": "me",
        "quality": "4",
        **fields,
    }


@pytest.mark.parametrize(
    ("choice", "due_on"),
    [
        ("3d", dt.date(2026, 6, 18)),
        ("1w", dt.date(2026, 6, 22)),
        ("2w", dt.date(2026, 6, 29)),
        ("1m", dt.date(2026, 7, 15)),
    ],
)
def test_the_quick_log_can_plan_a_followup(alice_client, alice, choice, due_on):
    dana, erin = contact(alice, "Dana"), contact(alice, "Erin")
    alice_client.post(
        reverse("contacts:log"),
        quick_log(dana, erin, follow_up_in=choice, follow_up_about="Send the intro"),
    )
    made = FollowUp.objects.get()
    assert (made.about, made.due_on) == ("Send the intro", due_on)
    assert set(made.contacts.all()) == {dana, erin}


def test_the_quick_logs_followup_is_about_follow_up_when_left_blank(alice_client, alice):
    alice_client.post(reverse("contacts:log"), quick_log(contact(alice, "Dana"), follow_up_in="1w"))
    assert FollowUp.objects.get().about == "Follow up"


def test_the_quick_log_plans_no_followup_by_default(alice_client, alice):
    alice_client.post(reverse("contacts:log"), quick_log(contact(alice, "Dana")))
    assert Interaction.objects.exists()
    assert not FollowUp.objects.exists()


def test_a_bad_quick_log_plans_no_followup_either(alice_client, alice):
    response = alice_client.post(
        reverse("contacts:log"), quick_log(contact(alice, "Dana"), quality="9", follow_up_in="1w")
    )
    assert "Quality is from 1 to 5." in response.content.decode()
    assert not FollowUp.objects.exists()


def test_the_quick_log_offers_follow_up_in(alice_client):
    body = alice_client.get(reverse("contacts:log")).content.decode()
    assert "In 2 weeks" in body


def test_editing_an_interaction_offers_no_follow_up(alice_client, alice):
    dana = contact(alice, "Dana")
    alice_client.post(reverse("contacts:log"), quick_log(dana))
    talk = Interaction.objects.get()
    body = alice_client.get(reverse("contacts:interaction_edit", args=[talk.pk])).content
    assert b"In 2 weeks" not in body


# --- Tenancy ----------------------------------------------------------------------------------

FOLLOWUP_URLS = [
    "followups:edit",
    "followups:done",
    "followups:snooze",
    "followups:skip",
    "followups:log",
]
CONTACT_URLS = ["followups:checkin_done", "followups:checkin_snooze"]


@pytest.mark.parametrize("name", FOLLOWUP_URLS)
@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_another_users_followup_is_a_404(bob_client, alice, name, method):
    pending = followup(alice, contact(alice, "Dana"))
    url = reverse(name, args=[pending.pk])
    response = getattr(bob_client, method)(url, {"about": "Hacked", "until": "2026-07-01"})
    assert response.status_code == 404
    pending.refresh_from_db()
    assert (pending.about, pending.status) == ("Send the deck", "open")


@pytest.mark.parametrize("name", CONTACT_URLS)
@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_another_users_contact_is_a_404(bob_client, alice, name, method):
    dana = contact(alice, "Dana")
    next_checkin = dana.next_checkin_on
    response = getattr(bob_client, method)(reverse(name, args=[dana.pk]), {"until": "2026-07-01"})
    assert response.status_code == 404
    assert fresh(dana).next_checkin_on == next_checkin
    assert not Interaction.objects.exists()


def test_the_create_form_will_not_prefill_another_users_contact(bob_client, alice):
    assert bob_client.get(CREATE, {"contact": contact(alice, "Dana").pk}).status_code == 404


def test_every_followups_route_with_an_id_is_covered():
    from followups.urls import urlpatterns

    with_ids = {f"followups:{p.name}" for p in urlpatterns if "pk" in p.pattern.regex.groupindex}
    assert with_ids == set(FOLLOWUP_URLS + CONTACT_URLS)


def test_an_unknown_id_is_a_404(alice_client):
    assert alice_client.post(reverse("followups:done", args=[999999])).status_code == 404


def test_the_lists_forms_come_back_to_the_filter_they_were_sent_from(alice_client, alice):
    made = followup(alice, contact(alice, "Dana"), about="Send the deck")
    body = alice_client.get(LIST, {"status": "open"}).content.decode()
    # Done, the snooze menu's two forms, skip.
    assert re.findall(r'name="next" value="([^"]*)"', body) == ["/followups/?status=open"] * 4
    edit = reverse("followups:edit", args=[made.pk])
    assert f'href="{edit}?next=/followups/%3Fstatus%3Dopen"' in body
