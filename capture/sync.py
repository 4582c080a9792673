"""The mailbox and calendar syncs: which sources are due, one sync of each, and its status.

1. `sync_sweep` (beat, every minute) locks the due mailboxes and feeds with
   ``FOR UPDATE SKIP LOCKED``, moves each one's ``next_sync_at`` on by its interval, and queues
   one sync task each once that is committed. Two sweeps at once take disjoint rows.
2. A sync task first claims its source with a conditional UPDATE of ``lease_until`` (free, or
   its lease run out): a second task for the same source, queued by a click on "sync now" or a
   sweep after a lost message, finds it taken and does nothing. The lease is renewed after
   every batch and given back at the end; a worker that dies leaves it to run out.
3. Every message and meeting goes through `capture.services.capture_log`, idempotent by
   Message-ID or UID#RECURRENCE-ID, so even two syncs that did run at once (a lease that ran
   out) log each one once, and a message already forwarded is not logged again.
4. A failure is recorded in words on the source (`SourceStatus.failed`) and the next try waits
   longer; after settings.CAPTURE_MAX_FAILURES in a row the source gives up and its owner is
   e-mailed once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import local_zone
from capture.calendars import CalendarError, Meeting, feed_meetings
from capture.crypto import SecretUnreadable, secret_open
from capture.fetch import FetchError, feed_fetch
from capture.imap import MailboxError, MailHeader, folder_batches, mailbox_close, mailbox_connect
from capture.mailbatch import Message, Taken, messages_log
from capture.models import (
    CalendarFeed,
    CapturedItem,
    Direction,
    Mailbox,
    SourceKind,
)
from capture.services import (
    Rules,
    capture_log,
    capture_withdraw,
    external_id_for,
    normal_email,
    rule_value_normalised,
    thread_key_for,
)
from contacts.models import Channel, Kind
from contacts.services import refresh_deferred
from networkcrm.mail import templated_email

log = logging.getLogger(__name__)

SWEEP_BATCH = 200
# Meetings are read from this long before now (a feed) and this far ahead, so a meeting that
# just ended is in the window whatever the clock's drift.
FEED_AHEAD = dt.timedelta(days=1)
UNEXPECTED = "Something unexpected stopped the sync; it will be tried again."


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.CAPTURE_SYNC_LEASE_SECONDS)


def interval(source: Model) -> dt.timedelta:
    minutes = (
        settings.CAPTURE_MAILBOX_INTERVAL_MINUTES
        if isinstance(source, Mailbox)
        else settings.CAPTURE_FEED_INTERVAL_MINUTES
    )
    return dt.timedelta(minutes=minutes)


def due(now: dt.datetime) -> Q:
    return Q(enabled=True, gave_up_at__isnull=True, next_sync_at__lte=now)


# --- Claiming -----------------------------------------------------------------------------


@dataclass
class SweepResult:
    mailboxes: list[int] = field(default_factory=list)
    feeds: list[int] = field(default_factory=list)


def sync_sweep(
    *,
    now: dt.datetime | None = None,
    enqueue: Callable[[type[Model], list[int]], None] | None = None,
) -> SweepResult:
    """Claims the due mailboxes and feeds and queues their syncs once committed."""
    now = now or timezone.now()
    enqueue = enqueue or _enqueue
    result = SweepResult()
    for model, found in ((Mailbox, result.mailboxes), (CalendarFeed, result.feeds)):
        with transaction.atomic():
            pks = list(
                model.objects.select_for_update(skip_locked=True)
                .filter(due(now))
                .order_by("next_sync_at")
                .values_list("pk", flat=True)[:SWEEP_BATCH]
            )
            model.objects.filter(pk__in=pks).update(
                next_sync_at=now + dt.timedelta(minutes=_minutes(model))
            )
            transaction.on_commit(lambda m=model, p=pks: p and enqueue(m, p))
        found.extend(pks)
    return result


def _minutes(model: type[Model]) -> int:
    if model is Mailbox:
        return settings.CAPTURE_MAILBOX_INTERVAL_MINUTES
    return settings.CAPTURE_FEED_INTERVAL_MINUTES


def _enqueue(model: type[Model], pks: list[int]) -> None:
    from capture import tasks

    task = tasks.mailbox_sync if model is Mailbox else tasks.feed_sync
    for pk in pks:
        task.delay(pk)


def source_claim(model: type[Model], pk: int, now: dt.datetime) -> bool:
    """Takes the source for one sync: a conditional UPDATE that only one task wins."""
    return bool(
        model.objects.filter(pk=pk, enabled=True)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + lease())
    )


def _release(source: Model, **fields: Any) -> None:
    type(source).objects.filter(pk=source.pk).update(lease_until=None, **fields)


def _failed(source: Mailbox | CalendarFeed, words: str, now: dt.datetime, name: str) -> None:
    gave_up = source.failed(words, now)
    backoff = interval(source) * min(2**source.failures, 16)
    _release(source, next_sync_at=now + backoff)
    if gave_up:
        user = source.user
        transaction.on_commit(lambda: gave_up_notify(user=user, source_name=name, error=words))


def gave_up_notify(*, user: Any, source_name: str, error: str) -> None:
    """The one e-mail after a mailbox or calendar stopped retrying, linking to the page where
    it is fixed (the core's template, `source_gave_up_notify`'s words)."""
    templated_email(
        "capture-gave-up",
        {
            "user": user,
            "source_name": source_name,
            "error": error,
            "failures": settings.CAPTURE_MAX_FAILURES,
            "settings_url": settings.SITE_URL + reverse("capture:sources"),
        },
        to=[user.email],
    ).send()


def own_addresses(user: Any, *extra: str) -> set[str]:
    return {normal_email(a) for a in (user.email, *extra) if a and "@" in a}


# --- A mailbox ----------------------------------------------------------------------------


@dataclass
class SyncResult:
    outcome: str  # "done", "busy", "failed", "not modified"
    logged: int = 0
    seen: int = 0
    error: str = ""


def mailbox_sync(mailbox_id: int, *, now: dt.datetime | None = None) -> SyncResult:
    """One sync of the mailbox: every folder's new messages since its cursor."""
    now = now or timezone.now()
    if not source_claim(Mailbox, mailbox_id, now):
        return SyncResult("busy")
    mailbox = Mailbox.objects.select_related("user").get(pk=mailbox_id)
    name = f"The mailbox {mailbox.username} on {mailbox.host}"
    try:
        result = _mailbox_read(mailbox, now)
    except (MailboxError, SecretUnreadable) as error:
        _failed(mailbox, str(error), now, name)
        return SyncResult("failed", error=str(error))
    except Exception:
        log.exception("mailbox %s: sync failed", mailbox_id)
        _failed(mailbox, UNEXPECTED, now, name)
        return SyncResult("failed", error=UNEXPECTED)
    mailbox.succeeded(now)
    _release(mailbox, next_sync_at=now + interval(mailbox))
    return result


