from __future__ import annotations

from django.db import models
from django.utils import timezone

from followups.models import Heartbeat


def heartbeat_record(*, name: str, hostname: str = "") -> Heartbeat:
    """Records a run in one statement, so two workers beating at once both count."""
    now = timezone.now()
    updated = Heartbeat.objects.filter(name=name).update(
        last_run_at=now, runs=models.F("runs") + 1, hostname=hostname
    )
    if not updated:
        heartbeat, created = Heartbeat.objects.get_or_create(
            name=name, defaults={"last_run_at": now, "runs": 1, "hostname": hostname}
        )
        if not created:  # another worker created it between our UPDATE and INSERT
            return heartbeat_record(name=name, hostname=hostname)
    return Heartbeat.objects.get(name=name)
