"""The one way a view reaches a user's webhook endpoints and deliveries: anything else is a 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from webhooks.models import WebhookDelivery, WebhookEndpoint


def endpoints_for(user: Any) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(owner=user)


def get_endpoint_for(user: Any, pk: int) -> WebhookEndpoint:
    return get_object_or_404(endpoints_for(user), pk=pk)


def get_delivery_for(user: Any, pk: int) -> WebhookDelivery:
    return get_object_or_404(
        WebhookDelivery.objects.select_related("endpoint").filter(endpoint__owner=user), pk=pk
    )
