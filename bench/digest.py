"""`python -m bench.digest`: one digest sweep with N users due, delivered by two Celery worker
processes to an SMTP sink in this process, timed from the sweep's start to the sink's Nth message.

On the PostgreSQL bench database (BENCH_DATABASE_URL, or --database): makes sure
digest-user-1…N@example.com exist, each with a small network (6 contacts, 2 or 3 of them
overdue, a follow-up for every third user), written with bulk inserts; counts the SQL queries of
single sends and of a batch of sends in this process (Django's locmem mail backend, users of 6
and of 5,000 contacts: the count must not grow with the network); then sets the users due,
empties the bench's Redis
database (BENCH_REDIS_URL, default redis://127.0.0.1:6379/8), starts an aiosmtpd sink and one
`celery worker --concurrency=2` (two prefork processes, as the Procfile runs it), calls
`digest_sweep` here with an enqueue on that Redis, and waits for the sink to hold N messages
(at most --limit seconds). Prints a table, and writes it into var/bench/results.json beside the
page figures (or, with --json, prints one line of JSON for `python -m bench`). See
bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/networkcrm_bench"
# Not 0 (development), not 9 (bench/imports.py's worker), not 10 and up (the tests' workers):
# a worker of another database on this queue would take the sends and lose them.
DEFAULT_REDIS = "redis://127.0.0.1:6379/8"
DEFAULT_USERS = 10_000
DIGEST_EMAIL = "digest-user-{n}@example.com"
BENCH_USER = "bench-user-1@example.com"
TARGET_PER_SECOND = 200.0
CONCURRENCY = 2  # one prefork worker, two processes: how the Procfile runs it
# Time limits, in seconds, so nothing here can hang.
LIMIT = 600  # for the sink to hold every digest
WORKER_START_LIMIT = 60
WORKER_STOP_LIMIT = 30
GRACE = 2.0  # after the last digest: long enough to see a duplicate arrive
PROGRESS_EVERY = 10.0

# The small network of each digest user: one contact per circle listed, pinned there (so the
# strength refresh keeps the cadence), each with one interaction.
CIRCLES = ("inner", "close", "close", "active", "active", "extended")
CADENCE = {"inner": 14, "close": 30, "active": 90, "extended": 180}
TIMEZONES = ("UTC", "Europe/London", "Europe/Paris", "America/New_York", "Asia/Singapore")
KINDS = (
    ("meeting", "in_person", 60),
    ("call", "phone", 30),
    ("message", "linkedin", None),
    ("email", "email", None),
)


class BenchError(Exception):
    """Something this step cannot measure past, said in a sentence."""


# --- Arguments and environment ----------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.digest", description=__doc__.split("\n")[0].strip("`")
    )
    parser.add_argument(
        "--users", type=int, default=DEFAULT_USERS, help=f"users due (default {DEFAULT_USERS:,})"
    )
    parser.add_argument(
        "--limit",
        type=float,
        default=LIMIT,
        help=f"seconds to wait for every digest (default {LIMIT})",
    )
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE,
        help="the PostgreSQL bench database (default BENCH_DATABASE_URL, else networkcrm_bench)",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS,
        help=f"a Redis database the bench may empty (default BENCH_REDIS_URL, {DEFAULT_REDIS})",
    )
    parser.add_argument(
        "--json", action="store_true", help="progress on stderr, the result as JSON on stdout"
    )
    args = parser.parse_args(argv)
    if args.users < 1:
        parser.error("--users must be at least 1.")
    if args.limit <= 0:
        parser.error("--limit must be a positive number of seconds.")
    try:
        check_database_url(args.database)
        check_redis_url(args.redis)
    except BenchError as error:
        parser.error(str(error))
    return args


def check_database_url(url: str) -> None:
    """A PostgreSQL database named for the bench: this step writes users into it."""
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise BenchError(f"the digest step runs on PostgreSQL, not {parsed.scheme or url!r}.")
    name = unquote(parsed.path.lstrip("/"))
    if "bench" not in name:
        raise BenchError(
            f"the digest step adds users to the database, and {name!r} does not look like a "
            "bench database: name it with 'bench' in it."
        )


def check_redis_url(url: str) -> None:
    """A numbered Redis database other than 0 (the development one): it is emptied."""
    parsed = urlparse(url)
    if parsed.scheme not in ("redis", "rediss"):
        raise BenchError(f"BENCH_REDIS_URL must be a redis:// URL, not {url!r}.")
    number = parsed.path.lstrip("/")
    if not number.isdigit() or int(number) == 0:
        raise BenchError(
            f"BENCH_REDIS_URL must name a Redis database of its own other than 0 (e.g. /8): "
            f"the bench empties it; {url!r} does not."
        )


def django_env(args: argparse.Namespace, secret: str) -> dict[str, str]:
    """Production settings on the bench database and the bench's Redis database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DEBUG="false",
        SECRET_KEY=secret,
        ALLOWED_HOSTS="127.0.0.1",
        HTTPS_ONLY="false",
        DATABASE_URL=args.database,
        REDIS_URL=args.redis,
        CELERY_BROKER_URL=args.redis,
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def worker_env(base: dict[str, str], smtp_port: int) -> dict[str, str]:
    """The workers' settings: the bench's, with e-mail going to the sink over plain SMTP."""
    return {
        **base,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_USE_SSL": "false",
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
    }


