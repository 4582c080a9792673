"""Editing the active plan: purpose, objectives, priorities and tactics; bad input saves nothing."""

import datetime as dt
import html as html_lib

import pytest
import time_machine
from django.urls import reverse

from contacts.models import Tag
from goals import services
from goals.models import GoalPlan, Objective, Priority, Tactic
from goals.starters import JOB_SEARCH
from tests.contacts.factories import contact

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 10, 10, tzinfo=dt.UTC)
STARTED = dt.date(2026, 6, 1)

OBJECTIVE = {
    "title": "Meet fintech founders",
    "metric": "interactions_by_kind",
    "detail": "meeting",
    "target": "4",
    "period": "month",
    "starts_on": "",
    "due_on": "",
    "audience_industry": "",
}
TACTIC = {
    "platform": "linkedin",
    "action": "Five comments",
    "minutes_per_week": "60",
    "boundaries": "Mornings",
    "objective": "",
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def plan(alice):
    return services.plan_start(owner=alice, starter=JOB_SEARCH, today=STARTED)


def later():
    """A minute on: when another tab saves."""
    return time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False)


def text(response):
    return html_lib.unescape(response.content.decode())


def version(obj):
    return obj.updated_at.isoformat()


# --- Purpose ----------------------------------------------------------------------------


def test_it_saves_the_purpose_and_its_audience(alice_client, alice, plan):
    tag = Tag.objects.create(owner=alice, name="fintech")
    response = alice_client.post(
        reverse("goals:purpose_edit"),
        {
            "name": "Fintech search",
            "purpose_who": "Founders",
            "purpose_why": "Hiring",
            "purpose_what": "My work",
            "audience_tags": [tag.pk],
            "audience_circles": ["inner", "close"],
            "audience_industry": "Fintech",
            "version": version(plan),
        },
    )
    assert response.url == reverse("goals:plan")
    plan.refresh_from_db()
    assert plan.purpose_who == "Founders"
    assert plan.audience_circles == ["inner", "close"]
    assert list(plan.audience_tags.all()) == [tag]


def purpose(plan, **changes):
    return {
        "name": plan.name,
        "purpose_who": plan.purpose_who,
        "purpose_why": plan.purpose_why,
        "purpose_what": plan.purpose_what,
        "audience_industry": "",
        "version": version(plan),
        **changes,
    }


def test_it_refuses_another_users_tag_in_the_audience(alice_client, alice, bob, plan):
    Tag.objects.create(owner=alice, name="mine")
    theirs = Tag.objects.create(owner=bob, name="secret")
    response = alice_client.post(
        reverse("goals:purpose_edit"), purpose(plan, purpose_who="X", audience_tags=[theirs.pk])
    )
    assert "Pick tags from your own list: one of these is not yours." in text(response)
    plan.refresh_from_db()
    assert plan.purpose_who != "X"


def test_it_refuses_a_circle_that_is_not_one(alice_client, plan):
    response = alice_client.post(
        reverse("goals:purpose_edit"), purpose(plan, audience_circles=["best-friends"])
    )
    assert "best-friends is not a circle; the circles are inner, close" in text(response)


def test_it_refuses_a_stale_purpose_and_keeps_what_was_typed(alice_client, plan):
    form = purpose(plan, purpose_who="Typed in the old tab")
    with later():
        GoalPlan.objects.get(pk=plan.pk).save()  # saved in another tab meanwhile
    response = alice_client.post(reverse("goals:purpose_edit"), form)
    page = text(response)
    assert response.status_code == 200
    assert "was changed in another tab or on another device" in page
    assert "Typed in the old tab" in page
    plan.refresh_from_db()
    assert plan.purpose_who == JOB_SEARCH.purpose_who
    # Saving again, knowingly, replaces the other version.
    again = alice_client.post(reverse("goals:purpose_edit"), {**form, "version": version(plan)})
    assert again.status_code == 302
    plan.refresh_from_db()
    assert plan.purpose_who == "Typed in the old tab"


