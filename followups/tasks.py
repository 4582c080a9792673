from __future__ import annotations

from celery import shared_task
from kombu.exceptions import OperationalError

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
