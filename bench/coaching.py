"""`python -m bench.coaching`: a coach's caseload of many heavy clients, over real HTTP.

The issue's figure: *the caseload changelist for a coach with 50 clients each holding 1,000
contacts and 10,000 interactions: a bounded number of queries, median ≤ 50 ms.*

On a PostgreSQL bench database of its own (--database, default
networkcrm_bench_coaching; created if missing, and only a database with "bench" in its name):

1. **Build** (skipped with --skip-build): `migrate`, `seed_demo --users N --contacts C
   --interactions I` (bench-user-1…N, each with a goal plan of ten objectives), the coach
   `bench-coach@example.com` (password `networkcrm-demo`) with all N as active clients (scopes
   in turn: plan, contacts, interactions), the last --weeks weeks of KPIs rolled up for them,
   then `VACUUM ANALYZE`.
2. **Queries**, in-process (Django's test Client, force_login): the caseload's SQL count with 5
   clients active and with all N — they must be equal.
3. **Serve** with gunicorn (2 workers, production settings, as `python -m bench`) and time, after
   logging in like a browser: the caseload (`/admin/coaching/client/`, all N on one page), one
   client's page, and a client's contact list; --requests timed requests each, median and p95.

Prints a table and writes var/bench/coaching.json.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from bench.client import BenchError, Session, log_in, measure
from bench.kpis import database_ensure, settings_env
from bench.run import PAGE_LIMIT, Target, collect_static, django_env, gunicorn, redact

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/networkcrm_bench_coaching"
COACH = "bench-coach@example.com"
PASSWORD = "networkcrm-demo"  # noqa: S105 (the demo password, printed by seed_demo too)
TARGET_MS = 50.0
SMALL = 5


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.coaching", description=__doc__.split("\n")[0]
    )
    add = parser.add_argument
    add("--clients", type=int, default=50, help="clients of the coach (50)")
    add("--contacts", type=int, default=1_000, help="contacts of each client (1,000)")
    add("--interactions", type=int, default=10_000, help="interactions of each client (10,000)")
    add("--weeks", type=int, default=5, help="weeks of KPIs rolled up per client (5)")
    add("--requests", type=int, default=60, help="timed requests per page, at least 50 (60)")
    add("--skip-build", action="store_true", help="reuse the data of the last build")
    add("--database", default=DEFAULT_DATABASE, help="the PostgreSQL bench database")
    args = parser.parse_args(argv)
    if args.clients <= SMALL:
        parser.error(f"--clients must be more than {SMALL}.")
    if args.requests < 50:
        parser.error("--requests must be at least 50 for a meaningful p95.")
    parsed = urlparse(args.database)
    if parsed.scheme not in ("postgres", "postgresql"):
        parser.error("the coaching bench runs on PostgreSQL.")
    if "bench" not in unquote(parsed.path.lstrip("/")):
        parser.error("the coaching bench writes into its database: name it with 'bench' in it.")
    return args


def build(args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import AssignmentStatus, CoachAssignment, CoachScope, User
    from accounts.services import user_sign_up
    from coaching.services import make_coach
    from contacts.demo import BENCH_EMAIL
    from kpis.rollup import rollup_backfill

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command(
        "seed_demo",
        users=args.clients,
        contacts=args.contacts,
        interactions=args.interactions,
        verbosity=0,
    )
    seeded = time.perf_counter() - started
    coach = User.objects.filter(email=COACH).first() or user_sign_up(
        email=COACH, password=PASSWORD, name="Bench Coach"
    )
    make_coach(coach)
    emails = [BENCH_EMAIL.format(n=n) for n in range(1, args.clients + 1)]
    clients = list(User.objects.filter(email__in=emails).order_by("pk"))
    scopes = [CoachScope.PLAN, CoachScope.CONTACTS, CoachScope.INTERACTIONS]
    CoachAssignment.objects.filter(coach=coach).delete()
    CoachAssignment.objects.bulk_create(
        CoachAssignment(
            client=client,
            coach=coach,
            email=COACH,
            scope=scopes[n % 3],
            status=AssignmentStatus.ACTIVE,
        )
        for n, client in enumerate(clients)
    )
    rolled = time.perf_counter()
    rollup_backfill(weeks=args.weeks, users=clients)
    rolled = time.perf_counter() - rolled
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "seed_seconds": round(seeded, 1),
        "rollup_seconds": round(rolled, 1),
    }


def queries(args: argparse.Namespace) -> dict[str, Any]:
    """The caseload's SQL statements with few clients active and with all of them."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import AssignmentStatus, CoachAssignment, User

    coach = User.objects.get(email=COACH)
    browser = Client()
    browser.force_login(coach)
    assignments = CoachAssignment.objects.filter(coach=coach)
    counts = {}
    few = list(assignments.order_by("pk").values_list("pk", flat=True)[:SMALL])
    try:
        assignments.exclude(pk__in=few).update(status=AssignmentStatus.REVOKED)
        counts[SMALL] = _count(browser, CaptureQueriesContext, connection)
    finally:
        assignments.update(status=AssignmentStatus.ACTIVE)
    counts[assignments.count()] = _count(browser, CaptureQueriesContext, connection)
    detail = assignments.order_by("pk").first()
    return {
        "by_clients": counts,
        "bounded": len(set(counts.values())) == 1,
        "client_pk": detail.pk,
        "client_id": detail.client_id,
    }


