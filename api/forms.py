"""The API's query parameters, checked as a form: a bad value is a 400 in words, never a
query the database refuses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from accounts.models import User
from api.models import TokenScope
from contacts.forms import NoFormTagMixin
from contacts.models import CheckinStatus, Circle, Context, Kind
from followups.models import FollowUpStatus
from networkcrm.forms import DayField


class SinceField(forms.DateTimeField):
    """A moment in ISO 8601, in UTC once read; from 1900 on (the database refuses some odd
    offsets and far years, and nothing here is older)."""

    def clean(self, value: Any) -> dt.datetime | None:
        moment = super().clean(value)
        if moment is None:
            return None
        if moment.year < 1900:
            raise forms.ValidationError("Pick a time from 1900 on.")
        return moment.astimezone(dt.UTC)


class ContactQuery(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    circle = forms.ChoiceField(required=False, choices=[("", ""), *Circle.choices])
    context = forms.ChoiceField(required=False, choices=[("", ""), *Context.choices])
    tag = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    status = forms.ChoiceField(required=False, choices=[("", ""), *CheckinStatus.choices])
    archived = forms.NullBooleanField(required=False)
    changed_since = SinceField(required=False)


class InteractionQuery(forms.Form):
    contact = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    kind = forms.ChoiceField(required=False, choices=[("", ""), *Kind.choices])
    since = DayField(required=False)
    changed_since = SinceField(required=False)


class FollowUpQuery(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", ""), *FollowUpStatus.choices])
    due_by = DayField(required=False)
    contact = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    changed_since = SinceField(required=False)


class TokenForm(NoFormTagMixin, forms.Form):
    name = forms.CharField(
        max_length=100,
        error_messages={"required": "Name the token after what will use it."},
        help_text="What will use it, e.g. “phone shortcut”.",
    )
    scope = forms.ChoiceField(
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text="A read token cannot change anything.",
    )
    expires_on = DayField(
        required=False,
        label="Expires on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for a token that works until you revoke it.",
    )

    def __init__(self, *args: Any, user: User, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.today = today

    def clean_expires_on(self) -> dt.date | None:
        day = self.cleaned_data["expires_on"]
        if day is not None and day <= self.today:
            raise forms.ValidationError("Pick a day after today for the token to expire.")
        if day is not None and day > self.today + dt.timedelta(days=3650):
            raise forms.ValidationError("Pick a day within the next ten years.")
        return day

    def expires_at(self) -> dt.datetime | None:
        """The start of the chosen day where the user is."""
        day = self.cleaned_data["expires_on"]
        if day is None:
            return None
        zone = timezone.get_current_timezone()
        return dt.datetime.combine(day, dt.time.min, tzinfo=zone)