def _mailbox_read(mailbox: Mailbox, now: dt.datetime) -> SyncResult:
    user = mailbox.user
    since = (now - dt.timedelta(days=mailbox.lookback_days)).date()
    own = own_addresses(user, mailbox.username)
    state = dict(mailbox.state or {})
    result = SyncResult("done")
    client = mailbox_connect(
        host=mailbox.host,
        port=mailbox.port,
        tls=mailbox.tls,
        username=mailbox.username,
        password=secret_open(mailbox.password_sealed),
    )
    try:
        for folder in mailbox.folders():
            for headers, cursor in folder_batches(client, folder, state.get(folder), since=since):
                result.seen += len(headers)
                state[folder] = cursor
                # A batch is logged and its cursor moved in one transaction: a worker that
                # dies leaves the batch to be read again, whole. The lease goes on.
                with transaction.atomic():
                    result.logged += headers_log(
                        user=user, mailbox_id=mailbox.pk, headers=headers, own=own
                    )
                    Mailbox.objects.filter(pk=mailbox.pk).update(
                        state=state, lease_until=timezone.now() + lease()
                    )
    finally:
        mailbox_close(client)
    mailbox.state = state
    return result


def headers_log(
    *, user: Any, mailbox_id: int | None, headers: list[MailHeader], own: set[str]
) -> int:
    """Logs a batch of messages; those already captured (this sync before, or forwarded) are
    skipped with one query for the batch. Returns how many were logged."""
    keyed = [(external_id_for(h.message_id), h) for h in headers if h.message_id]
    done = set(
        CapturedItem.objects.filter(
            user=user, external_id__in=[key for key, _ in keyed]
        ).values_list("external_id", flat=True)
    )
    today = timezone.localtime(timezone.now(), local_zone(user)).date()
    # Strength and check-ins once for the batch's contacts, not once per message.
    with transaction.atomic(), refresh_deferred(today=today):
        return _headers_log(user, mailbox_id, keyed, done, own, today)


def _headers_log(
    user: Any,
    mailbox_id: int | None,
    keyed: list[tuple[str, MailHeader]],
    done: set[str],
    own: set[str],
    today: dt.date,
) -> int:
    batch: list[Message] = []
    for key, header in keyed:
        if key in done or header.automated:
            continue
        done.add(key)  # a message in two folders (sent to oneself) counts once
        outgoing = any(email in own for email, _ in header.senders)
        people = header.recipients if outgoing else header.senders
        people = [(e, n) for e, n in people if e not in own]
        if not people:
            continue
        thread = thread_key_for(user=user, subject=header.subject, occurred_at=header.sent_at)
        batch.append(
            Message(
                external_id=key,
                occurred_at=header.sent_at,
                people=people,
                outgoing=outgoing,
                summary=header.subject,
                thread_key=thread,
            )
        )
    try:
        with transaction.atomic():
            return messages_log(user=user, mailbox_id=mailbox_id, messages=batch, today=today)
    except Taken:
        pass  # captured meanwhile: one by one, each handled as capture_log handles it
    logged = 0
    for message in batch:
        item = capture_log(
            user=user,
            source=SourceKind.IMAP,
            source_id=mailbox_id,
            external_id=message.external_id,
            occurred_at=message.occurred_at,
            people=message.people,
            kind=Kind.EMAIL,
            channel=Channel.EMAIL,
            direction=Direction.OUT if message.outgoing else Direction.IN,
            summary=message.summary,
            thread_key=message.thread_key,
            today=today,
        )
        logged += item is not None
    return logged


