"""What the client's Today page shows from their coaches: two queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from coaching.models import CoachNote, Suggestion, SuggestionStatus

NOTES_SHOWN = 3
NOTES_FRESH = dt.timedelta(days=60)
SUGGESTIONS_SHOWN = 5


def coach_messages(user: Any) -> dict[str, Any]:
    notes = CoachNote.objects.filter(
        client=user, dismissed_at__isnull=True, created_at__gte=timezone.now() - NOTES_FRESH
    ).select_related("coach")[:NOTES_SHOWN]
    suggestions = Suggestion.objects.filter(
        client=user, status=SuggestionStatus.PENDING
    ).select_related("coach")[:SUGGESTIONS_SHOWN]
    return {"coach_notes": list(notes), "suggestions": list(suggestions)}
