"""Writes to a goal plan: starting one, editing its parts, ordering its priorities.

An edit form carries the `updated_at` of the row it was opened on (its version). A save whose
version is no longer the row's is refused with `StaleEdit` and nothing is written, so two tabs
or devices never silently overwrite each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from communities.models import Community
from contacts.models import Contact, Tag
from goals.models import GoalPlan, Objective, Priority, Tactic
from goals.starters import Starter

# What an edit writes; the rest (review date, positions, the active flag) has its own service.
PLAN_FIELDS = [
    "name",
    "purpose_who",
    "purpose_why",
    "purpose_what",
    "audience_circles",
    "audience_industry",
]
OBJECTIVE_FIELDS = [
    "title",
    "metric",
    "detail",
    "target",
    "period",
    "starts_on",
    "due_on",
    "audience_circles",
    "audience_industry",
]
TACTIC_FIELDS = ["platform", "action", "minutes_per_week", "boundaries", "objective"]


class StaleEdit(Exception):
    """The row changed (or went away) after the form was opened; nothing was saved."""

    def __init__(self, current: dt.datetime | None) -> None:
        super().__init__("The row changed since the form was opened.")
        self.current = current  # the row's version now; None when it is gone


def _check_version(model: type[models.Model], pk: int, version: dt.datetime | None) -> None:
    """Locks the row until the end of the transaction and refuses a stale version."""
    current = (
        model._default_manager.select_for_update()
        .filter(pk=pk)
        .values_list("updated_at", flat=True)
        .first()
    )
    if current is None or version is None or current != version:
        raise StaleEdit(current)


def _next_position(rows: models.QuerySet) -> int:
    last = rows.aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


@transaction.atomic
def plan_start(
    *, owner: User, starter: Starter, today: dt.date, name: str | None = None
) -> GoalPlan:
    """Ends the owner's active plan (it stays as history) and starts one from `starter`."""
    # Lock the user's row: two plans started at once wait for each other instead of one of
    # them failing on the one-active-plan constraint.
    User.objects.select_for_update().filter(pk=owner.pk).first()
    GoalPlan.objects.filter(owner=owner).active().update(ended_on=today)
    plan = GoalPlan.objects.create(
        owner=owner,
        name=(name or starter.name).strip()[:120] or "My networking plan",
        template=starter.key,
        purpose_who=starter.purpose_who,
        purpose_why=starter.purpose_why,
        purpose_what=starter.purpose_what,
        audience_circles=list(starter.audience_circles),
        audience_industry=starter.audience_industry,
        started_on=today,
        # Writing a plan is reviewing it: the monthly reminder counts from here.
        reviewed_at=timezone.now(),
    )
    if starter.audience_tag_ids:
        plan.audience_tags.set(Tag.objects.filter(owner=owner, pk__in=starter.audience_tag_ids))
    Objective.objects.bulk_create(
        Objective(
            plan=plan,
            title=draft.title,
            metric=draft.metric,
            detail=draft.detail,
            target=draft.target,
            period=draft.period,
            due_on=draft.due_on
            or (today + dt.timedelta(days=draft.due_in_days) if draft.due_in_days else None),
            position=position,
        )
        for position, draft in enumerate(starter.objectives)
    )
    positions = {False: 0, True: 0}
    priorities = []
    for draft in starter.priorities:
        priorities.append(
            Priority(
                plan=plan,
                text=draft.text,
                not_now=draft.not_now,
                position=positions[draft.not_now],
            )
        )
        positions[draft.not_now] += 1
    Priority.objects.bulk_create(priorities)
    Tactic.objects.bulk_create(
        Tactic(
            plan=plan,
            platform=draft.platform,
            action=draft.action,
            minutes_per_week=draft.minutes_per_week,
            boundaries=draft.boundaries,
            position=position,
        )
        for position, draft in enumerate(starter.tactics)
    )
    return plan


@transaction.atomic
def plan_update(
    *, plan: GoalPlan, version: dt.datetime | None, audience_tags: Iterable[Tag]
) -> GoalPlan:
    """Saves the plan's name, purpose and audience as set on `plan`, unless it is stale."""
    _check_version(GoalPlan, plan.pk, version)
    plan.save(update_fields=[*PLAN_FIELDS, "updated_at"])
    plan.audience_tags.set(audience_tags)
    return plan


