from __future__ import annotations

from collections import Counter

from celery import shared_task
from kombu.exceptions import OperationalError

from webhooks import delivery


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=50,
    time_limit=55,
)
def webhooks_sweep() -> dict[str, int]:
    """Beat rings; the database says what to send (webhooks/delivery.py)."""
    result = delivery.webhooks_sweep()
    return {"requeued": result.requeued, "due": result.due, "removed": result.removed}


# No autoretry: a send that fails goes back to the database with its wait, and the sweep
# queues it again. The lease (WEBHOOKS_LEASE_SECONDS) outlasts the limit.
@shared_task(soft_time_limit=240, time_limit=270)
def deliveries_send(delivery_ids: list[int]) -> dict[str, int]:
    return dict(Counter(delivery.deliveries_send(delivery_ids).values()))
