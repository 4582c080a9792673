"""`manage.py rollup_kpis`: the sweep by hand, and backfill."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from accounts.models import Profile
from kpis.models import WeeklyKpi
from tests.kpis.test_kpis import AFTER, MONDAY, ROLLUP_AT, alice_week

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    with time_machine.travel(AFTER, tick=False):
        call_command("rollup_kpis", *args, stdout=out)
    return out.getvalue()


def test_it_backfills_the_last_weeks_of_everyone(alice, bob):
    assert "Wrote 8 weekly rows" in run("--backfill", "4")
    assert WeeklyKpi.objects.filter(user=alice).count() == 4


def test_it_backfills_one_user(alice, bob):
    alice_week(alice)
    run("--backfill", "2", "--user", "ALICE@example.com")
    assert set(WeeklyKpi.objects.values_list("user_id", "week_start")) == {
        (alice.pk, MONDAY),
        (alice.pk, MONDAY - dt.timedelta(days=7)),
    }
    assert WeeklyKpi.objects.get(week_start=MONDAY).values["interactions_by_kind"] == 6


def test_a_second_backfill_writes_the_same_rows(alice):
    alice_week(alice)
    run("--backfill", "3")
    before = list(WeeklyKpi.objects.order_by("week_start").values("id", "values", "snapshots"))
    run("--backfill", "3")
    assert list(WeeklyKpi.objects.order_by("week_start").values("id", "values", "snapshots")) == (
        before
    )


def test_without_backfill_it_runs_the_sweep(alice):
    Profile.objects.filter(user=alice).update(next_rollup_at=ROLLUP_AT)
    assert "Rolled up the last week of 1 user;" in run()
    assert WeeklyKpi.objects.get().week_start == MONDAY


def test_it_explains_bad_arguments(alice):
    with pytest.raises(CommandError, match="1 or more"):
        run("--backfill", "0")
    with pytest.raises(CommandError, match="no user with the e-mail nobody@example.com"):
        run("--backfill", "1", "--user", "nobody@example.com")
    with pytest.raises(CommandError, match="goes with --backfill"):
        run("--user", "alice@example.com")
