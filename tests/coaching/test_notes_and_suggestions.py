"""What the coach writes and how the client answers, in the client's own pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import CoachScope
from accounts.services import user_sign_up
from coaching.models import CoachNote, Suggestion, SuggestionStatus
from coaching.services import assignment_end
from goals.models import Objective, Tactic
from tests.coaching.conftest import assign, network
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_coach_writes_a_note_the_client_reads_on_today(coach, coach_client, alice, alice_client):
    assign(alice, coach)
    response = coach_client.post(
        reverse("admin:coaching_coachnote_add"),
        {"client": alice.pk, "text": "Two coffees this week, please."},
    )
    assert response.status_code == 302
    note = CoachNote.objects.get()
    assert note.coach == coach
    today = alice_client.get(reverse("today"))
    assert b"From your coach" in today.content
    assert b"Two coffees this week, please." in today.content
    alice_client.post(reverse("coaching:note_dismiss", args=[note.pk]))
    assert b"Two coffees this week" not in alice_client.get(reverse("today")).content
    # Still kept in the coaching settings.
    assert b"Two coffees this week" in alice_client.get(reverse("coaching:settings")).content


def test_a_coach_cannot_write_to_a_non_client_or_after_revocation(coach, coach_client, alice, bob):
    assignment = assign(alice, coach)
    response = coach_client.post(
        reverse("admin:coaching_coachnote_add"), {"client": bob.pk, "text": "hello"}
    )
    assert response.status_code == 200
    assert b"Pick one of your active clients" in response.content
    assignment_end(assignment=assignment)
    response = coach_client.post(
        reverse("admin:coaching_coachnote_add"), {"client": alice.pk, "text": "hello"}
    )
    assert b"Pick one of your active clients" in response.content
    assert not CoachNote.objects.exists()


def test_another_coachs_notes_are_a_404(coach, coach_client, alice):
    other = user_sign_up(email="otto@example.com", password=PASSWORD, name="Otto")
    assign(alice, coach)
    assign(alice, other)
    note = CoachNote.objects.create(coach=other, client=alice, text="from otto")
    url = reverse("admin:coaching_coachnote_change", args=[note.pk])
    assert coach_client.get(url).status_code == 404
    assert coach_client.post(url, {"client": alice.pk, "text": "mine now"}).status_code == 404
    note.refresh_from_db()
    assert note.text == "from otto"


def suggest(coach_client, client, **fields):
    data = {"client": client.pk, "why": "", "detail": "", **fields}
    return coach_client.post(reverse("admin:coaching_suggestion_add"), data)


def test_suggestion_form_says_what_is_missing(coach, coach_client, alice):
    assign(alice, coach)
    response = suggest(
        coach_client, alice, kind="objective", title="More intros", metric="", target="0"
    )
    assert response.status_code == 200
    assert b"An objective needs a measure." in response.content
    assert b"The target must be more than zero." in response.content
    assert b"Per week, per month or per quarter?" in response.content
    response = suggest(coach_client, alice, kind="tactic", title="Coffee", minutes_per_week="5000")
    assert b"Where does this tactic happen?" in response.content
    assert b"Between 1 minute and 40 hours a week." in response.content
    assert not Suggestion.objects.exists()


def test_the_client_accepts_a_suggested_objective_into_their_plan(
    coach, coach_client, alice, alice_client
):
    assign(alice, coach)
    data = network(alice)
    response = suggest(
        coach_client,
        alice,
        kind="objective",
        title="Two introductions a month",
        metric="introductions_made",
        target="2",
        period="month",
    )
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    today = alice_client.get(reverse("today"))
    assert b"Two introductions a month" in today.content
    alice_client.post(reverse("coaching:suggestion_accept", args=[suggestion.pk]))
    objective = Objective.objects.get(plan=data["plan"], title="Two introductions a month")
    assert objective.target == Decimal(2)
    assert objective.metric == "introductions_made"
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ACCEPTED
    assert suggestion.objective == objective
    # Answering twice changes nothing more.
    response = alice_client.post(
        reverse("coaching:suggestion_accept", args=[suggestion.pk]), follow=True
    )
    assert b"already answered" in response.content
    assert Objective.objects.filter(title="Two introductions a month").count() == 1
    # The coach sees the answer; the suggestion is no longer editable.
    url = reverse("admin:coaching_suggestion_change", args=[suggestion.pk])
    assert coach_client.post(url, {"title": "changed"}).status_code == 403


def test_the_client_declines_a_suggested_tactic(coach, coach_client, alice, alice_client):
    assign(alice, coach)
    network(alice)
    suggest(
        coach_client,
        alice,
        kind="tactic",
        title="One coffee a week",
        platform="in_person",
        minutes_per_week="60",
    )
    suggestion = Suggestion.objects.get()
    alice_client.post(reverse("coaching:suggestion_decline", args=[suggestion.pk]))
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.DECLINED
    assert not Tactic.objects.filter(action="One coffee a week").exists()


def test_accepting_without_a_plan_says_so(coach, alice, alice_client):
    assign(alice, coach, CoachScope.PLAN)
    suggestion = Suggestion.objects.create(
        coach=coach,
        client=alice,
        kind="tactic",
        title="One coffee a week",
        platform="in_person",
        minutes_per_week=60,
    )
    response = alice_client.post(
        reverse("coaching:suggestion_accept", args=[suggestion.pk]), follow=True
    )
    assert b"Start a goal plan first" in response.content
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.PENDING


def test_another_users_suggestion_or_note_is_a_404(coach, alice, bob, client):
    suggestion = Suggestion.objects.create(
        coach=coach, client=alice, kind="tactic", title="x", platform="phone", minutes_per_week=5
    )
    note = CoachNote.objects.create(coach=coach, client=alice, text="x")
    client.force_login(bob)
    for name in ("coaching:suggestion_accept", "coaching:suggestion_decline"):
        assert client.post(reverse(name, args=[suggestion.pk])).status_code == 404
    assert client.post(reverse("coaching:note_dismiss", args=[note.pk])).status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.PENDING
