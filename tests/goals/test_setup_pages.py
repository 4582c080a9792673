"""The guided setup: a starter, then purpose, objectives, priorities and tactics, then saved."""

import datetime as dt
import html as html_lib

import pytest
import time_machine
from django.urls import reverse

from contacts.models import Tag
from goals import services
from goals.models import GoalPlan, Template
from goals.starters import JOB_SEARCH, SWITCH_INDUSTRIES

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 10, 10, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 10)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def text(response):
    return html_lib.unescape(response.content.decode())


def management(prefix, total, initial):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "12",
    }


def objectives_form(rows, extra=1):
    data = management("objectives", len(rows) + extra, len(rows))
    fields = ("title", "metric", "detail", "target", "period", "due_on")
    for index, row in enumerate([*rows, *({} for _ in range(extra))]):
        for name in fields:
            data[f"objectives-{index}-{name}"] = row.get(name, "month" if name == "period" else "")
        if row.get("DELETE"):
            data[f"objectives-{index}-DELETE"] = "on"
    return data


def priorities_form(rows, extra=2):
    data = management("priorities", len(rows) + extra, len(rows))
    for index, (text_, not_now) in enumerate(rows):
        data[f"priorities-{index}-text"] = text_
        if not_now:
            data[f"priorities-{index}-not_now"] = "on"
    for index in range(len(rows), len(rows) + extra):
        data[f"priorities-{index}-text"] = ""
    return data


def tactics_form(rows, extra=1):
    data = management("tactics", len(rows) + extra, len(rows))
    for index, row in enumerate([*rows, *({} for _ in range(extra))]):
        data[f"tactics-{index}-platform"] = row.get("platform", "")
        data[f"tactics-{index}-action"] = row.get("action", "")
        data[f"tactics-{index}-minutes_per_week"] = row.get("minutes_per_week", "60")
        data[f"tactics-{index}-boundaries"] = row.get("boundaries", "")
    return data


PURPOSE = {
    "name": "Autumn job search",
    "purpose_who": "Product leads in fintech",
    "purpose_why": "They hire",
    "purpose_what": "My last launch",
    "audience_industry": "Fintech",
}
OBJECTIVES = [
    {"title": "Conversations", "metric": "meaningful_connections", "target": "6"},
    {"title": "Leads", "metric": "outcomes", "detail": "job_lead", "target": "2"},
]
TACTICS = [
    {"platform": "linkedin", "action": "Messages", "minutes_per_week": "90"},
    {"platform": "in_person", "action": "Coffee", "minutes_per_week": "120", "boundaries": "Tue"},
]


def walk(client, starter="job_search"):
    """The whole setup, step by step; each step answers with a redirect to the next."""
    steps = [
        (reverse("goals:setup"), {"starter": starter}),
        (reverse("goals:setup_purpose"), PURPOSE),
        (reverse("goals:setup_objectives"), objectives_form(OBJECTIVES)),
        (reverse("goals:setup_priorities"), priorities_form([("Alumni", False), ("TikTok", True)])),
        (reverse("goals:setup_tactics"), tactics_form(TACTICS)),
    ]
    for url, data in steps:
        response = client.post(url, data)
        assert response.status_code == 302, text(response)
    return response


def test_it_offers_every_starter(alice_client):
    page = text(alice_client.get(reverse("goals:setup")))
    for key in Template.values:
        assert f'data-testid="starter-{key}"' in page


def test_it_prefills_the_purpose_from_the_starter(alice_client):
    alice_client.post(reverse("goals:setup"), {"starter": "job_search"})
    page = text(alice_client.get(reverse("goals:setup_purpose")))
    assert JOB_SEARCH.purpose_who in page
    assert "Who do you want to reach?" in page


def test_it_prefills_the_objectives_from_the_starter(alice_client):
    alice_client.post(reverse("goals:setup"), {"starter": "switch_industries"})
    page = text(alice_client.get(reverse("goals:setup_objectives")))
    for draft in SWITCH_INDUSTRIES.objectives:
        assert draft.title in page
    assert 'value="2026-09-08"' in page  # the mentor, by 90 days from today


def test_it_saves_the_plan_as_edited_at_the_last_step(alice_client, alice):
    response = walk(alice_client)
    assert response.url == reverse("goals:plan")
    plan = GoalPlan.objects.get(owner=alice)
    assert plan.name == "Autumn job search"
    assert plan.template == Template.JOB_SEARCH
    assert plan.started_on == TODAY
    assert plan.audience_industry == "Fintech"
    assert [(o.title, o.detail) for o in plan.objectives.all()] == [
        ("Conversations", ""),
        ("Leads", "job_lead"),
    ]
    assert [(p.text, p.not_now) for p in plan.priorities.all()] == [
        ("Alumni", False),
        ("TikTok", True),
    ]
    assert [(t.action, t.minutes_per_week) for t in plan.tactics.all()] == [
        ("Messages", 90),
        ("Coffee", 120),
    ]


def test_nothing_is_saved_before_the_last_step(alice_client, alice):
    alice_client.post(reverse("goals:setup"), {"starter": "job_search"})
    alice_client.post(reverse("goals:setup_purpose"), PURPOSE)
    assert not GoalPlan.objects.filter(owner=alice).exists()


