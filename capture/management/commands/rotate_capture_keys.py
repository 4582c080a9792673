"""Re-encrypts every mailbox password and calendar address under the first key of
CAPTURE_ENCRYPTION_KEYS. Rotate a key by putting a new one first, running this, then removing
the old one."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from capture.crypto import SecretUnreadable, secret_rotate
from capture.models import CalendarFeed, Mailbox

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypts mailbox passwords and calendar addresses under the first capture key."

    def handle(self, *args: Any, **options: Any) -> None:
        done = unreadable = 0
        for model, column in ((Mailbox, "password_sealed"), (CalendarFeed, "url_sealed")):
            last = 0
            while True:
                with transaction.atomic():
                    rows = list(
                        model.objects.select_for_update()
                        .filter(pk__gt=last)
                        .exclude(**{column: ""})
                        .order_by("pk")
                        .only("pk", column)[:BATCH]
                    )
                    if not rows:
                        break
                    for obj in rows:
                        try:
                            setattr(obj, column, secret_rotate(getattr(obj, column)))
                            done += 1
                        except SecretUnreadable:
                            unreadable += 1
                            self.stderr.write(
                                f"{model._meta.verbose_name} {obj.pk}: no configured key opens "
                                "it; its owner must enter it again."
                            )
                    model.objects.bulk_update(rows, [column])
                    last = rows[-1].pk
        self.stdout.write(f"Re-encrypted {done} secrets under the first key.")
        if unreadable:
            raise CommandError(f"{unreadable} secrets could not be opened with any key.")
