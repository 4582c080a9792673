"""Capture: interactions that log themselves from sources the user controls (a forwarding
address, a mailbox, calendar subscriptions), the people they bring who are not contacts yet
(the review inbox) and the rules that keep some of them out."""

from __future__ import annotations

import base64
import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class SourceKind(models.TextChoices):
    FORWARD = "forward", "Forwarding address"
    IMAP = "imap", "Mailbox"
    CALENDAR = "calendar", "Calendar"


class Direction(models.TextChoices):
    OUT = "out", "You wrote"
    IN = "in", "They wrote"
    MEETING = "meeting", "Meeting"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Waiting for you"
    ADDED = "added", "Added as a contact"
    IGNORED = "ignored", "Ignored"


class RuleKind(models.TextChoices):
    DOMAIN = "domain", "Domain"
    ADDRESS = "address", "Address"
    CALENDAR = "calendar", "Calendar"


def max_failures() -> int:
    return getattr(settings, "CAPTURE_MAX_FAILURES", 5)


class SourceStatus(models.Model):
    """How a source has been doing: the last success, the last error in words a user
    understands, and how many times in a row it failed. After `CAPTURE_MAX_FAILURES` failures
    in a row it gives up (`gave_up_at`): the periodic task leaves it alone and the user is
    told once, until they change something or it succeeds."""

    enabled = models.BooleanField(default=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    gave_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    STATUS_FIELDS = ["last_success_at", "last_error", "last_error_at", "failures", "gave_up_at"]

    def succeeded(self, now: dt.datetime) -> None:
        self.last_success_at = now
        self.failures = 0
        self.gave_up_at = None
        self.save(update_fields=["last_success_at", "failures", "gave_up_at"])

    def failed(self, error_words: str, now: dt.datetime) -> bool:
        """Records a failure; True when this one made the source give up (mail the user once)."""
        self.last_error = error_words
        self.last_error_at = now
        self.failures += 1
        gave_up = self.gave_up_at is None and self.failures >= max_failures()
        if gave_up:
            self.gave_up_at = now
        self.save(update_fields=["last_error", "last_error_at", "failures", "gave_up_at"])
        return gave_up

    def resume(self) -> None:
        """After the user changed something: try again from scratch."""
        self.failures = 0
        self.gave_up_at = None
        self.save(update_fields=["failures", "gave_up_at"])

    @property
    def failing(self) -> bool:
        return self.failures > 0


def new_token() -> str:
    """A forwarding token: 120 random bits in lower-case base32, because some mail servers
    fold the local part of an address to lower case."""
    return base64.b32encode(secrets.token_bytes(15)).decode().lower()


class CaptureSettings(SourceStatus):
    """A user's capture choices, and the forwarding address (its status is this row's)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="capture_settings"
    )
    only_known = models.BooleanField(
        "only people already in my contacts",
        default=False,
        help_text="People who are not contacts yet are left out, not put in the review inbox.",
    )
    keep_snippet = models.BooleanField(
        "keep a short snippet",
        default=False,
        help_text="Keep the first lines of a forwarded message with what is logged. "
        "Otherwise no message text is stored, only who, when and the subject.",
    )
    forward_enabled = models.BooleanField("forwarding address on", default=False)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    # The forwarding address's on/off is `forward_enabled`; the generic flag is not used here.
    enabled = None  # type: ignore[assignment]

    class Meta:
        verbose_name = "capture settings"
        verbose_name_plural = "capture settings"

    def __str__(self) -> str:
        return f"Capture settings of {self.user}"

    @property
    def address(self) -> str:
        return f"log+{self.token}@{settings.CAPTURE_DOMAIN}"


class CapturedItemQuerySet(models.QuerySet["CapturedItem"]):
    def owned_by(self, user: object) -> CapturedItemQuerySet:
        return self.filter(user=user)

    def live(self) -> CapturedItemQuerySet:
        return self.filter(undone_at__isnull=True)


class CapturedItem(models.Model):
    """One message or meeting a source brought, logged or not (nobody known on it yet)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="captured_items"
    )
    source = models.CharField(max_length=10, choices=SourceKind.choices)
    source_id = models.PositiveIntegerField(null=True, blank=True)
    # Message-ID for mail, "<UID>#<RECURRENCE-ID or ''>" for a calendar's event.
    external_id = models.CharField(max_length=500)
    # Mail: normalised subject and day, so one day's messages of a thread are one interaction.
    thread_key = models.CharField(max_length=300, blank=True)
    interaction = models.ForeignKey(
        "contacts.Interaction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="captured_items",
    )
    occurred_at = models.DateTimeField()
    summary = models.CharField(max_length=200, blank=True)
    snippet = models.TextField(blank=True)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    # What the interaction is (or would be, once someone on it becomes a contact).
    kind = models.CharField(max_length=16)
    channel = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    objects = CapturedItemQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "external_id"], name="captureditem_once"),
        ]
        indexes = [
            # The captured-items page: a user's last 100.
            models.Index(fields=["user", "-created_at"], name="captureditem_user_recent"),
            # capture_log: the live item of the same thread and day, to join its interaction.
            models.Index(
                fields=["user", "thread_key"],
                condition=~Q(thread_key=""),
                name="captureditem_thread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.summary or self.external_id}"


class CapturedPerson(models.Model):
    """Who else was on a captured item (never the user): so adding someone from the review
    inbox can attach the items they were on, and a moved meeting can be compared."""

    item = models.ForeignKey(CapturedItem, on_delete=models.CASCADE, related_name="people")
    email = models.CharField(max_length=254)
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "email"], name="capturedperson_once"),
        ]
        indexes = [models.Index(fields=["email"], name="capturedperson_email")]

    def __str__(self) -> str:
        return self.email


