"""`python -m bench.imports`: how fast a LinkedIn import is, and how much memory it takes.

A 10,000-row Connections.csv (with LinkedIn's "Notes:" preamble; a third of the rows with an
e-mail) goes into an account that already holds 5,000 contacts. Of the rows, 10% are people
the account has (same profile URL), 5% have an e-mail it knows, 1% repeat an earlier row, and
the rest are new: the import creates, updates, merges and flags as it would for a real user.

Three measurements, each on a freshly built account:

1. in-process: the import function (`imports.services.import_run`) in a child process of its
   own, timed; its peak resident memory from `resource.getrusage` (Django and all);
2. the same with `tracemalloc` on: the peak of what Python allocated during the import
   (slower: tracing costs time, so its duration is not the figure to quote);
3. end to end on a real Celery worker (`--pool=solo`, one process) through Redis, from the
   upload (sniff and store, as the web view does) to the job marked done; the worker's peak
   resident memory from /proc (VmHWM). Skipped, and said so, without REDIS_URL.

The database is BENCH_IMPORTS_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/networkcrm_bench_imports), dropped and created again: its
name must contain "bench". Figures are printed and written to var/bench/imports.json; no test
asserts them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/networkcrm_bench_imports"
USER = "bench-imports@example.com"
PASSWORD = "networkcrm-demo"  # noqa: S105 (the demo password, as seed_demo's)
ROWS = 10_000
EXISTING = 5_000
TARGET_SECONDS = 10.0
TARGET_MB = 300.0
LIMIT = 600  # seconds for any one step
BENCH_REDIS_DB = 9


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__)
    parser.add_argument("--rows", type=int, default=ROWS, help="rows in the CSV file")
    parser.add_argument("--existing", type=int, default=EXISTING, help="contacts already held")
    parser.add_argument("--no-worker", action="store_true", help="skip the Celery worker run")
    # Internal: what the child processes are asked to do.
    parser.add_argument(
        "--child", choices=["build", "run", "trace", "clean"], help=argparse.SUPPRESS
    )
    parser.add_argument("--job", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- Child processes: each sets Django up for itself ------------------------------------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "networkcrm.settings")
    import django

    django.setup()


def connections_csv(rows: int, existing: list[tuple[str, str, str, str, str]], seed: int = 8):
    """The file's text, and how many rows of each kind it holds."""
    from contacts.demo import COMPANIES, TITLES, invented_name

    rng = random.Random(seed)
    lines = [
        "Notes:",
        '"When exporting your connection data, you may notice that some of the email '
        "addresses are missing. You will only see email addresses for connections who have "
        'allowed their connections to see or download their email address."',
        "",
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
    ]
    kinds = {"known_url": 0, "known_email": 0, "repeat": 0, "new": 0}
    written: list[str] = []
    for i in range(rows):
        roll = rng.random()
        if roll < 0.10 and existing:
            first, last, url, _email, company = rng.choice(existing)
            row = [first, last, url, "", company, rng.choice(TITLES)]
            kinds["known_url"] += 1
        elif roll < 0.15 and existing:
            first, last, _url, email, company = rng.choice([e for e in existing[:500] if e[3]])
            row = [first, last, "", email, company, rng.choice(TITLES)]
            kinds["known_email"] += 1
        elif roll < 0.16 and written:
            lines.append(rng.choice(written))
            kinds["repeat"] += 1
            continue
        else:
            first, last = invented_name(rng)
            email = f"n{i}@{last.lower()}.example" if rng.random() < 0.33 else ""
            company = rng.choice(COMPANIES)[0]
            row = [first, last, f"https://www.linkedin.com/in/n-{i}", email, company]
            row.append(rng.choice(TITLES))
            kinds["new"] += 1
        month = rng.choice(["Jan", "Mar", "Jun", "Nov"])
        day = f"{rng.randint(1, 28):02d} {month} 20{rng.randint(15, 25)}"
        line = ",".join(f'"{v}"' if "," in v else v for v in [*row, day])
        lines.append(line)
        written.append(line)
    return "\r\n".join(lines) + "\r\n", kinds


