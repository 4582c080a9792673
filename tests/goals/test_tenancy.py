"""Bob reaching for Alice's plans and their parts gets a 404, for every URL and method."""

import datetime as dt

import pytest
from django.urls import reverse

from goals import services
from goals.models import GoalPlan, Objective, Priority, Tactic
from goals.starters import BLANK, JOB_SEARCH
from goals.urls import urlpatterns

pytestmark = pytest.mark.django_db

# Which of alice's objects each route with an id is about.
ROUTES = {
    "plan_detail": "plan",
    "objective_edit": "objective",
    "objective_delete": "objective",
    "priority_edit": "priority",
    "priority_delete": "priority",
    "priority_move": "priority",
    "priority_not_now": "priority",
    "tactic_edit": "tactic",
    "tactic_active": "tactic",
    "tactic_delete": "tactic",
}
POST = {
    "direction": "up",
    "not_now": "1",
    "active": "0",
    "title": "Hacked",
    "text": "Hacked",
    "action": "Hacked",
    "metric": "help_given",
    "target": "1",
    "period": "month",
    "platform": "phone",
    "minutes_per_week": "5",
}


@pytest.fixture
def bob_client(client, bob):
    services.plan_start(owner=bob, starter=JOB_SEARCH, today=dt.date(2026, 6, 1))
    client.force_login(bob)
    return client


@pytest.fixture
def alices(alice):
    plan = services.plan_start(owner=alice, starter=JOB_SEARCH, today=dt.date(2026, 6, 1))
    return {
        "plan": plan,
        "objective": plan.objectives.first(),
        "priority": plan.priorities.first(),
        "tactic": plan.tactics.first(),
    }


def snapshot(plan):
    return (
        list(Objective.objects.filter(plan=plan).values_list("title", "target")),
        list(Priority.objects.filter(plan=plan).values_list("text", "not_now", "position")),
        list(Tactic.objects.filter(plan=plan).values_list("action", "active", "minutes_per_week")),
    )


def test_every_goals_route_with_an_id_is_covered():
    with_ids = {p.name for p in urlpatterns if p.pattern.regex.groupindex}
    assert with_ids == set(ROUTES)


@pytest.mark.parametrize("name", sorted(ROUTES))
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_users_plan_parts_are_a_404(bob_client, alices, name, method):
    before = snapshot(alices["plan"])
    url = reverse(f"goals:{name}", args=[alices[ROUTES[name]].pk])
    response = getattr(bob_client, method)(url, POST)
    assert response.status_code == 404
    assert snapshot(alices["plan"]) == before


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_an_htmx_request_for_another_users_part_is_a_404_too(bob_client, alices, name):
    url = reverse(f"goals:{name}", args=[alices[ROUTES[name]].pk])
    assert bob_client.post(url, POST, HTTP_HX_REQUEST="true").status_code == 404


def test_the_routes_without_an_id_act_on_bobs_own_plan(bob_client, alices, bob):
    before = snapshot(alices["plan"])
    bob_client.post(reverse("goals:review"))
    bob_client.post(reverse("goals:priority_create"), {"text": "Bob's"})
    bob_client.post(reverse("goals:purpose_edit"), {"name": "Hacked"})
    assert snapshot(alices["plan"]) == before
    assert GoalPlan.objects.get(pk=alices["plan"].pk).name == JOB_SEARCH.name
    assert Priority.objects.filter(plan__owner=bob, text="Bob's").exists()


def test_bob_does_not_see_alices_plan(bob_client, alices):
    html = bob_client.get(reverse("goals:plan")).content.decode()
    assert f"/goals/objectives/{alices['objective'].pk}/" not in html
    assert (
        reverse("goals:plan_detail", args=[alices["plan"].pk])
        not in bob_client.get(reverse("goals:history")).content.decode()
    )


def test_alices_earlier_plan_stays_hers(bob_client, alice, alices):
    services.plan_start(owner=alice, starter=BLANK, today=dt.date(2026, 6, 2))
    url = reverse("goals:plan_detail", args=[alices["plan"].pk])
    assert bob_client.get(url).status_code == 404


def test_an_unknown_id_is_a_404(bob_client):
    assert bob_client.get(reverse("goals:objective_edit", args=[999999])).status_code == 404
