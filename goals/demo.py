"""Goal plans for the sample data: the demo user's plan shown after `make run`, and the plans
bench/ measures the plan page with.

Both leave a user who already has a plan (active or in the history) alone, so running
`seed_demo` again adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from contacts.demo import BATCH_SIZE, bulk_insert
from contacts.models import Channel, Circle, Kind, Outcome, Tag
from goals.models import GoalPlan, Objective, Period, Platform, Priority, Tactic, Template
from goals.services import plan_start
from goals.starters import JOB_SEARCH

# How long before the seed's day the bench plans started: by-date objectives then measure a
# few weeks of interactions, as a plan in use does.
BENCH_PLAN_AGE_DAYS = 30


@dataclass(frozen=True)
class BenchObjective:
    title: str
    metric: str
    target: Decimal
    period: str
    detail: str = ""
    due_in_days: int | None = None  # by a date: days after the seed's day
    tags: tuple[str, ...] = ()  # names of the owner's tags (contacts.demo.TAGS)
    circles: tuple[str, ...] = ()
    industry: str = ""


# Ten objectives over ten metrics, every period, and audiences by tag, circle and industry:
# the plan page of a user who took the guided setup seriously.
BENCH_OBJECTIVES = (
    BenchObjective(
        "Have meaningful conversations", "meaningful_connections", Decimal(12), Period.MONTH
    ),
    BenchObjective(
        "See the inner and close circles in person",
        "interactions_by_kind",
        Decimal(3),
        Period.WEEK,
        detail=Kind.MEETING,
        circles=(Circle.INNER, Circle.CLOSE),
    ),
    BenchObjective(
        "Talk with people who are hiring",
        "interactions_by_channel",
        Decimal(10),
        Period.MONTH,
        detail=Channel.LINKEDIN,
        tags=("hiring",),
    ),
    BenchObjective(
        "Meet investors in fintech",
        "new_contacts",
        Decimal(5),
        Period.QUARTER,
        tags=("investor", "fintech"),
    ),
    BenchObjective(
        "Turn conversations into job leads",
        "outcomes",
        Decimal(3),
        Period.QUARTER,
        detail=Outcome.JOB_LEAD,
    ),
    BenchObjective(
        "Help before asking", "help_given", Decimal(4), Period.MONTH, tags=("mentor", "alumni")
    ),
    BenchObjective(
        "Spend time with the active circle",
        "minutes_spent",
        Decimal(180),
        Period.WEEK,
        detail=Channel.IN_PERSON,
        circles=(Circle.ACTIVE,),
    ),
    BenchObjective(
        "Keep the closest people from going overdue",
        "contacts_overdue",
        Decimal(5),
        Period.MONTH,
        circles=(Circle.INNER, Circle.CLOSE),
    ),
    BenchObjective(
        "Strengthen ties in software",
        "average_strength",
        Decimal(60),
        Period.BY_DATE,
        detail=Circle.CLOSE,
        due_in_days=60,
        industry="Software",
    ),
    BenchObjective(
        "Meet climate people offline",
        "offline_share",
        Decimal(40),
        Period.BY_DATE,
        due_in_days=90,
        tags=("climate",),
        circles=(Circle.ACTIVE, Circle.EXTENDED),
    ),
)
# (text, not now, the index of the objective it names or None)
BENCH_PRIORITIES = (
    ("", False, 2),
    ("Reconnect with former colleagues at the companies on my list", False, None),
    ("Building a following on social media", True, None),
)
# (platform, action, minutes per week, boundaries, the index of the objective it serves)
BENCH_TACTICS = (
    (Platform.LINKEDIN, "Five personal messages to people who are hiring", 90, "Mornings", 2),
    (Platform.IN_PERSON, "One coffee or lunch a week", 120, "Tuesdays or Thursdays", 1),
    (Platform.EMAIL, "Thank and follow up within two days", 30, "", None),
)


def demo_plan_load(*, owner: User, today: dt.date) -> GoalPlan | None:
    """The demo user's plan, from the job-search starter; None when they already have one."""
    if GoalPlan.objects.filter(owner=owner).exists():
        return None
    return plan_start(owner=owner, starter=JOB_SEARCH, today=today)


