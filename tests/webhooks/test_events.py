"""Where events come from: the services of contacts, follow-ups and KPIs write one delivery per
listening endpoint, in their own transaction, and never anything a user marked private."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from contacts.models import Contact
from contacts.services import contact_save
from followups.models import FollowUp
from followups.services import followup_create, followup_done, followup_snooze
from kpis.models import WeeklyKpi
from tests.contacts.factories import contact, log
from tests.webhooks.factories import endpoint, sent
from webhooks.models import Event, WebhookDelivery
from webhooks.services import endpoint_ping, followups_due_emit, weekly_kpis_emit

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


def test_logging_an_interaction_tells_each_listening_endpoint(alice):
    one, two = endpoint(alice), endpoint(alice, "https://other.example.com/in")
    dana = contact(alice, "Dana", notes="secret notes", private_notes="very secret")
    interaction = log(alice, dana, notes="What we said")
    (body,) = sent(one, Event.INTERACTION_LOGGED)
    assert body["event"] == "interaction.logged"
    assert body["data"]["id"] == interaction.pk
    assert body["data"]["contacts"] == [{"id": dana.pk, "name": "Dana"}]
    assert body["data"]["url"].endswith(f"/contacts/interactions/{interaction.pk}/edit/")
    assert len(sent(two, Event.INTERACTION_LOGGED)) == 1
    delivery = WebhookDelivery.objects.get(endpoint=one, event=Event.INTERACTION_LOGGED)
    assert body["id"] == str(delivery.uid)


def test_a_private_interaction_sends_nothing(alice):
    hook = endpoint(alice)
    log(alice, contact(alice), private=True, notes="Between us")
    assert sent(hook, Event.INTERACTION_LOGGED) == []


def test_no_payload_carries_notes_or_private_notes(alice):
    hook = endpoint(alice)
    dana = contact(alice, "Dana")
    dana.notes, dana.private_notes = "NOTE-TEXT", "PRIVATE-TEXT"
    contact_save(
        contact=dana,
        emails=["d@example.com"],
        phones=[],
        tag_names=[],
        birthday=(None,) * 3,
        today=TODAY,
    )
    log(alice, dana, notes="INTERACTION-NOTE")
    followup = followup_create(owner=alice, contacts=[dana], about="Send the deck", due_on=TODAY)
    followup_done(followup=followup, today=TODAY)
    bodies = WebhookDelivery.objects.filter(endpoint=hook).values_list("body", flat=True)
    assert len(bodies) == 4  # changed, logged, done, and the interaction that done logged
    for body in bodies:
        for word in ("NOTE-TEXT", "PRIVATE-TEXT", "INTERACTION-NOTE", "d@example.com", "notes"):
            assert word not in body


def test_a_new_contact_and_a_changed_one_are_two_events(alice):
    hook = endpoint(alice)
    dana = Contact(owner=alice, first_name="Dana")
    contact_save(
        contact=dana, emails=[], phones=[], tag_names=[], birthday=(None,) * 3, today=TODAY
    )
    dana.company = "Acme"
    contact_save(
        contact=dana, emails=[], phones=[], tag_names=[], birthday=(None,) * 3, today=TODAY
    )
    assert [b["event"] for b in sent(hook)] == ["contact.created", "contact.changed"]
    assert sent(hook)[1]["data"]["company"] == "Acme"


def test_an_endpoint_gets_only_the_events_it_chose_and_none_when_off(alice):
    chosen = endpoint(alice, events=[Event.FOLLOWUP_DONE])
    off = endpoint(alice, enabled=False)
    log(alice, contact(alice))
    assert sent(chosen) == []
    assert sent(off) == []


def test_another_users_endpoint_hears_nothing(alice, bob):
    theirs = endpoint(bob)
    log(alice, contact(alice))
    assert sent(theirs) == []


def test_a_follow_up_done_is_told_once(alice):
    hook = endpoint(alice, events=[Event.FOLLOWUP_DONE])
    followup = followup_create(owner=alice, contacts=[contact(alice)], about="Call", due_on=TODAY)
    followup_done(followup=followup, today=TODAY)
    followup_done(followup=followup, today=TODAY)
    (body,) = sent(hook)
    assert body["data"]["status"] == "done"
    assert body["data"]["done_on"] == TODAY.isoformat()


@pytest.mark.django_db(transaction=True)
def test_an_event_in_a_transaction_that_rolls_back_sends_nothing(alice):
    hook = endpoint(alice)
    dana = contact(alice)

    def fails_after_the_log() -> None:
        with transaction.atomic():
            log(alice, dana)
            raise RuntimeError("the request failed after the log")

    with pytest.raises(RuntimeError):
        fails_after_the_log()
    assert sent(hook) == []


@time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False)
def test_a_follow_up_falling_due_is_told_once_per_due_date(alice):
    hook = endpoint(alice, events=[Event.FOLLOWUP_DUE])
    dana = contact(alice)
    due = followup_create(owner=alice, contacts=[dana], about="Call", due_on=TODAY)
    followup_create(owner=alice, contacts=[dana], about="Later", due_on=TODAY + dt.timedelta(3))
    followup_create(owner=alice, contacts=[dana], about="Long ago", due_on=dt.date(2026, 1, 1))
    assert followups_due_emit() == 1
    assert followups_due_emit() == 0  # every sweep asks; the same day is told once
    (body,) = sent(hook)
    assert body["data"]["id"] == due.pk
    assert body["data"]["due_on"] == "2026-06-15"
    # Snoozed to another day: due again on that day, told again then.
    followup_snooze(followup=due, until=TODAY + dt.timedelta(days=1))
    assert followups_due_emit() == 0
    with time_machine.travel(dt.datetime(2026, 6, 16, 10, tzinfo=dt.UTC), tick=False):
        assert followups_due_emit() == 1
    assert len(sent(hook)) == 2


@time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False)
def test_a_follow_up_done_is_not_told_as_due(alice):
    endpoint(alice, events=[Event.FOLLOWUP_DUE])
    followup = followup_create(owner=alice, contacts=[contact(alice)], about="Call", due_on=TODAY)
    FollowUp.objects.filter(pk=followup.pk).update(status="done", done_on=TODAY)
    assert followups_due_emit() == 0


def test_the_weekly_kpis_are_told_once_a_week(alice, bob):
    hook = endpoint(alice, events=[Event.KPIS_WEEKLY_READY])
    week = dt.date(2026, 6, 8)
    for user in (alice, bob):
        WeeklyKpi.objects.create(
            user=user,
            week_start=week,
            values={"interactions": 4},
            timezone="UTC",
            computed_at=timezone.now(),
        )
    assert weekly_kpis_emit(week_start=week, user_ids=[alice.pk, bob.pk]) == 1
    weekly_kpis_emit(week_start=week, user_ids=[alice.pk])  # rolled up again
    (body,) = sent(hook)
    assert body["data"]["week_start"] == "2026-06-08"
    assert body["data"]["values"] == {"interactions": 4}


def test_a_ping_goes_to_its_endpoint_even_when_it_is_off(alice):
    hook = endpoint(alice, enabled=False, events=[])
    endpoint_ping(endpoint=hook)
    (body,) = sent(hook)
    assert body["event"] == "ping"
    assert json.loads(WebhookDelivery.objects.get().body)["data"]["endpoint"] == hook.pk


def test_the_monday_sweep_tells_that_the_weeks_kpis_are_ready(alice):
    from accounts.models import Profile
    from kpis.rollup import kpi_sweep

    hook = endpoint(alice, events=[Event.KPIS_WEEKLY_READY])
    Profile.objects.filter(user=alice).update(
        next_rollup_at=timezone.now() - dt.timedelta(minutes=1)
    )
    kpi_sweep(enqueue=lambda ids: None)
    (body,) = sent(hook)
    assert body["event"] == "kpis.weekly_ready"
    assert body["data"]["values"]["outcomes"] == 0
