from __future__ import annotations

from celery import shared_task
from kombu.exceptions import OperationalError

from imports import exports, services

# A job's lease outlasts a batch by far; a second message for a job that a live worker holds
# waits one lease and looks again (by then the job is usually done, and the message ends).
BUSY_RETRIES = 10


@shared_task(
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=services.SLICE_SECONDS + 60,
    time_limit=services.SLICE_SECONDS + 90,
)
def import_run(self, job_id: int) -> str:  # type: ignore[no-untyped-def]
    outcome = services.import_run(job_id=job_id, max_seconds=services.SLICE_SECONDS)
    if outcome == services.Outcome.BUSY and self.request.retries < BUSY_RETRIES:
        raise self.retry(countdown=services.LEASE.total_seconds(), max_retries=BUSY_RETRIES)
    return outcome


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=540,
    time_limit=600,
)
def account_export_build(export_id: int) -> str:
    return exports.account_export_build(export_id=export_id)
