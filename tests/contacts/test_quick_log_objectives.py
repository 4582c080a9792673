"""The quick log names the objective an interaction served, suggesting those that fit."""

import datetime as dt

import pytest
from django.urls import reverse

from contacts.models import Interaction, Tag
from goals.models import GoalPlan, Objective
from tests.contacts.factories import contact, log, queries_of
from tests.contacts.test_quick_log import URL, form

pytestmark = pytest.mark.django_db


def plan_for(owner, **fields):
    return GoalPlan.objects.create(owner=owner, started_on=dt.date(2026, 1, 1), **fields)


def objective(plan, title, **fields):
    return Objective.objects.create(
        plan=plan, title=title, metric="meaningful_connections", target=4, **fields
    )


def test_it_suggests_the_objectives_whose_audience_includes_the_contact(alice_client, alice):
    plan = plan_for(alice)
    fintech = Tag.objects.create(owner=alice, name="fintech")
    dana = contact(alice, "Dana", industry="Banking")
    dana.tags.add(fintech)
    by_tag = objective(plan, "Fintech conversations")
    by_tag.audience_tags.add(fintech)
    objective(plan, "Inner circle", audience_circles=["inner"])
    targeted = objective(plan, "Land Dana's team")
    targeted.targets.add(dana)
    body = alice_client.get(URL, {"contact": dana.pk}).content.decode()
    suggested = body.split('label="Suggested for these contacts"')[1].split("</optgroup>")[0]
    assert "Fintech conversations" in suggested
    assert "Land Dana&#x27;s team" in suggested or "Land Dana's team" in suggested
    assert "Inner circle" not in suggested
    assert "Inner circle" in body.split('label="Other objectives"')[1]


def test_it_hides_the_field_without_a_plan(alice_client, alice):
    body = alice_client.get(URL, {"contact": contact(alice).pk}).content.decode()
    assert 'name="objective"' not in body


def test_it_links_the_interaction_to_the_objective(alice_client, alice):
    goal = objective(plan_for(alice), "Meet fintech founders")
    dana = contact(alice)
    alice_client.post(URL, form(dana, objective=goal.pk))
    assert Interaction.objects.get().objective == goal


def test_it_refuses_an_objective_of_another_user_and_saves_nothing(alice_client, alice, bob):
    theirs = objective(plan_for(bob), "Bob's goal")
    response = alice_client.post(URL, form(contact(alice), objective=theirs.pk))
    assert "Pick one of the objectives of your plan." in response.content.decode()
    assert not Interaction.objects.exists()


def test_an_interaction_keeps_the_objective_of_an_earlier_plan_when_edited(alice_client, alice):
    old = plan_for(alice, ended_on=dt.date(2026, 3, 1))
    goal = objective(old, "Last year's goal")
    dana = contact(alice)
    interaction = log(alice, dana, on=dt.date(2026, 2, 1), objective=goal)
    response = alice_client.post(
        reverse("contacts:interaction_edit", args=[interaction.pk]),
        form(dana, occurred_on="2026-02-02", objective=goal.pk),
    )
    assert response.status_code == 302
    interaction.refresh_from_db()
    assert (interaction.occurred_on, interaction.objective) == (dt.date(2026, 2, 2), goal)


def test_the_service_refuses_another_users_objective(alice, bob):
    theirs = objective(plan_for(bob), "Bob's goal")
    with pytest.raises(PermissionError):
        log(alice, contact(alice), objective=theirs)


def test_suggestions_take_the_same_few_queries_at_1_and_at_10_objectives(alice_client, alice):
    plan = plan_for(alice)
    tag = Tag.objects.create(owner=alice, name="t")
    dana = contact(alice)

    def add(count):
        for n in range(count):
            objective(plan, f"Goal {count}-{n}", audience_circles=["inner"]).audience_tags.add(tag)

    add(1)
    alice_client.get(URL, {"contact": dana.pk})
    few = queries_of(lambda: alice_client.get(URL, {"contact": dana.pk}))
    add(9)
    assert queries_of(lambda: alice_client.get(URL, {"contact": dana.pk})) == few
    # user, contact, chosen contacts, objectives, their tags and communities, the suggestion count
    assert few <= 8
