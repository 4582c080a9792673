"""The kpi_sweep task beat rings every minute."""

from __future__ import annotations

import pytest
import time_machine

from accounts.models import Profile
from kpis.models import WeeklyKpi
from kpis.tasks import kpi_sweep
from tests.kpis.test_kpis import AFTER, ROLLUP_AT

pytestmark = pytest.mark.django_db


def test_the_beat_schedule_rings_the_sweep_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["kpi-sweep"]
    assert entry["task"] == kpi_sweep.name == "kpis.tasks.kpi_sweep"
    assert entry["schedule"] == 60.0


def test_it_runs_the_sweep_and_says_what_it_did(alice):
    Profile.objects.filter(user=alice).update(
        next_rollup_at=ROLLUP_AT, weekly_summary_enabled=False
    )
    with time_machine.travel(AFTER, tick=False):
        result = kpi_sweep.apply().get()
    assert result == {"rolled_up": 1, "summaries": 0, "queued": 0}
    assert WeeklyKpi.objects.filter(user=alice).count() == 1