def child_build(rows: int, existing_count: int) -> dict[str, Any]:
    """A fresh bench user with `existing_count` contacts, and the CSV file for them."""
    _django()
    from accounts.models import User
    from accounts.services import account_delete, user_sign_up
    from contacts.demo import COMPANIES, invented_name
    from contacts.models import Contact, ContactEmail
    from contacts.strength import strength_refresh

    for old in User.objects.filter(email=USER):
        account_delete(user=old)  # its uploads go with it
    user = user_sign_up(email=USER, password=PASSWORD, name="Bench imports")
    rng = random.Random(5)
    contacts = []
    for i in range(existing_count):
        first, last = invented_name(rng)
        contacts.append(
            Contact(
                owner=user,
                first_name=first,
                last_name=last,
                company=rng.choice(COMPANIES)[0],
                linkedin_url=f"https://www.linkedin.com/in/e-{i}" if i % 10 < 7 else "",
            )
        )
    Contact.objects.bulk_create(contacts, batch_size=2000)
    ContactEmail.objects.bulk_create(
        [
            ContactEmail(contact=c, address=f"e{i}@{c.last_name.lower()}.example", is_primary=True)
            for i, c in enumerate(contacts)
            if i % 5 < 3
        ],
        batch_size=2000,
    )
    strength_refresh(contact_ids=[c.pk for c in contacts], today=user.profile.today())
    existing = [
        (
            c.first_name,
            c.last_name,
            c.linkedin_url,
            f"e{i}@{c.last_name.lower()}.example" if i % 5 < 3 else "",
            c.company,
        )
        for i, c in enumerate(contacts)
        if c.linkedin_url
    ]
    text, kinds = connections_csv(rows, existing)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"Connections-{rows}.csv"
    path.write_text(text, encoding="utf-8", newline="")
    # What the upload view does: read the file once to settle its format, and keep it.
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imports import tasks
    from imports.services import import_create
    from imports.sniff import sniff

    tasks.import_run.delay_on_commit = lambda *args: None  # the parent queues it, or runs it
    started = time.perf_counter()
    upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
    found = sniff(upload, size=upload.size, max_bytes=settings.IMPORT_MAX_BYTES)
    job = import_create(owner=user, upload=upload, sniffed=found)
    upload_seconds = time.perf_counter() - started
    return {
        "job": job.pk,
        "file": str(path.relative_to(ROOT)),
        "bytes": path.stat().st_size,
        "rows": kinds,
        "existing_contacts": Contact.objects.filter(owner=user).count(),
        "upload_seconds": round(upload_seconds, 3),
    }


def _job_facts(job_id: int) -> dict[str, Any]:
    from contacts.models import Contact
    from imports.models import ImportJob

    job = ImportJob.objects.get(pk=job_id)
    return {
        "status": job.status,
        "total_rows": job.total_rows,
        "created": job.created,
        "updated": job.updated,
        "merged": job.merged,
        "skipped": job.skipped,
        "errors": job.errors,
        "possible_duplicates": job.possible_duplicates,
        "contacts_after": Contact.objects.filter(owner=job.owner).count(),
    }


