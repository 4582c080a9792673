"""Small builders for contacts tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact
from contacts.services import interaction_log

TODAY = dt.date(2026, 6, 15)


def contact(owner: Any, first_name: str = "Dana", **fields: Any) -> Contact:
    return Contact.objects.create(owner=owner, first_name=first_name, **fields)


def log(owner: Any, *contacts: Contact, on: dt.date = TODAY, today: dt.date = TODAY, **fields: Any):
    return interaction_log(
        owner=owner, contacts=list(contacts), occurred_on=on, today=today, **fields
    )


def fresh(obj: Contact) -> Contact:
    obj.refresh_from_db()
    return obj


def queries_of(run: Callable[[], Any]) -> int:
    """How many queries `run()` sends: for complexity tests, never to pin an exact count."""
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)
