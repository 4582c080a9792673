"""What the API reads and writes. Reads are drawn by hand for speed (a page of 100 contacts);
writes run the web's own forms, so a field is refused with the page's words."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model
from rest_framework import serializers

from api.base import form_data, form_errors
from api.fields import MAX_ID, DayField, choice, ids, text, whole
from contacts.forms import ContactForm, InteractionForm
from contacts.models import (
    Channel,
    CheckinStatus,
    Circle,
    Contact,
    ContactEmail,
    ContactPhone,
    Context,
    Initiator,
    Interaction,
    Kind,
    Outcome,
    Source,
    Tag,
)
from followups.forms import FOLLOW_UP_IN, FollowUpForm, SnoozeForm
from followups.models import FollowUp, FollowUpStatus

# --- Contacts -------------------------------------------------------------------------------

CONTACT_TEXT = (
    "first_name",
    "last_name",
    "display_name",
    "company",
    "title",
    "industry",
    "location",
    "linkedin_url",
    "x_url",
    "website_url",
    "other_url",
    "source",
    "circle",
    "context",
    "notes",
    "private_notes",
)


class StrengthPartsSerializer(serializers.Serializer):
    recency = serializers.IntegerField()
    frequency = serializers.IntegerField()
    reciprocity = serializers.IntegerField()
    quality = serializers.IntegerField()
    tenure = serializers.IntegerField()


class ContactSerializer(serializers.Serializer):
    """A contact as read. `strength` and its parts are computed from the log, never written."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    display_name = serializers.CharField()
    company = serializers.CharField()
    title = serializers.CharField()
    industry = serializers.CharField()
    location = serializers.CharField()
    linkedin_url = serializers.CharField()
    x_url = serializers.CharField()
    website_url = serializers.CharField()
    other_url = serializers.CharField()
    source = serializers.ChoiceField(choices=[("", "Unknown"), *Source.choices])
    met_on = serializers.DateField(allow_null=True)
    circle = serializers.ChoiceField(choices=Circle.choices)
    context = serializers.ChoiceField(
        choices=Context.choices, help_text="Professional, personal or both."
    )
    circle_pinned = serializers.BooleanField()
    cadence_days = serializers.IntegerField(allow_null=True)
    effective_cadence_days = serializers.IntegerField(allow_null=True)
    introduced_by = serializers.IntegerField(allow_null=True)
    birthday = serializers.CharField(help_text="YYYY-MM-DD, or MM-DD without the year; or empty.")
    notes = serializers.CharField()
    private_notes = serializers.CharField(help_text="Never shown to a coach.")
    archived = serializers.BooleanField()
    emails = serializers.ListField(child=serializers.EmailField())
    phones = serializers.ListField(child=serializers.CharField())
    tags = serializers.ListField(child=serializers.CharField())
    strength = serializers.IntegerField(min_value=0, max_value=100)
    checkin_status = serializers.ChoiceField(choices=CheckinStatus.choices)
    last_interaction_on = serializers.DateField(allow_null=True)
    next_checkin_on = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, c: Contact) -> dict[str, Any]:
        today: dt.date = self.context["today"]
        data: dict[str, Any] = {"id": c.pk, "name": c.name}
        for name in CONTACT_TEXT:
            if name != "private_notes":
                data[name] = getattr(c, name)
        # A coach never reads private notes (and their query never loads them).
        data["private_notes"] = "" if self.context.get("coach") else c.private_notes
        data.update(
            met_on=_day(c.met_on),
            circle_pinned=c.circle_pinned,
            cadence_days=c.cadence_days,
            effective_cadence_days=c.effective_cadence_days,
            introduced_by=c.introduced_by_id,
            birthday=_birthday(c),
            archived=c.archived,
            emails=c.api_emails,  # type: ignore[attr-defined]
            phones=c.api_phones,  # type: ignore[attr-defined]
            tags=c.api_tags,  # type: ignore[attr-defined]
            strength=c.strength,
            checkin_status=str(c.checkin_status(today)),
            last_interaction_on=_day(c.last_interaction_on),
            next_checkin_on=_day(c.next_checkin_on),
            created_at=c.created_at.isoformat(),
            updated_at=c.updated_at.isoformat(),
        )
        return data


