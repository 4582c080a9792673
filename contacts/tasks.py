from __future__ import annotations

from celery import shared_task
from django.utils import timezone
from kombu.exceptions import OperationalError

from contacts.models import Contact
from contacts.services import checkins_refresh
from contacts.strength import strength_refresh


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def strength_refresh_all() -> int:
    """Nightly: strength decays with time, so everyone's is recomputed. Safe to run twice:
    it writes the same numbers."""
    moved = strength_refresh(today=timezone.localdate())
    if moved:
        checkins_refresh(contacts=Contact.objects.filter(pk__in=moved))
    return len(moved)
