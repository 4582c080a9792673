"""A person's network: contacts, tags and every interaction with them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Count, F, IntegerField, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Lower
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from contacts.search import SearchTextField

if TYPE_CHECKING:
    from accounts.models import User


class Circle(models.TextChoices):
    """Dunbar-style tiers, closest first."""

    INNER = "inner", "Inner"
    CLOSE = "close", "Close"
    ACTIVE = "active", "Active"
    EXTENDED = "extended", "Extended"
    ACQUAINTANCE = "acquaintance", "Acquaintance"


# Circles closest first, as numbers: what the check-in lists sort by, in Python and in SQL.
CIRCLE_RANK = {value: rank for rank, value in enumerate(Circle.values)}
UNCIRCLED = len(CIRCLE_RANK)  # after every circle


def circle_rank() -> Case:
    """A contact's circle as its CIRCLE_RANK, for ORDER BY (and the index that serves it)."""
    return Case(
        *[When(circle=value, then=Value(rank)) for value, rank in CIRCLE_RANK.items()],
        default=Value(UNCIRCLED),
        output_field=IntegerField(),
    )


# Default check-in cadence, in days, for each circle; None means no regular check-in.
DEFAULT_CADENCE_DAYS: dict[str, int | None] = {
    Circle.INNER: 14,
    Circle.CLOSE: 30,
    Circle.ACTIVE: 90,
    Circle.EXTENDED: 180,
    Circle.ACQUAINTANCE: None,
}
# "Due soon" starts this many days before the check-in date.
DUE_SOON_DAYS = 7


class Source(models.TextChoices):
    EVENT = "event", "Event"
    REFERRAL = "referral", "Referral"
    LINKEDIN = "linkedin", "LinkedIn"
    CONFERENCE = "conference", "Conference"
    SCHOOL = "school", "School"
    WORK = "work", "Work"
    OTHER = "other", "Other"


class Context(models.TextChoices):
    """Which side of life a contact belongs to. Networking is professional by default; a
    contact in both counts on either side (`in_context`)."""

    PROFESSIONAL = "professional", "Professional"
    PERSONAL = "personal", "Personal"
    BOTH = "both", "Both"


def in_context(focus: str) -> models.Q:
    """The contacts a focus (a `Context` value, or "" for everyone) takes in, as a filter on
    Contact: those of that context and those in both."""
    if not focus:
        return models.Q()
    return models.Q(context__in=[focus, Context.BOTH])


class CheckinStatus(models.TextChoices):
    OVERDUE = "overdue", "Overdue"
    DUE = "due", "Due"
    DUE_SOON = "due_soon", "Due soon"
    ON_TRACK = "on_track", "On track"
    NO_CADENCE = "no_cadence", "No cadence"


class Tag(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tags"
    )
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("name"), "owner", name="tag_unique_name_per_owner"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ContactQuerySet(models.QuerySet["Contact"]):
    def owned_by(self, user: User | models.Model) -> ContactQuerySet:
        return self.filter(owner=user)

    def active(self) -> ContactQuerySet:
        return self.filter(archived=False)

    def in_status(self, status: str, today: dt.date) -> ContactQuerySet:
        soon = today + dt.timedelta(days=DUE_SOON_DAYS)
        match status:
            case CheckinStatus.OVERDUE:
                return self.filter(next_checkin_on__lt=today)
            case CheckinStatus.DUE:
                return self.filter(next_checkin_on=today)
            case CheckinStatus.DUE_SOON:
                return self.filter(next_checkin_on__gt=today, next_checkin_on__lte=soon)
            case CheckinStatus.ON_TRACK:
                return self.filter(next_checkin_on__gt=soon)
            case CheckinStatus.NO_CADENCE:
                return self.filter(next_checkin_on__isnull=True)
        return self


