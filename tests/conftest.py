"""Shared fixtures: the personas and the real services some tests need.

Personas: alice (owner), bob (another user), carol (alice's coach).
A test that needs a service asks for its fixture. On a laptop without the service the
test skips and says how to enable it; in CI (CI=true) it fails, so a missing service can
never turn a red run green. A test that asks for `postgresql` is marked `postgresql` too, so
the SQLite run (`make test-sqlite`, `-m "not postgresql"`) leaves it out rather than skip it.
"""

from __future__ import annotations

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.core.servers.basehttp import WSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread

from accounts.services import user_sign_up

PASSWORD = "correct horse battery"

# The mailbox and calendar sync tests' real servers (dovecot, an HTTP server of .ics files).
pytest_plugins = ["tests.capture.fixtures_sync"]


class OneRequestAtATimeServer(WSGIServer):
    """The browser journeys' live server on SQLite: the test database is in memory, so the
    server shares the test's one connection, and Django's threaded server would let two
    requests (a page, and the htmx fragment it loads) use it at once, which can leave one
    waiting forever. One request at a time, each answered with "Connection: close", is how
    Django's own server behaves without threads; PostgreSQL keeps the threaded server."""

    def __init__(self, *args: object, connections_override: object = None, **kwargs: object):
        super().__init__(*args, **kwargs)  # the server's thread already holds the override


if connection.vendor == "sqlite":
    LiveServerThread.server_class = OneRequestAtATimeServer


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(service: str, available: bool, how: str) -> None:
    if available:
        return
    if in_ci():
        pytest.fail(f"{service} is required in CI but is not available: {how}")
    pytest.skip(f"{service} is not available here; {how}")


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 2
        ):
            return True
    except OSError:
        return False


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "postgresql" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgresql)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher is slow on purpose; tests only need hashes that verify.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(db):
    return user_sign_up(
        email="alice@example.com", password=PASSWORD, name="Alice", timezone="Europe/Paris"
    )


@pytest.fixture
def bob(db):
    return user_sign_up(
        email="bob@example.com", password=PASSWORD, name="Bob", timezone="America/New_York"
    )


@pytest.fixture
def carol(db):
    return user_sign_up(email="carol@example.com", password=PASSWORD, name="Carol")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def postgresql(db):
    """For what only PostgreSQL does here: SKIP LOCKED between connections, worker processes
    sharing the test database."""
    require(
        "PostgreSQL",
        connection.vendor == "postgresql",
        "run the tests with DATABASE_URL=postgres://… (make test does).",
    )


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    require(
        "Redis",
        bool(url) and reachable(url, 6379),
        "start Redis and set REDIS_URL=redis://127.0.0.1:6379/0 (make test does).",
    )
    return url


@pytest.fixture
def chromium_path() -> str:
    path = shutil.which("chromium")
    require(
        "Chromium",
        path is not None,
        "install Debian's chromium package (apt-get install chromium).",
    )
    return path  # type: ignore[return-value]