# --- The digest users' networks ----------------------------------------------------------------


@dataclass(frozen=True)
class PlannedContact:
    circle: str
    overdue: bool
    last_seen: dt.date  # the day of its one interaction
    kind: tuple[str, str, int | None]  # kind, channel, minutes


@dataclass(frozen=True)
class PlannedUser:
    n: int
    timezone: str
    contacts: tuple[PlannedContact, ...]
    followup_due: dt.date | None  # a follow-up with the second contact, or none


def digest_network(n: int, today: dt.date) -> PlannedUser:
    """The network of digest-user-n: the same every time for a given day. 2 or 3 of the 6
    contacts are overdue (by 3 to 30 days past their cadence), the others seen recently
    enough not to be; every third user also has a follow-up due in the last few days."""
    rng = random.Random(f"digest:{n}")
    overdue = set(rng.sample(range(len(CIRCLES)), k=2 + n % 2))
    contacts = []
    for index, circle in enumerate(CIRCLES):
        cadence = CADENCE[circle]
        ago = cadence + rng.randint(3, 30) if index in overdue else rng.randint(0, cadence - 8)
        contacts.append(
            PlannedContact(
                circle=circle,
                overdue=index in overdue,
                last_seen=today - dt.timedelta(days=ago),
                kind=KINDS[rng.randrange(len(KINDS))],
            )
        )
    followup = today - dt.timedelta(days=n % 4) if n % 3 == 0 else None
    return PlannedUser(n, TIMEZONES[n % len(TIMEZONES)], tuple(contacts), followup)


