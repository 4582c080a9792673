"""Real parts for the delivery tests: an SMTP server (aiosmtpd) that keeps what it receives
and can answer as a troubled server would, and real Celery worker processes on Redis."""

from __future__ import annotations

import email
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from urllib.parse import quote, urlparse, urlunparse

import pytest
import redis
from aiosmtpd.controller import Controller
from django.db import connection

# The browser journeys' Chromium, for the e-mails' HTML parts (test_digest_html).
from tests.browser.conftest import browser_context  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Sink:
    """What the SMTP server received, and how it should answer the next messages."""

    host: str
    port: int
    messages: list[Message] = field(default_factory=list)
    # Replies for the next DATA commands, used up in order; then "250 OK".
    replies: list[str] = field(default_factory=list)
    delay: float = 0.0  # seconds to wait before answering DATA (a slow server)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            if self.replies:
                reply = self.replies.pop(0)
                if not reply.startswith("250"):
                    return reply
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [m["Message-ID"] for m in self.messages]

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_sink(settings) -> Iterator[Sink]:
    """A real SMTP server on a free port; Django's SMTP backend points at it."""
    sink = Sink(host="127.0.0.1", port=free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = sink.host, sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    from networkcrm.mail import shared_connection_reset

    shared_connection_reset()
    yield sink
    shared_connection_reset()
    controller.stop()


def database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{db['NAME']}"


@pytest.fixture
def isolated_redis(redis_url: str) -> str:
    """A Redis database of its own per xdist worker, emptied first: from 10 up, or from
    TEST_WORKER_REDIS_DB when several runs share one Redis."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    number = int(os.environ.get("TEST_WORKER_REDIS_DB", "10")) + int(worker.removeprefix("gw") or 0)
    url = urlunparse(urlparse(redis_url)._replace(path=f"/{number}"))
    redis.Redis.from_url(url).flushdb()
    return url


Start = Callable[..., subprocess.Popen]


@pytest.fixture
def start(postgresql, isolated_redis, tmp_path) -> Iterator[Start]:
    """Starts `celery -A networkcrm <args>` processes on the test database and an isolated
    Redis; `env` adds variables (e.g. the SMTP sink's address). Stopped at the end."""
    processes: list[tuple[subprocess.Popen, Path]] = []

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        log = tmp_path / f"{args[0]}-{len(processes)}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "networkcrm", *args, "--loglevel=INFO"],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": database_url(),
                "REDIS_URL": isolated_redis,
                "CELERY_BROKER_URL": isolated_redis,
                "HEARTBEAT_INTERVAL": "1",
                "DEBUG": "true",
                "PYTHONUNBUFFERED": "1",  # its log survives a kill -9
                **(env or {}),
            },
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        processes.append((process, log))
        return process

    yield run
    for process, log in processes:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        print(f"--- {log.name} ---\n{log.read_text()[-3000:]}")  # noqa: T201 (shown on failure)
    connection.close()  # the workers' writes are committed; start clean for teardown


def wait_for(condition: Callable[[], bool], seconds: float = 45.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False
