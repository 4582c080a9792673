from __future__ import annotations

from celery import shared_task
from kombu.exceptions import OperationalError

from kpis import rollup


# Beat rings every minute; the database says who is due (kpis/rollup.py). Rolling up ten
# thousand users takes seconds, well inside the limit; a sweep cut short keeps what it committed.
@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=240,
    time_limit=270,
)
def kpi_sweep() -> dict[str, int]:
    result = rollup.kpi_sweep()
    return {"rolled_up": result.rolled_up, "summaries": result.summaries, "queued": result.queued}