def digest_users_ensure(count: int, today: dt.date) -> dict[str, Any]:
    """digest-user-1…count that do not exist yet, with their networks, in bulk: a few
    statements per 5,000 rows, then one refresh of the derived columns."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from accounts.models import Profile, User
    from bench.loaders import interactions_write
    from contacts.demo import (
        BATCH_SIZE,
        DEMO_PASSWORD,
        bulk_insert,
        derived_refresh,
        invented_name,
    )
    from contacts.models import Contact
    from followups.models import FollowUp

    started = time.perf_counter()
    emails = {DIGEST_EMAIL.format(n=n): n for n in range(1, count + 1)}
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    missing = [n for email, n in emails.items() if email not in existing]
    if not missing:
        return {"created": 0, "seconds": round(time.perf_counter() - started, 1)}
    plans = {n: digest_network(n, today) for n in missing}
    with transaction.atomic():
        password = make_password(DEMO_PASSWORD)  # one hash for all: the hasher is slow
        users = bulk_insert(
            User,
            [
                User(email=DIGEST_EMAIL.format(n=n), name=f"Digest User {n}", password=password)
                for n in missing
            ],
        )
        Profile.objects.bulk_create(
            [
                Profile(user=user, timezone=plans[n].timezone)
                for user, n in zip(users, missing, strict=True)
            ],
            batch_size=BATCH_SIZE,
        )
        rows, followups = [], []
        for user, n in zip(users, missing, strict=True):
            rng = random.Random(f"digest-names:{n}")
            for planned in plans[n].contacts:
                first, last = invented_name(rng)
                rows.append(
                    Contact(
                        owner_id=user.pk,
                        first_name=first,
                        last_name=last,
                        circle=planned.circle,
                        circle_pinned=True,
                        met_on=planned.last_seen - dt.timedelta(days=400),
                    )
                )
        contacts = bulk_insert(Contact, rows)
        interactions, withs = [], []
        size = len(CIRCLES)
        for at, (user, n) in enumerate(zip(users, missing, strict=True)):
            own = contacts[at * size : (at + 1) * size]
            for contact, planned in zip(own, plans[n].contacts, strict=True):
                kind, channel, minutes = planned.kind
                interactions.append((user.pk, planned.last_seen, kind, channel, "me", minutes, 4))
                withs.append([contact.pk])
            if plans[n].followup_due is not None:
                followups.append(
                    (
                        FollowUp(
                            owner_id=user.pk,
                            about="Send the introduction they asked for",
                            due_on=plans[n].followup_due,
                        ),
                        own[1].pk,
                    )
                )
        for at in range(0, len(interactions), BATCH_SIZE * 4):
            interactions_write(
                interactions[at : at + BATCH_SIZE * 4], withs[at : at + BATCH_SIZE * 4]
            )
        made = bulk_insert(FollowUp, [followup for followup, _ in followups])
        Link = FollowUp.contacts.through
        Link.objects.bulk_create(
            [
                Link(followup_id=followup.pk, contact_id=contact_id)
                for followup, (_, contact_id) in zip(made, followups, strict=True)
            ],
            batch_size=BATCH_SIZE,
        )
        derived_refresh(contacts=Contact.objects.filter(owner__in=users), today=today)
    # What autovacuum would do soon after a bulk load (as python -m bench does after the
    # seed): the sweep then meets a settled database, not one with fresh dead rows.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "created": len(users),
        "contacts": len(contacts),
        "interactions": len(interactions),
        "followups": len(made),
        "seconds": round(time.perf_counter() - started, 1),
    }


# --- Queries per digest, in this process ------------------------------------------------------


def queries_per_digest(today: dt.date) -> list[dict[str, Any]]:
    """Sends under CaptureQueriesContext, with the locmem mail backend; every write rolled
    back. One send each for users of 6 and of 5,000 contacts, with and without a follow-up and
    a goal plan that ranks an objective (the bench user has one; the small user is given one
    for the comparison), then a batch of `SEND_BATCH` small users as the sweep queues them,
    and the same batch with the 5,000-contact user in it: queries and time per digest."""
    from django.db import transaction
    from django.test.utils import override_settings

    from accounts.models import User
    from contacts.models import Contact
    from followups.digest import SEND_BATCH
    from goals.models import GoalPlan
    from networkcrm.mail import shared_connection_reset

    small = User.objects.filter(email=DIGEST_EMAIL.format(n=1)).first()
    big = User.objects.filter(email=BENCH_USER).first()  # absent when only this step ran
    others = list(
        User.objects.filter(
            email__in=[DIGEST_EMAIL.format(n=n) for n in range(2, SEND_BATCH + 1)]
        ).order_by("pk")
    )
    cases: list[tuple[str, list[Any], bool, bool]] = []  # label, users, follow-up, give a plan
    if small is not None:
        size = f"{Contact.objects.filter(owner=small).count():,} contacts"
        cases += [
            (size, [small], False, False),
            (f"{size} + follow-up", [small], True, False),
            (f"{size} + plan", [small], False, True),
            (f"{size} + plan + follow-up", [small], True, True),
        ]
    if big is not None:
        plan = " + plan" if GoalPlan.objects.active().filter(owner=big).exists() else ""
        size = f"{Contact.objects.filter(owner=big).count():,} contacts{plan}"
        cases += [(size, [big], False, False), (f"{size} + follow-up", [big], True, False)]
    if small is not None and len(others) == SEND_BATCH - 1:
        cases.append((f"batch of {SEND_BATCH}, 6 contacts each", [small, *others], False, False))
        if big is not None:
            cases.append((f"batch of {SEND_BATCH}, one the 5,000", [big, *others], False, False))
    # A day with no delivery yet: the one the sweep would claim is left to the sweep.
    day = today + dt.timedelta(days=1)
    found: list[dict[str, Any]] = []
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        shared_connection_reset()
        try:
            for case in [cases[0], *cases]:  # the first, once to warm up
                with transaction.atomic():
                    found.append(measured_send(*case, day=day))
                    transaction.set_rollback(True)
        finally:
            shared_connection_reset()
    return found[1:]


def measured_send(
    label: str, users: list[Any], with_followup: bool, with_plan: bool, *, day: dt.date
) -> dict[str, Any]:
    """One `digest_send_batch` of a delivery per user (a follow-up and a plan added to the
    first user when asked), in a transaction the caller rolls back."""
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from contacts.models import Contact
    from followups.digest import digest_send_batch
    from followups.models import DigestDelivery, FollowUp
    from goals.models import GoalPlan, Objective, Priority

    first = users[0]
    contacts = Contact.objects.filter(owner=first).order_by("pk")
    if with_followup:
        made = FollowUp.objects.create(
            owner=first, about="Send the deck", due_on=day - dt.timedelta(days=1)
        )
        made.contacts.set(contacts[:2])
    if with_plan:
        plan = GoalPlan.objects.create(owner=first, started_on=day - dt.timedelta(days=30))
        goal = Objective.objects.create(
            plan=plan, title="Meet founders", metric="interactions_by_kind", target=4
        )
        Priority.objects.create(plan=plan, position=0, objective=goal)
    deliveries = DigestDelivery.objects.bulk_create(
        DigestDelivery(user=user, local_date=day, lease_until=dt.datetime.now(dt.UTC))
        for user in users
    )
    mail.outbox = []
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        outcomes = digest_send_batch([d.pk for d in deliveries])
    seconds = time.perf_counter() - started
    count = len(deliveries)
    # The statements a worker runs: not the savepoints this transaction wraps the claim in.
    queries = sum(1 for q in captured.captured_queries if "SAVEPOINT" not in q["sql"])
    return {
        "case": label,
        "digests": count,
        "items": DigestDelivery.objects.get(pk=deliveries[0].pk).items,
        "outcome": ", ".join(sorted(set(outcomes.values()))),
        "messages": len(mail.outbox),
        "queries": queries if count == 1 else round(queries / count, 2),
        "ms": round(seconds * 1000 / count, 1),
    }


def bounded(cases: list[dict[str, Any]]) -> bool | None:
    """Whether single sends of the same shape (with or without a follow-up, a plan) ran the
    same number of queries whatever the number of contacts; None when no shape was measured
    twice."""
    by_shape: dict[tuple[bool, bool], list[float]] = {}
    for case in cases:
        if case.get("digests", 1) == 1:
            shape = ("follow-up" in case["case"], "plan" in case["case"])
            by_shape.setdefault(shape, []).append(case["queries"])
    compared = [counts for counts in by_shape.values() if len(counts) > 1]
    if not compared:
        return None
    return all(len(set(counts)) == 1 for counts in compared)


# --- The SMTP sink and the workers --------------------------------------------------------------


@dataclass
class Sink:
    """An aiosmtpd handler that keeps no message, only its Message-ID, its recipient and when
    the expected count was reached."""

    expected: int = 0
    ids: Counter[str] = field(default_factory=Counter)
    recipients: set[str] = field(default_factory=set)
    received: int = 0
    reached_at: float | None = None  # perf_counter() of the `expected`-th message
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        headers = BytesHeaderParser().parsebytes(envelope.content)
        with self.lock:
            self.received += 1
            self.ids[str(headers.get("Message-ID", ""))] += 1
            self.recipients.update(envelope.rcpt_tos)
            if self.reached_at is None and self.received >= self.expected:
                self.reached_at = time.perf_counter()
        return "250 OK"

    @property
    def duplicates(self) -> int:
        """Messages beyond the first with the same Message-ID."""
        with self.lock:
            return sum(count - 1 for count in self.ids.values() if count > 1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_sink(expected: int) -> Iterator[tuple[Sink, int]]:
    """The sink on a free port of 127.0.0.1, stopped on the way out."""
    from aiosmtpd.controller import Controller

    sink = Sink(expected=expected)
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@contextmanager
def celery_worker(env: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`celery -A networkcrm worker --concurrency=2` (prefork), in its own process group so
    its pool stops with it; answered a ping before this yields; stopped on every way out."""
    from networkcrm.celery import app

    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "networkcrm",
        "worker",
        "--pool=prefork",
        f"--concurrency={CONCURRENCY}",
        "--loglevel=WARNING",  # a log line per task would be part of the measure
        "--without-gossip",
        "--without-mingle",
        f"--hostname={own_name()}%h",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + WORKER_START_LIMIT
        while True:
            if process.poll() is not None:
                raise BenchError(f"the Celery worker stopped at start; see {log_path}.")
            replies = app.control.ping(timeout=0.5) or []
            if any(name.startswith(own_name()) for reply in replies for name in reply):
                break
            if time.monotonic() > deadline:
                raise BenchError(
                    f"the Celery worker did not answer within {WORKER_START_LIMIT} s; "
                    f"see {log_path}."
                )
        yield process
    finally:
        stop_group(process)


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (a warm shutdown) to the worker and its pool, then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, WORKER_STOP_LIMIT), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def own_name() -> str:
    return f"bench-digest-{os.getpid()}@"


