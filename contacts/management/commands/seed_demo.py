"""Loads the demo network and, with --users, the bench users' bulk data (bench/loaders.py).
Running it again changes nothing that is already there."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import User
from bench.loaders import bench_showing_up_load, bench_users_load
from coaching.demo import DEMO_CLIENTS, demo_coaching_load
from communities.demo import demo_communities_load, demo_content_load, demo_events_load
from contacts.demo import (
    BENCH_EMAIL,
    DEMO_PASSWORD,
    DEMO_USERS,
    Created,
    demo_followups_load,
    demo_network_load,
    demo_users_ensure,
)
from goals.demo import BENCH_OBJECTIVES, bench_plan_load, demo_plan_load
from kpis.rollup import rollup_backfill

__all__ = ["DEMO_PASSWORD", "Command"]

BENCH_CONTACTS = 1000
BENCH_INTERACTIONS = 10_000


class Command(BaseCommand):
    help = (
        "Creates the demo accounts and their network (idempotent). With --users N, also "
        "bench-user-1…N@example.com, each with --contacts contacts and --interactions "
        "interactions, for benchmarks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--users", type=int, default=0, help="Extra bench users to create (default none)."
        )
        parser.add_argument(
            "--contacts",
            type=int,
            help=f"Contacts of each bench user (default {BENCH_CONTACTS:,}).",
        )
        parser.add_argument(
            "--interactions",
            type=int,
            help=f"Interactions of each bench user, in all (default {BENCH_INTERACTIONS:,}).",
        )

    def handle(self, *args: Any, users: int, **options: Any) -> None:
        contacts, interactions = options["contacts"], options["interactions"]
        if users <= 0 and (contacts is not None or interactions is not None):
            raise CommandError("--contacts and --interactions size the bench users: add --users N.")
        contacts = BENCH_CONTACTS if contacts is None else contacts
        interactions = BENCH_INTERACTIONS if interactions is None else interactions
        if users < 0 or contacts < 0 or interactions < 0:
            raise CommandError("--users, --contacts and --interactions cannot be negative.")
        if interactions and not contacts:
            raise CommandError("Interactions need contacts: give --contacts 1 or more.")

        today = timezone.localdate()
        demo_users = demo_users_ensure()
        demo = demo_network_load(owner=demo_users["owner"], today=today)
        self._report(f"Demo network of {DEMO_USERS['owner'][0]}", demo)
        owner = demo_users["owner"]
        followups = demo_followups_load(owner=owner, today=today)
        self._added("Follow-ups", f"added {followups}" if followups else "")
        communities = demo_communities_load(owner=owner, today=today)
        self._added("Communities", f"added {communities}" if communities else "")
        events = demo_events_load(owner=owner, today=today)
        self._added("Events", f"added {events}" if events else "")
        pieces = demo_content_load(owner=owner, today=today)
        self._added("Content", f"added {pieces} pieces" if pieces else "")
        plan = demo_plan_load(owner=owner, today=today)
        self._added("Goal plan", f"started ({plan.name})" if plan else "")
        clients = demo_coaching_load(
            coach=demo_users["coach"], owner=demo_users["owner"], today=today
        )
        self.stdout.write(
            f"Caseload of {DEMO_USERS['coach'][0]}: "
            + ", ".join(f"{client.email}" for client in clients)
        )
        # Twelve weeks of KPIs from the demo year, so the KPI page and the caseload have trends
        # from the start (rewriting the same rows on a second run).
        rows = rollup_backfill(weeks=12, users=clients)
        self.stdout.write(f"Weekly KPIs of the demo clients: {rows} weeks rolled up.")

        if users:
            started = time.perf_counter()
            bench = bench_users_load(
                users=users,
                contacts=contacts,
                interactions=interactions,
                today=today,
                progress=self._progress if options["verbosity"] > 1 else None,
            )
            self._report(f"Bench users ({users} asked for)", bench)
            if bench.users:
                seconds = time.perf_counter() - started
                steps = ", ".join(f"{step} {s:.1f} s" for step, s in bench.seconds.items())
                self.stdout.write(f"  built in {seconds:.1f} s ({steps})")
            emails = [BENCH_EMAIL.format(n=n) for n in range(1, users + 1)]
            plans = bench_plan_load(owners=User.objects.filter(email__in=emails), today=today)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Goal plans of the bench users: added {plans:,} "
                    f"({len(BENCH_OBJECTIVES)} objectives each)."
                )
                if plans
                else "Goal plans of the bench users: already there, nothing added."
            )
            places = bench_showing_up_load(
                owners=list(User.objects.filter(email__in=emails)), today=today
            )
            self.stdout.write(f"Communities and content of the bench users: added for {places:,}.")

        self.stdout.write(f"Logins (password {DEMO_PASSWORD}):")
        for role, (email, _) in DEMO_USERS.items():
            self.stdout.write(f"  {role:<9} {email} / {DEMO_PASSWORD}")
        for email, _name, scope, _starter, _seed in DEMO_CLIENTS:
            self.stdout.write(f"  {'client':<9} {email} / {DEMO_PASSWORD} (coach sees: {scope})")
        if users:
            last = BENCH_EMAIL.format(n=users) if users > 1 else ""
            self.stdout.write(
                f"  {'bench':<9} {BENCH_EMAIL.format(n=1)}{' … ' + last if last else ''}"
            )

    def _added(self, what: str, done: str) -> None:
        """One line of what the demo owner was given, or that it was there already."""
        whose = f"{what} of {DEMO_USERS['owner'][0]}"
        if done:
            self.stdout.write(self.style.SUCCESS(f"{whose}: {done}."))
        else:
            self.stdout.write(f"{whose}: already there, nothing added.")

    def _report(self, what: str, created: Created) -> None:
        if not (created.users or created.contacts or created.interactions or created.tags):
            self.stdout.write(f"{what}: already there, nothing added.")
            return
        parts = [
            f"{created.users:,} users" if created.users else "",
            f"{created.contacts:,} contacts",
            f"{created.interactions:,} interactions",
            f"{created.tags:,} tags",
        ]
        self.stdout.write(self.style.SUCCESS(f"{what}: added {', '.join(p for p in parts if p)}."))

    def _progress(self, message: str) -> None:
        self.stdout.write(f"  {message}")
