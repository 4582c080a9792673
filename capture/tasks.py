"""Celery tasks of capture: thin, each calls one function (capture/sync.py)."""

from __future__ import annotations

from celery import shared_task
from kombu.exceptions import OperationalError

from capture import sync


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=50,
    time_limit=55,
)
def sync_sweep() -> dict[str, int]:
    """Beat rings every minute; the database says which mailboxes and feeds are due."""
    result = sync.sync_sweep()
    return {"mailboxes": len(result.mailboxes), "feeds": len(result.feeds)}


# No autoretry: a failed sync is recorded on its source, and the sweep queues the next try.
# The lease (CAPTURE_SYNC_LEASE_SECONDS, renewed after every batch) outlasts the time limit.
@shared_task(soft_time_limit=900, time_limit=960)
def mailbox_sync(mailbox_id: int) -> dict[str, object]:
    result = sync.mailbox_sync(mailbox_id)
    return {"outcome": result.outcome, "logged": result.logged, "seen": result.seen}


@shared_task(soft_time_limit=300, time_limit=330)
def feed_sync(feed_id: int) -> dict[str, object]:
    result = sync.feed_sync(feed_id)
    return {"outcome": result.outcome, "logged": result.logged, "seen": result.seen}