# --- A calendar feed ----------------------------------------------------------------------


def feed_sync(feed_id: int, *, now: dt.datetime | None = None) -> SyncResult:
    """One sync of the feed: fetched with a conditional GET (or its uploaded file, once), its
    ended meetings logged, its cancelled and removed ones withdrawn."""
    now = now or timezone.now()
    if not source_claim(CalendarFeed, feed_id, now):
        return SyncResult("busy")
    feed = CalendarFeed.objects.select_related("user").get(pk=feed_id)
    name = f"The calendar “{feed.name}”"
    try:
        result = _feed_read(feed, now)
    except (FetchError, CalendarError, SecretUnreadable) as error:
        _failed(feed, str(error), now, name)
        return SyncResult("failed", error=str(error))
    except Exception:
        log.exception("calendar feed %s: sync failed", feed_id)
        _failed(feed, UNEXPECTED, now, name)
        return SyncResult("failed", error=UNEXPECTED)
    feed.succeeded(now)
    if feed.uploaded:
        # An uploaded file is read once: its bytes go, the feed stays as the record of it.
        _release(feed, upload=None, enabled=False, next_sync_at=None)
    else:
        _release(
            feed,
            etag=feed.etag,
            last_modified=feed.last_modified,
            refetch_at=feed.refetch_at,
            next_sync_at=now + interval(feed),
        )
    return result


def _feed_read(feed: CalendarFeed, now: dt.datetime) -> SyncResult:
    user = feed.user
    if rule_value_normalised("calendar", feed.name) in Rules(user).calendars:
        return SyncResult("done")
    if feed.uploaded:
        data = bytes(feed.upload or b"")
    else:
        # A meeting seen before it ended is logged once it has: fetch in full then.
        conditional = feed.refetch_at is None or now < feed.refetch_at
        response = feed_fetch(
            secret_open(feed.url_sealed),
            etag=feed.etag if conditional else "",
            last_modified=feed.last_modified if conditional else "",
        )
        if response.not_modified:
            return SyncResult("not modified")
        data = response.body
        # Kept on the row by the caller only once the meetings are logged.
        feed.etag, feed.last_modified = response.etag[:500], response.last_modified[:100]
    start = now - dt.timedelta(days=feed.lookback_days)
    meetings = feed_meetings(data, start=start, end=now + FEED_AHEAD, zone=str(local_zone(user)))
    waiting = [m.end for m in meetings if m.end > now and not m.cancelled]
    feed.refetch_at = min([*waiting, now + FEED_AHEAD])
    return meetings_log(
        user=user,
        feed=feed,
        meetings=meetings,
        now=now,
        since=start,
        withdraw_missing=not feed.uploaded,
    )


def meetings_log(
    *,
    user: Any,
    feed: CalendarFeed,
    meetings: Iterable[Meeting],
    now: dt.datetime,
    since: dt.datetime,
    withdraw_missing: bool,
) -> SyncResult:
    """Logs the meetings that have ended; withdraws the cancelled ones, the ones the user
    declined, and (for a feed) those logged before that the feed no longer has."""
    own = own_addresses(user)
    today = timezone.localtime(now, local_zone(user)).date()
    # All of the feed's changes or none, strength and check-ins refreshed once at the end.
    with transaction.atomic(), refresh_deferred(today=today):
        return _meetings_log(user, feed, meetings, now, since, withdraw_missing, own, today)


def _meetings_log(
    user: Any,
    feed: CalendarFeed,
    meetings: Iterable[Meeting],
    now: dt.datetime,
    since: dt.datetime,
    withdraw_missing: bool,
    own: set[str],
    today: dt.date,
) -> SyncResult:
    result = SyncResult("done")
    present: set[str] = set()
    for meeting in meetings:
        key = external_id_for(meeting.external_id)
        present.add(key)
        result.seen += 1
        if meeting.cancelled or own & meeting.declined:
            capture_withdraw(user=user, external_id=key, today=today)
            continue
        if meeting.end > now:
            continue  # logged once it has ended
        people = [
            (e, n) for e, n in meeting.attendees if e not in own and e not in meeting.declined
        ]
        item = capture_log(
            user=user,
            source=SourceKind.CALENDAR,
            source_id=feed.pk,
            external_id=key,
            occurred_at=meeting.start,
            people=people,
            kind=Kind.MEETING,
            channel=meeting.channel,
            direction=Direction.MEETING,
            summary=meeting.summary,
            today=today,
        )
        result.logged += item is not None
    if withdraw_missing:
        gone = (
            CapturedItem.objects.live()
            .filter(
                user=user,
                source=SourceKind.CALENDAR,
                source_id=feed.pk,
                occurred_at__gte=since,
                occurred_at__lte=now,
            )
            .exclude(external_id__in=present)
            .values_list("external_id", flat=True)
        )
        for key in list(gone):
            capture_withdraw(user=user, external_id=key, today=today)
    return result
