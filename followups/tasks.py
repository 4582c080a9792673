from __future__ import annotations

from collections import Counter

from celery import shared_task
from kombu.exceptions import OperationalError

from followups import digest
from followups.services import heartbeat_record


@shared_task(
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=20,
    time_limit=30,
)
def heartbeat(self) -> None:  # type: ignore[no-untyped-def]
    heartbeat_record(name="heartbeat", hostname=self.request.hostname or "")


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=50,
    time_limit=55,
)
def digest_sweep() -> dict[str, int]:
    """Beat rings every minute; the database says who is due (followups/digest.py)."""
    result = digest.digest_sweep()
    return {"claimed": result.claimed, "skipped": result.skipped, "requeued": result.requeued}


# No autoretry and no countdown: a send that fails for now goes back to the database, and the
# sweep queues it again when its time comes. The lease (DIGEST_LEASE_SECONDS) outlasts the limit.
@shared_task(soft_time_limit=240, time_limit=270)
def digest_send_batch(delivery_ids: list[int]) -> dict[str, int]:
    """What the sweep queues: up to `digest.SEND_BATCH` deliveries, each claimed on its own."""
    return dict(Counter(digest.digest_send_batch(delivery_ids).values()))


# One delivery: what sweeps queued before batches (still in Redis across an upgrade).
@shared_task(soft_time_limit=60, time_limit=90)
def digest_send(delivery_id: int) -> str:
    return digest.digest_send(delivery_id)
