"""The demo coach's caseload: three clients, each with a different scope, a network, a plan
and twelve weeks of KPIs; a note and a suggestion waiting for the demo networker."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import AssignmentStatus, CoachAssignment, CoachScope, User
from coaching.models import CoachNote, Suggestion, SuggestionKind
from coaching.services import make_coach
from contacts.demo import SEED, demo_network_load, demo_user
from goals.models import GoalPlan, Period
from goals.services import plan_start
from goals.starters import CONSULTING, SWITCH_INDUSTRIES

# (e-mail, name, scope, starter, network seed); the demo networker is the first client.
DEMO_CLIENTS = (
    ("consultant@example.com", "Demo Consultant", CoachScope.CONTACTS, CONSULTING, SEED + 1),
    ("switcher@example.com", "Demo Career Switcher", CoachScope.PLAN, SWITCH_INDUSTRIES, SEED + 2),
)


def demo_coaching_load(*, coach: User, owner: User, today: dt.date) -> list[User]:
    """Makes the coach's three clients (idempotent) and returns them."""
    make_coach(coach)
    clients = [(owner, CoachScope.INTERACTIONS)]
    for email, name, scope, starter, seed in DEMO_CLIENTS:
        client = demo_user(email, name)
        demo_network_load(owner=client, today=today, seed=seed)
        if not GoalPlan.objects.filter(owner=client).exists():
            plan_start(owner=client, starter=starter, today=today - dt.timedelta(days=45))
        clients.append((client, scope))
    with transaction.atomic():
        for client, scope in clients:
            _, created = CoachAssignment.objects.get_or_create(
                client=client,
                coach=coach,
                status=AssignmentStatus.ACTIVE,
                defaults={
                    "email": coach.email,
                    "scope": scope,
                    "accepted_at": timezone.now() - dt.timedelta(days=40),
                },
            )
            if created and client == owner:
                CoachNote.objects.create(
                    coach=coach,
                    client=owner,
                    text="Great month of coffees. This week: reconnect with two people in your "
                    "close circle you have not spoken to since spring.",
                )
                Suggestion.objects.create(
                    coach=coach,
                    client=owner,
                    kind=SuggestionKind.OBJECTIVE,
                    title="Two introductions a month",
                    why="Giving first is what keeps a network warm.",
                    metric="introductions_made",
                    target=Decimal(2),
                    period=Period.MONTH,
                )
    return [client for client, _scope in clients]