def child_run(job_id: int, trace: bool) -> dict[str, Any]:
    import resource
    import tracemalloc

    _django()
    from django.db import connection, reset_queries

    from imports.services import import_run

    connection.ensure_connection()
    before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if trace:
        tracemalloc.start()
    reset_queries()
    started = time.perf_counter()
    outcome = import_run(job_id=job_id)
    seconds = time.perf_counter() - started
    facts: dict[str, Any] = {"outcome": outcome, "seconds": round(seconds, 3)}
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        facts["tracemalloc_peak_mb"] = round(peak / 2**20, 1)
    facts["rss_before_mb"] = round(before_mb, 1)
    facts["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    facts.update(_job_facts(job_id))
    return facts


# --- The parent: builds, runs children, reports --------------------------------------------


def child(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.imports", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=LIMIT,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-3000:])
        raise SystemExit(f"bench.imports {' '.join(args)} failed.")
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare(url: str, env: dict[str, str]) -> None:
    import psycopg2
    from psycopg2 import sql

    parsed = urlparse(url)
    name = unquote(parsed.path.lstrip("/"))
    if "bench" not in name:
        raise SystemExit(f"{name!r} is dropped and created again: give it a name with 'bench'.")
    server = psycopg2.connect(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5432,
        user=unquote(parsed.username or "postgres"),
        password=unquote(parsed.password or "") or None,
        dbname="postgres",
        connect_timeout=10,
    )
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    server.close()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=LIMIT,
    )


def worker_run(job_id: int, env: dict[str, str]) -> dict[str, Any]:
    """The job through Redis to one real worker process; the clock starts when it is queued."""
    log = OUT / "imports-worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "networkcrm", "worker", "--pool=solo",
         "--hostname=bench-imports@%h", "--loglevel=INFO", "--without-heartbeat",
         "--without-gossip", "--without-mingle"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while "ready" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        code = (
            "import json, sys, time\n"
            "from bench.imports import _django, _job_facts\n"
            "_django()\n"
            "from imports.models import ImportJob\n"
            "from imports.tasks import import_run\n"
            f"job_id = {job_id}\n"
            "started = time.perf_counter()\n"
            "import_run.delay(job_id)\n"
            f"while time.perf_counter() - started < {LIMIT}:\n"
            "    if ImportJob.objects.filter(pk=job_id, status='done').exists():\n"
            "        break\n"
            "    time.sleep(0.05)\n"
            "seconds = time.perf_counter() - started\n"
            "print(json.dumps({'seconds': round(seconds, 3), **_job_facts(job_id)}))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=LIMIT + 30,
            check=True,
        )
        facts = json.loads(done.stdout.strip().splitlines()[-1])
        status = Path(f"/proc/{worker.pid}/status").read_text()
        peak_kb = next(
            int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")
        )
        facts["worker_peak_rss_mb"] = round(peak_kb / 1024, 1)
        return facts
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child == "build":
        print(json.dumps(child_build(args.rows, args.existing)))
        return 0
    if args.child == "clean":
        _django()
        from accounts.models import User
        from accounts.services import account_delete

        for user in User.objects.filter(email=USER):
            account_delete(user=user)
        print(json.dumps({"cleaned": True}))
        return 0
    if args.child in ("run", "trace"):
        print(json.dumps(child_run(args.job, trace=args.child == "trace")))
        return 0

    url = os.environ.get("BENCH_IMPORTS_DATABASE_URL") or DEFAULT_DATABASE
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    redis_url = env.get("REDIS_URL", "")
    env.update(DATABASE_URL=url, DEBUG="true", LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
    env.pop("CELERY_BROKER_URL", None)
    if redis_url:
        # A Redis database of the bench's own: no other worker takes its messages.
        redis_url = urlparse(redis_url)._replace(path=f"/{BENCH_REDIS_DB}").geturl()
        env.update(REDIS_URL=redis_url, CELERY_BROKER_URL=redis_url)
    print(f"Database: {redact(url)}; {args.rows} rows into {args.existing} contacts.")
    prepare(url, env)
    sizes = ["--rows", str(args.rows), "--existing", str(args.existing)]
    results: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "rows": args.rows,
        "existing": args.existing,
    }
    built = child(["--child", "build", *sizes], env)
    results["file"] = built
    results["in_process"] = child(["--child", "run", "--job", str(built["job"])], env)
    traced = child(["--child", "build", *sizes], env)
    results["tracemalloc"] = child(["--child", "trace", "--job", str(traced["job"])], env)
    if args.no_worker or not redis_url:
        results["worker"] = {"not_run": "no REDIS_URL" if not redis_url else "--no-worker"}
    else:
        queued = child(["--child", "build", *sizes], env)
        results["worker"] = worker_run(queued["job"], env)
        results["worker"]["upload_seconds"] = queued["upload_seconds"]
    child(["--child", "clean"], env)  # the uploads under MEDIA_ROOT go with the bench user
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "imports.json").write_text(json.dumps(results, indent=2))
    report(results)
    return 0


def report(results: dict[str, Any]) -> None:
    rows = results["rows"]
    file, run, trace, worker = (
        results["file"],
        results["in_process"],
        results["tracemalloc"],
        results["worker"],
    )
    print(f"\nFile: {file['file']} ({file['bytes'] / 2**20:.1f} MB), rows {file['rows']}")
    print(f"Upload (sniff and store): {file['upload_seconds']:.2f} s")
    print(
        f"Import in-process: {run['seconds']:.2f} s, {rows / run['seconds']:,.0f} rows/s; "
        f"peak RSS {run['peak_rss_mb']:.0f} MB (Django loaded: {run['rss_before_mb']:.0f} MB)"
    )
    print(
        f"  created {run['created']}, updated {run['updated']}, merged {run['merged']}, "
        f"skipped {run['skipped']}, errors {run['errors']}, "
        f"possible duplicates {run['possible_duplicates']}; contacts now {run['contacts_after']}"
    )
    print(f"Python allocations at their peak (tracemalloc): {trace['tracemalloc_peak_mb']:.1f} MB")
    if "not_run" in worker:
        print(f"Celery worker: not run ({worker['not_run']})")
    else:
        total = worker["seconds"] + worker["upload_seconds"]
        verdict = "meets" if total <= TARGET_SECONDS else "misses"
        memory = "meets" if worker["worker_peak_rss_mb"] <= TARGET_MB else "misses"
        print(
            f"Celery worker, end to end (upload + queue + import): {total:.2f} s, "
            f"{rows / total:,.0f} rows/s ({verdict} the {TARGET_SECONDS:.0f} s target); "
            f"worker peak RSS {worker['worker_peak_rss_mb']:.0f} MB "
            f"({memory} the {TARGET_MB:.0f} MB target)"
        )
    print(f"Written to {(OUT / 'imports.json').relative_to(ROOT)}")


def redact(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@")
    return url


if __name__ == "__main__":
    sys.exit(main())