class ReviewEntryQuerySet(models.QuerySet["ReviewEntry"]):
    def owned_by(self, user: object) -> ReviewEntryQuerySet:
        return self.filter(user=user)

    def pending(self) -> ReviewEntryQuerySet:
        return self.filter(status=ReviewStatus.PENDING)


class ReviewEntry(models.Model):
    """Someone a source saw who is not a contact: the review inbox asks what to do."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_entries"
    )
    email = models.CharField(max_length=254)  # lower case
    name = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=10, choices=SourceKind.choices)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    times = models.PositiveIntegerField(default=1)
    status = models.CharField(
        max_length=8, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReviewEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-last_seen", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "email"], name="reviewentry_once"),
        ]
        indexes = [
            # The review inbox: a user's pending entries, most recent first.
            models.Index(
                fields=["user", "-last_seen"],
                condition=Q(status="pending"),
                name="reviewentry_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.email


class IgnoreRule(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ignore_rules"
    )
    kind = models.CharField(max_length=8, choices=RuleKind.choices)
    value = models.CharField(max_length=500)  # lower case for domains and addresses
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "value"], name="ignorerule_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


# --- Mailboxes and calendar subscriptions (capture/sync.py reads them) ------------------------


class MailboxQuerySet(models.QuerySet["Mailbox"]):
    def owned_by(self, user: object) -> MailboxQuerySet:
        return self.filter(user=user)


class Mailbox(SourceStatus):
    """A mailbox read over IMAP. The app password is kept encrypted (capture/crypto.py); each
    folder's cursor is ``state[folder] = {"uidvalidity": …, "last_uid": …}``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mailboxes"
    )
    host = models.CharField("mail server (IMAP)", max_length=253)
    port = models.PositiveIntegerField(default=993)
    tls = models.BooleanField(
        "TLS", default=True, help_text="Encrypted from the start (usually port 993)."
    )
    username = models.CharField("user name", max_length=254)
    password_sealed = models.TextField(editable=False)
    inbox_folder = models.CharField("inbox folder", max_length=200, default="INBOX", blank=True)
    sent_folder = models.CharField("sent folder", max_length=200, default="Sent", blank=True)
    lookback_days = models.PositiveSmallIntegerField(
        "look back (days)",
        default=30,
        help_text="How far back the first sync reads.",
    )
    state = models.JSONField(default=dict, blank=True, editable=False)
    next_sync_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MailboxQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "host", "username"], name="mailbox_once_per_account"
            ),
            models.CheckConstraint(
                condition=Q(lookback_days__gte=1, lookback_days__lte=365),
                name="mailbox_lookback_range",
            ),
        ]
        indexes = [
            # capture.sync.sync_sweep: the due mailboxes, soonest first.
            models.Index(
                fields=["next_sync_at"],
                condition=Q(enabled=True, gave_up_at__isnull=True),
                name="mailbox_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username} on {self.host}"

    def folders(self) -> list[str]:
        """Sent first: what the user wrote decides more than what they received."""
        return [f for f in dict.fromkeys([self.sent_folder, self.inbox_folder]) if f]


class CalendarFeedQuerySet(models.QuerySet["CalendarFeed"]):
    def owned_by(self, user: object) -> CalendarFeedQuerySet:
        return self.filter(user=user)


class CalendarFeed(SourceStatus):
    """A calendar's secret iCal address (kept encrypted, shown only as its host), or an .ics
    file uploaded once (`upload`, read by the next sync and then dropped)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    name = models.CharField(max_length=100)
    url_sealed = models.TextField(blank=True, editable=False)
    url_hint = models.CharField(max_length=300, blank=True, editable=False)
    uploaded = models.BooleanField(default=False, editable=False)
    upload = models.BinaryField(null=True, blank=True, editable=False)
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    # When the next meeting seen ends (at most a day ahead): from then on the feed is fetched
    # in full once, not conditionally, since a 304 would hide a meeting that has since ended.
    refetch_at = models.DateTimeField(null=True, blank=True, editable=False)
    lookback_days = models.PositiveSmallIntegerField(
        "look back (days)",
        default=30,
        help_text="Meetings that ended this many days ago or less are logged.",
    )
    next_sync_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lookback_days__gte=1, lookback_days__lte=365),
                name="calendarfeed_lookback_range",
            ),
        ]
        indexes = [
            # capture.sync.sync_sweep: the due feeds, soonest first.
            models.Index(
                fields=["next_sync_at"],
                condition=Q(enabled=True, gave_up_at__isnull=True),
                name="calendarfeed_due",
            ),
        ]

    def __str__(self) -> str:
        return self.name