def _count(browser: Any, capture: Any, connection: Any) -> int:
    browser.get("/admin/coaching/client/")
    with capture(connection) as captured:
        response = browser.get("/admin/coaching/client/")
    if response.status_code != 200:
        raise BenchError(f"the caseload answered {response.status_code}")
    return len(captured)


def over_http(args: argparse.Namespace, facts: dict[str, Any]) -> dict[str, Any]:
    secret = secrets.token_urlsafe(50)
    collect_static(secret)
    env = django_env(args.database, secret)
    pages = {
        "caseload": "/admin/coaching/client/",
        "client page": f"/admin/coaching/client/{facts['client_pk']}/change/",
        "client's contacts": f"/admin/coaching/clientcontact/?client={facts['client_id']}",
    }
    found: dict[str, Any] = {}
    with gunicorn(Target("coaching", args.database), env) as port:
        session = Session(port)
        log_in(session, COACH, PASSWORD)
        for label, path in pages.items():
            timing = measure(
                session,
                lambda s, path=path: s.get(path),
                expect=(200,),
                count=args.requests,
                limit_seconds=PAGE_LIMIT,
            )
            found[label] = asdict(timing)
            note = ""
            if label == "caseload" and timing.median_ms is not None:
                verdict = "met" if timing.median_ms <= TARGET_MS else "MISSED"
                note = f" (target ≤ {TARGET_MS:.0f} ms: {verdict})"
            print(
                f"   {label:<18} median {timing.median_ms} ms, p95 {timing.p95_ms} ms over "
                f"{timing.requests}{note}"
            )
        session.close()
    return found


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    created = database_ensure(args.database)
    if created and args.skip_build:
        print("The bench database did not exist: building it (--skip-build ignored).")
        args.skip_build = False
    settings_env(args)
    os.environ["ALLOWED_HOSTS"] += ",testserver"  # the in-process query count's client
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    print(f"== coaching: {redact(args.database)}")
    result: dict[str, Any] = {"database": redact(args.database), "clients": args.clients}
    try:
        if not args.skip_build:
            result["build"] = build(args)
            b = result["build"]
            print(
                f"   built in {b['seconds']} s (seed {b['seed_seconds']} s, "
                f"KPI rollups {b['rollup_seconds']} s)"
            )
        facts = queries(args)
        result["queries"] = facts["by_clients"]
        counts = ", ".join(f"{n} clients: {q}" for n, q in facts["by_clients"].items())
        bounded = "bounded" if facts["bounded"] else "NOT BOUNDED"
        print(f"   caseload SQL       {counts} ({bounded})")
        result["pages"] = over_http(args, facts)
    except BenchError as error:
        print(f"   error: {error}")
        result["error"] = str(error)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "coaching.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    print("Written to var/bench/coaching.json")
    return 1 if "error" in result else 0


if __name__ == "__main__":
    raise SystemExit(main())
