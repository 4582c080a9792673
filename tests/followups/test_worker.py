"""The heartbeat through the real pipe: Redis as broker, a real Celery worker and beat
processes, the test's PostgreSQL database. Nothing runs eagerly here."""

from __future__ import annotations

import pytest
from django_celery_beat.models import PeriodicTask

from followups.models import Heartbeat
from followups.tasks import heartbeat
from networkcrm.celery import app
from tests.followups.conftest import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_it_runs_a_queued_heartbeat_on_a_real_worker(start, isolated_redis):
    start("worker", "--pool=solo", "--hostname=heartbeat-test@%h")
    with app.connection_for_write(isolated_redis) as broker:
        heartbeat.apply_async(connection=broker)
    assert wait_for(lambda: Heartbeat.objects.filter(name="heartbeat").exists())
    beat = Heartbeat.objects.get(name="heartbeat")
    assert beat.runs == 1
    assert beat.hostname.startswith("heartbeat-test@")


def test_beat_schedules_the_heartbeat_from_code_and_the_worker_runs_it(start):
    start("worker", "--pool=solo", "--hostname=beat-test@%h")
    start("beat")
    assert wait_for(lambda: Heartbeat.objects.filter(name="heartbeat", runs__gte=2).exists()), (
        "beat did not get two heartbeats through Redis to the worker"
    )
    task = PeriodicTask.objects.get(name="heartbeat")
    assert task.task == "followups.tasks.heartbeat"
    assert task.interval.every == 1
