"""How a plan is doing: each objective's progress and pace, each tactic's time this week.

Computed, never typed: everything here is read from the network through the metric catalog,
in one call of `goals.metrics.for_user` (one query per source, whatever the number of
objectives and tactics), each objective in its own period.

Pace. A cumulative metric (a count, minutes, money) should grow evenly over its period: on
day 10 of 30, a target of 6 expects 2. It is *on track* when the value has reached what the
elapsed share of the period expects (rounded down, so day one never starts behind), *behind*
otherwise, *done* once it reaches the target. A level (a share, an average, a snapshot) has
no pace: it is on track when it is at the target (at most the target for a metric where lower
is better, such as contacts overdue). A period by a date that has ended is *done* or *missed*.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from goals.metrics import CATALOG, Metric, Number, Spec, for_user, period_window
from goals.models import GoalPlan, Objective, Period, Tactic


class Status:
    DONE = "done"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    MISSED = "missed"
    NO_DATA = "no_data"


STATUS_LABELS = {
    Status.DONE: "done",
    Status.ON_TRACK: "on track",
    Status.BEHIND: "behind",
    Status.MISSED: "missed",
    Status.NO_DATA: "no data yet",
}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class Progress:
    """One objective's number over its current period, against its target.

    Frozen, so what a page reads several times (the status, the label, the bar's width) is
    worked out once: `cached_property` stores past the frozen `__setattr__`."""

    objective: Objective
    metric: Metric
    value: Number
    start: dt.date
    end: dt.date  # exclusive
    today: dt.date

    @property
    def target(self) -> Decimal:
        return Decimal(self.objective.target)

    @property
    def days_total(self) -> int:
        return max(1, (self.end - self.start).days)

    @property
    def days_left(self) -> int:
        """Days after today still in the period (0 on its last day, or once it is over)."""
        return max(0, (self.end - self.today).days - 1)

    @property
    def ended(self) -> bool:
        return self.today >= self.end

    @cached_property
    def expected(self) -> Decimal:
        """What the pace asks for by today (the target itself for a level)."""
        if not self.metric.cumulative:
            return self.target
        elapsed = min(self.days_total, max(0, (self.today - self.start).days + 1))
        return Decimal(math.floor(self.target * elapsed / self.days_total))

    @property
    def reached(self) -> bool:
        if self.value is None:
            return False
        if self.metric.lower_is_better:
            return Decimal(self.value) <= self.target
        return Decimal(self.value) >= self.target

    @cached_property
    def status(self) -> str:
        if self.value is None:
            return Status.NO_DATA
        if self.metric.cumulative:
            if self.reached:
                return Status.DONE
            if self.ended:
                return Status.MISSED
            return Status.ON_TRACK if Decimal(self.value) >= self.expected else Status.BEHIND
        if self.ended and self.objective.period == Period.BY_DATE:
            return Status.DONE if self.reached else Status.MISSED
        return Status.ON_TRACK if self.reached else Status.BEHIND

    @cached_property
    def percent(self) -> int:
        """How full the progress bar is, 0–100."""
        if self.value is None:
            return 0
        value = Decimal(self.value)
        if self.metric.lower_is_better:
            return 100 if value <= self.target else int(100 * self.target / value)
        return max(0, min(100, int(100 * value / self.target)))

    def _number(self, number: Number | Decimal) -> str:
        if number is None:
            return "—"
        number = Decimal(number)
        text = f"{number:.0f}" if number == number.to_integral_value() else f"{number:.2f}"
        if self.metric.unit == "percent":
            return f"{text}%"
        if self.metric.unit == "minutes":
            return f"{text} min"
        return text

    @cached_property
    def label(self) -> str:
        """In words: "behind: 2 of 6 with 10 days left"."""
        status = self.status
        if status == Status.NO_DATA:
            return "no data yet"
        figures = f"{self._number(self.value)} of {self._number(self.target)}"
        if self.metric.lower_is_better:
            figures = f"{self._number(self.value)}, at most {self._number(self.target)}"
        if status in (Status.BEHIND, Status.ON_TRACK) and not self.ended:
            left = "last day" if self.days_left == 0 else f"{_plural(self.days_left, 'day')} left"
            return f"{STATUS_LABELS[status]}: {figures} with {left}"
        return f"{STATUS_LABELS[status]}: {figures}"


@dataclass(frozen=True)
class TacticTime:
    """A tactic's minutes this week on its platform (from interaction durations)."""

    tactic: Tactic
    minutes: int

    @property
    def over_budget(self) -> bool:
        return self.minutes > self.tactic.minutes_per_week

    @property
    def percent(self) -> int:
        return min(100, int(100 * self.minutes / self.tactic.minutes_per_week))


@dataclass(frozen=True)
class PlanNumbers:
    objectives: list[Progress] = field(default_factory=list)
    tactics: list[TacticTime] = field(default_factory=list)
    week: tuple[dt.date, dt.date] | None = None

    @property
    def behind(self) -> list[Progress]:
        return [p for p in self.objectives if p.status in (Status.BEHIND, Status.MISSED)]

    @property
    def on_track(self) -> list[Progress]:
        return [p for p in self.objectives if p.status in (Status.ON_TRACK, Status.DONE)]


def objective_window(objective: Objective, plan: GoalPlan, today: dt.date) -> tuple[Any, Any]:
    return period_window(
        objective.period,
        today,
        starts_on=objective.starts_on or plan.started_on,
        due_on=objective.due_on,
    )


def plan_objectives(plan: GoalPlan) -> list[Objective]:
    """The plan's objectives with what their audiences need, in two queries."""
    return list(plan.objectives.prefetch_related("audience_tags", "audience_communities"))


def plan_numbers(
    plan: GoalPlan,
    *,
    today: dt.date,
    objectives: list[Objective] | None = None,
    tactics: list[Tactic] | None = None,
    focus: str = "",
) -> PlanNumbers:
    """Every objective's progress and every active tactic's minutes this week, in one call of
    the metric catalog, among the contacts of the owner's `focus` (`Profile.focus`)."""
    objectives = plan_objectives(plan) if objectives is None else objectives
    tactics = list(plan.tactics.filter(active=True)) if tactics is None else tactics
    week = period_window(Period.WEEK, today)
    specs: dict[str, Spec] = {}
    windows: dict[int, tuple[dt.date, dt.date]] = {}
    for objective in objectives:
        windows[objective.pk] = objective_window(objective, plan, today)
        specs[f"objective-{objective.pk}"] = Spec(
            objective.metric,
            objective.detail,
            objective.audience_q() or None,  # an empty Q: everyone
            windows[objective.pk],
        )
    for platform in {tactic.platform for tactic in tactics if tactic.active}:
        specs[f"platform-{platform}"] = Spec("minutes_spent", platform, None, week)
    values = for_user(plan.owner_id, *week, specs, today=today, focus=focus) if specs else {}
    return PlanNumbers(
        objectives=[
            Progress(
                objective=objective,
                metric=CATALOG[objective.metric],
                value=values[f"objective-{objective.pk}"],
                start=windows[objective.pk][0],
                end=windows[objective.pk][1],
                today=today,
            )
            for objective in objectives
        ],
        tactics=[
            TacticTime(tactic, int(values[f"platform-{tactic.platform}"] or 0))
            for tactic in tactics
            if tactic.active
        ],
        week=week,
    )
