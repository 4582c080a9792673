"""`python -m bench.kpis`: the weekly KPI rollup of many users, and the KPI page of one user.

On a PostgreSQL bench database (--database, default BENCH_DATABASE_URL, else networkcrm_bench;
created if missing, and only a database with "bench" in its name):

1. **Build** (skipped with --skip-build): `migrate`, then `seed_demo --users 1 --contacts
   --page-contacts --interactions --page-interactions` (bench-user-1, the heavy user whose KPI
   page is timed) and `seed_demo --users N --contacts C --interactions I` (bench-user-2…N; the
   seed adds only users that are missing), each with its goal plan of ten objectives, then
   `VACUUM ANALYZE`. The defaults give 10,000 users and about 1,000,000 interactions over a year.
2. **Rollup**: one `kpi_sweep`, timed, with the first --small users due, then with all N users
   due (every other user is set not due), each run inside a transaction rolled back at the
   end, counting its SQL statements with CaptureQueriesContext: the count must be the same at
   both sizes. The sweep does what Monday's does: claims the users, rolls up the week that
   ended (every metric, every detail, each objective's progress), upserts the rows, moves the
   schedule, writes the weekly summaries' deliveries (sending none: the enqueue is a no-op).
3. **KPI page**: bench-user-1's last 52 weeks rolled up (`rollup_backfill`, committed), then
   `GET /kpis/` with Django's test Client in this process (force_login; no HTTP server, so the
   figure is the view's own time: queries, Python, templates) — 2 warm-up requests, then
   --requests timed ones; median and p95 (nearest rank), and the SQL queries of one request
   with 52 and with 4 weeks of rows (they must be equal). Also the CSV of every week.

Prints a table and writes var/bench/kpis.json. Settings are production's (DEBUG off, no
Redis: the local-memory cache), except that static files are served unhashed (no
collectstatic needed in this process).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from bench.client import percentile

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/networkcrm_bench"
TARGET_ROLLUP_SECONDS = 20.0
TARGET_PAGE_MS = 30.0


class BenchError(Exception):
    """Something this step cannot measure past, said in a sentence."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.kpis", description=__doc__.split("\n")[0].strip("`")
    )
    add = parser.add_argument
    add("--users", type=int, default=10_000, help="users in all (default 10,000)")
    add("--small", type=int, default=1_000, help="users of the first, smaller rollup (1,000)")
    add("--contacts", type=int, default=20, help="contacts of each user but the first (20)")
    add(
        "--interactions",
        type=int,
        default=95,
        help="interactions of each user but the first, over a year (95)",
    )
    add("--page-contacts", type=int, default=5_000, help="contacts of bench-user-1 (5,000)")
    add(
        "--page-interactions",
        type=int,
        default=50_000,
        help="interactions of bench-user-1 (50,000)",
    )
    add("--weeks", type=int, default=52, help="weeks of rows behind the timed page (52)")
    add("--requests", type=int, default=60, help="timed page requests, at least 50 (60)")
    add("--skip-build", action="store_true", help="reuse the data of the last build")
    add(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE,
        help="the PostgreSQL bench database (default BENCH_DATABASE_URL, else networkcrm_bench)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.small <= args.users:
        parser.error("--small must be between 1 and --users.")
    if args.requests < 50:
        parser.error("--requests must be at least 50 for a meaningful p95.")
    if args.weeks < 4:
        parser.error("--weeks must be at least 4.")
    parsed = urlparse(args.database)
    if parsed.scheme not in ("postgres", "postgresql"):
        parser.error("the KPI bench runs on PostgreSQL.")
    if "bench" not in unquote(parsed.path.lstrip("/")):
        parser.error("the KPI bench writes users into its database: name it with 'bench' in it.")
    return args


def database_ensure(url: str) -> bool:
    """Creates the bench database when it does not exist; returns whether it did."""
    import psycopg2

    parsed = urlparse(url)
    name = unquote(parsed.path.lstrip("/"))
    try:
        server = psycopg2.connect(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 5432,
            user=unquote(parsed.username or "postgres"),
            password=unquote(parsed.password or "") or None,
            dbname="postgres",
            connect_timeout=10,
        )
    except psycopg2.OperationalError as error:
        raise BenchError(f"cannot reach PostgreSQL: {error}".strip()) from None
    server.autocommit = True
    try:
        with server.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                return False
            cursor.execute(f'CREATE DATABASE "{name}"')
            return True
    finally:
        server.close()


def settings_env(args: argparse.Namespace) -> None:
    """Production settings on the bench database, before Django reads them."""
    for key in [k for k in os.environ if k.startswith(("DJANGO_", "PYTEST_"))]:
        del os.environ[key]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="networkcrm.settings",
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        HTTPS_ONLY="false",
        DATABASE_URL=args.database,
        REDIS_URL="",
        CELERY_BROKER_URL="filesystem://",
        LOG_LEVEL="WARNING",
    )


