"""Events: meetups, conferences and gatherings, before (who is going, what you want from
it) and after (who you met, each logged as an interaction)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.validators import MinValueValidator, URLValidator
from django.db import models

from contacts.models import Contact


class Status(models.TextChoices):
    CONSIDERING = "considering", "Considering"
    GOING = "going", "Going"
    WENT = "went", "Went"
    SKIPPED = "skipped", "Skipped"


class EventQuerySet(models.QuerySet["Event"]):
    def owned_by(self, user: object) -> EventQuerySet:
        return self.filter(owner=user)

    def to_log(self, *, today: dt.date, zone: dt.tzinfo, days: int = 7) -> EventQuerySet:
        """Events of the last `days` days you were going to or went to, whose people are not
        logged yet and whose reminder was not put away: what Today asks about."""
        midnight = dt.datetime.combine(today, dt.time(), tzinfo=zone)
        return self.filter(
            status__in=[Status.GOING, Status.WENT],
            logged_at__isnull=True,
            dismissed_at__isnull=True,
            starts_at__lt=midnight,
            starts_at__gte=midnight - dt.timedelta(days=days),
        )


class Event(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="events"
    )
    name = models.CharField(max_length=200)
    starts_at = models.DateTimeField("starts")
    timezone = models.CharField("time zone", max_length=64, default="UTC")
    place = models.CharField("place or link", max_length=300, blank=True)
    url = models.URLField(
        "event page",
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.GOING)
    cost = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    objective = models.ForeignKey(
        "goals.Objective",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name="what you want from it",
    )
    going_with = models.ManyToManyField(
        Contact, related_name="events_going", blank=True, verbose_name="who else is going"
    )
    to_meet = models.TextField("people to meet", blank=True)
    notes = models.TextField(blank=True)
    # When the people met there were logged, and when Today's reminder to log them was put away.
    logged_at = models.DateTimeField(null=True, blank=True, editable=False)
    dismissed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["owner", "starts_at"], name="event_owner_start")]

    def __str__(self) -> str:
        return self.name

    @property
    def local_start(self) -> dt.datetime:
        """The start where the event happens."""
        return self.starts_at.astimezone(zoneinfo.ZoneInfo(self.timezone))

    @property
    def all_day(self) -> bool:
        """No time was given: the whole day, where it happens."""
        return self.local_start.time() == dt.time()

    @property
    def to_meet_list(self) -> list[str]:
        return [line.strip() for line in self.to_meet.splitlines() if line.strip()]
