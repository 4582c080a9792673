import datetime as dt

import pytest

from accounts.models import local_today
from contacts.models import Interaction
from followups.models import FollowUp, FollowUpStatus
from tests.contacts.factories import contact, fresh

pytestmark = pytest.mark.django_db


def test_it_logs_a_call_with_two_people_and_moves_their_checkins(api, alice):
    dana, eve = contact(alice, "Dana", circle="close"), contact(alice, "Eve")
    today = local_today(alice)
    response = api.post(
        "/api/v1/interactions/",
        {"contacts": [dana.pk, eve.pk], "kind": "call", "channel": "phone", "quality": 4},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert sorted(c["id"] for c in body["contacts"]) == sorted([dana.pk, eve.pk])
    assert body["occurred_on"] == today.isoformat()
    dana = fresh(dana)
    assert dana.last_interaction_on == today
    assert dana.next_checkin_on == today + dt.timedelta(days=30)
    assert dana.strength > 0


def test_it_plans_a_follow_up_with_the_same_people(api, alice):
    dana = contact(alice, "Dana")
    api.post(
        "/api/v1/interactions/",
        {"contacts": [dana.pk], "follow_up_in": "1w", "follow_up_about": "Send the deck"},
        format="json",
    )
    followup = FollowUp.objects.get()
    assert followup.about == "Send the deck"
    assert list(followup.contacts.all()) == [dana]


def test_it_refuses_another_users_contact_with_the_forms_words(api, alice, bob):
    mine, theirs = contact(alice, "Dana"), contact(bob, "Eve")
    response = api.post("/api/v1/interactions/", {"contacts": [mine.pk, theirs.pk]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["contacts"] == [
        "One of the chosen contacts is not in your network."
    ]
    assert not Interaction.objects.exists()


def test_it_refuses_a_future_interaction(api, alice):
    dana = contact(alice, "Dana")
    response = api.post(
        "/api/v1/interactions/",
        {"contacts": [dana.pk], "occurred_on": "2999-01-01"},
        format="json",
    )
    assert response.json()["errors"]["occurred_on"] == ["An interaction cannot be in the future."]


def test_it_changes_and_deletes_an_interaction(api, alice):
    dana = contact(alice, "Dana")
    made = api.post("/api/v1/interactions/", {"contacts": [dana.pk]}, format="json").json()
    changed = api.patch(f"/api/v1/interactions/{made['id']}/", {"quality": 5}, format="json")
    assert changed.json()["quality"] == 5
    assert api.delete(f"/api/v1/interactions/{made['id']}/").status_code == 204
    assert fresh(dana).last_interaction_on is None


def test_it_creates_snoozes_and_marks_a_follow_up_done(api, alice):
    dana = contact(alice, "Dana")
    today = local_today(alice)
    made = api.post(
        "/api/v1/followups/",
        {"contacts": [dana.pk], "about": "Intro to Eve", "due_on": today.isoformat()},
        format="json",
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    until = (today + dt.timedelta(days=3)).isoformat()
    snoozed = api.post(f"/api/v1/followups/{pk}/snooze/", {"until": until}, format="json")
    assert snoozed.json()["followup"]["status"] == "snoozed"
    done = api.post(f"/api/v1/followups/{pk}/done/", {}, format="json")
    assert done.json()["changed"] is True
    assert FollowUp.objects.get().status == FollowUpStatus.DONE
    assert fresh(dana).last_interaction_on == today  # the short interaction it logged
    again = api.post(f"/api/v1/followups/{pk}/done/", {}, format="json")
    assert again.json()["changed"] is False
    assert Interaction.objects.count() == 1


def test_it_refuses_a_past_due_date_in_words(api, alice):
    dana = contact(alice, "Dana")
    response = api.post(
        "/api/v1/followups/",
        {"contacts": [dana.pk], "about": "x", "due_on": "2001-01-01"},
        format="json",
    )
    assert "has already passed" in response.json()["errors"]["due_on"][0]


def test_it_lists_follow_ups_due_by_a_day(api, alice):
    dana = contact(alice, "Dana")
    today = local_today(alice)
    for days, about in ((0, "now"), (10, "later")):
        api.post(
            "/api/v1/followups/",
            {
                "contacts": [dana.pk],
                "about": about,
                "due_on": (today + dt.timedelta(days=days)).isoformat(),
            },
            format="json",
        )
    found = api.get("/api/v1/followups/", {"due_by": today.isoformat()}).json()["results"]
    assert [f["about"] for f in found] == ["now"]


def test_today_lists_due_checkins_and_follow_ups(api, alice):
    dana = contact(alice, "Dana", circle="inner")
    api.post(
        "/api/v1/followups/",
        {"contacts": [dana.pk], "about": "Call", "due_on": local_today(alice).isoformat()},
        format="json",
    )
    body = api.get("/api/v1/today/").json()
    assert [f["followup"]["about"] for f in body["followups"]] == ["Call"]
    assert body["today"] == local_today(alice).isoformat()


def test_tags_are_created_renamed_and_refused_twice(api, alice):
    made = api.post("/api/v1/tags/", {"name": "vc"}, format="json")
    assert made.status_code == 201
    again = api.post("/api/v1/tags/", {"name": "VC"}, format="json")
    assert again.json()["errors"]["name"] == ["You already have a tag named VC."]
    renamed = api.patch(f"/api/v1/tags/{made.json()['id']}/", {"name": "investors"}, format="json")
    assert renamed.json()["name"] == "investors"
