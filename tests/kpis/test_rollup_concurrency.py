"""Rollups at once, on real PostgreSQL transactions: sweeps in threads take disjoint users, and
two writers of the same week leave the same rows as one."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connection

from accounts.models import Profile
from followups.models import DigestDelivery
from kpis.models import WeeklyKpi
from kpis.rollup import kpi_sweep, rollup_backfill, rollup_time_after, rollup_write
from tests.kpis.test_kpis import AFTER, MONDAY, ROLLUP_AT, members

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(*jobs: Callable[[], object]) -> None:
    """Runs the jobs in threads started together; each with its own connection."""
    errors: list[BaseException] = []
    ready = threading.Barrier(len(jobs))

    def run(job: Callable[[], object]) -> None:
        try:
            ready.wait(10)
            job()
        except BaseException as error:  # noqa: BLE001 (reported by the test below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []


def rows() -> list[dict]:
    return list(
        WeeklyKpi.objects.order_by("user_id", "week_start").values(
            "user_id", "week_start", "values", "snapshots", "objectives", "timezone"
        )
    )


def test_four_sweeps_at_once_roll_everyone_up_once(postgresql):
    made = members(12)
    Profile.objects.update(next_rollup_at=ROLLUP_AT)
    queued: list[int] = []
    lock = threading.Lock()

    def enqueue(ids: list[int]) -> None:
        with lock:
            queued.extend(ids)

    at_once(*[lambda: kpi_sweep(now=AFTER, batch=3, enqueue=enqueue) for _ in range(4)])
    assert WeeklyKpi.objects.count() == 12
    assert set(WeeklyKpi.objects.values_list("user_id", flat=True)) == {u.pk for u in made}
    assert DigestDelivery.objects.count() == 12
    for profile in Profile.objects.all():  # the next Monday 01:00, each in their own zone
        assert profile.next_rollup_at == rollup_time_after(profile.timezone, AFTER)
        assert profile.next_rollup_at - AFTER < dt.timedelta(days=7)
    concurrent = rows()
    # The same week again, one sweep alone: the same rows.
    Profile.objects.update(next_rollup_at=ROLLUP_AT)
    kpi_sweep(now=AFTER, enqueue=enqueue)
    assert rows() == concurrent
    assert DigestDelivery.objects.count() == 12


def test_two_rollups_of_the_same_week_at_once_give_the_rows_of_one(postgresql):
    members(8)
    profiles = list(Profile.objects.all())
    rollup_write(MONDAY, profiles, now=AFTER)
    rollup_backfill(weeks=1, now=AFTER)  # the week that ended in each zone
    alone = rows()
    WeeklyKpi.objects.all().delete()
    at_once(
        lambda: rollup_write(MONDAY, profiles, now=AFTER),
        lambda: rollup_write(MONDAY, list(reversed(profiles)), now=AFTER),
        lambda: rollup_backfill(weeks=1, now=AFTER),
    )
    assert rows() == alone
