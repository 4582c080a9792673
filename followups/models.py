"""Scheduled work. The follow-ups issue adds FollowUp and the digest deliveries."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone


class Heartbeat(models.Model):
    """The last time a periodic task ran: proof that beat, broker and worker all work."""

    name = models.CharField(max_length=64, unique=True)
    last_run_at = models.DateTimeField()
    runs = models.PositiveBigIntegerField(default=0)
    hostname = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} at {self.last_run_at:%Y-%m-%d %H:%M:%S}"

    def age(self) -> timedelta:
        return timezone.now() - self.last_run_at

    def is_fresh(self, max_age: timedelta) -> bool:
        return self.age() <= max_age
