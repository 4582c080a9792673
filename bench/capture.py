"""`python -m bench.capture`: how much work one message sent to a forwarding address costs.

The issue's figure: *a receive of one message ≤ 50 ms of work.*

On a PostgreSQL bench database of its own (--database, default networkcrm_bench_capture;
created if missing, and only a database with "bench" in its name):

1. **Build** (skipped with --skip-build): `migrate`, `seed_demo --users 1 --contacts C
   --interactions I` (bench-user-1 with a realistic log), the forwarding address turned on,
   and the people of the sample messages (tests/capture/samples/) as contacts, some of them
   not, so every message logs an interaction and puts someone in the review inbox.
2. **In-process**: `forward_receive` (read the message, decide who reached out, log it in
   one transaction: the whole work of a receive) on --messages messages, the five samples in
   turn, each made new (its subject and Message-ID carry a run number), so every one is a
   first receive, the costly path. Median, p95, max of the wall time and of this process's
   CPU time (the receiver's own work, without the database server's); reading alone (no
   database); and, for comparison, `interaction_log` alone, what any logged interaction costs.
3. **Over SMTP**: `manage.py capture_receive` started as a process on the bench database,
   the same number of new messages sent on one smtplib connection, each timed from MAIL to
   the reply to DATA. Then a 26 MB message (refused with 552) and the receiver's peak
   resident memory (VmHWM).

Prints a table and writes var/bench/capture.json.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import smtplib
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from bench.client import BenchError, Timing
from bench.kpis import database_ensure, settings_env
from bench.run import free_port, redact

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
SAMPLES = ROOT / "tests" / "capture" / "samples"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/networkcrm_bench_capture"
DOMAIN = "capture.bench"
TARGET_MS = 50.0
USER = "bench-user-1@example.com"
# Each sample, and a phrase of its subject to make each copy a new message.
MESSAGES = {
    "gmail_forward.eml": b"Coffee next week?",
    "outlook_forward.eml": b"Proposal for Q3",
    "apple_forward.eml": b"Intro to the lab",
    "attached_forward.eml": b"Board meeting notes",
    "bcc_sent.eml": b"Thanks for the intro",
}
KNOWN = [
    ("Dana", "dana@example.com"),
    ("Gil", "gil@example.org"),
    ("Irene", "irene@board.example"),
]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.capture", description=__doc__.split("\n")[0]
    )
    add = parser.add_argument
    add("--contacts", type=int, default=5_000, help="contacts of the bench user (5,000)")
    add("--interactions", type=int, default=50_000, help="their interactions (50,000)")
    add("--messages", type=int, default=200, help="messages timed each way, at least 50 (200)")
    add("--skip-build", action="store_true", help="reuse the data of the last build")
    add(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE),
        help="the PostgreSQL bench database (BENCH_DATABASE_URL)",
    )
    args = parser.parse_args(argv)
    if args.messages < 50:
        parser.error("--messages must be at least 50 for a meaningful p95.")
    parsed = urlparse(args.database)
    if parsed.scheme not in ("postgres", "postgresql"):
        parser.error("the capture bench runs on PostgreSQL.")
    if "bench" not in unquote(parsed.path.lstrip("/")):
        parser.error("the capture bench writes into its database: name it with 'bench' in it.")
    return args


def messages(count: int, run: str) -> list[bytes]:
    """`count` new messages: the samples in turn, each with its own subject and Message-ID,
    lines ending in CRLF as they travel."""
    made = []
    names = list(MESSAGES)
    for n in range(count):
        name = names[n % len(names)]
        raw = (SAMPLES / name).read_bytes().replace(b"\r\n", b"\n")
        tag = f"{run}-{n}".encode()
        raw = raw.replace(MESSAGES[name], MESSAGES[name] + b" " + tag)
        raw = raw.replace(b"Message-ID: <", b"Message-ID: <" + tag + b".")
        made.append(raw.replace(b"\n", b"\r\n"))
    return made


def build(args: argparse.Namespace, say: Any) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from capture.services import settings_for
    from contacts.models import Contact, ContactEmail

    started = time.perf_counter()
    say(f"   building: {USER} ({args.contacts:,} contacts, {args.interactions:,} interactions)")
    call_command(
        "seed_demo", users=1, contacts=args.contacts, interactions=args.interactions, verbosity=0
    )
    user = User.objects.get(email=USER)
    for first_name, address in KNOWN:
        if not ContactEmail.objects.filter(contact__owner=user, address=address).exists():
            contact = Contact.objects.create(owner=user, first_name=first_name)
            ContactEmail.objects.create(contact=contact, address=address, is_primary=True)
    prefs = settings_for(user)
    prefs.forward_enabled = True
    prefs.save()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"seconds": round(time.perf_counter() - started, 1)}


def inprocess(args: argparse.Namespace) -> dict[str, Any]:
    from django.utils import timezone

    from accounts.models import User
    from capture.forward import forward_receive
    from capture.inbound import read_message
    from capture.services import settings_for
    from contacts.models import Contact

    user = User.objects.get(email=USER)
    prefs = settings_for(user)
    run = secrets.token_hex(4)
    batch = messages(args.messages + 5, run)
    for raw in batch[:5]:  # warm-up: imports, the first statements of each kind
        forward_receive(prefs=prefs, raw=raw, now=timezone.now())
    work, cpu, reading, logged = [], [], [], 0
    for raw in batch[5:]:
        started = time.perf_counter()
        read_message(raw)
        reading.append(time.perf_counter() - started)
        started, started_cpu = time.perf_counter(), time.process_time()
        item = forward_receive(prefs=prefs, raw=raw, now=timezone.now())
        work.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        logged += item is not None
    # The same log written by hand, for comparison: what logging any interaction costs.
    import datetime as dt

    from contacts.services import interaction_log

    dana = Contact.objects.filter(owner=user, emails__address=KNOWN[0][1]).first()
    by_hand = []
    for _ in range(args.messages // 2):
        started = time.perf_counter()
        interaction_log(
            owner=user, contacts=[dana], today=dt.date.today(), occurred_on=dt.date.today()
        )
        by_hand.append(time.perf_counter() - started)
    return {
        "receive": Timing.of(work, {}, "ok").__dict__,
        "receive_cpu": Timing.of(cpu, {}, "ok").__dict__,
        "interaction_log_alone": Timing.of(by_hand, {}, "ok").__dict__,
        "read_only": Timing.of(reading, {}, "ok").__dict__,
        "logged": logged,
        "contacts": Contact.objects.filter(owner=user).count(),
        "interactions": user.interactions.count(),
    }


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), 1):
            return True
    except OSError:
        return False


def over_smtp(args: argparse.Namespace, say: Any) -> dict[str, Any]:
    from accounts.models import User
    from capture.services import settings_for

    address = settings_for(User.objects.get(email=USER)).address
    port = free_port()
    OUT.mkdir(parents=True, exist_ok=True)
    log = OUT / "capture-receiver.log"
    env = {**os.environ, "CAPTURE_DOMAIN": DOMAIN, "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "capture_receive", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while not listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise BenchError(f"the receiver did not start: see {log.relative_to(ROOT)}")
            time.sleep(0.2)
        say(f"   receiver on port {port}: sending {args.messages} messages")
        batch = messages(args.messages + 5, secrets.token_hex(4))
        seconds = []
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            for n, raw in enumerate(batch):
                started = time.perf_counter()
                refused = client.sendmail("bench@example.com", [address], raw)
                if refused:
                    raise BenchError(f"the receiver refused a message: {refused}")
                if n >= 5:
                    seconds.append(time.perf_counter() - started)
            big = (SAMPLES / "bcc_sent.eml").read_bytes().replace(b"\n", b"\r\n")
            big += (b"x" * 998 + b"\r\n") * (26 * 1024 * 1024 // 1000)
            client.mail("bench@example.com")
            client.rcpt(address)
            big_code = client.data(big)[0]
        status = Path(f"/proc/{process.pid}/status")
        peak = None
        if status.exists():
            line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM:"))
            peak = round(int(line.split()[1]) / 1024, 1)
        return {
            "round_trip": Timing.of(seconds, {}, "ok").__dict__,
            "big_message_reply": big_code,
            "peak_memory_mb": peak,
        }
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def table(result: dict[str, Any]) -> list[str]:
    lines = [
        f"capture bench on {result['database']} ({result['cpus']} CPUs, load average "
        f"{result['load_average']:.1f} at the start)"
    ]
    if "error" in result:
        return [*lines, f"error: {result['error']}"]
    work = result["inprocess"]["receive"]
    read = result["inprocess"]["read_only"]
    alone = result["inprocess"]["interaction_log_alone"]
    cpu = result["inprocess"]["receive_cpu"]
    smtp = result["smtp"]["round_trip"]
    verdict = "ok" if work["median_ms"] <= TARGET_MS else "OVER"
    lines += [
        f"user: {result['inprocess']['contacts']:,} contacts, "
        f"{result['inprocess']['interactions']:,} interactions",
        f"{'what':<46} {'median':>9} {'p95':>9} {'max':>9}",
        f"{'a receive: read + log (forward_receive)':<46} {work['median_ms']:>7} ms "
        f"{work['p95_ms']:>6} ms {work['max_ms']:>6} ms  target {TARGET_MS:.0f} ms: {verdict}",
        f"{'  its CPU time in this process (no database)':<46} {cpu['median_ms']:>7} ms "
        f"{cpu['p95_ms']:>6} ms {cpu['max_ms']:>6} ms",
        f"{'  for comparison: interaction_log alone':<46} {alone['median_ms']:>7} ms "
        f"{alone['p95_ms']:>6} ms {alone['max_ms']:>6} ms",
        f"{'  of which reading the message':<46} {read['median_ms']:>7} ms "
        f"{read['p95_ms']:>6} ms {read['max_ms']:>6} ms",
        f"{'over SMTP, MAIL to the reply to DATA':<46} {smtp['median_ms']:>7} ms "
        f"{smtp['p95_ms']:>6} ms {smtp['max_ms']:>6} ms",
        f"26 MB message: reply {result['smtp']['big_message_reply']}; receiver's peak memory "
        f"{result['smtp']['peak_memory_mb']} MB",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def say(text: str) -> None:
        print(text, flush=True)

    settings_env(args)
    os.environ["CAPTURE_DOMAIN"] = DOMAIN
    result: dict[str, Any] = {
        "database": urlparse(args.database).path.lstrip("/"),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
    }
    say(f"   database {redact(args.database)}")
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
        say(f"   in-process: {args.messages} receives")
        result["inprocess"] = inprocess(args)
        result["smtp"] = over_smtp(args, say)
    except BenchError as error:
        result["error"] = str(error)
    print()
    for line in table(result):
        print(line)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "capture.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nWritten to {path.relative_to(ROOT)}")
    return 1 if "error" in result else 0


if __name__ == "__main__":
    sys.exit(main())