def foreign_workers() -> list[str]:
    """Celery workers other than this step's that answer on the bench's Redis database."""
    from networkcrm.celery import app

    replies = app.control.ping(timeout=1.0) or []
    return sorted(name for reply in replies for name in reply if not name.startswith(own_name()))


def enqueue_to(url: str, spent: list[float]) -> Callable[[list[int]], None]:
    """The sweep's own enqueue (a send task per batch of deliveries), on `url`, as
    tests/followups/test_digest_delivery.py's enqueue_to; adds the seconds it takes to
    `spent`."""
    from followups.digest import enqueue_sends
    from networkcrm.celery import app

    def enqueue(ids: list[int]) -> None:
        started = time.perf_counter()
        with app.connection_for_write(url) as broker:
            enqueue_sends(ids, connection=broker)
        spent.append(time.perf_counter() - started)

    return enqueue


def cpu_seconds(who: int) -> float:
    """User and system CPU seconds of this process (RUSAGE_SELF) or of its children that have
    ended and been waited for, their own children included (RUSAGE_CHILDREN)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def machine_ticks() -> tuple[int, int] | None:
    """(busy, total) CPU ticks of the whole machine so far, from /proc/stat; None elsewhere."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def busy_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """The share (0–1) of all CPUs busy between two readings of `machine_ticks`."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    return round((after[0] - before[0]) / (after[1] - before[1]), 2)