def test_a_form_without_its_version_saves_nothing(alice_client, plan):
    response = alice_client.post(
        reverse("goals:purpose_edit"), purpose(plan, purpose_who="X", version="")
    )
    assert "This form is out of date." in text(response)
    plan.refresh_from_db()
    assert plan.purpose_who != "X"


# --- Objectives -------------------------------------------------------------------------


def test_it_adds_an_objective(alice_client, alice, plan):
    dana = contact(alice)
    response = alice_client.post(
        reverse("goals:objective_create"), {**OBJECTIVE, "targets": [dana.pk]}
    )
    objective = plan.objectives.get(title="Meet fintech founders")
    assert response.url == reverse("goals:plan") + f"#objective-{objective.pk}"
    assert objective.detail == "meeting"
    assert list(objective.targets.all()) == [dana]
    assert list(plan.objectives.all())[-1] == objective


def test_it_shows_the_catalogs_metrics_grouped_with_their_help(alice_client, plan):
    page = text(alice_client.get(reverse("goals:objective_create")))
    assert '<optgroup label="From what you log">' in page
    assert '<optgroup label="From your contacts">' in page
    assert 'data-help="Interactions you rated 4 or 5, or that they started."' in page


def add_objective(client, **changes):
    response = client.post(reverse("goals:objective_create"), {**OBJECTIVE, **changes})
    assert response.status_code == 200, "expected the form again, with an error"
    return text(response)


@pytest.mark.parametrize("target", ["0", "-3"])
def test_it_refuses_a_target_of_zero_or_less(alice_client, plan, target):
    assert "The target must be more than zero." in add_objective(alice_client, target=target)
    assert not plan.objectives.filter(title=OBJECTIVE["title"]).exists()


def test_it_refuses_a_by_date_objective_without_a_due_date(alice_client, plan):
    page = add_objective(alice_client, period="by_date")
    assert "A goal by a date needs a due date." in page
    assert not plan.objectives.filter(title=OBJECTIVE["title"]).exists()


def test_it_refuses_a_due_date_before_the_start(alice_client, plan):
    page = add_objective(
        alice_client, period="by_date", starts_on="2026-07-01", due_on="2026-06-30"
    )
    assert "The due date cannot be before the start date." in page


def test_it_refuses_a_due_date_before_the_plan_started(alice_client, plan):
    page = add_objective(alice_client, period="by_date", due_on="2026-05-01")
    assert "The due date cannot be before the plan started (1 Jun 2026)." in page


def test_it_forgets_the_dates_of_a_calendar_period(alice_client, plan):
    alice_client.post(reverse("goals:objective_create"), {**OBJECTIVE, "due_on": "2026-05-01"})
    assert plan.objectives.get(title=OBJECTIVE["title"]).due_on is None


def test_it_refuses_a_detail_the_metric_does_not_take(alice_client, plan):
    page = add_objective(alice_client, metric="interactions_by_channel", detail="meeting")
    assert "Interactions by channel can be narrowed to one of: in person, phone" in page
    assert not plan.objectives.filter(title=OBJECTIVE["title"]).exists()


def test_it_refuses_a_detail_for_a_metric_that_takes_none(alice_client, plan):
    page = add_objective(alice_client, metric="help_given", detail="meeting")
    assert "Help given cannot be narrowed; leave this at “Any”." in page


def test_it_refuses_a_metric_not_in_the_catalog(alice_client, plan):
    assert "Pick a measure from the list." in add_objective(alice_client, metric="followers")


def test_it_refuses_a_share_over_100(alice_client, plan):
    page = add_objective(alice_client, metric="offline_share", detail="", target="150")
    assert "A share is at most 100." in page


def test_it_refuses_another_users_contact_as_a_target(alice_client, bob, plan):
    theirs = contact(bob, "Eve")
    page = add_objective(alice_client, targets=[theirs.pk])
    assert "One of the chosen contacts is not in your network." in page
    assert not plan.objectives.filter(title=OBJECTIVE["title"]).exists()


