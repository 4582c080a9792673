"""E-mail helpers."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.mail.backends.filebased import EmailBackend as FileBackend


class FileAndConsoleBackend(FileBackend):
    """Writes each message to a file under EMAIL_FILE_PATH and echoes it to stdout.

    Used when no SMTP server is configured, so a newcomer running `make run` can read
    every e-mail the app sends (var/mail/) and see it go by in the terminal.
    """

    def write_message(self, message: Any) -> None:
        super().write_message(message)
        msg = message.message()
        sys.stdout.write(
            f"\n--- e-mail to {', '.join(message.recipients())}: {msg['Subject']} "
            f"(saved under {settings.EMAIL_FILE_PATH}) ---\n"
        )
        sys.stdout.write(message.body if isinstance(message.body, str) else "")
        sys.stdout.write("\n--- end of e-mail ---\n")
        sys.stdout.flush()
