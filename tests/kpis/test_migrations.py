"""WeeklyKpi moved from goals to kpis by state alone: the rows stay where they were."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from kpis.models import WeeklyKpi

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("goals", "0003_weeklykpi"), ("kpis", None)]


def migrate(targets: list) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor


def test_a_row_written_before_the_move_reads_the_same_after_it(alice):
    try:
        old = migrate(BEFORE).loader.project_state([BEFORE[0]]).apps
        assert ContentType.objects.get(model="weeklykpi").app_label == "goals"
        old.get_model("goals", "WeeklyKpi").objects.create(
            user_id=alice.pk,
            week_start=dt.date(2026, 6, 8),
            values={"outcomes": 3},
            timezone="UTC",
            computed_at=timezone.now(),
        )
    finally:
        # Every app's latest migration: going back to BEFORE also unapplied the migrations of
        # other apps that depend on goals' later ones (events, contacts), and the other tests
        # need their schema whatever happened.
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    row = WeeklyKpi.objects.get(user=alice)
    assert (row.week_start, row.values) == (dt.date(2026, 6, 8), {"outcomes": 3})
    assert ContentType.objects.get(model="weeklykpi").app_label == "kpis"