def test_it_saves_several_target_contacts(alice_client, alice, plan):
    people = [contact(alice, name) for name in ("Dana", "Erin", "Fred")]
    alice_client.post(
        reverse("goals:objective_create"), {**OBJECTIVE, "targets": [c.pk for c in people]}
    )
    objective = plan.objectives.get(title=OBJECTIVE["title"])
    assert set(objective.targets.all()) == set(people)


def test_it_refuses_another_users_contact_among_the_targets(alice_client, alice, bob, plan):
    dana, theirs = contact(alice, "Dana"), contact(bob, "Zebedee")
    page = add_objective(alice_client, targets=[dana.pk, theirs.pk])
    assert "One of the chosen contacts is not in your network." in page
    assert "Zebedee" not in page
    assert 'aria-label="Remove Dana"' in page  # her own pick is kept, as a chip


def test_the_edit_form_shows_the_targets_as_chips_and_only_them(alice_client, alice, plan):
    dana = contact(alice, "Dana")
    contact(alice, "Someone Else")
    objective = plan.objectives.first()
    objective.targets.set([dana])
    page = text(alice_client.get(reverse("goals:objective_edit", args=[objective.pk])))
    assert f'name="targets" value="{dana.pk}"' in page
    assert 'aria-label="Remove Dana"' in page
    assert "Someone Else" not in page


def test_it_refuses_another_users_tag_for_an_objective(alice_client, alice, bob, plan):
    Tag.objects.create(owner=alice, name="mine")
    theirs = Tag.objects.create(owner=bob, name="secret")
    page = add_objective(alice_client, audience_tags=[theirs.pk])
    assert "Pick tags from your own list: one of these is not yours." in page


def test_it_edits_an_objective(alice_client, plan):
    objective = plan.objectives.first()
    response = alice_client.post(
        reverse("goals:objective_edit", args=[objective.pk]),
        {**OBJECTIVE, "version": version(objective)},
    )
    assert response.status_code == 302
    objective.refresh_from_db()
    assert objective.title == OBJECTIVE["title"]


def test_it_refuses_a_stale_objective_edit(alice_client, plan):
    objective = plan.objectives.first()
    opened = version(objective)
    with later():
        elsewhere = Objective.objects.get(pk=objective.pk)
        elsewhere.title = "Changed elsewhere"
        elsewhere.save()
    response = alice_client.post(
        reverse("goals:objective_edit", args=[objective.pk]), {**OBJECTIVE, "version": opened}
    )
    assert "This objective was changed in another tab" in text(response)
    objective.refresh_from_db()
    assert objective.title == "Changed elsewhere"


def test_deleting_an_objective_asks_first(alice_client, plan):
    objective = plan.objectives.first()
    Priority.objects.create(plan=plan, objective=objective)
    page = text(alice_client.get(reverse("goals:objective_delete", args=[objective.pk])))
    assert f"Delete the objective “{objective.title}”?" in page
    assert "The 1 priority naming it go with it." in page
    assert Objective.objects.filter(pk=objective.pk).exists()
    alice_client.post(reverse("goals:objective_delete", args=[objective.pk]))
    assert not Objective.objects.filter(pk=objective.pk).exists()


# --- Tactics ----------------------------------------------------------------------------


def test_it_adds_a_tactic_serving_an_objective(alice_client, plan):
    objective = plan.objectives.first()
    alice_client.post(reverse("goals:tactic_create"), {**TACTIC, "objective": objective.pk})
    tactic = plan.tactics.get(action="Five comments")
    assert tactic.objective == objective
    assert tactic.minutes_per_week == 60


def test_it_refuses_a_budget_over_40_hours(alice_client, plan):
    response = alice_client.post(
        reverse("goals:tactic_create"), {**TACTIC, "minutes_per_week": "2401"}
    )
    assert "At most 40 hours a week (2,400 minutes)." in text(response)
    assert not plan.tactics.filter(action="Five comments").exists()


