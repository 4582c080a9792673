"""`manage.py capture_receive`: the forwarding address's SMTP/LMTP receiver."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from capture.receiver import serve


class Command(BaseCommand):
    help = (
        "Receives mail sent to the users' forwarding addresses (log+<token>@CAPTURE_DOMAIN) "
        "over SMTP, or LMTP with --lmtp, and logs it. Stops on SIGINT or SIGTERM."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=settings.CAPTURE_RECEIVER_HOST)
        parser.add_argument("--port", type=int, default=settings.CAPTURE_RECEIVER_PORT)
        parser.add_argument("--lmtp", action="store_true", default=settings.CAPTURE_RECEIVER_LMTP)

    def handle(self, *args: Any, host: str, port: int, lmtp: bool, **options: Any) -> None:
        def ready(words: str) -> None:
            self.stdout.write(words)
            self.stdout.flush()

        serve(host=host, port=port, lmtp=lmtp, ready=ready)
