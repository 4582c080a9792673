"""What the client's Today page shows from their coaches: fresh notes and pending suggestions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from coaching.models import CoachNote, Suggestion, SuggestionStatus

NOTES_SHOWN = 3
NOTES_FRESH = dt.timedelta(days=60)
SUGGESTIONS_SHOWN = 5


def fresh_notes(user: Any) -> QuerySet[CoachNote]:
    """The notes coaches left for `user` in the last 60 days that they have not put away."""
    return CoachNote.objects.filter(
        client=user, dismissed_at__isnull=True, created_at__gte=timezone.now() - NOTES_FRESH
    )


def pending_suggestions(user: Any) -> QuerySet[Suggestion]:
    return Suggestion.objects.filter(client=user, status=SuggestionStatus.PENDING)


def coach_messages(user: Any, *, notes: bool = True, suggestions: bool = True) -> dict[str, Any]:
    """The notes and suggestions to show, a query each; `notes=False` or `suggestions=False`
    when the caller already knows there are none."""
    return {
        "coach_notes": (
            list(fresh_notes(user).select_related("coach")[:NOTES_SHOWN]) if notes else []
        ),
        "suggestions": (
            list(pending_suggestions(user).select_related("coach")[:SUGGESTIONS_SHOWN])
            if suggestions
            else []
        ),
    }