def test_it_refuses_a_budget_of_no_time(alice_client, plan):
    response = alice_client.post(
        reverse("goals:tactic_create"), {**TACTIC, "minutes_per_week": "0"}
    )
    assert "Give it at least one minute a week." in text(response)


def test_it_refuses_an_objective_of_another_plan(alice_client, alice, bob, plan):
    theirs = services.plan_start(owner=bob, starter=JOB_SEARCH, today=STARTED).objectives.first()
    response = alice_client.post(reverse("goals:tactic_create"), {**TACTIC, "objective": theirs.pk})
    assert "Pick one of this plan's objectives." in text(response)


def test_it_refuses_a_stale_tactic_edit(alice_client, plan):
    tactic = plan.tactics.first()
    opened = version(tactic)
    with later():
        services.tactic_set_active(tactic=Tactic.objects.get(pk=tactic.pk), active=False)
    response = alice_client.post(
        reverse("goals:tactic_edit", args=[tactic.pk]), {**TACTIC, "version": opened}
    )
    assert "This tactic was changed in another tab" in text(response)
    tactic.refresh_from_db()
    assert tactic.action != TACTIC["action"]


def test_it_pauses_and_resumes_a_tactic(alice_client, plan):
    tactic = plan.tactics.first()
    alice_client.post(reverse("goals:tactic_active", args=[tactic.pk]), {"active": "0"})
    tactic.refresh_from_db()
    assert not tactic.active
    alice_client.post(reverse("goals:tactic_active", args=[tactic.pk]), {"active": "1"})
    tactic.refresh_from_db()
    assert tactic.active


def test_deleting_a_tactic_asks_first(alice_client, plan):
    tactic = plan.tactics.first()
    assert alice_client.get(reverse("goals:tactic_delete", args=[tactic.pk])).status_code == 200
    assert Tactic.objects.filter(pk=tactic.pk).exists()
    alice_client.post(reverse("goals:tactic_delete", args=[tactic.pk]))
    assert not Tactic.objects.filter(pk=tactic.pk).exists()


# --- Priorities -------------------------------------------------------------------------


def test_it_adds_a_priority_about_a_contact(alice_client, alice, plan):
    dana = contact(alice)
    response = alice_client.post(reverse("goals:priority_create"), {"text": "", "contact": dana.pk})
    assert response.url == reverse("goals:plan") + "#priorities"
    assert plan.priorities.filter(contact=dana, not_now=False).exists()


def test_a_priority_must_say_something(alice_client, plan):
    count = plan.priorities.count()
    response = alice_client.post(reverse("goals:priority_create"), {"text": " "})
    assert "Write what this priority is, or pick an objective or a contact." in text(response)
    assert plan.priorities.count() == count


def test_it_refuses_another_users_contact_in_a_priority(alice_client, bob, plan):
    response = alice_client.post(
        reverse("goals:priority_create"), {"text": "x", "contact": contact(bob).pk}
    )
    assert "That contact is not in your network." in text(response)


def test_it_edits_and_deletes_a_priority(alice_client, plan):
    priority = plan.priorities.first()
    alice_client.post(reverse("goals:priority_edit", args=[priority.pk]), {"text": "Renamed"})
    priority.refresh_from_db()
    assert priority.text == "Renamed"
    alice_client.post(reverse("goals:priority_delete", args=[priority.pk]))
    assert not Priority.objects.filter(pk=priority.pk).exists()


def test_it_finds_target_contacts_to_add(alice_client, alice, bob):
    contact(alice, "Dana", company="Acme")
    contact(bob, "Dana", company="Bobco")
    page = text(alice_client.get(reverse("goals:contact_picker"), {"q": "dan"}))
    assert 'role="option"' in page
    assert "Acme" in page
    assert "Bobco" not in page


def test_editing_without_a_plan_leads_to_the_setup(alice_client):
    for name in ("goals:purpose_edit", "goals:objective_create", "goals:tactic_create"):
        assert alice_client.get(reverse(name)).url == reverse("goals:setup")
