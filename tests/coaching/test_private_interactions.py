"""Nothing a coach sees changes when a client logs, edits or deletes a private interaction.

The rule that makes it hold: a private interaction is in its owner's log and counted in no
number (`InteractionQuerySet.counted`) — not the check-in, the strength, the last interaction,
the KPIs or the objectives. Every page a coach can open is rendered before and after, and the
text must be the same.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import CoachScope
from coaching.models import ClientContact, ClientInteraction
from contacts.models import Contact, Interaction
from contacts.services import (
    checkins_refresh,
    interaction_delete,
    interaction_log,
    interaction_update,
)
from contacts.strength import strength_refresh
from followups.services import checkin_snooze
from kpis.rollup import rollup_backfill
from tests.coaching.conftest import assign, network

pytestmark = pytest.mark.django_db

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def setting(coach, alice):
    today = timezone.localdate()
    data = network(alice, today)
    assignment = assign(alice, coach, CoachScope.INTERACTIONS)
    # Overdue: last seen four months ago, in a circle with a 30-day cadence.
    late = Contact.objects.create(owner=alice, first_name="Lena", last_name="Late", circle="close")
    interaction_log(
        owner=alice,
        contacts=[late],
        occurred_on=today - dt.timedelta(days=120),
        today=today,
        kind="meeting",
        quality=3,
    )
    # Snoozed a month ahead.
    snoozed = Contact.objects.create(owner=alice, first_name="Sam", last_name="Snoozed")
    checkin_snooze(contact=snoozed, until=today + dt.timedelta(days=200), today=today)
    # Contacts made here without the services: derive their numbers as the services would.
    strength_refresh(
        contact_ids=Contact.objects.filter(owner=alice).values_list("pk", flat=True), today=today
    )
    checkins_refresh(contacts=Contact.objects.filter(owner=alice))
    rollup_backfill(weeks=4, users=[alice])
    return {**data, "today": today, "late": late, "snoozed": snoozed, "assignment": assignment}


def coach_pages(setting: dict[str, Any], alice: Any) -> list[str]:
    pages = [
        reverse("admin:coaching_client_changelist"),
        reverse("admin:coaching_client_changelist") + "?o=6",
        reverse("admin:coaching_client_change", args=[setting["assignment"].pk]),
        reverse("admin:coaching_clientcontact_changelist"),
        reverse("admin:coaching_clientinteraction_changelist"),
    ]
    pages += [
        reverse("admin:coaching_clientcontact_change", args=[pk])
        for pk in ClientContact.objects.filter(owner=alice).values_list("pk", flat=True)
    ]
    pages += [
        reverse("admin:coaching_clientinteraction_change", args=[pk])
        for pk in ClientInteraction.objects.filter(owner=alice, private=False).values_list(
            "pk", flat=True
        )
    ]
    return pages


def seen(browser: Any, pages: list[str]) -> dict[str, bytes]:
    found = {}
    for url in pages:
        response = browser.get(url)
        assert response.status_code == 200, url
        found[url] = TOKEN.sub(b"", response.content)
    return found


def assert_same(before: dict[str, bytes], after: dict[str, bytes]) -> None:
    for url, text in before.items():
        if after[url] != text:
            i = next(i for i, (a, b) in enumerate(zip(after[url], text, strict=False)) if a != b)
            raise AssertionError(
                f"{url} changed: {text[i - 300 : i + 80]!r} -> {after[url][i - 300 : i + 80]!r}"
            )


def test_it_shows_a_coach_the_same_pages_after_a_private_interaction_is_logged(
    setting, alice, coach_client
):
    pages = coach_pages(setting, alice)
    before = seen(coach_client, pages)
    today = setting["today"]
    interaction_log(
        owner=alice,
        contacts=[setting["late"], setting["snoozed"], setting["open"]],
        occurred_on=today,
        today=today,
        kind="meeting",
        channel="in_person",
        quality=5,
        duration_minutes=90,
        outcome="job_lead",
        objective=setting["objective"],
        private=True,
    )
    # An earlier one too: it would have moved the relationship's start (tenure).
    interaction_log(
        owner=alice,
        contacts=[setting["open"]],
        occurred_on=today - dt.timedelta(days=900),
        today=today,
        kind="call",
        private=True,
    )
    rollup_backfill(weeks=4, users=[alice])
    assert_same(before, seen(coach_client, pages))


def test_it_shows_a_coach_the_same_pages_after_a_private_interaction_is_edited_or_deleted(
    setting, alice, coach_client
):
    pages = coach_pages(setting, alice)
    before = seen(coach_client, pages)
    today = setting["today"]
    private = setting["private"]
    interaction_update(
        interaction=private,
        contacts=[setting["late"], setting["open"]],
        today=today,
        occurred_on=today - dt.timedelta(days=1),
        quality=5,
        outcome="referral",
    )
    assert_same(before, seen(coach_client, pages))
    interaction_delete(interaction=Interaction.objects.get(pk=private.pk), today=today)
    rollup_backfill(weeks=4, users=[alice])
    assert_same(before, seen(coach_client, pages))


def test_a_private_interaction_stays_in_the_owners_log(setting, alice, alice_client):
    """Counted nowhere, but never lost: the owner still reads it on the contact's page."""
    today = setting["today"]
    interaction_log(
        owner=alice,
        contacts=[setting["late"]],
        occurred_on=today,
        today=today,
        kind="call",
        notes="a private call about the offer",
        private=True,
    )
    late = Contact.objects.get(pk=setting["late"].pk)
    assert late.last_interaction_on == today - dt.timedelta(days=120)
    page = alice_client.get(reverse("contacts:detail", args=[late.pk]))
    assert b"a private call about the offer" in page.content