def test_it_keeps_the_audience_tags_picked_in_the_purpose(alice_client, alice):
    tag = Tag.objects.create(owner=alice, name="fintech")
    alice_client.post(reverse("goals:setup"), {"starter": "blank"})
    alice_client.post(reverse("goals:setup_purpose"), {**PURPOSE, "audience_tags": [tag.pk]})
    alice_client.post(reverse("goals:setup_objectives"), objectives_form([]))
    alice_client.post(reverse("goals:setup_priorities"), priorities_form([]))
    alice_client.post(reverse("goals:setup_tactics"), tactics_form([]))
    assert list(GoalPlan.objects.get(owner=alice).audience_tags.all()) == [tag]


def test_it_leaves_out_a_removed_objective(alice_client, alice):
    alice_client.post(reverse("goals:setup"), {"starter": "job_search"})
    removed = [OBJECTIVES[0], {**OBJECTIVES[1], "DELETE": True}]
    alice_client.post(reverse("goals:setup_objectives"), objectives_form(removed))
    alice_client.post(reverse("goals:setup_priorities"), priorities_form([]))
    alice_client.post(reverse("goals:setup_tactics"), tactics_form([]))
    plan = GoalPlan.objects.get(owner=alice)
    assert [o.title for o in plan.objectives.all()] == ["Conversations"]


def test_it_adds_an_objective_in_the_extra_row(alice_client, alice):
    alice_client.post(reverse("goals:setup"), {"starter": "blank"})
    alice_client.post(reverse("goals:setup_objectives"), objectives_form([OBJECTIVES[0]], extra=0))
    alice_client.post(reverse("goals:setup_priorities"), priorities_form([]))
    alice_client.post(reverse("goals:setup_tactics"), tactics_form([]))
    assert GoalPlan.objects.get(owner=alice).objectives.count() == 1


def test_a_bad_objective_keeps_what_was_typed_and_saves_nothing(alice_client, alice):
    alice_client.post(reverse("goals:setup"), {"starter": "job_search"})
    bad = [{"title": "Typed with care", "metric": "help_given", "target": "0"}]
    response = alice_client.post(reverse("goals:setup_objectives"), objectives_form(bad))
    page = text(response)
    assert response.status_code == 200
    assert "The target must be more than zero." in page
    assert 'value="Typed with care"' in page
    # The draft still holds the starter's objectives.
    page = text(alice_client.get(reverse("goals:setup_objectives")))
    assert JOB_SEARCH.objectives[0].title in page


def test_a_tactic_over_40_hours_is_refused_and_nothing_is_saved(alice_client, alice):
    alice_client.post(reverse("goals:setup"), {"starter": "job_search"})
    over = [{"platform": "linkedin", "action": "All of it", "minutes_per_week": "3000"}]
    response = alice_client.post(reverse("goals:setup_tactics"), tactics_form(over))
    assert "At most 40 hours a week (2,400 minutes)." in text(response)
    assert 'value="All of it"' in text(response)
    assert not GoalPlan.objects.filter(owner=alice).exists()


def test_a_step_without_a_starter_goes_back_to_the_first(alice_client):
    response = alice_client.get(reverse("goals:setup_objectives"))
    assert response.url == reverse("goals:setup")


def test_an_unknown_starter_is_refused(alice_client):
    response = alice_client.post(reverse("goals:setup"), {"starter": "world_domination"})
    assert response.url == reverse("goals:setup")
    assert "goals_setup" not in alice_client.session


def test_it_says_the_current_plan_will_move_to_history(alice_client, alice):
    services.plan_start(owner=alice, starter=JOB_SEARCH, today=dt.date(2026, 1, 1))
    page = text(alice_client.get(reverse("goals:setup")))
    assert "It stays as it is until you save the new one; then it moves to your" in page
    alice_client.post(reverse("goals:setup"), {"starter": "blank"})
    page = text(alice_client.get(reverse("goals:setup_tactics")))
    assert "Your current plan, “Job search”, moves to your history" in page


def test_finishing_moves_the_current_plan_to_history(alice_client, alice):
    old = services.plan_start(owner=alice, starter=JOB_SEARCH, today=dt.date(2026, 1, 1))
    walk(alice_client, "thought_leadership")
    old.refresh_from_db()
    assert old.ended_on == TODAY
    assert GoalPlan.objects.filter(owner=alice).active().get().name == "Autumn job search"
    page = text(alice_client.get(reverse("goals:plan")))
    assert "“Job search” is in your history." in page


def test_the_draft_is_gone_once_saved(alice_client):
    walk(alice_client)
    assert "goals_setup" not in alice_client.session


def test_an_emptied_priority_is_left_out(alice_client, alice):
    alice_client.post(reverse("goals:setup"), {"starter": "job_search"})
    alice_client.post(
        reverse("goals:setup_priorities"), priorities_form([("", False), ("Kept", True)])
    )
    alice_client.post(reverse("goals:setup_tactics"), tactics_form([]))
    plan = GoalPlan.objects.get(owner=alice)
    assert [(p.text, p.not_now) for p in plan.priorities.all()] == [("Kept", True)]
