from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from followups.models import Heartbeat


class Command(BaseCommand):
    help = "Exits non-zero unless the heartbeat task ran recently (a health check for beat)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--max-age",
            type=int,
            default=180,
            help="Seconds since the last heartbeat before it counts as stale (default 180).",
        )

    def handle(self, *args, max_age: int, **options):  # type: ignore[no-untyped-def]
        beat = Heartbeat.objects.filter(name="heartbeat").first()
        if beat is None:
            raise CommandError("No heartbeat has been recorded yet: is beat running?")
        if not beat.is_fresh(timedelta(seconds=max_age)):
            raise CommandError(
                f"The last heartbeat was {int(beat.age().total_seconds())} s ago "
                f"(more than {max_age} s): check the beat and worker processes."
            )
        self.stdout.write(f"Heartbeat OK: {beat}.")
