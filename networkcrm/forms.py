"""Form fields shared by the apps."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.dates import MONTHS

DATE_FORMAT_MESSAGE = "Enter the date as YYYY-MM-DD."
LOOKS_LIKE_A_DATE = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*")


def impossible_date(text: str) -> str | None:
    """What is wrong, in words, with a date written as YYYY-MM-DD that does not exist
    (2026-02-30, 2026-13-01); None when the text is not written that way or is a real day."""
    found = LOOKS_LIKE_A_DATE.fullmatch(text)
    if found is None:
        return None
    year, month, day = (int(part) for part in found.groups())
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return None
    if not 1 <= month <= 12:
        return f"There is no month {month}: months go from 1 to 12."
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{MONTHS[month]} {year} has no day {day}: it has {days} days."
    return None


class DayField(forms.DateField):
    """A date field that says why a well-written date does not exist ("February 2026 has
    no day 30") instead of asking again for the format it was written in."""

    default_error_messages = {"invalid": DATE_FORMAT_MESSAGE}

    def to_python(self, value: Any) -> dt.date | None:
        try:
            return super().to_python(value)
        except forms.ValidationError:
            problem = impossible_date(value) if isinstance(value, str) else None
            if problem is None:
                raise
            raise forms.ValidationError(problem, code="no_such_day") from None


def picked_contacts(
    form: forms.BaseForm, name: str, contacts: Any, saved: Any = ()
) -> list[tuple[int, str]]:
    """The people a picker field (contacts/_picker_field.html) shows as chosen: what was sent,
    else what is saved, else the form's initial value. Only those are drawn (a network can hold
    thousands); the picker adds more by search, and the field's queryset still validates any
    of the owner's contacts."""
    if form.is_bound:
        raw = [v for v in form.data.getlist(form.add_prefix(name)) if str(v).isdigit()]
    else:
        raw = list(saved) or form.initial.get(name) or []
    if not raw:
        return []
    return [(c.pk, c.name) for c in contacts.filter(pk__in=raw)]
