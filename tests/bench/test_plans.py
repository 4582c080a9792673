"""The goal plans of the sample data: the demo user's, and the bench users' ten objectives."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from bench.loaders import bench_users_load
from goals.demo import BENCH_OBJECTIVES, bench_plan_load, demo_plan_load
from goals.models import GoalPlan, Objective, Period, Priority, Tactic, Template

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


def bench_users(count: int) -> list[User]:
    bench_users_load(users=count, contacts=20, interactions=100, today=TODAY)
    return list(User.objects.filter(email__startswith="bench-user-").order_by("pk"))


def test_it_gives_each_bench_user_a_plan_with_10_objectives():
    owners = bench_users(2)
    assert bench_plan_load(owners=owners, today=TODAY) == 2
    for owner in owners:
        (plan,) = GoalPlan.objects.filter(owner=owner)
        assert plan.is_active
        assert plan.objectives.count() == 10
        assert Priority.objects.filter(plan=plan).count() == 3
        assert Tactic.objects.filter(plan=plan).count() == 3


def test_it_covers_several_metrics_periods_and_audiences():
    (owner,) = bench_users(1)
    bench_plan_load(owners=[owner], today=TODAY)
    objectives = Objective.objects.filter(plan__owner=owner)
    assert objectives.values("metric").distinct().count() == 10
    assert set(objectives.values_list("period", flat=True)) == set(Period.values)
    assert objectives.exclude(audience_circles=[]).count() >= 3
    tagged = objectives.filter(audience_tags__isnull=False).distinct()
    assert tagged.count() >= 3
    assert set(tagged.values_list("audience_tags__owner", flat=True)) == {owner.pk}
    assert not objectives.filter(period=Period.BY_DATE, due_on=None).exists()


def test_it_links_a_priority_and_tactics_to_the_plans_own_objectives():
    owners = bench_users(2)
    bench_plan_load(owners=owners, today=TODAY)
    linked = Priority.objects.filter(objective__isnull=False)
    assert linked.count() == 2
    assert all(p.objective.plan_id == p.plan_id for p in linked)
    assert all(t.objective.plan_id == t.plan_id for t in Tactic.objects.exclude(objective=None))
    assert Priority.objects.filter(not_now=True).count() == 2


def test_it_does_not_add_a_second_plan():
    owners = bench_users(1)
    bench_plan_load(owners=owners, today=TODAY)
    assert bench_plan_load(owners=owners, today=TODAY) == 0
    assert GoalPlan.objects.count() == 1
    assert Objective.objects.count() == 10


def test_it_writes_in_the_same_number_of_statements_for_1_or_3_users():
    one, *others = bench_users(3)
    with CaptureQueriesContext(connection) as first:
        bench_plan_load(owners=[one], today=TODAY)
    with CaptureQueriesContext(connection) as second:
        bench_plan_load(owners=others, today=TODAY)
    assert len(first) == len(second) <= 10
    assert Objective.objects.count() == 30


def test_it_shows_the_10_objectives_on_the_plan_page(client):
    (owner,) = bench_users(1)
    bench_plan_load(owners=[owner], today=TODAY)
    client.force_login(owner)
    response = client.get("/goals/")
    assert response.status_code == 200
    page = response.content.decode()
    assert all(spec.title in page for spec in BENCH_OBJECTIVES)


def test_it_starts_the_demo_user_on_the_job_search_plan_once():
    call_command("seed_demo")
    demo = User.objects.get(email="demo@example.com")
    plan = GoalPlan.objects.get(owner=demo)
    assert (plan.template, plan.is_active) == (Template.JOB_SEARCH, True)
    assert plan.objectives.count() == 3
    assert demo_plan_load(owner=demo, today=TODAY) is None
    call_command("seed_demo")
    assert GoalPlan.objects.filter(owner=demo).count() == 1


def test_the_seed_gives_bench_users_their_plan_once(capsys):
    call_command("seed_demo", users=1, contacts=20, interactions=100)
    call_command("seed_demo", users=1, contacts=20, interactions=100)
    output = capsys.readouterr().out
    assert "Goal plans of the bench users: added 1 (10 objectives each)." in output
    assert "Goal plans of the bench users: already there, nothing added." in output
    assert Objective.objects.filter(plan__owner__email="bench-user-1@example.com").count() == 10
