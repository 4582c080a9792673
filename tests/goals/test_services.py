import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from contacts.models import Tag
from goals import services
from goals.metrics import CATALOG
from goals.models import GoalPlan, Objective, Priority, Tactic, Template
from goals.starters import BLANK, JOB_SEARCH, STARTERS, SWITCH_INDUSTRIES, Starter

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 10)
NOW = dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC)


def start(owner, starter=JOB_SEARCH, today=TODAY, **kwargs):
    return services.plan_start(owner=owner, starter=starter, today=today, **kwargs)


def texts(plan, not_now=False):
    rows = Priority.objects.filter(plan=plan, not_now=not_now).order_by("position", "pk")
    return [p.text for p in rows]


# --- Starters ---------------------------------------------------------------------------


def test_every_starter_measures_with_catalog_metrics_and_details():
    for starter in STARTERS.values():
        for draft in starter.objectives:
            metric = CATALOG[draft.metric]
            assert not draft.detail or draft.detail in dict(metric.details), draft


def test_every_template_has_a_starter():
    assert set(STARTERS) == set(Template.values)


def test_every_starter_but_blank_has_its_four_parts():
    for starter in STARTERS.values():
        if starter is BLANK:
            continue
        assert 2 <= len(starter.objectives) <= 4, starter.key
        assert 2 <= len(starter.priorities) <= 3, starter.key
        assert any(p.not_now for p in starter.priorities), starter.key
        assert 2 <= len(starter.tactics) <= 3, starter.key


# --- Starting a plan --------------------------------------------------------------------


def test_it_starts_a_plan_from_a_starter(alice):
    plan = start(alice)
    assert plan.template == Template.JOB_SEARCH
    assert plan.started_on == TODAY
    assert plan.ended_on is None
    assert plan.purpose_who == JOB_SEARCH.purpose_who
    assert [o.metric for o in plan.objectives.all()] == [o.metric for o in JOB_SEARCH.objectives]
    assert texts(plan) == [p.text for p in JOB_SEARCH.priorities if not p.not_now]
    assert texts(plan, not_now=True) == [p.text for p in JOB_SEARCH.priorities if p.not_now]
    assert plan.tactics.count() == len(JOB_SEARCH.tactics)


def test_starting_a_plan_counts_as_a_review(alice):
    assert start(alice).reviewed_at is not None


def test_it_sets_a_by_date_objectives_due_date_from_the_start(alice):
    plan = start(alice, SWITCH_INDUSTRIES)
    mentor = plan.objectives.get(period="by_date")
    assert mentor.due_on == TODAY + dt.timedelta(days=90)


def test_starting_a_plan_keeps_the_old_one_as_history(alice):
    first = start(alice, today=dt.date(2026, 1, 5))
    second = start(alice, SWITCH_INDUSTRIES, today=TODAY)
    first.refresh_from_db()
    assert first.ended_on == TODAY
    assert first.objectives.count() == len(JOB_SEARCH.objectives)
    assert list(GoalPlan.objects.filter(owner=alice).active()) == [second]


def test_there_is_one_active_plan_per_user(alice, bob):
    start(alice)
    start(alice)
    start(bob)
    assert GoalPlan.objects.filter(owner=alice).count() == 2
    assert GoalPlan.objects.filter(owner=alice).active().count() == 1
    assert GoalPlan.objects.filter(owner=bob).active().count() == 1


