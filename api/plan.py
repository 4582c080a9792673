"""The plan and the weekly KPIs, read: for the owner, and for a coach within the client's
scope (`api.coaching`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from rest_framework import serializers

from goals.models import GoalPlan, Period, Platform
from goals.progress import STATUS_LABELS, plan_numbers, plan_objectives
from kpis.models import WeeklyKpi


class ProgressSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    target = serializers.DecimalField(max_digits=14, decimal_places=2)
    percent = serializers.IntegerField(min_value=0, max_value=100)
    status = serializers.ChoiceField(choices=list(STATUS_LABELS))
    label = serializers.CharField(help_text="In words, as the plan page says it.")
    start = serializers.DateField()
    end = serializers.DateField(help_text="The day after the period.")


class ObjectiveSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    metric = serializers.CharField()
    detail = serializers.CharField()
    target = serializers.DecimalField(max_digits=12, decimal_places=2)
    period = serializers.ChoiceField(choices=Period.choices)
    starts_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    progress = ProgressSerializer(help_text="Computed from the log, never typed.")


class PrioritySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    objective = serializers.IntegerField(allow_null=True)
    contact = serializers.IntegerField(allow_null=True)
    not_now = serializers.BooleanField()
    position = serializers.IntegerField()


class TacticSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.ChoiceField(choices=Platform.choices)
    action = serializers.CharField()
    minutes_per_week = serializers.IntegerField()
    minutes_this_week = serializers.IntegerField(allow_null=True)
    boundaries = serializers.CharField()
    active = serializers.BooleanField()
    objective = serializers.IntegerField(allow_null=True)


class PurposeSerializer(serializers.Serializer):
    who = serializers.CharField()
    why = serializers.CharField()
    what = serializers.CharField()


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    purpose = PurposeSerializer()
    started_on = serializers.DateField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    objectives = ObjectiveSerializer(many=True)
    priorities = PrioritySerializer(many=True)
    tactics = TacticSerializer(many=True)


def _money(value: Any) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def plan_data(plan: GoalPlan, *, today: dt.date) -> dict[str, Any]:
    """The plan as the API shows it, its numbers from one call of the metric catalog."""
    objectives = plan_objectives(plan)
    tactics = list(plan.tactics.all())
    numbers = plan_numbers(plan, today=today, objectives=objectives, tactics=tactics)
    minutes = {t.tactic.pk: t.minutes for t in numbers.tactics}
    return {
        "id": plan.pk,
        "name": plan.name,
        "purpose": {"who": plan.purpose_who, "why": plan.purpose_why, "what": plan.purpose_what},
        "started_on": plan.started_on.isoformat(),
        "reviewed_at": plan.reviewed_at.isoformat() if plan.reviewed_at else None,
        "objectives": [
            {
                "id": p.objective.pk,
                "title": p.objective.title,
                "metric": p.objective.metric,
                "detail": p.objective.detail,
                "target": _money(p.objective.target),
                "period": p.objective.period,
                "starts_on": _day(p.objective.starts_on),
                "due_on": _day(p.objective.due_on),
                "progress": {
                    "value": _money(p.value),
                    "target": _money(p.target),
                    "percent": p.percent,
                    "status": p.status,
                    "label": p.label,
                    "start": p.start.isoformat(),
                    "end": p.end.isoformat(),
                },
            }
            for p in numbers.objectives
        ],
        "priorities": [
            {
                "id": p.pk,
                "text": p.text,
                "objective": p.objective_id,
                "contact": p.contact_id,
                "not_now": p.not_now,
                "position": p.position,
            }
            for p in plan.priorities.all()
        ],
        "tactics": [
            {
                "id": t.pk,
                "platform": t.platform,
                "action": t.action,
                "minutes_per_week": t.minutes_per_week,
                "minutes_this_week": minutes.get(t.pk),
                "boundaries": t.boundaries,
                "active": t.active,
                "objective": t.objective_id,
            }
            for t in tactics
        ],
    }


class WeeklyKpiSerializer(serializers.Serializer):
    week_start = serializers.DateField(help_text="The Monday of the ISO week, where you are.")
    week_end = serializers.DateField()
    values = serializers.DictField(
        help_text="What the week's log says, by metric (and metric.detail)."
    )
    snapshots = serializers.DictField(help_text="What the contacts looked like at the week's end.")
    objectives = serializers.ListField(
        child=serializers.DictField(), help_text="Each objective's progress at the week's end."
    )
    computed_at = serializers.DateTimeField()

    def to_representation(self, k: WeeklyKpi) -> dict[str, Any]:
        return {
            "week_start": k.week_start.isoformat(),
            "week_end": k.week_end.isoformat(),
            "values": k.values,
            "snapshots": k.snapshots,
            "objectives": k.objectives,
            "computed_at": k.computed_at.isoformat(),
        }
