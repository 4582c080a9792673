"""The demo gives the demo coach a caseload worth looking at."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import AssignmentStatus, CoachAssignment, CoachScope, User, is_coach
from coaching.models import CoachNote, Suggestion
from kpis.models import WeeklyKpi

pytestmark = pytest.mark.django_db


def test_the_demo_coach_has_three_clients_with_different_scopes(client):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # a second run adds nothing
    coach = User.objects.get(email="coach@example.com")
    assert is_coach(coach)
    assignments = CoachAssignment.objects.filter(coach=coach, status=AssignmentStatus.ACTIVE)
    assert assignments.count() == 3
    assert set(assignments.values_list("scope", flat=True)) == set(CoachScope.values)
    for assignment in assignments:
        assert WeeklyKpi.objects.filter(user=assignment.client).count() == 12
    assert CoachNote.objects.filter(coach=coach).count() == 1
    assert Suggestion.objects.filter(coach=coach).count() == 1
    client.force_login(coach)
    caseload = client.get("/admin/coaching/client/")
    assert caseload.status_code == 200
    for email in ("demo@example.com", "consultant@example.com", "switcher@example.com"):
        assert email.encode() in caseload.content
