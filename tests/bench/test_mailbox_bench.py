"""bench.mailbox's messages: the count asked for, half sent and half received, each with its own
Message-ID, dated inside a 30-day first sync, a tenth of the inbox from mailing lists — read by
the same header reader the sync uses."""

from __future__ import annotations

import datetime as dt
import email
import email.utils

from bench.mailbox import USER, messages

NOW = dt.datetime(2026, 12, 5, 12, tzinfo=dt.UTC)


def test_the_messages_are_what_the_figures_say():
    made = list(messages(400, NOW))
    assert len(made) == 400
    folders = [folder for folder, _ in made]
    assert folders.count("Sent") == folders.count("INBOX") == 200
    parsed = [email.message_from_bytes(raw) for _, raw in made]
    assert len({m["Message-ID"] for m in parsed}) == 400
    for (folder, _), message in zip(made, parsed, strict=True):
        when = email.utils.parsedate_to_datetime(message["Date"])
        assert NOW - dt.timedelta(days=30) < when <= NOW
        assert (USER in message["From"]) == (folder == "Sent")
    listed = sum(1 for m in parsed if m["List-Id"])
    assert 0 < listed < 40