class ContactDetailSerializer(ContactSerializer):
    strength_parts = StrengthPartsSerializer(
        help_text="Points of each part of the strength (they add up to it)."
    )

    def to_representation(self, c: Contact) -> dict[str, Any]:
        data = super().to_representation(c)
        data["strength_parts"] = self.context["strength_parts"]
        return data


def contact_lists(contacts: list[Contact], *, owner: Any) -> list[Contact]:
    """Each contact's e-mails, phones and tag names as plain lists, in three queries for a
    page of them: values, not model instances (a page of 100 built ~1,000 related querysets
    through prefetch_related, most of the list's time)."""
    ids = [c.pk for c in contacts]
    found: dict[str, dict[int, list[str]]] = {"emails": {}, "phones": {}, "tags": {}}
    rows = {
        "emails": ContactEmail.objects.filter(contact_id__in=ids)
        .order_by("-is_primary", "pk")
        .values_list("contact_id", "address"),
        "phones": ContactPhone.objects.filter(contact_id__in=ids)
        .order_by("-is_primary", "pk")
        .values_list("contact_id", "number"),
        "tags": Contact.tags.through.objects.filter(contact_id__in=ids, tag__owner=owner)
        .order_by("tag__name")
        .values_list("contact_id", "tag__name"),
    }
    for kind, pairs in rows.items():
        for contact_id, value in pairs:
            found[kind].setdefault(contact_id, []).append(value)
    for c in contacts:
        c.api_emails = found["emails"].get(c.pk, [])  # type: ignore[attr-defined]
        c.api_phones = found["phones"].get(c.pk, [])  # type: ignore[attr-defined]
        c.api_tags = found["tags"].get(c.pk, [])  # type: ignore[attr-defined]
    return contacts


def _birthday(c: Contact) -> str:
    """As the contact form writes it: YYYY-MM-DD, MM-DD without the year, or empty."""
    if not (c.birthday_month and c.birthday_day):
        return ""
    md = f"{c.birthday_month:02d}-{c.birthday_day:02d}"
    return f"{c.birthday_year:04d}-{md}" if c.birthday_year else md


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


class FormSerializer(serializers.Serializer):
    """Validated by the web's form: `build_form` makes it, `renames` maps API names to the
    form's. On a partial update the instance's values fill what was not sent."""

    renames: dict[str, str] = {}

    def build_form(self, data: Any) -> Any:
        raise NotImplementedError

    def current(self, instance: Model) -> dict[str, Any]:
        return {}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        values = self.current(self.instance) if self.instance is not None else {}
        values.update(attrs)
        data = form_data({self.renames.get(k, k): v for k, v in values.items()})
        form = self.build_form(data)
        if not form.is_valid():
            raise form_errors(form, {v: k for k, v in self.renames.items()})
        self.form = form
        return attrs


