"""The one way a view reaches a user's goal plans and their parts: anything else is a 404.

Objectives, priorities and tactics are reached only through the user's *active* plan: an
earlier plan is history, read through `get_plan_for` and never edited.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from goals.models import GoalPlan, GoalPlanQuerySet, Objective, Priority, Tactic


def plans_for(user: object) -> GoalPlanQuerySet:
    return GoalPlan.objects.filter(owner=user)


def get_plan_for(user: object, pk: int) -> GoalPlan:
    return get_object_or_404(plans_for(user).prefetch_related("audience_tags"), pk=pk)


def active_plan_for(user: object) -> GoalPlan | None:
    return plans_for(user).active().prefetch_related("audience_tags").first()


def get_active_plan_for(user: object) -> GoalPlan:
    return get_object_or_404(plans_for(user).active())


def objectives_for(user: object) -> QuerySet[Objective]:
    return Objective.objects.filter(plan__owner=user, plan__ended_on__isnull=True)


def get_objective_for(user: object, pk: int) -> Objective:
    return get_object_or_404(objectives_for(user).select_related("plan"), pk=pk)


def get_priority_for(user: object, pk: int) -> Priority:
    priorities = Priority.objects.filter(plan__owner=user, plan__ended_on__isnull=True)
    return get_object_or_404(priorities.select_related("plan"), pk=pk)


def get_tactic_for(user: object, pk: int) -> Tactic:
    tactics = Tactic.objects.filter(plan__owner=user, plan__ended_on__isnull=True)
    return get_object_or_404(tactics.select_related("plan"), pk=pk)
