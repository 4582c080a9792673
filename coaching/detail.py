"""What the coach's page for one client shows: the plan with live progress, this week so far,
the weekly KPIs, and the coach's own notes and suggestions. Everything is read the way the
client's own pages read it (the metric catalog, the rollups), never from private fields."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse

from accounts.models import CoachAssignment, CoachScope, User, focus_of
from coaching.caseload import client_today
from coaching.models import CoachNote, Suggestion
from communities.models import Community, Role
from content.models import ENGAGEMENT, Piece
from events.models import Event
from events.models import Status as EventStatus
from goals.metrics import CATALOG
from goals.models import GoalPlan
from goals.progress import STATUS_LABELS, Status, plan_numbers, plan_objectives
from kpis.models import WeeklyKpi
from kpis.rollup import kpi_number, number_text, week_so_far

KPI_WEEKS = 12
KPI_COLUMNS = (
    "interactions_by_kind",
    "meaningful_connections",
    "new_contacts",
    "minutes_spent",
    "outcomes",
    "people_met_at_events",
    "content_shared",
)


@dataclass(frozen=True)
class KpiWeek:
    week_start: dt.date
    cells: list[str]
    on_track: int
    objectives: int


def client_detail_context(assignment: CoachAssignment, coach: User) -> dict[str, Any]:
    client = assignment.client
    today = client_today(assignment)  # type: ignore[arg-type]
    sees_contacts = assignment.covers(CoachScope.CONTACTS)
    sees_interactions = assignment.covers(CoachScope.INTERACTIONS)
    plan = GoalPlan.objects.active().filter(owner=client).first()
    objectives, tactics, priorities, numbers = [], [], [], None
    if plan is not None:
        objectives = plan_objectives(plan)
        tactics = list(plan.tactics.filter(active=True).select_related("community"))
        numbers = plan_numbers(
            plan, today=today, objectives=objectives, tactics=tactics, focus=focus_of(client)
        )
        priorities = [
            (
                priority.not_now,
                _priority_text(priority, sees_contacts),
            )
            for priority in plan.priorities.select_related("objective", "contact")
        ]
    weeks = list(WeeklyKpi.objects.filter(user=client).order_by("-week_start")[:KPI_WEEKS])
    kpi_weeks = [
        KpiWeek(
            week.week_start,
            [number_text(CATALOG[key].unit, kpi_number(week, key)) for key in KPI_COLUMNS],
            sum(o.get("status") in (Status.ON_TRACK, Status.DONE) for o in week.objectives),
            len(week.objectives),
        )
        for week in weeks
    ]
    notes = CoachNote.objects.filter(client=client, coach=coach)[:10]
    suggestions = Suggestion.objects.filter(client=client, coach=coach)[:10]
    return {
        "assignment": assignment,
        "client": client,
        "today": today,
        "plan": plan,
        "progress": numbers.objectives if numbers else [],
        "status_labels": STATUS_LABELS,
        "tactic_times": numbers.tactics if numbers else [],
        "priorities": [text for not_now, text in priorities if not not_now],
        "not_now": [text for not_now, text in priorities if not_now],
        "so_far": week_so_far(client, today),
        "kpi_columns": [CATALOG[key].label for key in KPI_COLUMNS],
        "kpi_weeks": kpi_weeks,
        "notes": notes,
        "suggestions": suggestions,
        **showing_up(client, today, sees_contacts=sees_contacts),
        "sees_contacts": sees_contacts,
        "sees_interactions": sees_interactions,
        "contacts_url": reverse("admin:coaching_clientcontact_changelist") + f"?client={client.pk}",
        "interactions_url": reverse("admin:coaching_clientinteraction_changelist")
        + f"?client={client.pk}",
        "note_url": reverse("admin:coaching_coachnote_add") + f"?client={client.pk}",
        "suggest_url": reverse("admin:coaching_suggestion_add") + f"?client={client.pk}",
    }


def _priority_text(priority: Any, sees_contacts: bool) -> str:
    if priority.objective_id:
        return f"Objective: {priority.objective.title}"
    if priority.contact_id:
        # A contact's name is contact data: shown only when the scope covers contacts.
        return f"Contact: {priority.contact}" if sees_contacts else "A contact"
    return priority.text


SHOWING_UP_DAYS = 30  # "lately": the events and content of the last 30 days
SHOWING_UP_LISTED = 5


def showing_up(client: User, today: dt.date, *, sees_contacts: bool) -> dict[str, Any]:
    """Where the client shows up: their communities, events and content. Counts for any
    scope; their names (titles, never notes, costs or who engaged) only when the scope covers
    contacts. In three queries, six with the names, whatever the numbers."""
    since = today - dt.timedelta(days=SHOWING_UP_DAYS)
    places = Community.objects.filter(owner=client)
    events = Event.objects.filter(owner=client)
    pieces = Piece.objects.filter(owner=client, published_on__gte=since, published_on__lte=today)
    counts = {
        **places.aggregate(
            communities=Count("pk"),
            contributing=Count("pk", filter=~Q(role=Role.MEMBER)),
        ),
        **events.aggregate(
            went=Count("pk", filter=Q(status=EventStatus.WENT, starts_at__date__gte=since)),
            going=Count("pk", filter=Q(status=EventStatus.GOING, starts_at__date__gte=today)),
        ),
        **pieces.aggregate(
            shared=Count("pk"),
            engagement=Sum(ENGAGEMENT),
        ),
    }
    found: dict[str, Any] = {"showing_up": counts, "showing_up_days": SHOWING_UP_DAYS}
    if sees_contacts:
        found["communities"] = list(
            places.annotate(member_count=Count("members")).only("name", "platform", "role")
        )
        found["events"] = list(
            events.filter(starts_at__date__gte=since)
            .exclude(status=EventStatus.SKIPPED)
            .select_related("community")
            .only("name", "starts_at", "timezone", "status", "community__name")
            .order_by("-starts_at")[:SHOWING_UP_LISTED]
        )
        found["pieces"] = list(
            pieces.only("title", "platform", "published_on").order_by("-published_on", "-pk")[
                :SHOWING_UP_LISTED
            ]
        )
    return found