class ContactWriteSerializer(FormSerializer):
    first_name = text(required=True, error_messages={"required": "Give at least a first name."})
    last_name = text()
    display_name = text()
    company = text()
    title = text()
    industry = text()
    location = text()
    linkedin_url = text()
    x_url = text()
    website_url = text()
    other_url = text()
    source = choice([("", "Unknown"), *Source.choices], required=False)
    met_on = DayField(allow_null=True)
    circle = choice(Circle.choices, required=False)
    context = choice(
        Context.choices, required=False, help_text="Professional unless said (new contacts)."
    )
    circle_pinned = serializers.BooleanField(required=False)
    cadence_days = whole(required=False, allow_null=True)
    introduced_by = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    birthday = text(help_text="YYYY-MM-DD, or MM-DD when you don't know the year.")
    notes = text()
    private_notes = text()
    emails = serializers.ListField(child=text(), required=False)
    phones = serializers.ListField(child=text(), required=False)
    tags = serializers.ListField(child=text(), required=False)
    confirm_duplicate = serializers.BooleanField(
        required=False,
        help_text="Save even when a contact with the same e-mail or profile URL exists.",
    )

    renames = {"tags": "tag_names"}

    def build_form(self, data: Any) -> ContactForm:
        data.setdefault("circle", Circle.ACTIVE)
        data.setlist("emails", ["\n".join(data.getlist("emails"))])
        data.setlist("phones", ["\n".join(data.getlist("phones"))])
        data.setlist("tag_names", [",".join(data.getlist("tag_names"))])
        if "circle_pinned" not in data:
            data["circle_pinned"] = "true"
        instance = self.instance or Contact(owner=self.context["owner"])
        return ContactForm(data, instance=instance, owner=self.context["owner"])

    def current(self, c: Contact) -> dict[str, Any]:
        values: dict[str, Any] = {name: getattr(c, name) for name in CONTACT_TEXT}
        values.update(
            met_on=c.met_on,
            circle_pinned=c.circle_pinned,
            cadence_days=c.cadence_days,
            introduced_by=c.introduced_by_id,
            birthday=_birthday(c),
            emails=c.api_emails,  # type: ignore[attr-defined]
            phones=c.api_phones,  # type: ignore[attr-defined]
            tags=c.api_tags,  # type: ignore[attr-defined]
            # An edit is not a new contact: the duplicate check is for adding one.
            confirm_duplicate=True,
        )
        return values


# --- Interactions ---------------------------------------------------------------------------


class ContactRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


def _ref(contact: Contact) -> dict[str, Any]:
    return {"id": contact.pk, "name": contact.name}


class InteractionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    contacts = ContactRefSerializer(many=True)
    occurred_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    online = serializers.BooleanField()
    initiated_by = serializers.ChoiceField(choices=Initiator.choices)
    duration_minutes = serializers.IntegerField(allow_null=True)
    quality = serializers.IntegerField(min_value=1, max_value=5)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    outcome_value = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    notes = serializers.CharField()
    private = serializers.BooleanField()
    objective = serializers.IntegerField(allow_null=True)
    community = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()

    def to_representation(self, i: Interaction) -> dict[str, Any]:
        return {
            "id": i.pk,
            "contacts": [_ref(c) for c in i.contacts.all()],
            "occurred_on": i.occurred_on.isoformat(),
            "kind": i.kind,
            "channel": i.channel,
            "online": i.online,
            "initiated_by": i.initiated_by,
            "duration_minutes": i.duration_minutes,
            "quality": i.quality,
            "outcome": i.outcome,
            "outcome_value": None if i.outcome_value is None else f"{i.outcome_value:.2f}",
            "notes": i.notes,
            "private": i.private,
            "objective": i.objective_id,
            "community": i.community_id,
            "created_at": i.created_at.isoformat(),
        }


