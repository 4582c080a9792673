"""Plans that use communities: an objective's audience can be the people met in some of them,
and a tactic can point at one. The plan page, the weekly rollup and the forms agree, and
another user's community is never accepted."""

import datetime as dt
import html as html_lib

import pytest
import time_machine
from django.urls import reverse

from communities.models import Community
from goals import services
from goals.models import GoalPlan, Objective, Tactic
from goals.progress import plan_numbers
from kpis.rollup import objectives_at_week_end
from tests.contacts.factories import contact, log

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 10, 10, tzinfo=dt.UTC)
STARTED = dt.date(2026, 6, 1)
WEEK = dt.date(2026, 6, 1)  # a Monday
OBJECTIVE = {
    "title": "Meet people from the meetup",
    "metric": "interactions_by_kind",
    "detail": "",
    "target": "4",
    "period": "month",
    "starts_on": "",
    "due_on": "",
    "audience_industry": "",
}
TACTIC = {
    "platform": "event",
    "action": "Go every month",
    "minutes_per_week": "60",
    "boundaries": "",
    "objective": "",
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def text(response) -> str:
    return html_lib.unescape(response.content.decode())


def network(owner, name: str = "Python Meetup") -> tuple[Community, list]:
    """A community with two members and one person from elsewhere, each talked to once."""
    place = Community.objects.create(owner=owner, name=name)
    ana, ben, cy = (contact(owner, n) for n in ("Ana", "Ben", "Cy"))
    place.members.add(ana, ben)
    for person in (ana, ben, cy):
        log(owner, person, on=dt.date(2026, 6, 3), today=dt.date(2026, 6, 3), kind="meeting")
    return place, [ana, ben, cy]


def plan_with(owner, *communities: Community) -> tuple[GoalPlan, Objective]:
    plan = GoalPlan.objects.create(owner=owner, started_on=STARTED)
    objective = services.objective_save(
        objective=Objective(plan=plan, title="Meet", metric="interactions_by_kind", target=4),
        version=None,
        audience_communities=communities,
    )
    return plan, objective


def test_an_objective_counts_only_the_communitys_members(alice):
    place, _ = network(alice)
    plan, objective = plan_with(alice, place)
    progress = plan_numbers(plan, today=dt.date(2026, 6, 10)).objectives[0]
    assert progress.value == 2
    objective = Objective.objects.prefetch_related("audience_communities").get(pk=objective.pk)
    assert objective.audience_label() == "contacts met in Python Meetup"
    objective.audience_circles = ["inner"]
    assert objective.audience_label() == "contacts in the Inner circle, met in Python Meetup"


def test_the_weekly_rollup_agrees_with_the_plan_for_users_sharing_a_community_name(alice, bob):
    for owner in (alice, bob):
        network(owner)
    bobs_place = Community.objects.get(owner=bob)
    bobs_place.members.remove(*bobs_place.members.all()[:1])  # bob knows one member there
    plan_with(alice, Community.objects.get(owner=alice))
    plan_with(bob, bobs_place)
    found = objectives_at_week_end(WEEK, [alice.pk, bob.pk], now=NOW)
    assert found[alice.pk][0]["value"] == 2
    assert found[bob.pk][0]["value"] == 1


def test_the_objective_form_saves_own_communities_and_refuses_anothers(alice_client, alice, bob):
    GoalPlan.objects.create(owner=alice, started_on=STARTED)
    mine = Community.objects.create(owner=alice, name="Alumni")
    theirs = Community.objects.create(owner=bob, name="Secret club")
    page = text(alice_client.get(reverse("goals:objective_create")))
    assert "Met in the communities" in page
    assert "Alumni" in page
    assert "Secret club" not in page
    refused = alice_client.post(
        reverse("goals:objective_create"), {**OBJECTIVE, "audience_communities": [theirs.pk]}
    )
    assert "Pick communities from your own list: one of these is not yours." in text(refused)
    assert not Objective.objects.exists()
    alice_client.post(
        reverse("goals:objective_create"), {**OBJECTIVE, "audience_communities": [mine.pk]}
    )
    saved = Objective.objects.get()
    assert list(saved.audience_communities.all()) == [mine]
    assert "met in Alumni" in text(alice_client.get(reverse("goals:plan")))


def test_a_tactic_points_at_one_of_your_communities(alice_client, alice, bob):
    GoalPlan.objects.create(owner=alice, started_on=STARTED)
    mine = Community.objects.create(owner=alice, name="Python Meetup")
    theirs = Community.objects.create(owner=bob, name="Secret club")
    refused = alice_client.post(reverse("goals:tactic_create"), {**TACTIC, "community": theirs.pk})
    assert "Pick one of your own communities." in text(refused)
    assert not Tactic.objects.exists()
    alice_client.post(reverse("goals:tactic_create"), {**TACTIC, "community": mine.pk})
    tactic = Tactic.objects.get()
    assert tactic.community == mine
    plan_page = text(alice_client.get(reverse("goals:plan")))
    assert f'In <a href="{reverse("communities:detail", args=[mine.pk])}">Python Meetup</a>' in (
        plan_page
    )
    community_page = text(alice_client.get(reverse("communities:detail", args=[mine.pk])))
    assert "In your plan" in community_page
    assert "Go every month</a>, 60 min a week" in community_page


def test_deleting_the_community_keeps_the_tactic_and_the_objective(alice):
    place, _ = network(alice)
    plan, objective = plan_with(alice, place)
    tactic = Tactic.objects.create(plan=plan, platform="event", action="Go", community=place)
    place.delete()
    tactic.refresh_from_db()
    assert tactic.community is None
    assert Objective.objects.get(pk=objective.pk).audience_communities.count() == 0
