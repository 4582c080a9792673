import datetime as dt
from decimal import Decimal

import pytest

from contacts.models import Channel, Initiator, Kind, Tag
from goals.models import GoalPlan, Objective, Period, Tactic
from goals.progress import Status, plan_numbers
from tests.contacts.factories import contact, log

pytestmark = pytest.mark.django_db

# Wednesday 10 June 2026: day 10 of June's 30, day 3 of its ISO week (8–14 June).
TODAY = dt.date(2026, 6, 10)


def plan_for(owner, **fields):
    return GoalPlan.objects.create(owner=owner, started_on=dt.date(2026, 5, 1), **fields)


def objective(plan, metric="meaningful_connections", target=6, period=Period.MONTH, **fields):
    return Objective.objects.create(
        plan=plan, title=metric, metric=metric, target=target, period=period, **fields
    )


def progress_of(plan, today=TODAY):
    return plan_numbers(plan, today=today).objectives


def test_it_is_on_track_when_the_value_keeps_pace(alice):
    plan = plan_for(alice)
    objective(plan, target=6)  # day 10 of 30 expects floor(2.0) = 2
    dana = contact(alice)
    for day in (1, 5):
        log(alice, dana, on=TODAY.replace(day=day), today=TODAY, quality=5)
    (progress,) = progress_of(plan)
    assert progress.value == 2
    assert progress.status == Status.ON_TRACK
    assert progress.label == "on track: 2 of 6 with 20 days left"
    assert progress.percent == 33


def test_it_is_behind_when_the_value_lags_and_says_how_long_is_left(alice):
    plan = plan_for(alice)
    objective(plan, target=6)
    log(alice, contact(alice), on=TODAY, today=TODAY, quality=2)  # not meaningful
    log(alice, contact(alice, "Erin"), on=TODAY, today=TODAY, initiated_by=Initiator.THEM)
    (progress,) = progress_of(plan, today=dt.date(2026, 6, 20))  # day 20 expects 4
    assert progress.value == 1
    assert progress.status == Status.BEHIND
    assert progress.label == "behind: 1 of 6 with 10 days left"


def test_day_one_never_starts_behind(alice):
    plan = plan_for(alice)
    objective(plan, target=6)
    (progress,) = progress_of(plan, today=dt.date(2026, 6, 1))
    assert progress.status == Status.ON_TRACK


def test_it_is_done_once_the_target_is_reached(alice):
    plan = plan_for(alice)
    objective(plan, metric="interactions_by_kind", detail=Kind.CALL, target=1, period=Period.WEEK)
    log(alice, contact(alice), on=TODAY, today=TODAY, kind=Kind.CALL)
    (progress,) = progress_of(plan)
    assert (progress.status, progress.label) == (Status.DONE, "done: 1 of 1")


def test_a_period_by_a_date_that_has_passed_is_missed_or_done(alice):
    plan = plan_for(alice)
    objective(
        plan,
        metric="introductions_made",
        target=2,
        period=Period.BY_DATE,
        starts_on=dt.date(2026, 5, 1),
        due_on=dt.date(2026, 5, 31),
    )
    log(alice, contact(alice), on=dt.date(2026, 5, 20), today=TODAY, kind=Kind.INTRODUCTION)
    (progress,) = progress_of(plan)
    assert (progress.status, progress.label) == (Status.MISSED, "missed: 1 of 2")


def test_a_level_has_no_pace_and_a_ceiling_reads_at_most(alice):
    plan = plan_for(alice)
    objective(plan, metric="offline_share", target=50)
    objective(plan, metric="contacts_overdue", target=1)
    dana = contact(alice, cadence_days=7)
    log(alice, dana, on=dt.date(2026, 6, 1), today=TODAY, channel=Channel.LINKEDIN)
    log(alice, contact(alice, "Erin"), on=TODAY, today=TODAY, channel=Channel.IN_PERSON)
    share, overdue = plan_numbers(plan, today=TODAY).objectives
    assert share.value == Decimal("50.00")
    assert (share.status, share.label) == (
        Status.ON_TRACK,
        "on track: 50% of 50% with 20 days left",
    )
    assert overdue.value == 1  # Dana was due on 8 June
    assert overdue.status == Status.ON_TRACK
    assert overdue.label.startswith("on track: 1, at most 1")


def test_an_objective_counts_only_its_audience(alice):
    plan = plan_for(alice)
    fintech = Tag.objects.create(owner=alice, name="fintech")
    target = objective(plan, metric="interactions_by_kind", target=4)
    target.audience_tags.add(fintech)
    dana, erin = contact(alice), contact(alice, "Erin")
    dana.tags.add(fintech)
    log(alice, dana, on=TODAY, today=TODAY)
    log(alice, erin, on=TODAY, today=TODAY)
    (progress,) = progress_of(plan)
    assert progress.value == 1


def test_tactics_count_this_weeks_minutes_on_their_platform(alice):
    plan = plan_for(alice)
    linkedin = Tactic.objects.create(
        plan=plan, platform=Channel.LINKEDIN, action="Comment on 3 posts", minutes_per_week=60
    )
    coffee = Tactic.objects.create(
        plan=plan, platform=Channel.IN_PERSON, action="One coffee a week", minutes_per_week=45
    )
    dana = contact(alice)
    log(alice, dana, on=TODAY, today=TODAY, channel=Channel.LINKEDIN, duration_minutes=50)
    log(alice, dana, on=TODAY, today=TODAY, channel=Channel.LINKEDIN, duration_minutes=40)
    log(
        alice,
        dana,
        on=dt.date(2026, 6, 7),
        today=TODAY,
        channel=Channel.IN_PERSON,
        duration_minutes=60,
    )  # last week
    times = {t.tactic: t for t in plan_numbers(plan, today=TODAY).tactics}
    assert times[linkedin].minutes == 90
    assert times[linkedin].over_budget
    assert times[coffee].minutes == 0
    assert not times[coffee].over_budget


def test_the_plan_reads_all_its_numbers_in_bounded_queries(alice, django_assert_max_num_queries):
    plan = plan_for(alice)
    tag = Tag.objects.create(owner=alice, name="t")
    for n in range(10):
        made = objective(
            plan, target=n + 1, period=[Period.WEEK, Period.MONTH, Period.QUARTER][n % 3]
        )
        made.audience_tags.add(tag)
        made.audience_circles = ["inner"]
        made.save()
    for platform in (Channel.LINKEDIN, Channel.X, Channel.EMAIL):
        Tactic.objects.create(plan=plan, platform=platform, action="a", minutes_per_week=30)
    # objectives, their tags, tactics, then one query for the interaction metrics and one
    # for the contact metrics at most
    with django_assert_max_num_queries(5):
        numbers = plan_numbers(plan, today=TODAY)
    assert len(numbers.objectives) == 10
    assert len(numbers.tactics) == 3