def test_the_database_refuses_a_second_active_plan(alice):
    start(alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        GoalPlan.objects.create(owner=alice, started_on=TODAY)


def test_it_names_the_plan_as_asked(alice):
    assert start(alice, name="  Autumn search ").name == "Autumn search"


def test_it_keeps_only_the_owners_audience_tags(alice, bob):
    mine = Tag.objects.create(owner=alice, name="fintech")
    theirs = Tag.objects.create(owner=bob, name="fintech")
    starter = Starter(key="blank", name="Mine", summary="", audience_tag_ids=(mine.pk, theirs.pk))
    assert list(start(alice, starter).audience_tags.all()) == [mine]


# --- Stale edits ------------------------------------------------------------------------


def test_it_saves_an_edit_with_the_current_version(alice):
    plan = start(alice)
    plan.purpose_who = "Founders"
    services.plan_update(plan=plan, version=plan.updated_at, audience_tags=[])
    plan.refresh_from_db()
    assert plan.purpose_who == "Founders"


def test_it_refuses_a_stale_plan_edit_and_saves_nothing(alice):
    plan = start(alice)
    opened = plan.updated_at
    other_tab = GoalPlan.objects.get(pk=plan.pk)
    other_tab.purpose_who = "Recruiters"
    services.plan_update(plan=other_tab, version=opened, audience_tags=[])
    plan.purpose_who = "Founders"
    with pytest.raises(services.StaleEdit) as refused:
        services.plan_update(plan=plan, version=opened, audience_tags=[])
    plan.refresh_from_db()
    assert plan.purpose_who == "Recruiters"
    assert refused.value.current == plan.updated_at


def test_it_refuses_a_stale_objective_edit(alice):
    objective = start(alice).objectives.first()
    opened = objective.updated_at
    Objective.objects.get(pk=objective.pk).save()  # saved elsewhere meanwhile
    objective.target = Decimal(99)
    with pytest.raises(services.StaleEdit):
        services.objective_save(objective=objective, version=opened)
    objective.refresh_from_db()
    assert objective.target != 99


def test_it_refuses_a_stale_tactic_edit(alice):
    tactic = start(alice).tactics.first()
    opened = tactic.updated_at
    services.tactic_set_active(tactic=Tactic.objects.get(pk=tactic.pk), active=False)
    tactic.minutes_per_week = 5
    with pytest.raises(services.StaleEdit):
        services.tactic_save(tactic=tactic, version=opened)
    tactic.refresh_from_db()
    assert tactic.minutes_per_week != 5


def test_it_refuses_an_edit_without_a_version(alice):
    tactic = start(alice).tactics.first()
    with pytest.raises(services.StaleEdit):
        services.tactic_save(tactic=tactic, version=None)


def test_marking_reviewed_does_not_make_an_open_purpose_form_stale(alice):
    plan = start(alice)
    opened = plan.updated_at
    services.plan_review(plan=GoalPlan.objects.get(pk=plan.pk), now=NOW)
    plan.purpose_why = "Because"
    services.plan_update(plan=plan, version=opened, audience_tags=[])
    plan.refresh_from_db()
    assert plan.reviewed_at == NOW
    assert plan.purpose_why == "Because"


def test_a_new_objective_and_tactic_go_last(alice):
    plan = start(alice)
    objective = services.objective_save(
        objective=Objective(plan=plan, title="New", metric="help_given", target=1), version=None
    )
    tactic = services.tactic_save(
        tactic=Tactic(plan=plan, platform="phone", action="Calls", minutes_per_week=30),
        version=None,
    )
    assert list(plan.objectives.all())[-1] == objective
    assert list(plan.tactics.all())[-1] == tactic


# --- Priorities -------------------------------------------------------------------------


@pytest.fixture
def plan(alice):
    plan = start(alice, BLANK)
    for text in ("A", "B", "C"):
        services.priority_add(plan=plan, text=text)
    for text in ("X", "Y"):
        services.priority_add(plan=plan, text=text, not_now=True)
    return plan


def priority(plan, text):
    return Priority.objects.get(plan=plan, text=text)


def test_it_adds_priorities_at_the_end_of_their_list(plan):
    assert texts(plan) == ["A", "B", "C"]
    assert texts(plan, not_now=True) == ["X", "Y"]


def test_it_moves_a_priority_up(plan):
    services.priority_move(priority=priority(plan, "C"), direction="up")
    assert texts(plan) == ["A", "C", "B"]


def test_it_moves_a_priority_down(plan):
    services.priority_move(priority=priority(plan, "A"), direction="down")
    assert texts(plan) == ["B", "A", "C"]


def test_the_first_priority_stays_first_when_moved_up(plan):
    services.priority_move(priority=priority(plan, "A"), direction="up")
    assert texts(plan) == ["A", "B", "C"]


def test_moving_within_not_now_leaves_the_focus_list_alone(plan):
    services.priority_move(priority=priority(plan, "X"), direction="down")
    assert texts(plan, not_now=True) == ["Y", "X"]
    assert texts(plan) == ["A", "B", "C"]


def test_it_moves_priorities_with_equal_positions_one_step(plan):
    Priority.objects.filter(plan=plan).update(position=0)
    services.priority_move(priority=priority(plan, "C"), direction="up")
    assert texts(plan) == ["A", "C", "B"]


def test_it_refuses_a_direction_other_than_up_or_down(plan):
    with pytest.raises(ValueError, match="up or down"):
        services.priority_move(priority=priority(plan, "A"), direction="sideways")  # type: ignore[arg-type]


def test_it_sets_a_priority_aside_at_the_end_of_not_now(plan):
    services.priority_set_not_now(priority=priority(plan, "A"), not_now=True)
    assert texts(plan) == ["B", "C"]
    assert texts(plan, not_now=True) == ["X", "Y", "A"]
    assert [p.position for p in Priority.objects.filter(plan=plan, not_now=False)] == [0, 1]


def test_it_brings_a_priority_back_to_the_end_of_the_focus(plan):
    services.priority_set_not_now(priority=priority(plan, "X"), not_now=False)
    assert texts(plan) == ["A", "B", "C", "X"]
    assert texts(plan, not_now=True) == ["Y"]


def test_it_reviews_a_plan(alice):
    plan = start(alice)
    services.plan_review(plan=plan, now=NOW)
    plan.refresh_from_db()
    assert plan.reviewed_at == NOW
