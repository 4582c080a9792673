"""Webhooks: the endpoints a user registers, and one delivery row per endpoint and event.

A delivery row exists before anything is sent (written in the transaction of the change it
tells about), and its `uid` is the delivery id the receiver sees on every attempt, so a resend
after a crash or a lost reply can be recognised (webhooks/delivery.py)."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Event(models.TextChoices):
    INTERACTION_LOGGED = "interaction.logged", "Interaction logged"
    CONTACT_CREATED = "contact.created", "Contact created"
    CONTACT_CHANGED = "contact.changed", "Contact changed"
    FOLLOWUP_DUE = "followup.due", "Follow-up due"
    FOLLOWUP_DONE = "followup.done", "Follow-up done"
    KPIS_WEEKLY_READY = "kpis.weekly_ready", "Weekly KPIs ready"
    PING = "ping", "Test (ping)"


# What a user can subscribe to: every event but the test ping, which goes to the one
# endpoint it was asked for.
SUBSCRIBABLE = [(value, label) for value, label in Event.choices if value != Event.PING]


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField("URL", max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    # A list of `Event` values. JSON rather than a table: a handful per endpoint, read whole.
    events = models.JSONField(default=list)
    # Kept as is: it signs every delivery, so it cannot be stored hashed. Never exported.
    secret = models.CharField(max_length=100, default=new_secret)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        labels = dict(Event.choices)
        return [labels.get(event, event) for event in self.events]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One event for one endpoint: the unit of exactly-once (as far as HTTP allows)."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=32, choices=Event.choices)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The JSON body, exactly as sent on every attempt (only the signature's time changes).
    body = models.TextField()
    # Makes an event that a sweep may find twice (a follow-up falling due, a week's KPIs)
    # one delivery per endpoint; empty for events that happen once by nature.
    dedupe_key = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        max_length=9, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # Not claimed before this (a retry waits for its turn).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A pending or sending row past this is queued again by the sweep.
    lease_until = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="webhookdelivery_once_per_key",
            ),
        ]
        indexes = [
            # The sweep's requeue: WHERE status IN (pending, sending) AND lease_until < now().
            models.Index(
                fields=["lease_until"],
                condition=Q(status__in=["pending", "sending"]),
                name="webhookdelivery_unfinished",
            ),
            # The sweep's clean-up: finished deliveries older than WEBHOOKS_KEEP_DAYS.
            models.Index(
                fields=["created_at"],
                condition=Q(status__in=["delivered", "failed"]),
                name="webhookdelivery_finished",
            ),
            # The endpoint page's log: an endpoint's latest deliveries.
            models.Index(fields=["endpoint", "-id"], name="webhookdelivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint_id}: {self.get_status_display()}"
