from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db.models import Q

from accounts.forms import TimezoneField
from accounts.models import local_zone
from communities.models import Community
from contacts.forms import NoFormTagMixin, https_urls
from contacts.models import Contact, Context
from events.models import Event
from goals.models import Objective
from networkcrm.forms import picked_contacts

HTTP = URLValidator(schemes=["http", "https"])
WEB_ADDRESS = "Enter a web address starting with http:// or https://."


class EventForm(NoFormTagMixin, forms.ModelForm):
    day = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Say when it is: pick a date.",
            "invalid": "Enter the date as YYYY-MM-DD.",
        },
    )
    time = forms.TimeField(
        label="Starts at",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="Empty: the whole day.",
        error_messages={"invalid": "Enter the time as HH:MM."},
    )
    timezone = TimezoneField(label="Time zone")
    going_with = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(),
        required=False,
        label="Who else is going",
        error_messages={
            "invalid_choice": "One of the chosen contacts is not in your network.",
            "invalid_pk_value": "One of the chosen contacts is not in your network.",
        },
    )

    class Meta:
        model = Event
        formfield_callback = https_urls
        fields = [
            "name",
            "status",
            "place",
            "url",
            "community",
            "cost",
            "objective",
            "to_meet",
            "notes",
            "going_with",
        ]
        widgets = {
            "to_meet": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "cost": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            "name": forms.TextInput(attrs={"maxlength": 200}),
        }
        help_texts = {
            "name": "Up to 200 characters.",
            "to_meet": "A short list, one name per line: people you hope to talk to.",
            "place": "An address, or the link of an online event.",
        }
        error_messages = {
            "name": {
                "required": "Give the event a name.",
                "max_length": "Keep the name to 200 characters.",
            },
            "url": {"invalid": WEB_ADDRESS},
            "cost": {
                "min_value": "The cost cannot be below zero.",
                "invalid": "Enter the cost as a number, e.g. 25 or 12.50.",
            },
            "community": {"invalid_choice": "Pick one of your communities."},
            "objective": {"invalid_choice": "Pick one of the objectives of your plan."},
        }

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.instance.owner = owner
        zone = self.instance.timezone if self.instance.pk else str(local_zone(owner))
        self.fields["timezone"].initial = zone
        if self.instance.pk:
            local = self.instance.local_start
            self.fields["day"].initial = local.date()
            self.fields["time"].initial = local.time() if local.time() != dt.time() else None
        self.fields["community"].queryset = Community.objects.owned_by(owner).only("name")
        self.fields["community"].empty_label = "None"
        mine = Q(plan__owner=owner, plan__ended_on__isnull=True)
        if self.instance.objective_id:
            mine |= Q(pk=self.instance.objective_id)
        self.fields["objective"].queryset = Objective.objects.filter(mine).order_by("position")
        self.fields["objective"].empty_label = "None"
        contacts = Contact.objects.owned_by(owner).only("first_name", "last_name", "display_name")
        self.fields["going_with"].queryset = contacts
        saved = self.instance.going_with.values_list("pk", flat=True) if self.instance.pk else ()
        self.fields["going_with"].widget = forms.CheckboxSelectMultiple(
            choices=picked_contacts(self, "going_with", contacts, saved)
        )
        self.helper.layout = Layout(
            "name",
            Row(
                Column("day", css_class="col-sm-4"),
                Column("time", css_class="col-sm-3"),
                Column("timezone", css_class="col-sm-5"),
            ),
            Row(Column("place", css_class="col-sm-7"), Column("url", css_class="col-sm-5")),
            Row(
                Column("status", css_class="col-sm-4"),
                Column("community", css_class="col-sm-5"),
                Column("cost", css_class="col-sm-3"),
            ),
            "objective",
            "to_meet",
            "notes",
        )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the event a name.")
        return name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, zone = cleaned.get("day"), cleaned.get("timezone")
        if day and zone:
            moment = dt.datetime.combine(day, cleaned.get("time") or dt.time())
            self.instance.starts_at = moment.replace(tzinfo=zoneinfo.ZoneInfo(zone))
            self.instance.timezone = zone
        return cleaned


class IcsForm(forms.Form):
    file = forms.FileField(
        label="An event's .ics file",
        help_text="From the event's page (“Add to calendar”): it fills the form, saving nothing.",
        error_messages={"required": "Choose an .ics file.", "empty": "This file is empty."},
    )


class MetForm(forms.Form):
    """Who you met at an event: people you have, picked by search, and the new ones below."""

    contacts = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(),
        required=False,
        label="People you have",
        error_messages={
            "invalid_choice": "One of the chosen contacts is not in your network.",
            "invalid_pk_value": "One of the chosen contacts is not in your network.",
        },
    )
    quality = forms.IntegerField(
        label="How good were the conversations (1–5)",
        initial=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        widget=forms.NumberInput(attrs={"min": 1, "max": 5}),
        error_messages={
            "min_value": "Quality is from 1 to 5.",
            "max_value": "Quality is from 1 to 5.",
            "required": "Say how good the conversations were, from 1 to 5.",
        },
    )
    notes = forms.CharField(
        label="A note for each", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up = forms.BooleanField(label="Plan a follow-up with each", required=False, initial=True)
    follow_up_days = forms.IntegerField(
        label="Due in (days)",
        initial=3,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
        widget=forms.NumberInput(attrs={"min": 0, "max": 60}),
        error_messages={
            "min_value": "A follow-up is due today at the earliest.",
            "max_value": "Plan a follow-up within 60 days.",
        },
    )
    follow_up_about = forms.CharField(label="About", max_length=200)
    context = forms.ChoiceField(
        label="The new people are",
        choices=Context.choices,
        initial=Context.PROFESSIONAL,
        required=False,
    )

    def __init__(self, *args: Any, owner: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contacts = Contact.objects.owned_by(owner).active()
        self.fields["contacts"].queryset = contacts.only("first_name", "last_name", "display_name")
        going = list(event.going_with.values_list("pk", flat=True))
        self.fields["contacts"].initial = going
        self.fields["contacts"].widget = forms.CheckboxSelectMultiple(
            choices=picked_contacts(self, "contacts", contacts, going)
        )
        self.fields["follow_up_about"].initial = f"Follow up after {event.name}"[:200]

    def clean_context(self) -> str:
        return self.cleaned_data["context"] or Context.PROFESSIONAL


class NewPersonForm(forms.Form):
    """Someone met there for the first time. A row left empty is skipped."""

    name = forms.CharField(
        max_length=200,
        required=False,
        error_messages={"max_length": "Keep a name to 200 characters."},
    )
    company = forms.CharField(max_length=200, required=False)
    email = forms.EmailField(
        label="E-mail",
        required=False,
        error_messages={"invalid": "Enter an e-mail address like dana@example.com."},
    )
    profile = forms.CharField(label="Profile URL", max_length=500, required=False)
    keep_both = forms.BooleanField(label="Add anyway", required=False)

    def clean_profile(self) -> str:
        url = self.cleaned_data["profile"].strip()
        if url and "://" not in url:
            url = f"https://{url}"
        if url:
            try:
                HTTP(url)
            except forms.ValidationError:
                raise forms.ValidationError(WEB_ADDRESS) from None
        return url

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        filled = any(cleaned.get(k) for k in ("company", "email", "profile"))
        if filled and not (cleaned.get("name") or "").strip():
            self.add_error("name", "Give this person a name, or clear the row.")
        return cleaned


NewPeopleFormSet = forms.formset_factory(NewPersonForm, extra=3, max_num=50, validate_max=True)