def redis_flush(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5).flushdb()
    except redis.RedisError as error:
        raise BenchError(f"cannot empty {url}: {error}") from None


# --- The run ------------------------------------------------------------------------------------


def users_due(count: int) -> list[int]:
    """The first `count` digest users due now, with no delivery left from an earlier run; every
    other user's digest moved to tomorrow, so the sweep takes these and only these."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Profile, User
    from followups.models import DigestDelivery

    emails = [DIGEST_EMAIL.format(n=n) for n in range(1, count + 1)]
    ids = list(User.objects.filter(email__in=emails).values_list("pk", flat=True))
    now = timezone.now()
    with transaction.atomic():
        DigestDelivery.objects.all().delete()
        Profile.objects.exclude(user_id__in=ids).filter(digest_enabled=True).update(
            next_digest_at=now + dt.timedelta(days=1)
        )
        User.objects.filter(pk__in=ids).update(is_active=True)
        Profile.objects.filter(user_id__in=ids).update(digest_enabled=True, next_digest_at=now)
    return ids


def statuses(ids: list[int]) -> dict[str, int]:
    from django.db.models import Count

    from followups.models import DigestDelivery

    rows = (
        DigestDelivery.objects.filter(user_id__in=ids)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by("status")
    )
    return dict(rows)


def timed_sweep(
    args: argparse.Namespace, ids: list[int], base_env: dict[str, str], say: Any
) -> dict[str, Any]:
    """Sink and worker up, then the sweep; returns the figures, partial ones on a timeout."""
    from django.db import connection

    from followups.digest import digest_sweep

    expected = len(ids)
    figures: dict[str, Any] = {"worker": f"1 prefork worker, --concurrency={CONCURRENCY}"}
    if others := foreign_workers():
        raise BenchError(
            f"Celery worker {', '.join(others)} already listens on {args.redis}: another bench "
            "or app uses that Redis database; set BENCH_REDIS_URL to a free one."
        )
    redis_flush(args.redis)
    workers_cpu = cpu_seconds(resource.RUSAGE_CHILDREN)
    try:
        with smtp_sink(expected) as (sink, port):
            log_path = OUT / "digest-worker.log"
            say(f"   SMTP sink on 127.0.0.1:{port}; worker log in {log_path.relative_to(ROOT)}")
            with celery_worker(worker_env(base_env, port), log_path) as worker:
                say(f"   worker ready ({CONCURRENCY} processes); sweeping {expected:,} users")
                spent: list[float] = []
                own_cpu, ticks = cpu_seconds(resource.RUSAGE_SELF), machine_ticks()
                started = time.perf_counter()
                swept = digest_sweep(enqueue=enqueue_to(args.redis, spent))
                figures["sweep"] = {
                    "claimed": swept.claimed,
                    "skipped": swept.skipped,
                    "requeued": swept.requeued,
                    "seconds": round(time.perf_counter() - started, 2),
                    "enqueue_seconds": round(sum(spent), 2),
                }
                connection.close()
                say(
                    f"   sweep: {swept.claimed:,} claimed and queued in "
                    f"{figures['sweep']['seconds']} s"
                )
                deadline = started + args.limit
                shown = time.perf_counter()
                while sink.reached_at is None and time.perf_counter() < deadline:
                    if worker.poll() is not None:
                        figures["error"] = f"the worker stopped (see {log_path})"
                        break
                    time.sleep(0.2)
                    if time.perf_counter() - shown >= PROGRESS_EVERY:
                        shown = time.perf_counter()
                        say(f"   {shown - started:5.0f} s: {sink.received:,} in the sink")
                        if others := foreign_workers():
                            figures["error"] = (
                                f"Celery worker {', '.join(others)} started on {args.redis} "
                                "during the run and may have taken sends: figures not valid"
                            )
                            break
                own_cpu = cpu_seconds(resource.RUSAGE_SELF) - own_cpu
                busy = busy_share(ticks, machine_ticks())
                if sink.reached_at is not None:
                    time.sleep(GRACE)
                seconds = (sink.reached_at or time.perf_counter()) - started
                figures.update(
                    received=sink.received,
                    unique=len(sink.ids),
                    duplicates=sink.duplicates,
                    recipients=len(sink.recipients),
                    seconds=round(seconds, 2),
                    per_second=round(sink.received / seconds, 1) if seconds else None,
                    timed_out=sink.reached_at is None,
                    machine_busy=busy,
                    bench_cpu_seconds=round(own_cpu, 1),
                )
                if sink.reached_at is None and "error" not in figures:
                    figures["error"] = (
                        f"only {sink.received:,} of {expected:,} digests reached the sink "
                        f"within {args.limit:g} s"
                    )
    finally:
        redis_flush(args.redis)
    # The worker has been stopped and waited for: its CPU time (and its pool's, start-up
    # included) is now counted among this process's children.
    figures["workers_cpu_seconds"] = round(cpu_seconds(resource.RUSAGE_CHILDREN) - workers_cpu, 1)
    figures["statuses"] = statuses(ids)
    return figures


def run(args: argparse.Namespace, say: Any) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    result: dict[str, Any] = {
        "users": args.users,
        "target_per_second": TARGET_PER_SECOND,
        "cpus": os.cpu_count(),
    }
    if connection.vendor != "postgresql":
        raise BenchError("the digest step runs on PostgreSQL.")
    call_command("migrate", interactive=False, verbosity=0)
    today = timezone.localdate()
    say(f"   digest users: making sure {args.users:,} exist, each with 6 contacts")
    result["build"] = digest_users_ensure(args.users, today)
    if result["build"]["created"]:
        say(
            f"   created {result['build']['created']:,} users, {result['build']['contacts']:,} "
            f"contacts, {result['build']['interactions']:,} interactions, "
            f"{result['build']['followups']:,} follow-ups in {result['build']['seconds']} s"
        )
    ids = users_due(args.users)
    result["queries"] = queries_per_digest(today)
    result["queries_bounded"] = bounded(result["queries"])
    say(
        "   queries per digest: "
        + ", ".join(f"{c['case']} {c['queries']}" for c in result["queries"])
    )
    try:
        result.update(timed_sweep(args, ids, django_env(args, os.environ["SECRET_KEY"]), say))
    except BenchError as error:
        result["error"] = str(error)
    return result


# --- Reporting ---------------------------------------------------------------------------------


def digest_table(result: dict[str, Any], *, database: str = "postgres") -> list[str]:
    """The step's figures as rows of `what`, `figure`, `note`."""
    rows: list[tuple[str, str, str]] = []
    users = result.get("users")
    if users is not None:
        machine = f"{result['cpus']} CPUs" if result.get("cpus") else ""
        note = ", ".join(part for part in (result.get("worker", ""), machine) if part)
        rows.append(("users due", f"{users:,}", note))
    if "received" in result:
        rows.append(("digests in the SMTP sink", f"{result['received']:,}", ""))
        sweep = result.get("sweep", {})
        rows.append(
            (
                "seconds, sweep start to last",
                f"{result['seconds']}",
                f"the sweep itself {sweep.get('seconds')} s, "
                f"of which queueing {sweep.get('enqueue_seconds')} s",
            )
        )
        target = result.get("target_per_second", TARGET_PER_SECOND)
        per_second = result.get("per_second")
        met = per_second is not None and per_second >= target and not result.get("timed_out")
        rows.append(
            (
                "digests per second",
                f"{per_second}",
                f"target ≥ {target:g}: {'met' if met else 'MISSED'}",
            )
        )
        rows.append(("duplicate Message-IDs", f"{result['duplicates']:,}", ""))
        received = max(1, result["received"])
        if result.get("workers_cpu_seconds"):
            per_digest = result["workers_cpu_seconds"] / received
            rows.append(
                (
                    "worker CPU ms per digest",
                    f"{1000 * per_digest:.1f}",
                    "both processes, start-up included",
                )
            )
            rows.append(
                (
                    "ceiling of 2 processes",
                    f"{CONCURRENCY / per_digest:.0f}/s",
                    "at that CPU cost, were a CPU each theirs alone",
                )
            )
        if result.get("bench_cpu_seconds") is not None:
            rows.append(
                (
                    "sweep + sink CPU ms per digest",
                    f"{1000 * result['bench_cpu_seconds'] / received:.1f}",
                    "the bench process",
                )
            )
        if result.get("machine_busy") is not None:
            rows.append(
                (
                    "machine CPU busy",
                    f"{result['machine_busy']:.0%}",
                    f"of {result.get('cpus') or '?'} CPUs: workers, PostgreSQL, Redis, sink, rest",
                )
            )
    if result.get("statuses"):
        text = ", ".join(f"{status} {n:,}" for status, n in sorted(result["statuses"].items()))
        rows.append(("deliveries by status", text, ""))
    for case in result.get("queries", []):
        each = " per digest" if case.get("digests", 1) > 1 else ""
        note = f"{case['items']} items{' (the first)' if each else ''}, {case['outcome']}"
        if case.get("ms") is not None:
            note += f", {case['ms']} ms{each} in one process"
        rows.append((f"queries{each and '/digest'}, {case['case']}", f"{case['queries']}", note))
    if result.get("queries_bounded") is not None:
        verdict = "yes" if result["queries_bounded"] else "NO"
        rows.append(("same count for every network size", verdict, ""))
    if "error" in result:
        rows.append(("not complete", result["error"], ""))
    header = f"{'database':<9} {'digest sweep':<46} {'figure':>12}  note"
    lines = [header, "-" * len(header)]
    for what, figure, note in rows:
        lines.append(f"{database:<9} {what:<46} {figure:>12}  {note}".rstrip())
    return lines


def results_merge(result: dict[str, Any], path: Path) -> None:
    """Standalone runs put their figures beside the page figures of the last `make bench`."""
    try:
        results = json.loads(path.read_text())
    except (OSError, ValueError):
        results = {}
    results.setdefault("databases", {}).setdefault("postgres", {})["digest"] = result
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out = sys.stderr if args.json else sys.stdout

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    # SIGTERM (from python -m bench's time limit) unwinds like Ctrl-C: every `finally` stops
    # what this process started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "networkcrm.settings")
    os.environ.update(django_env(args, os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50)))
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        result = run(args, say)
    except BenchError as error:
        result = {"users": args.users, "error": str(error)}
    if args.json:
        print(json.dumps(result))
    else:
        print()
        for line in digest_table(result):
            print(line)
        path = OUT / "results.json"
        results_merge(result, path)
        print(f"\nWritten to {path.relative_to(ROOT)}")
    return 1 if "error" in result else 0


if __name__ == "__main__":
    sys.exit(main())
