"""The forwarding address: which user an address belongs to, and what a message sent to it
means for them (who reached out, to whom, when), logged through `capture_log`."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import local_today, local_zone
from capture.inbound import Address, Headers, UnreadableMessage, read_message
from capture.models import CapturedItem, CaptureSettings, Direction, SourceKind
from capture.services import (
    SNIPPET_LENGTH,
    capture_log,
    external_id_for,
    normal_email,
    subject_normalised,
    thread_key_for,
)
from contacts.models import Channel, Kind

_LOCAL = re.compile(r"^log\+([a-z2-7]{8,40})$")
_FORWARD_PREFIX = re.compile(r"^\s*((fwd?|wg|tr|rv)\s*:\s*)+", re.I)
# A date more than a day ahead is a wrong clock, not a plan: the message is logged as now.
FUTURE_SLACK = dt.timedelta(days=1)


def token_of(address: str) -> str | None:
    """The token of a forwarding address (log+<token>@CAPTURE_DOMAIN), or None."""
    local, _, domain = normal_email(address).rpartition("@")
    if domain != settings.CAPTURE_DOMAIN.lower():
        return None
    matched = _LOCAL.match(local)
    return matched.group(1) if matched else None


def is_forwarding_address(address: str) -> bool:
    local, _, domain = normal_email(address).rpartition("@")
    return local.startswith("log+") and domain == settings.CAPTURE_DOMAIN.lower()


@dataclass(frozen=True)
class Meaning:
    """What a received message means for its user."""

    external_id: str
    occurred_at: dt.datetime
    people: list[Address]
    direction: str
    summary: str
    text: str


def _fallback_id(prefix: str, headers: Headers) -> str:
    """A key for a message without a Message-ID (an inline forward carries none): the same
    original forwarded twice has the same sender, date and subject."""
    sender = normal_email(headers.sender[0]) if headers.sender else ""
    when = headers.date.isoformat() if headers.date else ""
    seed = "\n".join([sender, when, subject_normalised(headers.subject)])
    return f"{prefix}:{hashlib.sha256(seed.encode()).hexdigest()[:40]}"


def meaning_of(
    outer: Headers, original: Headers | None, *, own: set[str], zone: dt.tzinfo, now: dt.datetime
) -> Meaning:
    """Who it was between and who reached out. `own` are the user's addresses.

    A forward: the forwarder is the user too; the original's sender being the user means
    they wrote (out), anyone else means they were written to (in). Not a forward (a BCC):
    the user wrote it, unless it is someone else's message to them redirected here."""
    source = original or outer
    if source.sender is None:
        raise UnreadableMessage("The message has no sender address that could be read.")
    mine = set(own)
    if original is not None and outer.sender is not None:
        mine.add(normal_email(outer.sender[0]))
    sender = normal_email(source.sender[0])
    others = source.to + source.cc
    if original is None:
        written_to_me = any(normal_email(a) in own for a, _ in others)
        wrote = sender in own or not written_to_me
    else:
        wrote = sender in mine
    direction = Direction.OUT if wrote else Direction.IN
    people = others if wrote else [source.sender, *others]
    people = [
        (a, n) for a, n in people if normal_email(a) not in mine and not is_forwarding_address(a)
    ]
    if not people:
        raise UnreadableMessage(
            "Nobody else is on the message: no address besides yours could be read from its "
            "From, To or Cc."
        )
    when = source.date or outer.date
    if when is not None and timezone.is_naive(when):
        when = timezone.make_aware(when, zone)
    if when is None or when > now + FUTURE_SLACK:
        when = now
    if source.message_id:
        external_id = external_id_for(source.message_id)
    else:
        external_id = _fallback_id("forward" if original else "message", source)
    summary = source.subject or _FORWARD_PREFIX.sub("", outer.subject)
    return Meaning(
        external_id=external_id,
        occurred_at=when,
        people=people,
        direction=direction,
        summary=" ".join(summary.split()),
        text=source.text,
    )


def _snippet(text: str) -> str:
    return " ".join(text[: SNIPPET_LENGTH * 8].split())[:SNIPPET_LENGTH]


def forward_error(prefs: CaptureSettings, words: str, now: dt.datetime) -> None:
    """The forwarding address's last error, in words. It never gives up: each message stands
    on its own, so the count is shown but nothing stops."""
    CaptureSettings.objects.filter(pk=prefs.pk).update(
        last_error=words, last_error_at=now, failures=F("failures") + 1
    )


def forward_receive(*, prefs: CaptureSettings, raw: bytes, now: dt.datetime) -> CapturedItem | None:
    """Logs a message sent to `prefs`' forwarding address. Raises UnreadableMessage (and
    records it, in words) when it cannot be read or names nobody else."""
    user: Any = prefs.user
    try:
        read = read_message(raw)
        meaning = meaning_of(
            read.outer,
            read.original,
            own={normal_email(user.email)},
            zone=local_zone(user),
            now=now,
        )
    except UnreadableMessage as error:
        forward_error(prefs, str(error), now)
        raise
    with transaction.atomic():  # the item and the status line in one commit
        item = capture_log(
            user=user,
            source=SourceKind.FORWARD,
            source_id=None,
            external_id=meaning.external_id,
            occurred_at=meaning.occurred_at,
            people=meaning.people,
            kind=Kind.EMAIL,
            channel=Channel.EMAIL,
            direction=meaning.direction,
            summary=meaning.summary,
            snippet=_snippet(meaning.text),
            thread_key=thread_key_for(
                user=user, subject=meaning.summary, occurred_at=meaning.occurred_at
            ),
            today=local_today(user),
        )
        CaptureSettings.objects.filter(pk=prefs.pk).update(last_success_at=now, failures=0)
    return item
