"""Real parts for the webhook tests: an HTTP receiver (the standard library's server, in a
thread) that keeps what it receives, checks each signature, and answers as scripted."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from networkcrm.celery import app

# The follow-ups tests' real parts (Redis of its own, worker processes), here too.
from tests.followups.conftest import isolated_redis, start  # noqa: F401, I001
from webhooks import delivery as delivery_module
from webhooks.delivery import DELIVERY_HEADER, SIGNATURE_HEADER


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def delivery_id(self) -> str:
        return self.headers[DELIVERY_HEADER]

    def json(self) -> dict[str, Any]:
        return json.loads(self.body)

    def signed_by(self, secret: str, *, tolerance: float = 300) -> bool:
        """The check a receiver makes (the README's snippet): the HMAC of "<t>." + body."""
        parts = dict(item.split("=", 1) for item in self.headers[SIGNATURE_HEADER].split(","))
        signed = parts["t"].encode() + b"." + self.body
        expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        fresh = abs(time.time() - int(parts["t"])) <= tolerance
        return fresh and hmac.compare_digest(expected, parts["v1"])


@dataclass
class Receiver:
    """What it received; `script` holds the answers to the next requests, used up in order
    (a status code, or ("hang", seconds) to keep the sender waiting first), then 200."""

    url: str = ""
    requests: list[Received] = field(default_factory=list)
    script: list[Any] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_answer(self) -> Any:
        with self.lock:
            return self.script.pop(0) if self.script else 200

    def delivery_ids(self) -> list[str]:
        with self.lock:
            return [r.delivery_id for r in self.requests]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver would
        disable_nagle_algorithm = True  # as a real server does: no 40 ms waits for an ACK

        def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with receiver.lock:
                receiver.requests.append(Received(dict(self.headers), body, time.time()))
            answer = receiver.next_answer()
            if isinstance(answer, tuple):
                time.sleep(answer[1])
                answer = 200
            reply = b'{"ok": true}' if answer < 300 else b"Something broke on our side."
            try:
                self.send_response(answer)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
            except OSError:
                pass  # the sender gave up waiting

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    """A local receiver; local targets allowed (the operator setting), as a test must."""
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    made = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(made))
    server.daemon_threads = True
    made.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield made
    server.shutdown()
    server.server_close()
    delivery_module._session = None  # no kept-alive connection to a closed server


@pytest.fixture
def queued(monkeypatch) -> list[list[int]]:
    """Sends queued by this process are kept here, for a test that sends in-process."""
    kept: list[list[int]] = []
    monkeypatch.setattr(
        delivery_module, "enqueue_sends", lambda ids, connection=None: kept.append(list(ids))
    )
    return kept


@pytest.fixture
def route_to(monkeypatch):
    """Sends queued by this process go to `url` (the workers' isolated Redis), not to the
    default broker that other test processes share."""

    def route(url: str) -> None:
        original = delivery_module.enqueue_sends

        def enqueue(ids, connection=None) -> None:
            with app.connection_for_write(url) as broker:
                original(ids, connection=broker)

        monkeypatch.setattr(delivery_module, "enqueue_sends", enqueue)

    return route
