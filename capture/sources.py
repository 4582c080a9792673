"""The sources a user captures from, listed the same way whatever their kind, for the
settings page's status lines; and the writes of mailboxes and calendar subscriptions (their
pages call these): secrets sealed on the way in, and a changed source starts afresh.

Each source is a `Source`: its kind, a name, the row holding its `SourceStatus` fields, and the
template drawing what is particular to it (`capture/sources/_<kind>.html`, included in the
generic `capture/_source.html` line). A new kind of source (mailboxes, calendars) adds its
rows in `sources_for` and its template; the pages need nothing else."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from capture.crypto import secret_seal
from capture.fetch import feed_url_normalise
from capture.models import CalendarFeed, CaptureSettings, Mailbox, SourceKind, SourceStatus


@dataclass(frozen=True)
class Source:
    kind: str
    name: str
    status: SourceStatus
    enabled: bool

    @property
    def template(self) -> str:
        return f"capture/sources/_{self.kind}.html"

    @property
    def kind_label(self) -> str:
        return SourceKind(self.kind).label


def sources_for(user: Any, prefs: CaptureSettings) -> list[Source]:
    """The user's sources: the forwarding address first, then the mailboxes and calendars. A
    fixed number of queries (one per kind)."""
    found = [
        Source(
            kind=SourceKind.FORWARD,
            name=prefs.address,
            status=prefs,
            enabled=prefs.forward_enabled,
        ),
    ]
    found += [
        Source(kind=SourceKind.IMAP, name=str(m), status=m, enabled=m.enabled)
        for m in Mailbox.objects.owned_by(user)
    ]
    found += [
        Source(kind=SourceKind.CALENDAR, name=f.name, status=f, enabled=f.enabled)
        for f in CalendarFeed.objects.owned_by(user).defer("upload")
    ]
    return found


# --- Mailboxes and calendar subscriptions -------------------------------------------------

# Changing one of these points the mailbox at other messages: its cursors start again.
_WHERE = ("host", "port", "username")


@transaction.atomic
def mailbox_save(
    *, user: Any, mailbox: Mailbox | None, fields: dict[str, Any], password: str = ""
) -> Mailbox:
    """Adds or edits a mailbox. An empty `password` keeps the saved one. Any change tries it
    again at once, from scratch if it gave up."""
    mailbox = mailbox or Mailbox(user=user)
    saved = Mailbox.objects.filter(pk=mailbox.pk).values(*_WHERE).first() if mailbox.pk else None
    if saved and any(fields.get(f, saved[f]) != saved[f] for f in _WHERE):
        mailbox.state = {}  # another account: its UIDs mean nothing here
    for name, value in fields.items():
        setattr(mailbox, name, value)
    if password:
        mailbox.password_sealed = secret_seal(password)
    mailbox.failures = 0
    mailbox.gave_up_at = None
    mailbox.next_sync_at = timezone.now()
    mailbox.save()
    return mailbox


def url_hint(url: str) -> str:
    """What is shown of a secret address once saved: its scheme and host."""
    parts = urllib.parse.urlsplit(feed_url_normalise(url))
    return f"{parts.scheme}://{parts.hostname or ''}/…"


@transaction.atomic
def feed_save(
    *,
    user: Any,
    feed: CalendarFeed | None,
    fields: dict[str, Any],
    url: str = "",
    upload: bytes | None = None,
) -> CalendarFeed:
    """Adds or edits a calendar subscription (a new `url` replaces the saved one), or adds an
    uploaded .ics file, read once by the next sync."""
    feed = feed or CalendarFeed(user=user)
    for name, value in fields.items():
        setattr(feed, name, value)
    if url:
        feed.url_sealed = secret_seal(feed_url_normalise(url))
        feed.url_hint = url_hint(url)
        feed.etag = feed.last_modified = ""
    if upload is not None:
        feed.uploaded, feed.upload, feed.enabled = True, upload, True
        feed.url_hint = ""
    feed.failures = 0
    feed.gave_up_at = None
    feed.next_sync_at = timezone.now()
    feed.save()
    return feed
