"""A mailbox sync's batch of new messages logged with a fixed number of statements for the
batch, plus the interactions it makes — what `capture.services.capture_log` does for one
message, done for a few hundred at once (a first sync reads thousands).

Same rules as `capture_log`, with its own helpers: ignored addresses dropped, the contacts found
on the index of addresses, the others into the review inbox (seen as many times as messages
they were on) unless only known people are wanted, a thread's messages of one day joined into
one interaction (with an earlier item of the thread, or the first of the batch). It runs inside
the caller's transaction; if any message of the batch was captured meanwhile (another sync, a
forward), the batch is left to `capture_log` message by message, which handles that case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest, Least

from capture.models import (
    CapturedItem,
    CapturedPerson,
    Direction,
    ReviewEntry,
    ReviewStatus,
    SourceKind,
)
from capture.services import (
    SUMMARY_LENGTH,
    Rules,
    _distinct,
    _interaction_join,
    _interaction_new,
    _wanted,
    known_contacts,
    settings_for,
)
from contacts.models import Channel, Interaction, Kind


@dataclass(frozen=True)
class Message:
    external_id: str
    occurred_at: dt.datetime
    people: Sequence[tuple[str, str]]  # the other parties, (address, name)
    outgoing: bool
    summary: str
    thread_key: str


class Taken(Exception):
    """A message of the batch was captured meanwhile."""


def messages_log(
    *, user: Any, mailbox_id: int | None, messages: list[Message], today: dt.date
) -> int:
    """Logs the batch (all new messages, checked by the caller); returns how many made or
    joined an interaction."""
    if not messages:
        return 0
    prefs = settings_for(user)
    rules = Rules(user)
    wanted = [_wanted(m.people, user=user, rules=rules) for m in messages]
    items = [
        CapturedItem(
            user=user,
            source=SourceKind.IMAP,
            source_id=mailbox_id,
            external_id=m.external_id,
            thread_key=m.thread_key,
            occurred_at=m.occurred_at,
            summary=(m.summary or "")[:SUMMARY_LENGTH],
            direction=Direction.OUT if m.outgoing else Direction.IN,
            kind=Kind.EMAIL,
            channel=Channel.EMAIL,
        )
        for m in messages
    ]
    try:
        with transaction.atomic():
            items = CapturedItem.objects.bulk_create(items)
    except IntegrityError as error:
        raise Taken from error
    CapturedPerson.objects.bulk_create(
        CapturedPerson(item=item, email=email, name=name)
        for item, people in zip(items, wanted, strict=True)
        for email, name in people.items()
    )
    written = {a.strip() for m in messages for a, _ in m.people if a} | {
        e for people in wanted for e in people
    }
    known = known_contacts(user=user, emails=written)
    if not prefs.only_known:
        _review_batch(user, items, wanted, known)
    return _interactions(user, items, wanted, known, today)


def _review_batch(
    user: Any, items: list[CapturedItem], wanted: list[dict[str, str]], known: dict[str, Any]
) -> None:
    """The people who are not contacts, as `_review_record` would leave them after one call per
    message: seen once per message, first and last seen over them."""
    seen: dict[str, list[Any]] = {}  # email -> [name, times, first, last]
    for item, people in zip(items, wanted, strict=True):
        for email, name in people.items():
            if email in known:
                continue
            row = seen.setdefault(email, [name, 0, item.occurred_at, item.occurred_at])
            row[0] = row[0] or name
            row[1] += 1
            row[2], row[3] = min(row[2], item.occurred_at), max(row[3], item.occurred_at)
    if not seen:
        return
    existing = set(
        ReviewEntry.objects.filter(user=user, email__in=seen).values_list("email", flat=True)
    )
    ReviewEntry.objects.bulk_create(
        [
            ReviewEntry(
                user=user,
                email=email,
                name=name,
                source=SourceKind.IMAP,
                first_seen=first,
                last_seen=last,
                times=times,
            )
            for email, (name, times, first, last) in seen.items()
            if email not in existing
        ],
        ignore_conflicts=True,
    )
    for email in sorted(existing):
        _name, times, first, last = seen[email]
        ReviewEntry.objects.filter(user=user, email=email).update(
            times=F("times") + times,
            first_seen=Least("first_seen", Value(first)),
            last_seen=Greatest("last_seen", Value(last)),
        )
    # Added once, but no contact has the address any more: ask again.
    ReviewEntry.objects.filter(user=user, email__in=existing, status=ReviewStatus.ADDED).update(
        status=ReviewStatus.PENDING, contact=None
    )


def _interactions(
    user: Any,
    items: list[CapturedItem],
    wanted: list[dict[str, str]],
    known: dict[str, Any],
    today: dt.date,
) -> int:
    keys = {item.thread_key for item in items if item.thread_key}
    mates: dict[str, Interaction] = {}
    earlier = (
        CapturedItem.objects.live()
        .filter(user=user, thread_key__in=keys, interaction__isnull=False)
        .exclude(pk__in=[item.pk for item in items])
        .select_related("interaction")
        .order_by("-pk")
    )
    for mate in earlier:
        mates[mate.thread_key] = mate.interaction  # the oldest wins, as `_thread_mate` picks
    logged: list[CapturedItem] = []
    for item, people in zip(items, wanted, strict=True):
        contacts = _distinct(known[e] for e in people if e in known)
        if not contacts:
            continue
        mate = mates.get(item.thread_key) if item.thread_key else None
        item.interaction = (
            _interaction_join(mate, contacts, today)
            if mate
            else _interaction_new(item, contacts, today)
        )
        if item.thread_key:
            mates.setdefault(item.thread_key, item.interaction)
        logged.append(item)
    CapturedItem.objects.bulk_update(logged, ["interaction"], batch_size=500)
    return len(logged)
