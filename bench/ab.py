"""`python -m bench.ab REV`: this checkout against another revision, on the same bench data.

A page's time on a shared machine moves by half from one minute to the next (the bench prints
a speed reading for that reason), so two bench runs minutes apart compare the machine more than
the code. This serves both versions at once, each with gunicorn as the bench does, and sends
their requests in turn (in a random order within each round), so a slow minute slows both:
the ratio of the medians is the code's change.

It reads the data `python -m bench` built (run that first) and checks REV out into a git
worktree under var/bench/, beside this checkout's virtualenv and front-end files. REV must read
the same schema as this checkout; the logged interactions both sides write stay in the data.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bench.client import BenchError, Session, log_in
from bench.run import (
    BENCH_USER,
    DEFAULT_POSTGRES,
    LABELS,
    OUT,
    PASSWORD,
    ROOT,
    SQLITE_FILE,
    Target,
    collect_static,
    django_env,
    gunicorn,
    inprocess,
    page_checks,
    redact,
)

PAGES = ("list", "search", "contact", "plan", "log")
WARM_UP = 10  # requests per page and side before the timed ones (each side has two workers)
# Where the other revision is checked out, and what it shares with this checkout.
SHARED = ("node_modules", "static/vendor")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.ab", description=__doc__.split("\n")[0])
    parser.add_argument("rev", help="the revision to compare with (a commit, tag or branch)")
    parser.add_argument("--only", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument(
        "--pages", default=",".join(PAGES), help=f"pages to compare (default {','.join(PAGES)})"
    )
    parser.add_argument("--rounds", type=int, default=40, help="requests per page and side")
    args = parser.parse_args(argv)
    args.pages = [name.strip() for name in args.pages.split(",") if name.strip()]
    unknown = [name for name in args.pages if name not in LABELS or name == "login"]
    if unknown:
        parser.error(f"unknown page(s): {', '.join(unknown)}; choose from {', '.join(PAGES)}")
    if args.rounds < 10:
        parser.error("--rounds must be at least 10.")
    return args


def git(*args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"git {args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout.strip()


def checkout(rev: str) -> Path:
    """REV as a worktree under var/bench/, sharing this checkout's installed files."""
    commit = git("rev-parse", "--verify", f"{rev}^{{commit}}")
    tree = OUT / f"ab-{commit[:12]}"
    if not (tree / "manage.py").exists():
        git("worktree", "add", "--force", "--detach", str(tree), commit)
    for name in (".venv", *SHARED):
        link, source = tree / name, ROOT / name
        if source.exists() and not link.exists():
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(source)
    return tree


def ratio_table(medians: dict[str, tuple[float, float]], rev: str) -> list[str]:
    """One row per page: the two medians and what this checkout's is of REV's."""
    header = f"{'page':<26} {rev[:12]:>12} {'this':>9} {'this/rev':>9}"
    lines = [header, "-" * len(header)]
    for name, (theirs, ours) in medians.items():
        lines.append(f"{LABELS[name]:<26} {theirs:>12.2f} {ours:>9.2f} {ours / theirs:>9.2f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = (
        os.environ.get("BENCH_DATABASE_URL") or DEFAULT_POSTGRES
        if args.only == "postgres"
        else f"sqlite:///{SQLITE_FILE}"
    )
    target = Target(args.only, url)
    secret = secrets.token_urlsafe(50)
    try:
        tree = checkout(args.rev)
        env = django_env(url, secret)
        facts = inprocess(env)
        theirs_env = {**env, "PYTHONPATH": str(tree)}
        # Its own hashed static files: its templates may name files this checkout lacks.
        collect_static(secret, root=tree)
        print(f"comparing {args.rev} with this checkout on {redact(url)}, {args.rounds} rounds")
        with ExitStack() as stack:
            ports = [
                stack.enter_context(gunicorn(target, theirs_env, root=tree, label="-rev")),
                stack.enter_context(gunicorn(target, env, label="-this")),
            ]
            medians = compare(ports, facts, args)
    except BenchError as error:
        print(f"not compared: {error}")
        return 1
    print()
    for line in ratio_table(medians, args.rev):
        print(line)
    return 0


def compare(
    ports: list[int], facts: dict[str, Any], args: argparse.Namespace
) -> dict[str, tuple[float, float]]:
    sessions = [Session(port) for port in ports]
    for session in sessions:
        log_in(session, BENCH_USER, PASSWORD)
    checks = page_checks(facts)
    medians = {}
    for name in args.pages:
        send, expect = checks[name]
        timings: list[list[float]] = [[], []]
        for _ in range(WARM_UP):  # warm both sides' workers: caches, kept SQL, connections
            for session in sessions:
                send(session)
        for _ in range(args.rounds):
            order = [0, 1]
            random.shuffle(order)
            for side in order:
                answer = send(sessions[side])
                if answer.status not in expect:
                    side_name = "the other revision" if side == 0 else "this checkout"
                    raise BenchError(f"{LABELS[name]} answered {answer.status} on {side_name}.")
                timings[side].append(answer.seconds * 1000)
        medians[name] = (statistics.median(timings[0]), statistics.median(timings[1]))
        theirs, ours = medians[name]
        print(f"   {LABELS[name]:<26} {theirs:8.2f} ms vs {ours:8.2f} ms ({ours / theirs:.2f})")
    for session in sessions:
        session.close()
    return medians


if __name__ == "__main__":
    sys.exit(main())
