"""The heartbeat through the real pipe: Redis as broker, a real Celery worker and beat
processes, the test's PostgreSQL database. Nothing runs eagerly here."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlparse, urlunparse

import pytest
import redis
from django.db import connection
from django_celery_beat.models import PeriodicTask

from followups.models import Heartbeat
from followups.tasks import heartbeat
from networkcrm.celery import app

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{db['NAME']}"


@pytest.fixture
def isolated_redis(redis_url: str) -> str:
    """A Redis database of its own per xdist worker, emptied first."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    number = 10 + int(worker.removeprefix("gw") or 0)
    url = urlunparse(urlparse(redis_url)._replace(path=f"/{number}"))
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def start(postgresql, isolated_redis, tmp_path) -> Iterator:
    processes: list[tuple[subprocess.Popen, Path]] = []
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": isolated_redis,
        "CELERY_BROKER_URL": isolated_redis,
        "HEARTBEAT_INTERVAL": "1",
        "DEBUG": "true",
    }

    def run(*args: str) -> subprocess.Popen:
        log = tmp_path / f"{args[0]}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "networkcrm", *args, "--loglevel=INFO"],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        processes.append((process, log))
        return process

    yield run
    for process, log in processes:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        print(f"--- {log.name} ---\n{log.read_text()[-3000:]}")  # noqa: T201 (shown on failure)
    connection.close()  # the worker's writes are committed; start clean for teardown


def wait_for(condition, seconds: float = 45.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


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