@transaction.atomic
def bench_plan_load(*, owners: Iterable[User], today: dt.date) -> int:
    """An active plan with the ten BENCH_OBJECTIVES, three priorities and three tactics for
    each owner without a plan; returns how many plans it started. A handful of statements
    whatever the number of owners: one read of who has a plan, one of their tags, then one
    bulk insert per table."""
    ids = {owner.pk for owner in owners}
    ids -= set(GoalPlan.objects.filter(owner__in=ids).values_list("owner_id", flat=True))
    if not ids:
        return 0
    owners_ids = sorted(ids)
    names = {name for spec in BENCH_OBJECTIVES for name in spec.tags}
    tags = {
        (owner_id, name): pk
        for owner_id, name, pk in Tag.objects.filter(owner__in=owners_ids, name__in=names)
        .order_by()
        .values_list("owner_id", "name", "pk")
    }
    now = timezone.now()
    plans = bulk_insert(
        GoalPlan,
        [
            GoalPlan(
                owner_id=owner_id,
                name="Find my next role",
                template=Template.JOB_SEARCH,
                purpose_who=JOB_SEARCH.purpose_who,
                purpose_why=JOB_SEARCH.purpose_why,
                purpose_what=JOB_SEARCH.purpose_what,
                started_on=today - dt.timedelta(days=BENCH_PLAN_AGE_DAYS),
                reviewed_at=now,
            )
            for owner_id in owners_ids
        ],
    )
    objectives = bulk_insert(
        Objective,
        [
            Objective(
                plan_id=plan.pk,
                title=spec.title,
                metric=spec.metric,
                detail=spec.detail,
                target=spec.target,
                period=spec.period,
                due_on=today + dt.timedelta(days=spec.due_in_days) if spec.due_in_days else None,
                audience_circles=list(spec.circles),
                audience_industry=spec.industry,
                position=position,
            )
            for plan in plans
            for position, spec in enumerate(BENCH_OBJECTIVES)
        ],
    )
    per_plan = len(BENCH_OBJECTIVES)
    of_plan = {
        plan.pk: objectives[at * per_plan : (at + 1) * per_plan] for at, plan in enumerate(plans)
    }
    AudienceTag = Objective.audience_tags.through
    AudienceTag.objects.bulk_create(
        [
            AudienceTag(objective_id=objective.pk, tag_id=tags[(plan.owner_id, name)])
            for plan in plans
            for objective, spec in zip(of_plan[plan.pk], BENCH_OBJECTIVES, strict=True)
            for name in spec.tags
            if (plan.owner_id, name) in tags
        ],
        batch_size=BATCH_SIZE,
    )
    Priority.objects.bulk_create(
        [
            Priority(
                plan_id=plan.pk,
                text=text,
                not_now=not_now,
                objective_id=None if index is None else of_plan[plan.pk][index].pk,
                position=sum(1 for _, other, _ in BENCH_PRIORITIES[:position] if other == not_now),
            )
            for plan in plans
            for position, (text, not_now, index) in enumerate(BENCH_PRIORITIES)
        ],
        batch_size=BATCH_SIZE,
    )
    Tactic.objects.bulk_create(
        [
            Tactic(
                plan_id=plan.pk,
                platform=platform,
                action=action,
                minutes_per_week=minutes,
                boundaries=boundaries,
                objective_id=None if index is None else of_plan[plan.pk][index].pk,
                position=position,
            )
            for plan in plans
            for position, (platform, action, minutes, boundaries, index) in enumerate(BENCH_TACTICS)
        ],
        batch_size=BATCH_SIZE,
    )
    return len(plans)
