"""The one way a view reaches a user's events: anything else is a 404."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from events.models import Event, EventQuerySet


def events_for(user: Any) -> EventQuerySet:
    return Event.objects.owned_by(user)


def get_event_for(user: Any, pk: int) -> Event:
    return get_object_or_404(events_for(user), pk=pk)
