"""Small builders for the capture tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from capture.models import CapturedItem, Direction, SourceKind
from capture.services import capture_log
from contacts.models import Channel, Contact, ContactEmail, Kind

# Monday 15 June 2026, 10:00 UTC: noon in Paris, where alice lives.
NOW = dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 15)


def person(owner: Any, first_name: str, email: str, **fields: Any) -> Contact:
    made = Contact.objects.create(owner=owner, first_name=first_name, **fields)
    ContactEmail.objects.create(contact=made, address=email, is_primary=True)
    return made


def mail(user: Any, external_id: str = "m1@example.com", **fields: Any) -> CapturedItem | None:
    """capture_log of an e-mail the user sent, with what a test does not care about filled in."""
    fields.setdefault("source", SourceKind.FORWARD)
    fields.setdefault("source_id", None)
    fields.setdefault("occurred_at", NOW - dt.timedelta(hours=1))
    fields.setdefault("people", [("dana@example.com", "Dana Scully")])
    fields.setdefault("kind", Kind.EMAIL)
    fields.setdefault("channel", Channel.EMAIL)
    fields.setdefault("direction", Direction.OUT)
    fields.setdefault("summary", "Coffee next week?")
    fields.setdefault("today", TODAY)
    return capture_log(user=user, external_id=external_id, **fields)
