"""Small builders for the webhook tests."""

from __future__ import annotations

import json
from typing import Any

from webhooks.models import Event, WebhookDelivery, WebhookEndpoint

ALL_EVENTS = [value for value, _ in Event.choices if value != Event.PING]


def endpoint(owner: Any, url: str = "https://hooks.example.com/in", **fields: Any):
    fields.setdefault("events", ALL_EVENTS)
    return WebhookEndpoint.objects.create(owner=owner, url=url, **fields)


def sent(endpoint: WebhookEndpoint, event: str | None = None) -> list[dict[str, Any]]:
    """The bodies written for the endpoint (of one event), oldest first."""
    rows = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("pk")
    if event:
        rows = rows.filter(event=event)
    return [json.loads(row.body) for row in rows]
