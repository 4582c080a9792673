from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django import forms
from django.utils import formats

from contacts.models import Contact
from followups.models import FollowUp
from networkcrm.forms import DayField, picked_contacts

DATE_ERRORS = {"invalid": "Enter the date as YYYY-MM-DD.", "required": "Pick a date."}


class FollowUpForm(forms.ModelForm):
    """Follow up with whom, about what, by when. Contacts are added by search (the quick
    log's picker), so only the chosen ones are drawn."""

    contacts = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Pick at least one contact to follow up with.",
            "invalid_choice": "One of the chosen contacts is not in your network.",
            "invalid_pk_value": "One of the chosen contacts is not in your network.",
        },
    )

    class Meta:
        model = FollowUp
        fields = ["contacts", "about", "due_on"]
        field_classes = {"due_on": DayField}
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}),
            "about": forms.TextInput(attrs={"placeholder": "e.g. send the deck we talked about"}),
        }
        labels = {"about": "About", "due_on": "By"}
        error_messages = {
            "about": {
                "required": "Say what to follow up about.",
                "max_length": "Keep it under 200 characters.",
            },
            "due_on": DATE_ERRORS,
        }

    def __init__(self, *args: Any, owner: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        mine = Contact.objects.owned_by(owner)
        self.fields["contacts"].queryset = mine.only("first_name", "last_name", "display_name")
        self.fields["due_on"].initial = today + dt.timedelta(days=7)
        # Draw only the chosen contacts (a network can hold thousands); the picker adds more.
        saved = self.instance.contacts.values_list("pk", flat=True) if self.instance.pk else ()
        self.fields["contacts"].widget.choices = picked_contacts(
            self, "contacts", self.fields["contacts"].queryset, saved
        )

    def clean_about(self) -> str:
        about = self.cleaned_data["about"].strip()
        if not about:
            raise forms.ValidationError("Say what to follow up about.")
        return about

    def clean_due_on(self) -> dt.date:
        day = self.cleaned_data["due_on"]
        if day.year < 1900 or day > self.today + dt.timedelta(days=3650):
            raise forms.ValidationError("Pick a date within the next ten years.")
        # A follow-up is something still to do: a day already gone is a slip (last year's
        # date, the wrong month). An overdue follow-up edited for another reason keeps its day.
        if day < self.today and day != self.initial_due_on():
            raise forms.ValidationError(
                "%(day)s has already passed. Pick today or a later day to follow up by.",
                params={"day": formats.date_format(day)},
            )
        return day

    def initial_due_on(self) -> dt.date | None:
        return self.instance.due_on if self.instance.pk else None


class SnoozeForm(forms.Form):
    until = DayField(
        error_messages={"invalid": "Enter the date as YYYY-MM-DD.", "required": "Pick a day."}
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_until(self) -> dt.date:
        day = self.cleaned_data["until"]
        if day <= self.today:
            raise forms.ValidationError("Pick a day after today to snooze until.")
        if day > self.today + dt.timedelta(days=3650):
            raise forms.ValidationError("Pick a day within the next ten years.")
        return day


# The quick log's "follow up in …": days from today, or a month.
FOLLOW_UP_IN = [
    ("", "No follow-up"),
    ("3d", "In 3 days"),
    ("1w", "In 1 week"),
    ("2w", "In 2 weeks"),
    ("1m", "In 1 month"),
]


def follow_up_date(choice: str, today: dt.date) -> dt.date | None:
    """The date a "follow up in …" choice names; a month on is the same day of next month,
    or that month's last day."""
    match choice:
        case "3d":
            return today + dt.timedelta(days=3)
        case "1w":
            return today + dt.timedelta(days=7)
        case "2w":
            return today + dt.timedelta(days=14)
        case "1m":
            year, month = today.year + (today.month == 12), today.month % 12 + 1
            return dt.date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
    return None