@transaction.atomic
def plan_review(*, plan: GoalPlan, now: dt.datetime) -> None:
    # An update, not a save: marking the plan reviewed is not an edit that should make
    # someone's open purpose form stale.
    GoalPlan.objects.filter(pk=plan.pk).update(reviewed_at=now)
    plan.reviewed_at = now


@transaction.atomic
def objective_save(
    *,
    objective: Objective,
    version: dt.datetime | None,
    audience_tags: Iterable[Tag] = (),
    targets: Iterable[Contact] = (),
    audience_communities: Iterable[Community] = (),
) -> Objective:
    """Adds a new objective at the end of its plan, or saves an edit unless it is stale."""
    if objective.pk:
        _check_version(Objective, objective.pk, version)
        objective.save(update_fields=[*OBJECTIVE_FIELDS, "updated_at"])
    else:
        objective.position = _next_position(Objective.objects.filter(plan=objective.plan_id))
        objective.save()
    objective.audience_tags.set(audience_tags)
    objective.audience_communities.set(audience_communities)
    objective.targets.set(targets)
    return objective


@transaction.atomic
def tactic_save(*, tactic: Tactic, version: dt.datetime | None) -> Tactic:
    """Adds a new tactic at the end of its plan, or saves an edit unless it is stale."""
    if tactic.pk:
        _check_version(Tactic, tactic.pk, version)
        tactic.save(update_fields=[*TACTIC_FIELDS, "updated_at"])
    else:
        tactic.position = _next_position(Tactic.objects.filter(plan=tactic.plan_id))
        tactic.save()
    return tactic


@transaction.atomic
def tactic_set_active(*, tactic: Tactic, active: bool) -> Tactic:
    tactic.active = active
    tactic.save(update_fields=["active", "updated_at"])
    return tactic


@transaction.atomic
def priority_add(
    *,
    plan: GoalPlan,
    text: str = "",
    objective: Objective | None = None,
    contact: Contact | None = None,
    not_now: bool = False,
) -> Priority:
    """Adds a priority at the end of the focus list, or of the *not now* list."""
    _lock(plan.pk)
    siblings = Priority.objects.filter(plan=plan, not_now=not_now)
    return Priority.objects.create(
        plan=plan,
        text=text,
        objective=objective,
        contact=contact,
        not_now=not_now,
        position=_next_position(siblings),
    )


@transaction.atomic
def priority_move(*, priority: Priority, direction: Literal["up", "down"]) -> None:
    """Swaps the priority with its neighbour in its own list (focus or not now)."""
    if direction not in ("up", "down"):
        raise ValueError(f"A priority moves up or down, not {direction!r}.")
    _lock(priority.plan_id)
    not_now = Priority.objects.filter(pk=priority.pk).values_list("not_now", flat=True).first()
    if not_now is None:
        return  # deleted meanwhile
    siblings = list(
        Priority.objects.filter(plan=priority.plan_id, not_now=not_now).order_by("position", "pk")
    )
    index = next(i for i, p in enumerate(siblings) if p.pk == priority.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    _renumber(siblings)


@transaction.atomic
def priority_set_not_now(*, priority: Priority, not_now: bool) -> None:
    """Moves the priority to the end of the *not now* list, or back to the end of the focus."""
    _lock(priority.plan_id)
    if Priority.objects.filter(pk=priority.pk, not_now=not_now).exists():
        return
    position = _next_position(Priority.objects.filter(plan=priority.plan_id, not_now=not_now))
    Priority.objects.filter(pk=priority.pk).update(not_now=not_now, position=position)
    priority.not_now, priority.position = not_now, position
    # Close the gap it left.
    _renumber(
        list(
            Priority.objects.filter(plan=priority.plan_id, not_now=not not_now).order_by(
                "position", "pk"
            )
        )
    )


def _lock(plan_id: int) -> None:
    """Serialises the writes that order one plan's priorities."""
    GoalPlan.objects.select_for_update().filter(pk=plan_id).values_list("pk").first()


def _renumber(rows: list[Priority]) -> None:
    changed = []
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            changed.append(row)
    Priority.objects.bulk_update(changed, ["position"])
