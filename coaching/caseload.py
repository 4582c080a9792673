"""A coach's caseload: every active client with the numbers a coach looks at first.

The numbers come from the places the client's own pages read them from, so coach and client
never see two different figures:

- **this week so far** (interactions, meaningful connections, new contacts): the metric
  catalog's `for_all_users`, for all the page's clients at once. Clients' weeks start on
  their own Monday; at any moment the clients' local dates are at most three (the zones span
  26 hours), so it is at most three catalog calls of one query per source, whatever the number
  of clients;
- **last week and the 4-week trend**, **objectives on track / behind**: the weekly rollups
  (`kpis.models.WeeklyKpi`), one query for the page reading only those numbers;
- **overdue check-ins now**: one grouped query for the page (an annotation only when the list
  is sorted by it), in each client's today;
- **last interaction**, **last week**: SQL annotations, so the list sorts on them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from accounts.models import AssignmentStatus, User
from coaching.models import Client
from contacts.models import Contact, Interaction
from goals.metrics import CATALOG, LocalDate, Number, Spec, for_all_users
from goals.progress import Status
from kpis.models import WeeklyKpi
from kpis.rollup import from_json, monday, number_text

# The caseload's headline numbers: keys of the metric catalog, as the client's KPI page has them.
HEADLINES = ("interactions_by_kind", "meaningful_connections")
TREND_WEEKS = 4
SPARKS = "▁▂▃▄▅▆▇█"


def caseload(coach: User, *, everyone: bool = False, overdue: bool = False) -> QuerySet[Client]:
    """The coach's active clients (every active assignment for an operator), with the
    sortable numbers annotated; one query whatever the number of clients. The overdue count
    is annotated only when asked (to sort by it): per row it costs a scan of the client's due
    contacts, where `numbers_for` counts all the page's clients in one grouped query."""
    rows = Client.objects.filter(status=AssignmentStatus.ACTIVE)
    if not everyone:
        rows = rows.filter(coach=coach)
    today = LocalDate(Value(timezone.now()), Coalesce(F("client__profile__timezone"), Value("UTC")))
    overdue_count = (
        Contact.objects.filter(
            owner=OuterRef("client_id"), archived=False, next_checkin_on__lt=OuterRef("today")
        )
        .order_by()
        .values("owner")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last_interaction = (
        Interaction.objects.filter(owner=OuterRef("client_id"))
        .counted()
        .order_by("-occurred_on")
        .values("occurred_on")[:1]
    )
    latest = WeeklyKpi.objects.filter(user=OuterRef("client_id")).order_by("-week_start")
    rows = rows.select_related("client__profile", "coach")
    if overdue:
        rows = rows.annotate(today=today, overdue=Coalesce(Subquery(overdue_count), 0))
    return rows.annotate(
        last_interaction_on=Subquery(last_interaction),
        last_week_interactions=Subquery(
            latest.annotate(
                n=Cast(KeyTextTransform(HEADLINES[0], "values"), IntegerField())
            ).values("n")[:1]
        ),
        last_week_meaningful=Subquery(
            latest.annotate(
                n=Cast(KeyTextTransform(HEADLINES[1], "values"), IntegerField())
            ).values("n")[:1]
        ),
    )


@dataclass
class Headline:
    key: str
    label: str
    value: Number

    @property
    def shown(self) -> str:
        return number_text(CATALOG[self.key].unit, self.value)


@dataclass
class ClientNumbers:
    """What one caseload row shows beyond its annotations."""

    this_week: list[Headline] = field(default_factory=list)
    trend: list[tuple[dt.date, Number]] = field(default_factory=list)  # oldest first
    overdue: int = 0  # check-ins overdue in the client's today
    objectives_week: dt.date | None = None
    on_track: int = 0
    behind: int = 0
    objectives: int = 0

    @property
    def sparkline(self) -> str:
        values = [int(v or 0) for _week, v in self.trend]
        if not values:
            return ""
        top = max(values) or 1
        return "".join(SPARKS[min(len(SPARKS) - 1, v * (len(SPARKS) - 1) // top)] for v in values)


def client_today(assignment: Client, now: dt.datetime | None = None) -> dt.date:
    profile = getattr(assignment.client, "profile", None)
    zone = ZoneInfo(profile.timezone if profile is not None else "UTC")
    return timezone.localtime(now or timezone.now(), zone).date()


def numbers_for(rows: Sequence[Client], now: dt.datetime | None = None) -> dict[int, ClientNumbers]:
    """The page's numbers by client id: at most three catalog calls (one per local date among
    the clients) and one query for the rollups."""
    now = now or timezone.now()
    by_today: dict[dt.date, list[User]] = defaultdict(list)
    for row in rows:
        by_today[client_today(row, now)].append(row.client)
    found: dict[int, ClientNumbers] = {row.client_id: ClientNumbers() for row in rows}
    if not rows:
        return found
    due = Q()
    for today, clients in by_today.items():
        due |= Q(owner__in=[client.pk for client in clients], next_checkin_on__lt=today)
    overdue = (
        Contact.objects.filter(due, archived=False)
        .order_by()
        .values("owner")
        .annotate(n=Count("*"))  # not the ids: the check-in index alone answers
        .values_list("owner", "n")
    )
    for pk, count in overdue:
        found[pk].overdue = count
    for today, clients in by_today.items():
        start, end = monday(today), today + dt.timedelta(days=1)
        specs = {key: Spec(key) for key in HEADLINES}
        for pk, values in for_all_users(start, end, specs, clients, now=now).items():
            found[pk].this_week = [
                Headline(key, CATALOG[key].label, values[key]) for key in HEADLINES
            ]
    oldest = min(monday(today) for today in by_today) - dt.timedelta(weeks=TREND_WEEKS)
    # Only the numbers shown, not the rows' whole JSON (every metric of every week), and the
    # objectives of each client's latest week alone.
    latest = (
        WeeklyKpi.objects.filter(user=OuterRef("user_id"))
        .order_by("-week_start")
        .values("week_start")[:1]
    )
    weeks = (
        WeeklyKpi.objects.filter(user_id__in=list(found), week_start__gte=oldest)
        .order_by("user_id", "week_start")
        .values_list(
            "user_id",
            "week_start",
            KeyTextTransform(HEADLINES[0], "values"),
            Case(When(week_start=Subquery(latest), then=F("objectives")), default=None),
        )
    )
    metric = CATALOG[HEADLINES[0]]
    for pk, week_start, raw, objectives in weeks:
        numbers = found[pk]
        numbers.trend.append((week_start, from_json(metric, raw)))
        if objectives is not None:
            numbers.objectives_week = week_start
            statuses = [objective.get("status") for objective in objectives]
            numbers.objectives = len(statuses)
            numbers.on_track = sum(s in (Status.ON_TRACK, Status.DONE) for s in statuses)
            numbers.behind = sum(s in (Status.BEHIND, Status.MISSED) for s in statuses)
    for numbers in found.values():
        numbers.trend = numbers.trend[-TREND_WEEKS:]
    return found


def trend_text(trend: list[tuple[dt.date, Any]]) -> str:
    return ", ".join(f"week of {week:%d %b}: {int(Decimal(value or 0))}" for week, value in trend)
