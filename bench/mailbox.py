"""`python -m bench.mailbox`: the first sync of a 10,000-message mailbox, its time and memory.

Debian's dovecot is started in a temporary directory as the tests start it
(tests/capture/fixtures_sync.py), and its maildir is filled with `--messages` messages (half in
Sent, half in INBOX, all within the last 25 days, so a 30-day first sync reads every one): 300
correspondents, 200 of them contacts of the bench user, threads of one to four messages, a
tenth of the inbox from mailing lists. Dovecot indexes the folders once before the clock starts
(the index a real server already has).

The sync (`capture.sync.mailbox_sync`, what the Celery task runs) runs in a child process of its
own, so its peak resident memory (`resource.getrusage`) is the sync's, Django included. Targets:
60 s and 300 MB. The database is BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/networkcrm_bench_mailbox), dropped and created again: its
name must contain "bench". Figures are printed and written to var/bench/mailbox.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.utils
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.imports import prepare, redact

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/networkcrm_bench_mailbox"
USER = "bench-mailbox@example.com"
MESSAGES = 10_000
PEOPLE, CONTACTS = 300, 200
TARGET_SECONDS, TARGET_MB = 60.0, 300.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.mailbox", description=__doc__)
    parser.add_argument("--messages", type=int, default=MESSAGES)
    parser.add_argument("--child", choices=["build", "sync"], help=argparse.SUPPRESS)
    parser.add_argument("--host", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "networkcrm.settings")
    import django

    django.setup()


def messages(count: int, now: dt.datetime, seed: int = 19):
    """The mailbox's messages, as (folder, bytes)."""
    rng = random.Random(seed)
    people = [(f"Person {i}", f"person{i}@example{i % 7}.org") for i in range(PEOPLE)]
    n = 0
    while n < count:
        name, address = rng.choice(people)
        subject = f"Plans {n}"
        start = now - dt.timedelta(days=rng.uniform(0.1, 25))
        for k in range(rng.randint(1, 4)):
            if n >= count:
                return
            sent = n % 2 == 0
            listed = not sent and rng.random() < 0.1
            when = start + dt.timedelta(minutes=17 * k)
            head = [
                f"From: {'Bench <' + USER + '>' if sent else f'{name} <{address}>'}",
                f"To: {f'{name} <{address}>' if sent else 'Bench <' + USER + '>'}",
                f"Subject: {'Re: ' * k}{subject}",
                f"Date: {email.utils.format_datetime(when)}",
                f"Message-ID: <bench-{n}@example.org>",
                *(["List-Id: <news.example.org>"] if listed else []),
                "Content-Type: text/plain; charset=utf-8",
            ]
            body = "Hello,\r\n\r\n" + "A line of the message body.\r\n" * rng.randint(3, 60)
            yield ("Sent" if sent else "INBOX"), ("\r\n".join(head) + "\r\n\r\n" + body).encode()
            n += 1


def child_build(host: str, port: int) -> dict[str, Any]:
    _django()
    from accounts.services import user_sign_up
    from capture.sources import mailbox_save
    from contacts.models import Contact, ContactEmail

    user = user_sign_up(email=USER, password="networkcrm-demo", name="Bench", timezone="UTC")  # noqa: S106
    contacts = Contact.objects.bulk_create(
        Contact(owner=user, first_name="Person", last_name=str(i)) for i in range(CONTACTS)
    )
    ContactEmail.objects.bulk_create(
        ContactEmail(contact=c, address=f"person{i}@example{i % 7}.org", is_primary=True)
        for i, c in enumerate(contacts)
    )
    mailbox = mailbox_save(
        user=user,
        mailbox=None,
        fields={"host": host, "port": port, "tls": False, "username": USER, "lookback_days": 30},
        password="bench-password",  # noqa: S106 (dovecot's bench user)
    )
    return {"mailbox": mailbox.pk}


def child_sync() -> dict[str, Any]:
    _django()
    from django.db.models import Count

    from capture.models import CapturedItem, Mailbox, ReviewEntry
    from capture.sync import mailbox_sync
    from contacts.models import Interaction

    mailbox = Mailbox.objects.get(username=USER)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu = time.perf_counter(), time.process_time()
    result = mailbox_sync(mailbox.pk)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    mailbox.refresh_from_db()
    return {
        "outcome": result.outcome,
        "error": result.error,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),  # this process's CPU, without the database server's
        "peak_rss_mb": round(peak, 1),
        "rss_before_mb": round(before, 1),
        "seen": result.seen,
        "logged": result.logged,
        "items": CapturedItem.objects.count(),
        "interactions": Interaction.objects.count(),
        "review_entries": ReviewEntry.objects.count(),
        "by_direction": dict(
            CapturedItem.objects.values_list("direction").annotate(n=Count("pk")).order_by()
        ),
        "cursors": mailbox.state,
    }


def child(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.mailbox", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode:
        raise SystemExit(f"bench.mailbox {args[1]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child == "build":
        print(json.dumps(child_build(args.host, args.port)))
        return 0
    if args.child == "sync":
        print(json.dumps(child_sync()))
        return 0

    from tests.capture.fixtures_sync import dovecot_start

    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DATABASE_URL=url,
        DEBUG="true",
        LOG_LEVEL="WARNING",
        CAPTURE_ALLOW_PRIVATE_HOSTS="true",
        PYTHONUNBUFFERED="1",
    )
    print(f"Database: {redact(url)}; {args.messages:,} messages.")
    prepare(url, env)
    root = Path(tempfile.mkdtemp(prefix="networkcrm-bench-dovecot-"))
    server = dovecot_start(root, user=USER, password="bench-password")  # noqa: S106
    try:
        started = time.perf_counter()
        now = dt.datetime.now(dt.UTC)
        written = {"Sent": [], "INBOX": []}
        for folder, raw in messages(args.messages, now):
            written[folder].append(raw)
        for folder, raws in written.items():
            server.maildir_fill(folder, iter(raws))
        client = server.client()
        for folder in written:  # the server's index, built once as a real server has it
            client.select_folder(folder, readonly=True)
        client.logout()
        fill = time.perf_counter() - started
        built = child(["--child", "build", "--host", server.host, "--port", str(server.port)], env)
        results = {
            "messages": args.messages,
            "fill_seconds": round(fill, 1),
            "mailbox": built["mailbox"],
            "sync": child(["--child", "sync"], env),
        }
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "mailbox.json").write_text(json.dumps(results, indent=2))
    sync = results["sync"]
    print(f"Maildir filled and indexed: {results['fill_seconds']} s")
    print(
        f"First sync: {sync['outcome']} in {sync['seconds']:.1f} s "
        f"(target {TARGET_SECONDS:.0f} s), peak RSS {sync['peak_rss_mb']:.0f} MB "
        f"(target {TARGET_MB:.0f} MB; Django loaded: {sync['rss_before_mb']:.0f} MB)"
    )
    print(
        f"  CPU time of the syncing process: {sync['cpu_seconds']:.1f} s; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"  read {sync['seen']:,} headers, captured {sync['items']:,} items "
        f"({sync['by_direction']}), {sync['interactions']:,} interactions, "
        f"{sync['review_entries']} people in the review inbox"
    )
    if sync["error"]:
        print(f"  error: {sync['error']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
