"""`python -m bench.webhooks`: N webhook deliveries sent by one Celery worker process to a local
HTTP receiver, timed from the commit of their events to the receiver's Nth request.

On the PostgreSQL bench database (BENCH_DATABASE_URL, or --database; created if missing, then
migrated): makes sure the user bench-webhooks@example.com exists with one endpoint pointing at
a receiver in this process (the standard library's threaded HTTP server, HTTP/1.1 keep-alive,
answering 200 at once and checking every signature), removes the endpoint's old deliveries,
empties the bench's Redis database (BENCH_REDIS_URL), starts one `celery worker --pool=solo`
(one process: one worker), then emits N events in one transaction (one delivery each, queued
on commit in batches of 100) and waits for the receiver to hold N distinct delivery ids. Prints
deliveries per minute against the target of 1,000, duplicates and bad signatures (both must be
0), and writes the figures to var/bench/webhooks.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from bench.digest import (
    BenchError,
    check_database_url,
    check_redis_url,
    django_env,
    redis_flush,
    stop_group,
)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/networkcrm_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/7"
DEFAULT_DELIVERIES = 1000
TARGET_PER_MINUTE = 1000.0
LIMIT = 300
WORKER_START_LIMIT = 60
EMAIL = "bench-webhooks@example.com"


class Receiver:
    """Counts what arrives, by delivery id, and checks each signature."""

    def __init__(self, secret: str) -> None:
        self.secret = secret.encode()
        self.lock = threading.Lock()
        self.ids: dict[str, int] = {}
        self.bad_signatures = 0
        self.last_at = 0.0

    def take(self, headers: Any, body: bytes) -> None:
        parts = dict(p.split("=", 1) for p in headers["NetworkCRM-Signature"].split(","))
        expected = hmac.new(self.secret, parts["t"].encode() + b"." + body, hashlib.sha256)
        good = hmac.compare_digest(expected.hexdigest(), parts["v1"])
        with self.lock:
            key = headers["NetworkCRM-Delivery"]
            self.ids[key] = self.ids.get(key, 0) + 1
            self.bad_signatures += not good
            self.last_at = time.monotonic()

    def count(self) -> int:
        with self.lock:
            return len(self.ids)


@contextmanager
def receiving(receiver: Receiver) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # as a real server does: no 40 ms waits for an ACK

        def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            receiver.take(self.headers, body)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/bench"
    finally:
        server.shutdown()
        server.server_close()


def database_ensure(url: str) -> None:
    """Creates the bench database when it is missing (its name says bench: checked)."""
    import psycopg2

    parsed = urlparse(url)
    name = unquote(parsed.path.lstrip("/"))
    server = psycopg2.connect(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5432,
        user=unquote(parsed.username or "postgres"),
        password=unquote(parsed.password or "") or None,
        dbname="postgres",
    )
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')  # a name checked to hold "bench"
    server.close()


@contextmanager
def worker(env: dict[str, str], log_path: Path) -> Iterator[None]:
    from networkcrm.celery import app

    name = f"bench-webhooks-{os.getpid()}@"
    command = [sys.executable, "-m", "celery", "-A", "networkcrm", "worker", "--pool=solo"]
    command += ["--loglevel=WARNING", "--without-gossip", "--without-mingle", f"-n{name}%h"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + WORKER_START_LIMIT
        while True:
            if process.poll() is not None:
                raise BenchError(f"the Celery worker stopped at start; see {log_path}.")
            replies = app.control.ping(timeout=0.5) or []
            if any(n.startswith(name) for reply in replies for n in reply):
                break
            if time.monotonic() > deadline:
                raise BenchError(f"the worker did not answer in {WORKER_START_LIMIT} s.")
        yield
    finally:
        stop_group(process)


def run(args: argparse.Namespace, say: Any) -> dict[str, Any]:
    import django

    database_ensure(args.database)
    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from accounts.models import User
    from accounts.services import user_sign_up
    from webhooks.models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint
    from webhooks.services import event_emit

    call_command("migrate", interactive=False, verbosity=0)
    user = User.objects.filter(email=EMAIL).first() or user_sign_up(
        email=EMAIL, password=secrets.token_urlsafe(16), name="Bench Webhooks"
    )
    WebhookEndpoint.objects.filter(owner=user).delete()  # and their old deliveries
    redis_flush(args.redis)
    result: dict[str, Any] = {"deliveries": args.deliveries, "target_per_minute": TARGET_PER_MINUTE}
    env = {**django_env(args, os.environ["SECRET_KEY"]), "WEBHOOKS_ALLOW_PRIVATE_TARGETS": "true"}
    endpoint_secret = "whsec_" + secrets.token_urlsafe(32)
    receiver = Receiver(endpoint_secret)
    with receiving(receiver) as url, worker(env, OUT / "webhooks-worker.log"):
        endpoint = WebhookEndpoint.objects.create(
            owner=user, url=url, events=[Event.CONTACT_CREATED], secret=endpoint_secret
        )
        say(f"   emitting {args.deliveries:,} events, one delivery each, to {url}")
        started = time.monotonic()
        with transaction.atomic():
            for n in range(args.deliveries):
                event_emit(owner_id=user.pk, event=Event.CONTACT_CREATED, data={"id": n})
        committed = time.monotonic()
        result["emit_seconds"] = round(committed - started, 2)
        deadline = committed + args.limit
        while receiver.count() < args.deliveries and time.monotonic() < deadline:
            time.sleep(0.05)
        done = receiver.last_at
        time.sleep(1)  # long enough to see a duplicate arrive
        received = receiver.count()
        delivered = WebhookDelivery.objects.filter(
            endpoint=endpoint, status=DeliveryStatus.DELIVERED
        ).count()
    seconds = max(done - committed, 1e-6)
    result.update(
        received=received,
        delivered_rows=delivered,
        seconds=round(seconds, 2),
        per_minute=round(received / seconds * 60),
        duplicates=sum(n - 1 for n in receiver.ids.values()),
        bad_signatures=receiver.bad_signatures,
    )
    if received < args.deliveries:
        result["error"] = f"only {received:,} of {args.deliveries:,} arrived in {args.limit} s."
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.webhooks", description="Webhook speed")
    parser.add_argument("--deliveries", type=int, default=DEFAULT_DELIVERIES)
    parser.add_argument("--limit", type=float, default=LIMIT, help="seconds to wait at most")
    parser.add_argument(
        "--database", default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE
    )
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS)
    args = parser.parse_args(argv)
    if args.deliveries < 1:
        parser.error("--deliveries must be at least 1.")
    try:
        check_database_url(args.database)
        check_redis_url(args.redis)
    except BenchError as error:
        parser.error(str(error))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def say(text: str) -> None:
        print(text, flush=True)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "networkcrm.settings")
    os.environ.update(django_env(args, os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50)))
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        result = run(args, say)
    except BenchError as error:
        result = {"deliveries": args.deliveries, "error": str(error)}
    if "per_minute" in result:
        verdict = "meets" if result["per_minute"] >= TARGET_PER_MINUTE else "MISSES"
        print(
            f"\nwebhooks: {result['received']:,} deliveries in {result['seconds']} s on one "
            f"worker process = {result['per_minute']:,} a minute ({verdict} the target of "
            f"{TARGET_PER_MINUTE:,.0f}); duplicates {result['duplicates']}, bad signatures "
            f"{result['bad_signatures']}; emitting them took {result['emit_seconds']} s"
        )
    if "error" in result:
        print(f"webhooks: {result['error']}")
    path = OUT / "webhooks.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"Written to {path.relative_to(ROOT)}")
    return 1 if "error" in result else 0


if __name__ == "__main__":
    sys.exit(main())