class Contact(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contacts"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    display_name = models.CharField(
        max_length=200, blank=True, help_text="How you refer to them, if not first and last name."
    )
    company = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    location = models.CharField(max_length=200, blank=True)
    linkedin_url = models.URLField("LinkedIn", blank=True)
    x_url = models.URLField("X", blank=True)
    website_url = models.URLField("website", blank=True)
    other_url = models.URLField("other profile", blank=True)
    source = models.CharField("how we met", max_length=16, choices=Source.choices, blank=True)
    met_on = models.DateField("met on", null=True, blank=True)
    circle = models.CharField(max_length=16, choices=Circle.choices, default=Circle.ACTIVE)
    context = models.CharField(
        max_length=12,
        choices=Context.choices,
        default=Context.PROFESSIONAL,
        help_text="Personal contacts can be kept out of your networking numbers (Settings).",
    )
    circle_pinned = models.BooleanField(
        default=True,
        help_text="Keep this circle; when off, the nightly strength update may move the contact.",
    )
    cadence_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Days between check-ins; empty means the circle's default, 0 means none.",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="contacts")
    introduced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="introduced"
    )
    birthday_month = models.PositiveSmallIntegerField(null=True, blank=True)
    birthday_day = models.PositiveSmallIntegerField(null=True, blank=True)
    birthday_year = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    private_notes = models.TextField(blank=True, help_text="Never shown to a coach.")
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Derived from the interaction log by contacts.services; never edited by hand.
    last_interaction_on = models.DateField(null=True, blank=True, editable=False)
    # The latest interaction that is not a note, private ones included: what Today and the
    # digest quote to the owner (`last_interaction_on` counts neither). Re-derived with the
    # columns around it, so it needs no constraint or index: deleting interactions costs
    # nothing more, and a pointer left by one is replaced in the same transaction.
    latest_interaction = models.ForeignKey(
        "Interaction",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    next_checkin_on = models.DateField(null=True, blank=True, editable=False)
    # "Not before": a snoozed check-in is due no earlier than this (followups' snooze).
    checkin_snoozed_until = models.DateField(null=True, blank=True, editable=False)
    strength = models.PositiveSmallIntegerField(default=0, editable=False)
    # What the list's search reads: the searched columns folded in Python (contacts.search),
    # kept by the field on every save, so SQLite and PostgreSQL match accents and case alike.
    search_text = SearchTextField(editable=False, default="")

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["first_name", "last_name", "pk"]
        indexes = [
            models.Index(fields=["owner", "first_name", "last_name"], name="contact_owner_name"),
            # Today page and digest: "whose check-in is due by <date>" for one owner.
            models.Index(
                fields=["owner", "next_checkin_on"],
                name="contact_owner_next_checkin",
                condition=Q(archived=False, next_checkin_on__isnull=False),
            ),
            # Contact list sorted by strength.
            models.Index(fields=["owner", "-strength"], name="contact_owner_strength"),
            # A user's active contacts: the contact list's count, and the Today page's counts by
            # circle and of due check-ins (followups.agenda), from the index alone.
            models.Index(
                fields=["owner", "circle", "next_checkin_on", "last_interaction_on"],
                name="contact_owner_active",
                condition=Q(archived=False),
            ),
            # A user's due check-ins in the order Today lists them (followups.agenda): the first
            # twenty are read from the index, not sorted from all that are due.
            models.Index(
                F("owner"),
                circle_rank(),
                F("next_checkin_on"),
                Lower("first_name"),
                Lower("last_name"),
                F("id"),
                name="contact_checkin_order",
                condition=Q(archived=False, next_checkin_on__isnull=False),
            ),
            # Birthdays this week (followups.agenda): the few contacts with a birthday.
            models.Index(
                fields=["owner", "birthday_month", "birthday_day"],
                name="contact_owner_birthday",
                condition=Q(archived=False, birthday_month__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(introduced_by=models.F("pk")), name="contact_not_introduced_by_self"
            ),
            models.CheckConstraint(condition=Q(strength__lte=100), name="contact_strength_0_100"),
            models.CheckConstraint(
                condition=Q(birthday_month__isnull=True)
                | Q(birthday_month__gte=1, birthday_month__lte=12),
                name="contact_birthday_month_1_12",
            ),
            models.CheckConstraint(
                condition=Q(birthday_day__isnull=True)
                | Q(birthday_day__gte=1, birthday_day__lte=31),
                name="contact_birthday_day_1_31",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or f"{self.first_name} {self.last_name}".strip()

    @property
    def birthday(self) -> dt.date | None:
        """The birthday as a date, for display: in a leap year when the year is unknown (so
        29 February is a day), None when the month or the day is missing or impossible."""
        if not (self.birthday_month and self.birthday_day):
            return None
        try:
            return dt.date(self.birthday_year or 2000, self.birthday_month, self.birthday_day)
        except ValueError:
            return None

    @property
    def effective_cadence_days(self) -> int | None:
        if self.cadence_days is not None:
            return self.cadence_days or None
        return DEFAULT_CADENCE_DAYS[self.circle]

    def checkin_status(self, today: dt.date) -> CheckinStatus:
        if self.next_checkin_on is None:
            return CheckinStatus.NO_CADENCE
        if self.next_checkin_on < today:
            return CheckinStatus.OVERDUE
        if self.next_checkin_on == today:
            return CheckinStatus.DUE
        if self.next_checkin_on <= today + dt.timedelta(days=DUE_SOON_DAYS):
            return CheckinStatus.DUE_SOON
        return CheckinStatus.ON_TRACK


class ContactEmail(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="emails")
    address = models.EmailField()
    label = models.CharField(max_length=30, blank=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary", "pk"]
        indexes = [models.Index(fields=["address"], name="contactemail_address")]
        constraints = [
            models.UniqueConstraint(
                fields=["contact"], condition=Q(is_primary=True), name="contactemail_one_primary"
            )
        ]

    def __str__(self) -> str:
        return self.address


class ContactPhone(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(max_length=40)
    label = models.CharField(max_length=30, blank=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact"], condition=Q(is_primary=True), name="contactphone_one_primary"
            )
        ]

    def __str__(self) -> str:
        return self.number


class Kind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    CALL = "call", "Call"
    MESSAGE = "message", "Message"
    EMAIL = "email", "E-mail"
    EVENT = "event", "Event"
    SOCIAL = "social", "Social engagement"
    INTRODUCTION = "introduction", "Introduction made"
    HELP_GIVEN = "help_given", "Help given"
    HELP_RECEIVED = "help_received", "Help received"
    NOTE = "note", "Note"


# How much one interaction of a kind says about a relationship (strength's frequency part).
KIND_DEPTH: dict[str, float] = {
    Kind.MEETING: 3.0,
    Kind.CALL: 2.5,
    Kind.EVENT: 2.0,
    Kind.HELP_GIVEN: 3.0,
    Kind.HELP_RECEIVED: 3.0,
    Kind.INTRODUCTION: 2.5,
    Kind.EMAIL: 1.5,
    Kind.MESSAGE: 1.0,
    Kind.SOCIAL: 0.5,
    Kind.NOTE: 0.0,
}


class Channel(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video"
    EMAIL = "email", "E-mail"
    LINKEDIN = "linkedin", "LinkedIn"
    X = "x", "X"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    EVENT = "event", "Event"
    OTHER = "other", "Other"


OFFLINE_CHANNELS = frozenset({Channel.IN_PERSON, Channel.PHONE, Channel.EVENT})


class Initiator(models.TextChoices):
    ME = "me", "Me"
    THEM = "them", "Them"


class Outcome(models.TextChoices):
    NONE = "", "None"
    OPPORTUNITY = "opportunity", "Opportunity"
    REFERRAL = "referral", "Referral"
    JOB_LEAD = "job_lead", "Job lead"
    CLIENT = "client", "Client"
    COLLABORATION = "collaboration", "Collaboration"
    MENTORSHIP = "mentorship", "Mentorship"


class InteractionQuerySet(models.QuerySet["Interaction"]):
    def owned_by(self, user: User | models.Model) -> InteractionQuerySet:
        return self.filter(owner=user)

    def counted(self) -> InteractionQuerySet:
        """What every number reads: not notes (writing about someone, not talking to them),
        not private interactions (in their owner's log and nowhere else, so no check-in,
        strength, KPI or objective — nothing a coach sees — can give one away)."""
        return self.exclude(kind=Kind.NOTE).filter(private=False)


class Interaction(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interactions"
    )
    contacts = models.ManyToManyField(Contact, related_name="interactions")
    # Most interactions are with one person. That person, kept here whenever the links change
    # (`sole_contacts_sync`), lets a metric ask "is this interaction with the audience?" of
    # the row itself; it is NULL for a group (and for no contact), which the links answer.
    sole_contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    occurred_on = models.DateField("when")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MEETING)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.IN_PERSON)
    initiated_by = models.CharField(max_length=4, choices=Initiator.choices, default=Initiator.ME)
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    quality = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True, default="")
    outcome_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    notes = models.TextField(blank=True)
    private = models.BooleanField(
        default=False,
        help_text="Only in your log: never shown to a coach, and counted in no number "
        "(check-in, strength, KPIs, objectives), so nothing anyone else sees gives it away.",
    )
    objective = models.ForeignKey(
        "goals.Objective",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
        help_text="The objective this served, if any.",
    )
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
        verbose_name="where",
        help_text="The community it happened in, if any; the people in it join its members.",
    )
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    piece = models.ForeignKey(
        "content.Piece",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="interactions",
        help_text="The piece of content someone engaged with, for a social interaction.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            # A person's log by date; it also carries what counting interactions and
            # meaningful ones reads, so a week of many people's log is counted from the index
            # alone (the coach's caseload, goals.metrics).
            models.Index(
                fields=["owner", "-occurred_on"],
                include=["kind", "quality", "initiated_by", "private"],
                name="interaction_owner_date",
            ),
            # A person's group interactions (no sole contact) by date: the plan page reads the
            # few in its period to see which audiences their contacts are in (goals.metrics,
            # `_Groups`), from the index alone.
            models.Index(
                fields=["owner", "occurred_on", "id"],
                condition=Q(sole_contact__isnull=True),
                name="interaction_group_rows",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quality__gte=1, quality__lte=5), name="interaction_quality_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"

    @property
    def online(self) -> bool:
        return self.channel not in OFFLINE_CHANNELS


def sole_contacts_sync(interactions: models.QuerySet[Interaction] | list[int]) -> int:
    """Sets `Interaction.sole_contact` of the given interactions (a queryset or ids) from their
    links, in one UPDATE: the contact when there is exactly one, else NULL."""
    rows = (
        interactions
        if isinstance(interactions, models.QuerySet)
        else Interaction.objects.filter(pk__in=list(interactions))
    )
    links = Interaction.contacts.through.objects.filter(interaction=OuterRef("pk")).order_by()
    sole = links.values("interaction").annotate(n=Count("*"), first=Min("contact")).filter(n=1)
    return rows.order_by().update(sole_contact=Subquery(sole.values("first")))


@receiver(m2m_changed, sender=Interaction.contacts.through)
def _links_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **_: Any
) -> None:
    """Keeps `sole_contact` true to the links, however they change: the services, the admin,
    or either side's add, remove, set and clear. (Deleting a contact deletes its links without
    this signal: the field's SET_NULL covers a sole contact, and a group's NULL stays true.)"""
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            sole_contacts_sync([instance.pk])
        return
    if action == "pre_clear":
        # The contact's interactions, known only before their links go.
        instance._cleared_interactions = list(
            sender.objects.filter(contact=instance).values_list("interaction_id", flat=True)
        )
    elif action == "post_clear":
        sole_contacts_sync(getattr(instance, "_cleared_interactions", []))
    elif action in ("post_add", "post_remove") and pk_set:
        sole_contacts_sync(pk_set)
