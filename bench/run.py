"""`python -m bench`: build the bench data, serve it with gunicorn, measure over HTTP.

For each database (PostgreSQL from BENCH_DATABASE_URL, and an SQLite file under var/bench/):
migrate, load one user with --contacts contacts and --interactions interactions
(`seed_demo --users 1`), count each page's SQL queries in-process, start gunicorn with two
workers, log in over HTTP, time the pages, and measure requests per second with four
clients. Then, on PostgreSQL, the digest sweep (`python -m bench.digest`): N users due, two
worker processes, an SMTP sink. Prints a table and writes var/bench/results.json. See
bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from bench.client import (
    BenchError,
    Session,
    Timing,
    log_in,
    measure,
    throughput,
)
from bench.digest import DEFAULT_USERS as DIGEST_USERS
from bench.digest import digest_table

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/networkcrm_bench"
# The large profile (--large): one user's network at ten and twenty times the size, in a
# database of its own so the regular bench data stays as it is.
LARGE_POSTGRES = "postgres://postgres@127.0.0.1:5432/networkcrm_bench_large"
LARGE_CONTACTS = 50_000
LARGE_INTERACTIONS = 1_000_000
SQLITE_FILE = OUT / "bench.sqlite3"
BENCH_USER = "bench-user-1@example.com"
PASSWORD = "networkcrm-demo"  # noqa: S105 (the demo password, printed by seed_demo too)
WORKERS = 2
CLIENTS = 4
# Time limits, in seconds, so nothing here can hang.
MIGRATE_LIMIT = 600
SEED_LIMIT = 1800
COMMAND_LIMIT = 600
START_LIMIT = 30
PAGE_LIMIT = 60
# The digest step: building its users, then at most 10 minutes for the sweep's e-mails (its own
# limit), with room to stop the workers; past this it is asked to stop, then killed.
DIGEST_LIMIT = 2400
# Median targets from the issues, in ms: the page is reported as meeting or missing it.
TARGETS_MS = {
    "list": 15.0,
    "search": 15.0,
    "contact": 10.0,
    "plan": 30.0,
    "log": 25.0,
    "community": 20.0,
    "content": 20.0,
    "api_list": 20.0,
}
# The machine-speed probe: a loop of plain Python additions, timed (see `speed_probe`).
PROBE_ADDITIONS = 3_000_000
PROBE_RUNS = 5


@dataclass
class Target:
    name: str
    url: str
    result: dict[str, Any] = field(default_factory=dict)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--skip-build", action="store_true", help="reuse the data already built")
    parser.add_argument("--only", choices=["postgres", "sqlite"], help="one database only")
    parser.add_argument("--contacts", type=int, default=5000, help="contacts (default 5,000)")
    parser.add_argument(
        "--interactions", type=int, default=50_000, help="interactions (default 50,000)"
    )
    parser.add_argument(
        "--requests", type=int, default=60, help="timed requests per page (default 60)"
    )
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="length of the throughput run (default 10)"
    )
    parser.add_argument(
        "--skip-digest", action="store_true", help="leave out the digest sweep step"
    )
    parser.add_argument(
        "--large",
        action="store_true",
        help=f"the large profile: {LARGE_CONTACTS:,} contacts and {LARGE_INTERACTIONS:,} "
        "interactions, PostgreSQL only, no digest step (BENCH_LARGE_DATABASE_URL)",
    )
    parser.add_argument(
        "--digest-users",
        type=int,
        default=DIGEST_USERS,
        help=f"users due in the digest step (default {DIGEST_USERS:,})",
    )
    args = parser.parse_args(argv)
    if args.large:
        args.contacts, args.interactions = LARGE_CONTACTS, LARGE_INTERACTIONS
        args.only, args.skip_digest = "postgres", True
    if args.requests < 50:
        parser.error("--requests must be at least 50 for a meaningful p95.")
    if args.digest_users < 1:
        parser.error("--digest-users must be at least 1.")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    targets = [
        Target(
            "postgres",
            (os.environ.get("BENCH_LARGE_DATABASE_URL") or LARGE_POSTGRES)
            if args.large
            else (os.environ.get("BENCH_DATABASE_URL") or DEFAULT_POSTGRES),
        ),
        Target("sqlite", f"sqlite:///{SQLITE_FILE}"),
    ]
    targets = [t for t in targets if args.only in (None, t.name)]
    secret = secrets.token_urlsafe(50)
    speed = {"before_ms": speed_probe()}
    print(f"machine speed: {PROBE_ADDITIONS:,} Python additions in {speed['before_ms']} ms")

    collect_static(secret)
    for target in targets:
        print(f"\n== {target.name}: {redact(target.url)}")
        try:
            run_target(target, args, secret)
        except BenchError as error:
            print(f"   {target.name} not measured: {error}")
            target.result["error"] = str(error)
    digest_run(targets, args, secret)
    speed["after_ms"] = speed_probe()

    report(targets, args, speed)
    failed = any("error" in t.result or "error" in t.result.get("digest", {}) for t in targets)
    return 1 if failed else 0


def run_target(target: Target, args: argparse.Namespace, secret: str) -> None:
    env = django_env(target.url, secret)
    build: dict[str, Any] = {}
    if not args.skip_build:
        prepare_database(target)
    started = time.perf_counter()
    manage(["migrate", "--no-input", "-v0"], env, MIGRATE_LIMIT)
    build["migrate_seconds"] = round(time.perf_counter() - started, 1)
    if not args.skip_build:
        started = time.perf_counter()
        output = manage(
            [
                "seed_demo",
                "--users=1",
                f"--contacts={args.contacts}",
                f"--interactions={args.interactions}",
            ],
            env,
            SEED_LIMIT,
        )
        build["seed_seconds"] = round(time.perf_counter() - started, 1)
        build["seed_steps"] = next((ln.strip() for ln in output if "built in" in ln), "")
        print(f"   data built in {build['seed_seconds']} s: {build['seed_steps']}")
        started = time.perf_counter()
        settle_database(target)
        build["vacuum_seconds"] = round(time.perf_counter() - started, 1)
    target.result["build"] = build

    facts = inprocess(env)
    # The API token is a secret of the bench database: used, never written to the results.
    target.result["data"] = {k: v for k, v in facts.items() if k not in ("queries", "api_token")}
    print(
        f"   {facts['contacts']:,} contacts, {facts['interactions']:,} interactions; "
        f"contact page: #{facts['contact_pk']} ({facts['contact_interactions']} interactions); "
        f"search: {facts['search']!r} ({facts['search_matches']} matches)"
    )
    with gunicorn(target, env) as port:
        target.result["pages"], target.result["throughput"] = over_http(port, facts, args)
    for name, count in facts["queries"].items():
        target.result["pages"].setdefault(name, {})["queries"] = count


# --- Databases ---------------------------------------------------------------------------------


def prepare_database(target: Target) -> None:
    """A fresh, empty database for a build."""
    if target.name == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
        return
    from psycopg2 import sql

    name = unquote(urlparse(target.url).path.lstrip("/"))
    if "bench" not in name:
        raise BenchError(
            f"the build drops and recreates the database, and {name!r} does not look like a "
            "bench database: name it with 'bench' in it, or use --skip-build."
        )
    with postgres(target.url, "postgres") as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def settle_database(target: Target) -> None:
    """What autovacuum would do soon after a bulk load: clear the dead rows the derived
    column updates left and refresh the planner's statistics, so the figures are those of a
    database in its steady state."""
    if target.name == "postgres":
        with postgres(target.url) as cursor:
            cursor.execute("VACUUM ANALYZE")


@contextmanager
def postgres(url: str, dbname: str | None = None) -> Iterator[Any]:
    """An autocommit cursor on the server of `url` (on `dbname`, else the URL's own)."""
    import psycopg2

    parsed = urlparse(url)
    try:
        connection = psycopg2.connect(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 5432,
            user=unquote(parsed.username or "postgres"),
            password=unquote(parsed.password or "") or None,
            dbname=dbname or unquote(parsed.path.lstrip("/")),
            connect_timeout=10,
        )
    except psycopg2.OperationalError as error:
        raise BenchError(f"cannot reach PostgreSQL: {error}".strip()) from None
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            yield cursor
    except psycopg2.Error as error:
        raise BenchError(f"PostgreSQL said: {error}".strip()) from None
    finally:
        connection.close()


def django_env(database_url: str, secret: str) -> dict[str, str]:
    """Production settings over plain http on 127.0.0.1, against the bench database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    # No Redis: the bench must not leave messages or cache entries where tests look.
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    env.update(
        DEBUG="false",
        SECRET_KEY=secret,
        ALLOWED_HOSTS="127.0.0.1",
        HTTPS_ONLY="false",
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        # The bench times the API, not its rate limit.
        API_RATE_LIMIT="",
    )
    return env


def manage(args: list[str], env: dict[str, str], limit: float, root: Path = ROOT) -> list[str]:
    command = [sys.executable, "manage.py", *args]
    try:
        done = subprocess.run(
            command, cwd=root, env=env, capture_output=True, text=True, timeout=limit, check=False
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"manage.py {args[0]} took longer than {limit:.0f} s.") from None
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise BenchError(f"manage.py {args[0]} failed: " + " / ".join(tail))
    return done.stdout.splitlines()


def collect_static(secret: str, root: Path = ROOT) -> None:
    """DEBUG off serves hashed files from var/staticfiles, as in production (of the checkout
    in `root`)."""
    env = {**django_env("sqlite:///:memory:", secret), "PYTHONPATH": str(root)}
    manage(["collectstatic", "--no-input", "-v0"], env, 300, root=root)


def inprocess(env: dict[str, str]) -> dict[str, Any]:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.inprocess"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=COMMAND_LIMIT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"counting queries took longer than {COMMAND_LIMIT} s.") from None
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = done.stderr.strip().splitlines()[-5:]
        raise BenchError("counting queries failed: " + " / ".join(tail))
    facts = json.loads(lines[-1])
    if "error" in facts:
        raise BenchError(f"{facts['error']} Build the bench data first (without --skip-build).")
    return facts


# --- The server --------------------------------------------------------------------------------


class gunicorn:  # noqa: N801 (used as `with gunicorn(...) as port`)
    """gunicorn with two workers on a free port of 127.0.0.1, stopped on the way out; serving
    the code in `root` (this checkout unless told)."""

    def __init__(
        self, target: Target, env: dict[str, str], root: Path = ROOT, label: str = ""
    ) -> None:
        self.env = env
        self.root = root
        self.log_path = OUT / f"gunicorn-{target.name}{label}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> int:
        port = free_port()
        binary = ROOT / ".venv" / "bin" / "gunicorn"
        executable = str(binary) if binary.exists() else shutil.which("gunicorn") or "gunicorn"
        command = [executable, "networkcrm.wsgi", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}"]
        # No control socket: it would sit in ~/.gunicorn/, shared with any other gunicorn.
        command.append("--no-control-socket")
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=self.root, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + START_LIMIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.__exit__()
                raise BenchError(f"gunicorn stopped at start; see {self.log_path}.")
            try:
                if Session(port).get("/healthz").status == 200:
                    return port
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise BenchError(f"gunicorn did not answer within {START_LIMIT} s; see {self.log_path}.")

    def __exit__(self, *exc: object) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- Measuring ---------------------------------------------------------------------------------


def page_checks(facts: dict[str, Any]) -> dict[str, tuple[Any, tuple[int, ...]]]:
    """Each measured page: how to send its request, and the statuses that mean it worked."""
    pk = facts["contact_pk"]

    def log(s: Session) -> Any:
        return s.post(
            "/contacts/log/",
            {
                "contacts": pk,
                "occurred_on": dt.date.today().isoformat(),
                "kind": "meeting",
                "channel": "in_person",
                "initiated_by": "me",
                "quality": 4,
                "csrfmiddlewaretoken": s.cookies.get("csrftoken", ""),
            },
        )

    return {
        "today": (lambda s: s.get("/"), (200,)),
        "list": (lambda s: s.get("/contacts/"), (200,)),
        "search": (lambda s: s.get(f"/contacts/?q={facts['search']}"), (200,)),
        "contact": (lambda s: s.get(f"/contacts/{pk}/"), (200,)),
        "plan": (lambda s: s.get("/goals/"), (200,)),
        "community": (lambda s: s.get(f"/communities/{facts['community_pk']}/"), (200,)),
        "content": (lambda s: s.get("/content/"), (200,)),
        # A logged interaction redirects to the contact's page.
        "log": (log, (302, 303)),
        # The REST API's contact list, a page of 100, with a personal access token.
        "api_list": (
            lambda s: s.get(
                "/api/v1/contacts/?page_size=100",
                {"Accept": "application/json", "Authorization": f"Bearer {facts['api_token']}"},
            ),
            (200,),
        ),
    }


def over_http(
    port: int, facts: dict[str, Any], args: argparse.Namespace
) -> tuple[dict[str, Any], dict[str, Any]]:
    session = Session(port)
    login_seconds = log_in(session, BENCH_USER, PASSWORD)
    checks = page_checks(facts)
    pages: dict[str, Any] = {"login": {"status": "ok", "once_ms": round(login_seconds * 1000, 1)}}
    for name, (send, expect) in checks.items():
        timing: Timing = measure(
            session, send, expect=expect, count=args.requests, limit_seconds=PAGE_LIMIT
        )
        pages[name] = asdict(timing)
        note = target_note(name, timing.median_ms)
        print(f"   {LABELS[name]:<26} {describe(timing)}{f' ({note})' if note else ''}")
    load = throughput(session, "/contacts/", clients=CLIENTS, seconds=args.seconds)
    print(
        f"   {'contact list, 4 clients':<26} {load.per_second} requests/s "
        f"({load.requests} in {load.seconds} s, {load.errors} errors)"
    )
    session.close()
    return pages, {**asdict(load), "per_second": load.per_second, "path": "/contacts/"}


LABELS = {
    "login": "log in (POST)",
    "today": "Today dashboard",
    "list": "contact list, first page",
    "search": "contact list, search",
    "contact": "contact page",
    "plan": "plan page (10 objectives)",
    "community": "community page (1,000 members)",
    "content": "content page (100 pieces)",
    "log": "log an interaction (POST)",
    "api_list": "API contact list (100)",
}


def describe(timing: Timing) -> str:
    if timing.median_ms is None:
        return f"{timing.status} ({timing.note})" if timing.note else timing.status
    text = f"median {timing.median_ms} ms, p95 {timing.p95_ms} ms over {timing.requests}"
    return text if timing.status == "ok" else f"{text}; {timing.status}: {timing.note}"


def target_note(name: str, median_ms: float | None) -> str:
    """For a page with a median target, e.g. "target ≤ 30 ms: met"; else nothing."""
    target = TARGETS_MS.get(name)
    if target is None or median_ms is None:
        return ""
    return f"target ≤ {target:g} ms: {'met' if median_ms <= target else 'MISSED'}"


# --- The digest sweep --------------------------------------------------------------------------


def digest_run(targets: list[Target], args: argparse.Namespace, secret: str) -> None:
    """After the pages: the digest step on the PostgreSQL database (SKIP LOCKED, COPY)."""
    if args.skip_digest:
        return
    postgres_target = next((t for t in targets if t.name == "postgres"), None)
    if postgres_target is None:
        print("\n== digest sweep: PostgreSQL only, not measured with --only sqlite")
        return
    print(f"\n== digest sweep: {args.digest_users:,} users due, on {redact(postgres_target.url)}")
    try:
        postgres_target.result["digest"] = digest_step(postgres_target, args, secret)
    except BenchError as error:
        print(f"   digest sweep not measured: {error}")
        postgres_target.result["digest"] = {"error": str(error)}


def digest_step(target: Target, args: argparse.Namespace, secret: str) -> dict[str, Any]:
    """`python -m bench.digest --json` in its own process (Django reads its settings once):
    its progress goes to this terminal, its result comes back as one line of JSON."""
    command = [
        sys.executable,
        "-m",
        "bench.digest",
        f"--users={args.digest_users}",
        f"--database={target.url}",
        "--json",
    ]
    env = django_env(target.url, secret)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        output, _ = process.communicate(timeout=DIGEST_LIMIT)
    except subprocess.TimeoutExpired:
        # Asked first: on SIGTERM it stops its workers and SMTP sink on the way out.
        process.terminate()
        try:
            process.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate(timeout=30)
        raise BenchError(f"the digest step took longer than {DIGEST_LIMIT} s.") from None
    lines = (output or "").strip().splitlines()
    try:
        return dict(json.loads(lines[-1]))
    except (IndexError, ValueError):
        raise BenchError(
            f"the digest step stopped (exit status {process.returncode}) without a result; "
            "its messages are above."
        ) from None


# --- Reporting ---------------------------------------------------------------------------------


def speed_probe() -> float:
    """The median of a few timings of the same pure-Python loop, in ms: a reading of how fast
    this machine runs Python right now. The pages' figures move with it (a shared machine can
    run at half its speed for minutes), so the bench prints it before and after; compare two
    versions of the code with `python -m bench.ab`, which interleaves them."""
    timings = []
    for _ in range(PROBE_RUNS):
        started = time.perf_counter()
        total = 0
        for number in range(PROBE_ADDITIONS):
            total += number
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 1)


def report(targets: list[Target], args: argparse.Namespace, speed: dict[str, float]) -> None:
    print()
    print(
        f"machine speed: {PROBE_ADDITIONS:,} Python additions in {speed['before_ms']} ms "
        f"before, {speed['after_ms']} ms after"
    )
    for line in page_table(targets):
        print(line)
    for target in targets:
        if "digest" in target.result:
            print()
            for line in digest_table(target.result["digest"], database=target.name):
                print(line)

    results = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "python_additions": PROBE_ADDITIONS,
            "speed_probe_ms": speed,
        },
        "settings": {
            "contacts": args.contacts,
            "interactions": args.interactions,
            "requests_per_page": args.requests,
            "gunicorn_workers": WORKERS,
            "clients": CLIENTS,
            "throughput_seconds": args.seconds,
            "skip_build": args.skip_build,
            "large": args.large,
            "digest_users": None if args.skip_digest else args.digest_users,
            "targets_ms": TARGETS_MS,
        },
        "databases": {t.name: {"url": redact(t.url), **t.result} for t in targets},
    }
    path = OUT / ("results-large.json" if args.large else "results.json")
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWritten to {path.relative_to(ROOT)}")


def page_table(targets: list[Target]) -> list[str]:
    """The pages of every database: median, p95, requests, SQL queries, target if any."""
    header = f"{'database':<9} {'page':<26} {'median ms':>9} {'p95 ms':>8} {'reqs':>5} {'SQL':>7}"
    header += "  target"
    lines = [header, "-" * len(header)]
    for target in targets:
        pages = target.result.get("pages", {})
        for name in LABELS:
            page = pages.get(name)
            if page is None:
                continue
            median = page.get("median_ms") or page.get("once_ms")
            queries = page.get("queries", "")
            cells = [
                f"{target.name:<9}",
                f"{LABELS[name]:<26}",
                f"{median if median is not None else page.get('status', ''):>9}",
                f"{page.get('p95_ms') or '':>8}",
                f"{page.get('requests') or '':>5}",
                f"{queries:>7}",
            ]
            note = target_note(name, page.get("median_ms"))
            lines.append(" ".join(cells) + (f"  {note}" if note else ""))
        load = target.result.get("throughput")
        if load:
            lines.append(
                f"{target.name:<9} {'contact list, 4 clients':<26} {load['per_second']:>9} req/s"
            )
        build = target.result.get("build", {})
        if "seed_seconds" in build:
            lines.append(
                f"{target.name:<9} {'data build (seed_demo)':<26} {build['seed_seconds']:>9} s"
            )
        if "error" in target.result:
            lines.append(f"{target.name:<9} not measured: {target.result['error']}")
    return lines


def redact(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@")
    return url