class InteractionWriteSerializer(FormSerializer):
    contacts = ids(
        required=False, help_text="The ids of the people it was with: one or more of yours."
    )
    occurred_on = DayField(help_text="The day; today when left out.")
    kind = choice(Kind.choices, required=False)
    channel = choice(Channel.choices, required=False)
    initiated_by = choice(Initiator.choices, required=False)
    duration_minutes = whole(required=False, allow_null=True)
    quality = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=5,
        error_messages={
            "min_value": "Quality is from 1 to 5.",
            "max_value": "Quality is from 1 to 5.",
        },
    )
    outcome = choice(Outcome.choices, required=False)
    outcome_value = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    notes = text()
    private = serializers.BooleanField(required=False)
    objective = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    community = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    follow_up_in = choice(
        FOLLOW_UP_IN, required=False, help_text="Plan a follow-up with the same people (new only)."
    )
    follow_up_about = text(help_text="What the follow-up is about.")

    def build_form(self, data: Any) -> InteractionForm:
        today = self.context["today"]
        data.setdefault("occurred_on", today.isoformat())
        data.setdefault("kind", Kind.MEETING)
        data.setdefault("channel", Channel.IN_PERSON)
        data.setdefault("initiated_by", Initiator.ME)
        data.setdefault("quality", "3")
        return InteractionForm(
            data, instance=self.instance, owner=self.context["owner"], today=today
        )

    def current(self, i: Interaction) -> dict[str, Any]:
        return {
            "contacts": [c.pk for c in i.contacts.all()],
            "occurred_on": i.occurred_on,
            "kind": i.kind,
            "channel": i.channel,
            "initiated_by": i.initiated_by,
            "duration_minutes": i.duration_minutes,
            "quality": i.quality,
            "outcome": i.outcome,
            "outcome_value": i.outcome_value,
            "notes": i.notes,
            "private": i.private,
            "objective": i.objective_id,
            "community": i.community_id,
        }


# --- Follow-ups -----------------------------------------------------------------------------


class FollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    contacts = ContactRefSerializer(many=True)
    about = serializers.CharField()
    due_on = serializers.DateField()
    effective_due_on = serializers.DateField(help_text="Its date, or the end of its snooze.")
    status = serializers.ChoiceField(choices=FollowUpStatus.choices)
    snoozed_until = serializers.DateField(allow_null=True)
    done_on = serializers.DateField(allow_null=True)
    interaction = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, f: FollowUp) -> dict[str, Any]:
        return {
            "id": f.pk,
            "contacts": [_ref(c) for c in f.contacts.all()],
            "about": f.about,
            "due_on": f.due_on.isoformat(),
            "effective_due_on": f.effective_due_on.isoformat(),
            "status": f.status,
            "snoozed_until": _day(f.snoozed_until),
            "done_on": _day(f.done_on),
            "interaction": f.interaction_id,
            "created_at": f.created_at.isoformat(),
            "updated_at": f.updated_at.isoformat(),
        }


class FollowUpWriteSerializer(FormSerializer):
    contacts = ids(required=False, help_text="The ids of the people to follow up with.")
    about = text(required=False)
    due_on = DayField()

    def build_form(self, data: Any) -> FollowUpForm:
        return FollowUpForm(
            data, instance=self.instance, owner=self.context["owner"], today=self.context["today"]
        )

    def current(self, f: FollowUp) -> dict[str, Any]:
        return {"contacts": [c.pk for c in f.contacts.all()], "about": f.about, "due_on": f.due_on}


class SnoozeSerializer(FormSerializer):
    until = DayField(required=True, help_text="Not before this day (after today).")

    def build_form(self, data: Any) -> SnoozeForm:
        return SnoozeForm(data, today=self.context["today"])


class DoneSerializer(serializers.Serializer):
    log = serializers.BooleanField(
        default=True,
        help_text="Log a short interaction with its people (resets their check-ins).",
    )


class ActionResultSerializer(serializers.Serializer):
    changed = serializers.BooleanField()
    message = serializers.CharField()
    followup = FollowUpSerializer()


# --- Tags -----------------------------------------------------------------------------------


class TagSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(
        max_length=50,
        error_messages={
            "required": "Name the tag.",
            "blank": "Name the tag.",
            "max_length": "A tag can be at most 50 characters long.",
        },
    )
    contacts = serializers.IntegerField(read_only=True, help_text="How many contacts have it.")

    def to_representation(self, t: Tag) -> dict[str, Any]:
        return {"id": t.pk, "name": t.name, "contacts": getattr(t, "contact_count", 0)}

    def validate_name(self, name: str) -> str:
        name = name.strip()
        if not name:
            raise serializers.ValidationError("Name the tag.")
        taken = Tag.objects.filter(owner=self.context["owner"], name__iexact=name)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError(f"You already have a tag named {name}.")
        return name
