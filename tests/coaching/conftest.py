"""Coaching fixtures: carol coaches; alice is her client; bob is not. Every piece of alice's
and bob's data that a coach must never see carries MARKER."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import AssignmentStatus, CoachAssignment, CoachScope
from coaching.services import make_coach
from contacts.models import Contact, Tag
from contacts.services import interaction_log
from goals.models import GoalPlan, Objective, Period

MARKER = "ZQX-PRIVATE-7731"


@pytest.fixture
def coach(carol):
    make_coach(carol)
    return carol


def assign(client: Any, coach: Any, scope: str = CoachScope.PLAN) -> CoachAssignment:
    return CoachAssignment.objects.create(
        client=client,
        coach=coach,
        email=coach.email,
        scope=scope,
        status=AssignmentStatus.ACTIVE,
        accepted_at=timezone.now(),
    )


def network(owner: Any, today: dt.date | None = None) -> dict[str, Any]:
    """A small network whose private parts all carry MARKER."""
    today = today or timezone.localdate()
    tag = Tag.objects.create(owner=owner, name="fintech")
    open_contact = Contact.objects.create(
        owner=owner, first_name="Nadia", last_name="Open", company="Acme", notes="met at a meetup"
    )
    open_contact.tags.add(tag)
    secret_contact = Contact.objects.create(
        owner=owner,
        first_name="Omar",
        last_name="Quiet",
        company="Initech",
        private_notes=f"{MARKER} do not share",
    )
    public = interaction_log(
        owner=owner,
        contacts=[open_contact],
        occurred_on=today,
        today=today,
        kind="meeting",
        channel="in_person",
        quality=4,
        notes="coffee about a new role",
    )
    private = interaction_log(
        owner=owner,
        contacts=[secret_contact],
        occurred_on=today,
        today=today,
        kind="call",
        channel="phone",
        quality=5,
        notes=f"{MARKER} health news",
        private=True,
    )
    plan = GoalPlan.objects.create(owner=owner, started_on=today - dt.timedelta(days=10))
    objective = Objective.objects.create(
        plan=plan,
        title="Meaningful conversations",
        metric="meaningful_connections",
        target=Decimal(4),
        period=Period.MONTH,
    )
    return {
        "tag": tag,
        "open": open_contact,
        "secret": secret_contact,
        "public": public,
        "private": private,
        "plan": plan,
        "objective": objective,
    }


@pytest.fixture
def coach_client(coach):
    """The coach's own browser, beside the client's (`alice_client`)."""
    from django.test import Client

    browser = Client()
    browser.force_login(coach)
    return browser