# --- Build ------------------------------------------------------------------------------------


def build(args: argparse.Namespace, say: Any) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    say("   building: bench-user-1 (the KPI page's user)")
    call_command(
        "seed_demo",
        users=1,
        contacts=args.page_contacts,
        interactions=args.page_interactions,
        verbosity=0,
    )
    say(f"   building: bench-user-2…{args.users:,} ({args.contacts} contacts each)")
    call_command(
        "seed_demo",
        users=args.users,
        contacts=args.contacts,
        interactions=args.interactions,
        verbosity=0,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"seconds": round(time.perf_counter() - started, 1)}


def network(args: argparse.Namespace) -> dict[str, Any]:
    from accounts.models import User
    from contacts.models import Contact, Interaction
    from goals.models import Objective

    bench = User.objects.filter(email__startswith="bench-user-")
    return {
        "users": bench.count(),
        "contacts": Contact.objects.filter(owner__in=bench).count(),
        "interactions": Interaction.objects.filter(owner__in=bench).count(),
        "objectives": Objective.objects.filter(plan__owner__in=bench).count(),
    }


# --- The rollup ---------------------------------------------------------------------------------


def bench_ids(count: int) -> list[int]:
    from accounts.models import User
    from contacts.demo import BENCH_EMAIL

    emails = [BENCH_EMAIL.format(n=n) for n in range(1, count + 1)]
    return list(User.objects.filter(email__in=emails).values_list("pk", flat=True))


def rollup(count: int) -> dict[str, Any]:
    """One sweep with `count` bench users due, rolled back afterwards."""
    import datetime as dt

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import Profile
    from kpis.models import WeeklyKpi
    from kpis.rollup import kpi_sweep

    ids = bench_ids(count)
    now = timezone.now()
    with transaction.atomic():
        Profile.objects.exclude(user_id__in=ids).update(next_rollup_at=now + dt.timedelta(days=1))
        Profile.objects.filter(user_id__in=ids).update(next_rollup_at=now - dt.timedelta(minutes=1))
        WeeklyKpi.objects.filter(user_id__in=ids).delete()  # Monday's is a first rollup
        with CaptureQueriesContext(connection) as captured:
            started, used = time.perf_counter(), time.process_time()
            result = kpi_sweep(now=now, enqueue=lambda ids: None)
            seconds = time.perf_counter() - started
            cpu = time.process_time() - used
        rows = WeeklyKpi.objects.filter(user_id__in=ids).count()
        transaction.set_rollback(True)
    statements = captured.captured_queries
    sql = sum(float(q["time"]) for q in statements)
    slowest = sorted(statements, key=lambda q: float(q["time"]), reverse=True)[:4]
    return {
        "users": count,
        "rolled_up": result.rolled_up,
        "rows": rows,
        "summaries": result.summaries,
        "seconds": round(seconds, 2),
        "sql_seconds": round(sql, 2),
        "python_cpu_seconds": round(cpu, 2),
        "statements": len(statements),
        "slowest": [
            {"seconds": float(q["time"]), "sql": " ".join(q["sql"].split())[:90]} for q in slowest
        ],
    }


# --- The page -----------------------------------------------------------------------------------


def page(args: argparse.Namespace, say: Any) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from accounts.models import User
    from contacts.demo import BENCH_EMAIL
    from kpis.models import WeeklyKpi
    from kpis.rollup import rollup_backfill

    user = User.objects.get(email=BENCH_EMAIL.format(n=1))
    started = time.perf_counter()
    rollup_backfill(weeks=args.weeks, users=[user])
    say(f"   {args.weeks} weeks of {user.email} rolled up in {time.perf_counter() - started:.1f} s")
    client = Client(SERVER_NAME="127.0.0.1", raise_request_exception=True)
    client.force_login(user)
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    found: dict[str, Any] = {"user": user.email, "weeks": args.weeks}

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise BenchError(f"{path} answered {response.status_code}.")
        return len(captured.captured_queries)

    with override_settings(STORAGES=storages):
        for name, path in (("page", "/kpis/"), ("csv", "/kpis/export.csv")):
            for _ in range(2):
                client.get(path)
            timings, cpu = [], []
            for _ in range(args.requests):
                begun, used = time.perf_counter(), time.process_time()
                response = client.get(path)
                timings.append((time.perf_counter() - begun) * 1000)
                cpu.append((time.process_time() - used) * 1000)
                if response.status_code != 200:
                    raise BenchError(f"{path} answered {response.status_code}.")
            found[name] = {
                "requests": len(timings),
                "median_ms": round(statistics.median(timings), 2),
                "p95_ms": round(percentile(timings, 0.95), 2),
                # This process's CPU alone (not PostgreSQL's): steadier on a busy machine.
                "median_cpu_ms": round(statistics.median(cpu), 2),
                "queries": queries(path),
                "bytes": len(response.content),
            }
        # Bounded: the same queries with 4 weeks of rows as with 52.
        kept = WeeklyKpi.objects.filter(user=user).order_by("-week_start")[:4]
        WeeklyKpi.objects.filter(user=user).exclude(
            pk__in=list(kept.values_list("pk", flat=True))
        ).delete()
        found["page"]["queries_4_weeks"] = queries("/kpis/")
    rollup_backfill(weeks=args.weeks, users=[user])
    return found


