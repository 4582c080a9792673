"""Follow-ups, the daily digest's deliveries, and the heartbeat of scheduled work."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Heartbeat(models.Model):
    """The last time a periodic task ran: proof that beat, broker and worker all work."""

    name = models.CharField(max_length=64, unique=True)
    last_run_at = models.DateTimeField()
    runs = models.PositiveBigIntegerField(default=0)
    hostname = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} at {self.last_run_at:%Y-%m-%d %H:%M:%S}"

    def age(self) -> timedelta:
        return timezone.now() - self.last_run_at

    def is_fresh(self, max_age: timedelta) -> bool:
        return self.age() <= max_age


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    SNOOZED = "snoozed", "Snoozed"
    SKIPPED = "skipped", "Skipped"


class FollowUp(models.Model):
    """ "Follow up with <contacts> about <what> by <date>"."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followups"
    )
    contacts = models.ManyToManyField("contacts.Contact", related_name="followups")
    about = models.CharField(max_length=200)
    due_on = models.DateField("by")
    status = models.CharField(
        max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    snoozed_until = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    interaction = models.ForeignKey(
        "contacts.Interaction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followups",
        help_text="The interaction that settled it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            # The Today page and the digest: an owner's open and snoozed follow-ups by date.
            models.Index(
                fields=["owner", "due_on"],
                condition=Q(status__in=["open", "snoozed"]),
                name="followup_pending_by_owner",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="snoozed") | Q(snoozed_until__isnull=False),
                name="followup_snoozed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.about} by {self.due_on}"

    @property
    def effective_due_on(self):  # type: ignore[no-untyped-def]
        """When it is next due: its date, or the end of its snooze if later."""
        if self.status == FollowUpStatus.SNOOZED and self.snoozed_until:
            return max(self.due_on, self.snoozed_until)
        return self.due_on


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # claimed by a sweep, the send is queued
    SENDING = "sending", "Sending"  # a worker holds it until lease_until
    SENT = "sent", "Sent"
    EMPTY = "empty", "Nothing due"  # nothing to say and the user asked for silence
    FAILED = "failed", "Failed"  # the server refused it for good, or retries ran out


class DeliveryKind(models.TextChoices):
    DAILY = "daily", "Daily digest"
    WEEKLY = "weekly", "Weekly summary"
    # Asked for in Settings: today's digest, marked as a test, beside the day's real one.
    TEST = "test", "Test digest"


class DigestDelivery(models.Model):
    """One e-mail of a kind for one user and one local date — the day of a daily digest, the
    Monday of a weekly summary's week: the unit of exactly-once.

    The row exists before anything is sent; its id names the e-mail's Message-ID, so any resend
    of the same e-mail carries the same Message-ID.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_deliveries"
    )
    kind = models.CharField(max_length=8, choices=DeliveryKind.choices, default=DeliveryKind.DAILY)
    local_date = models.DateField()
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    items = models.PositiveIntegerField(default=0, help_text="Check-ins and follow-ups listed.")
    error = models.TextField(blank=True, help_text="The mail server's last reply on failure.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-local_date", "-pk"]
        verbose_name_plural = "digest deliveries"
        constraints = [
            # A test digest may be asked for again the same day (rate-limited in
            # digest.test_digest_request), so it is left out of the one-per-day rule.
            models.UniqueConstraint(
                fields=["user", "kind", "local_date"],
                condition=~Q(kind="test"),
                name="digestdelivery_one_per_user_and_day",
            ),
        ]
        indexes = [
            # The sweep's retry of lost sends: WHERE status IN (pending, sending) AND
            # lease_until < now().
            models.Index(
                fields=["lease_until"],
                condition=Q(status__in=["pending", "sending"]),
                name="digestdelivery_unfinished",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} for {self.user} on {self.local_date}: "
            f"{self.get_status_display()}"
        )
