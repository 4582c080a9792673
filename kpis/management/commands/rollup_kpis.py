"""Runs the weekly KPI sweep by hand, or fills past weeks (after an import, say)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from kpis.rollup import kpi_sweep, rollup_backfill


class Command(BaseCommand):
    help = (
        "Rolls up the weekly KPIs of the users who are due, as the scheduled sweep does. With "
        "--backfill WEEKS, rolls up the last WEEKS finished weeks of every user (or of --user) "
        "instead, writing the same numbers again over weeks that exist; no e-mail is sent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--backfill", type=int, metavar="WEEKS", help="Finished weeks to fill, e.g. 12."
        )
        parser.add_argument("--user", metavar="EMAIL", help="Only this user (with --backfill).")

    def handle(self, *args: Any, backfill: int | None, user: str | None, **options: Any) -> None:
        started = time.perf_counter()
        if backfill is None:
            if user:
                raise CommandError("--user goes with --backfill WEEKS.")
            result = kpi_sweep()
            users = "user" if result.rolled_up == 1 else "users"
            self.stdout.write(
                f"Rolled up the last week of {result.rolled_up:,} {users}; "
                f"{result.summaries:,} weekly summaries written, {result.queued:,} queued to send."
            )
            return
        if backfill < 1:
            raise CommandError("--backfill needs a number of weeks, 1 or more.")
        users = None
        if user:
            users = list(User.objects.filter(email__iexact=user.strip()))
            if not users:
                raise CommandError(f"There is no user with the e-mail {user}.")
        progress = self.stdout.write if options["verbosity"] > 1 else None
        written = rollup_backfill(weeks=backfill, users=users, progress=progress)
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Wrote {written:,} weekly rows in {seconds:.1f} s."))