# --- Reporting ----------------------------------------------------------------------------------


def table(result: dict[str, Any]) -> list[str]:
    rows: list[tuple[str, str, str]] = []
    net = result.get("network", {})
    if net:
        rows.append(
            (
                "bench users",
                f"{net['users']:,}",
                f"{net['contacts']:,} contacts, {net['interactions']:,} interactions, "
                f"{net['objectives']:,} objectives",
            )
        )
    for run in result.get("rollups", []):
        rows.append(
            (
                f"rollup of {run['users']:,} users, seconds",
                f"{run['seconds']}",
                f"SQL {run['sql_seconds']} s, Python CPU {run['python_cpu_seconds']} s; "
                f"{run['rows']:,} rows, {run['summaries']:,} summaries",
            )
        )
        what = f"rollup of {run['users']:,} users, SQL statements"
        rows.append((what, f"{run['statements']}", ""))
    runs = result.get("rollups", [])
    if len(runs) == 2:
        same = runs[0]["statements"] == runs[1]["statements"]
        rows.append(("statements the same at both sizes", "yes" if same else "NO", ""))
        met = runs[1]["seconds"] <= TARGET_ROLLUP_SECONDS
        rows.append(
            (
                f"rollup of {runs[1]['users']:,}: target ≤ {TARGET_ROLLUP_SECONDS:g} s",
                "met" if met else "MISSED",
                "",
            )
        )
    shown = result.get("page")
    if shown:
        for name, label in (("page", "GET /kpis/"), ("csv", "GET /kpis/export.csv")):
            figures = shown[name]
            rows.append(
                (
                    f"{label}, median ms ({shown['weeks']} weeks)",
                    f"{figures['median_ms']}",
                    f"p95 {figures['p95_ms']} ms over {figures['requests']}, "
                    f"{figures['queries']} queries, Python CPU {figures['median_cpu_ms']} ms",
                )
            )
        figures = shown["page"]
        met = figures["median_ms"] <= TARGET_PAGE_MS
        rows.append((f"KPI page: target ≤ {TARGET_PAGE_MS:g} ms", "met" if met else "MISSED", ""))
        rows.append(
            (
                "KPI page queries, 52 and 4 weeks",
                f"{figures['queries']} / {figures['queries_4_weeks']}",
                "bounded" if figures["queries"] == figures["queries_4_weeks"] else "NOT bounded",
            )
        )
    if "error" in result:
        rows.append(("not complete", result["error"], ""))
    if os.getloadavg()[0] > (os.cpu_count() or 1):
        rows.append(("load average (busy machine)", f"{os.getloadavg()[0]:.1f}", ""))
    header = f"{'KPIs':<44} {'figure':>12}  note"
    lines = [header, "-" * len(header)]
    lines += [f"{what:<44} {figure:>12}  {note}".rstrip() for what, figure, note in rows]
    for run in result.get("rollups", [])[-1:]:
        lines.append(f"\nslowest statements of the rollup of {run['users']:,}:")
        lines += [f"  {q['seconds']:7.3f} s  {q['sql']}" for q in run["slowest"]]
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def say(text: str) -> None:
        print(text, flush=True)

    settings_env(args)
    result: dict[str, Any] = {
        "database": urlparse(args.database).path.lstrip("/"),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
    }
    try:
        if database_ensure(args.database):
            say(f"   created the database {result['database']}")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        if not args.skip_build:
            result["build"] = build(args, say)
            say(f"   built in {result['build']['seconds']} s")
        result["network"] = network(args)
        if result["network"]["users"] < args.users:
            raise BenchError(
                f"the database holds {result['network']['users']:,} bench users, fewer than "
                f"--users {args.users:,}: run without --skip-build."
            )
        result["rollups"] = []
        for count in (args.small, args.users):
            say(f"   rollup of {count:,} users…")
            result["rollups"].append(rollup(count))
        result["page"] = page(args, say)
    except BenchError as error:
        result["error"] = str(error)
    print()
    for line in table(result):
        print(line)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "kpis.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nWritten to {path.relative_to(ROOT)}")
    return 1 if "error" in result else 0


if __name__ == "__main__":
    sys.exit(main())
