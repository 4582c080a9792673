from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.core.validators import validate_email
from django.db import models
from django.db.models import Q

from communities.models import Community
from contacts.models import (
    CheckinStatus,
    Circle,
    Contact,
    Context,
    Interaction,
    Source,
    Tag,
)
from followups.forms import FOLLOW_UP_IN, follow_up_date
from goals.models import Objective
from goals.suggestions import objectives_for_contacts
from networkcrm.forms import DayField, impossible_date, picked_contacts

PROFILE_URL_FIELDS = ("linkedin_url", "x_url", "website_url", "other_url")
FOLLOW_UP_FIELDS = ("follow_up_in", "follow_up_about")
NAME_FIELDS = ("first_name", "last_name", "display_name")


def has_visible_text(text: str) -> bool:
    """Whether a text shows anything: not only spaces or invisible characters (a zero-width
    space pasted from elsewhere is not a name)."""
    return any(ch.isprintable() and not ch.isspace() for ch in text)


def split_values(text: str) -> list[str]:
    """Values typed one per line or separated by commas, without blanks or repeats."""
    seen: dict[str, None] = {}
    for part in text.replace(",", "\n").splitlines():
        if part.strip():
            seen.setdefault(part.strip(), None)
    return list(seen)


def https_urls(field: models.Field, **kwargs: Any) -> forms.Field | None:
    """URLs typed without a scheme are taken as https (Django 6's default, today)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class NoFormTagMixin:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ContactForm(NoFormTagMixin, forms.ModelForm):
    emails = forms.CharField(
        label="E-mail addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line; the first is the primary address.",
    )
    phones = forms.CharField(
        label="Phone numbers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line; the first is the primary number.",
    )
    tag_names = forms.CharField(
        label="Tags", required=False, help_text="Separated by commas, e.g. fintech, alumni."
    )
    birthday = forms.CharField(
        required=False,
        help_text="YYYY-MM-DD, or MM-DD when you don't know the year.",
        widget=forms.TextInput(attrs={"placeholder": "1990-04-23 or 04-23"}),
    )
    confirm_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput, initial=False)

    class Meta:
        model = Contact
        formfield_callback = https_urls
        field_classes = {"met_on": DayField}
        fields = [
            "first_name",
            "last_name",
            "display_name",
            "company",
            "title",
            "industry",
            "location",
            "context",
            "circle",
            "circle_pinned",
            "cadence_days",
            "source",
            "met_on",
            "introduced_by",
            "linkedin_url",
            "x_url",
            "website_url",
            "other_url",
            "notes",
            "private_notes",
        ]
        widgets = {
            "met_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "private_notes": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"cadence_days": "Check in every (days)", "circle_pinned": "Keep this circle"}
        help_texts = {
            "context": "Professional, personal or both: Settings can keep personal contacts out "
            "of your networking numbers."
        }

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        # Professional unless said otherwise (a form that leaves it out keeps the default).
        self.fields["context"].required = False
        self.duplicates: list[Contact] = []
        others = Contact.objects.owned_by(owner).order_by("first_name", "last_name")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
            self.fields["emails"].initial = "\n".join(e.address for e in self.instance.emails.all())
            self.fields["phones"].initial = "\n".join(p.number for p in self.instance.phones.all())
            self.fields["tag_names"].initial = ", ".join(t.name for t in self.instance.tags.all())
            self.fields["birthday"].initial = self.instance_birthday()
        self.fields["introduced_by"].queryset = others.only(
            "first_name", "last_name", "display_name"
        )
        self.fields["introduced_by"].label = "Introduced by"
        self.fields["first_name"].error_messages["required"] = "Give at least a first name."
        # The browser stops typing at maxlength without a word: say the limit up front.
        for name in NAME_FIELDS:
            field = self.fields[name]
            limit = f"Up to {field.max_length} characters."
            field.help_text = f"{field.help_text} {limit}" if field.help_text else limit

    def instance_birthday(self) -> str:
        c = self.instance
        if not (c.birthday_month and c.birthday_day):
            return ""
        md = f"{c.birthday_month:02d}-{c.birthday_day:02d}"
        return f"{c.birthday_year:04d}-{md}" if c.birthday_year else md

    def clean_context(self) -> str:
        if self.cleaned_data.get("context"):
            return self.cleaned_data["context"]
        return self.instance.context if self.instance.pk else Context.PROFESSIONAL

    def clean_first_name(self) -> str:
        name = self.cleaned_data["first_name"]
        if not has_visible_text(name):
            raise forms.ValidationError("Give at least a first name.")
        return name

    def clean_emails(self) -> list[str]:
        addresses = [a.lower() for a in split_values(self.cleaned_data["emails"])]
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError:
                raise forms.ValidationError(
                    "%(value)s is not a valid e-mail address.", params={"value": address}
                ) from None
        return addresses

    def clean_phones(self) -> list[str]:
        numbers = split_values(self.cleaned_data["phones"])
        for number in numbers:
            digits = sum(ch.isdigit() for ch in number)
            if digits < 3 or any(ch.isalpha() for ch in number):
                raise forms.ValidationError(
                    "%(value)s does not look like a phone number.", params={"value": number}
                )
        return numbers

    def clean_tag_names(self) -> list[str]:
        names = split_values(self.cleaned_data["tag_names"])
        too_long = [n for n in names if len(n) > 50]
        if too_long:
            raise forms.ValidationError("A tag can be at most 50 characters long.")
        return names

    def clean_birthday(self) -> tuple[int | None, int | None, int | None]:
        text = self.cleaned_data["birthday"].strip()
        if not text:
            return (None, None, None)
        parts = text.split("-")
        try:
            if len(parts) == 3:
                day = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
                return (day.year, day.month, day.day)
            if len(parts) == 2:
                dt.date(2000, int(parts[0]), int(parts[1]))  # a leap year allows 02-29
                return (None, int(parts[0]), int(parts[1]))
        except ValueError:
            pass
        problem = impossible_date(text) if len(parts) == 3 else impossible_date(f"2000-{text}")
        if problem:  # a birthday without its year may be any year: 2000 allows 02-29
            raise forms.ValidationError(problem.replace(" 2000 ", " "))
        raise forms.ValidationError(
            "Write the birthday as YYYY-MM-DD, or MM-DD without the year (e.g. 04-23)."
        )

    def clean_cadence_days(self) -> int | None:
        days = self.cleaned_data["cadence_days"]
        if days is not None and days > 3650:
            raise forms.ValidationError("A check-in cadence can be at most 3650 days (ten years).")
        return days

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        introducer = cleaned.get("introduced_by")
        if introducer is not None and self.instance.pk and introducer.pk == self.instance.pk:
            self.add_error("introduced_by", "A contact cannot have introduced themselves.")
        if not self.errors and not cleaned.get("confirm_duplicate"):
            self.duplicates = self.find_duplicates(cleaned)
            if self.duplicates:
                self.data = self.data.copy()
                self.data["confirm_duplicate"] = "on"
                # The page warns once, above the form, with links to the existing contacts;
                # this error (the only one: there were no others) only keeps the form open.
                self.helper.form_show_errors = False
                names = ", ".join(c.name for c in self.duplicates[:3])
                raise forms.ValidationError(
                    f"You may already have this person: {names} has the same e-mail address or "
                    "profile URL. Save again to keep both, or open the existing contact."
                )
        return cleaned

    def find_duplicates(self, cleaned: dict[str, Any]) -> list[Contact]:
        match = Q()
        if cleaned.get("emails"):
            match |= Q(emails__address__in=cleaned["emails"])
        for field in PROFILE_URL_FIELDS:
            if cleaned.get(field):
                match |= Q(**{f"{field}__iexact": cleaned[field]})
        if not match:
            return []
        others = Contact.objects.owned_by(self.owner).filter(match).distinct()
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        return list(others[:5])


class InteractionForm(forms.ModelForm):
    """Drawn field by field by templates/contacts/_interaction_fields.html."""

    contacts = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(),
        error_messages={
            "required": "Pick at least one contact this interaction was with.",
            "invalid_choice": "One of the chosen contacts is not in your network.",
            "invalid_pk_value": "One of the chosen contacts is not in your network.",
        },
    )

    quality = forms.IntegerField(
        label="Quality (1–5)",
        min_value=1,
        max_value=5,
        initial=3,
        error_messages={
            "required": "Rate the interaction from 1 to 5.",
            "min_value": "Quality is from 1 to 5.",
            "max_value": "Quality is from 1 to 5.",
        },
    )

    class Meta:
        model = Interaction
        field_classes = {"occurred_on": DayField}
        fields = [
            "contacts",
            "occurred_on",
            "kind",
            "channel",
            "initiated_by",
            "duration_minutes",
            "quality",
            "outcome",
            "outcome_value",
            "notes",
            "private",
            "objective",
            "community",
        ]
        widgets = {
            "occurred_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "duration_minutes": "Minutes",
            "objective": "Objective it served",
            "community": "Where (a community)",
        }
        error_messages = {
            "objective": {"invalid_choice": "Pick one of the objectives of your plan."},
            "community": {"invalid_choice": "Pick one of your communities."},
            "occurred_on": {"invalid": "Enter the date as YYYY-MM-DD."},
            "duration_minutes": {"min_value": "The duration cannot be negative."},
        }

    def __init__(self, *args: Any, owner: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["contacts"].queryset = (
            Contact.objects.owned_by(owner).active().only("first_name", "last_name", "display_name")
        )
        self.fields["occurred_on"].initial = today
        # Render only the chosen contacts (a network can hold thousands); the picker adds
        # more by search. Validation still accepts any of the owner's active contacts.
        self.fields["contacts"].widget = forms.CheckboxSelectMultiple()
        if self.is_bound:
            # A POST is drawn again only when it has errors: read the names then, not before.
            self.fields["contacts"].widget.choices = cache(lambda: self.chosen_contacts(owner))
            self.offers_objective = self.objective_choices(owner, [])
        else:
            chosen = self.chosen_contacts(owner)
            self.fields["contacts"].widget.choices = chosen
            self.offers_objective = self.objective_choices(owner, [pk for pk, _name in chosen])
        community = self.fields["community"]
        community.queryset = Community.objects.owned_by(owner).only("name")
        community.empty_label = "None"
        community.help_text = ""
        # Offered when the owner has communities; a POST only validates (no query unless sent).
        self.offers_community = True if self.is_bound else community.queryset.exists()
        # The quick log can plan the next step; an edit cannot.
        self.plans_follow_up = not self.instance.pk
        if self.plans_follow_up:
            self.fields["follow_up_in"] = forms.ChoiceField(
                label="Follow up", choices=FOLLOW_UP_IN, required=False
            )
            self.fields["follow_up_about"] = forms.CharField(
                label="About", max_length=200, required=False, initial="Follow up"
            )

    def _get_validation_exclusions(self) -> set[str]:
        # The form field checks quality is 1 to 5 and says so in words. Left to the model,
        # its check constraint would also be validated by asking the database (a savepoint,
        # a SELECT, a release) on every log.
        return super()._get_validation_exclusions() | {"quality"}  # type: ignore[misc]

    def chosen_contacts(self, owner: Any) -> list[tuple[int, str]]:
        saved = self.instance.contacts.values_list("pk", flat=True) if self.instance.pk else ()
        mine = Contact.objects.owned_by(owner).only("first_name", "last_name", "display_name")
        return picked_contacts(self, "contacts", mine, saved)

    def objective_choices(self, owner: Any, contact_ids: list[int]) -> bool:
        """Offers the objectives of the owner's active plan, those whose audience or targets
        include one of the chosen contacts first, as suggestions. Says whether there are any.

        A bound form (a POST) only validates, so it leaves the choices lazy: no query unless
        the form is drawn again."""
        field = self.fields["objective"]
        mine = Q(plan__owner=owner, plan__ended_on__isnull=True)
        if self.instance.objective_id:
            mine |= Q(pk=self.instance.objective_id)  # an older plan's objective stays valid
        field.queryset = Objective.objects.filter(mine).order_by("position", "pk")
        field.empty_label = "None"
        if self.is_bound:
            return True
        objectives = list(field.queryset.prefetch_related("audience_tags", "audience_communities"))
        suggested = objectives_for_contacts(objectives, contact_ids)
        first = [(o.pk, o.title) for o in objectives if o.pk in suggested]
        rest = [(o.pk, o.title) for o in objectives if o.pk not in suggested]
        field.widget.choices = [("", "None")] + (
            [("Suggested for these contacts", first), ("Other objectives", rest)] if first else rest
        )
        return bool(objectives)

    def follow_up(self) -> tuple[dt.date | None, str]:
        """When to follow up (None: no follow-up) and about what, from a valid form."""
        if "follow_up_in" not in self.fields:
            return None, ""
        about = self.cleaned_data.get("follow_up_about", "").strip() or "Follow up"
        return follow_up_date(self.cleaned_data.get("follow_up_in", ""), self.today), about

    def clean_occurred_on(self) -> dt.date:
        day = self.cleaned_data["occurred_on"]
        if day > self.today + dt.timedelta(days=1):
            raise forms.ValidationError("An interaction cannot be in the future.")
        if day.year < 1900:
            raise forms.ValidationError("That date is too far in the past.")
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("outcome_value") is not None and not cleaned.get("outcome"):
            self.add_error("outcome_value", "Pick the outcome this value belongs to.")
        if cleaned.get("outcome_value") is not None and cleaned["outcome_value"] < 0:
            self.add_error("outcome_value", "An outcome's value cannot be negative.")
        return cleaned


class ContactFilterForm(forms.Form):
    """The contact list's search, filters and sort (GET)."""

    SORTS = {
        "name": ("first_name", "last_name", "pk"),
        "strength": ("-strength", "first_name", "pk"),
        "last": ("-last_interaction_on", "first_name", "pk"),
        "next": ("next_checkin_on", "first_name", "pk"),
    }

    q = forms.CharField(required=False, label="Search")
    circle = forms.ChoiceField(required=False, choices=[("", "Any circle"), *Circle.choices])
    context = forms.ChoiceField(
        required=False, choices=[("", "Any context"), *Context.choices], label="Context"
    )
    tag = forms.ModelChoiceField(queryset=Tag.objects.none(), required=False, empty_label="Any tag")
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *CheckinStatus.choices])
    company = forms.CharField(required=False)
    source = forms.ChoiceField(required=False, choices=[("", "Any source"), *Source.choices])
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("name", "Name"),
            ("strength", "Strength"),
            ("last", "Last contact"),
            ("next", "Next check-in"),
        ],
    )
    archived = forms.BooleanField(required=False, label="Archived")

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = Tag.objects.filter(owner=owner).only("name")


class BulkForm(forms.Form):
    ACTIONS = [
        ("tag", "Add tag"),
        ("circle", "Move to circle"),
        ("context", "Set context"),
        ("archive", "Archive"),
        ("unarchive", "Unarchive"),
    ]
    action = forms.ChoiceField(choices=ACTIONS, error_messages={"required": "Pick an action."})
    ids = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(),
        error_messages={
            "required": "Select at least one contact.",
            "invalid_choice": "One of the selected contacts is not in your network.",
        },
    )
    tag_name = forms.CharField(required=False, max_length=50)
    circle = forms.ChoiceField(required=False, choices=[("", "—"), *Circle.choices])
    context = forms.ChoiceField(required=False, choices=[("", "—"), *Context.choices])

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ids"].queryset = Contact.objects.owned_by(owner)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("action") == "tag" and not cleaned.get("tag_name", "").strip():
            self.add_error("tag_name", "Name the tag to add.")
        if cleaned.get("action") == "circle" and not cleaned.get("circle"):
            self.add_error("circle", "Pick the circle to move them to.")
        if cleaned.get("action") == "context" and not cleaned.get("context"):
            self.add_error(
                "context", "Pick the context to give them: professional, personal or both."
            )
        return cleaned
