"""What a coach adds to a client's account, and the client's record of every look.

`CoachAssignment` (who coaches whom, with which scope) lives in `accounts`; here are the
coach's notes, their suggested objectives and tactics, the access log, and the proxies the
coach's admin reads client data through (`coaching.admin`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import CoachAssignment
from contacts.models import Contact, Interaction
from goals.models import MAX_TACTIC_MINUTES, Objective, Period, Platform, Tactic


class CoachNote(models.Model):
    """A note a coach writes for a client; the client reads it on their Today page."""

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_notes_written"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_notes"
    )
    text = models.TextField("note", help_text="Your client reads this on their Today page.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    dismissed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "note for a client"
        verbose_name_plural = "notes for clients"
        indexes = [models.Index(fields=["client", "-created_at"], name="coachnote_client")]

    def __str__(self) -> str:
        first_line = self.text.strip().splitlines()[0] if self.text.strip() else ""
        return first_line[:60] or "(empty note)"


class SuggestionKind(models.TextChoices):
    OBJECTIVE = "objective", "Objective"
    TACTIC = "tactic", "Tactic"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the client"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Suggestion(models.Model):
    """An objective or a tactic a coach proposes; the client accepts it into their active plan
    or declines it, in their own pages. Nothing reaches the plan without the client's click."""

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggestions_made"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggestions"
    )
    kind = models.CharField(max_length=10, choices=SuggestionKind.choices)
    title = models.CharField(
        "objective or action",
        max_length=200,
        help_text="The objective's title, or the tactic's action (\u201cone coffee a week\u201d).",
    )
    why = models.TextField("why", blank=True, help_text="Shown to the client with the suggestion.")
    # An objective: a catalog metric, a target and a period.
    metric = models.CharField(max_length=40, blank=True)
    detail = models.CharField(max_length=24, blank=True)
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    period = models.CharField(max_length=8, choices=Period.choices, blank=True)
    # A tactic: where, and minutes a week.
    platform = models.CharField(max_length=16, choices=Platform.choices, blank=True)
    minutes_per_week = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tactic = models.ForeignKey(
        Tactic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["client", "status"], name="suggestion_client_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target__gt=Decimal(0)),
                name="suggestion_target_positive",
            ),
            models.CheckConstraint(
                condition=Q(minutes_per_week__isnull=True)
                | Q(minutes_per_week__gte=1, minutes_per_week__lte=MAX_TACTIC_MINUTES),
                name="suggestion_minutes_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class AccessLog(models.Model):
    """One look by a coach at a client's data: who, what, when. The client reads it in their
    coaching settings; nobody edits it."""

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_views"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_access_log"
    )
    what = models.CharField(max_length=200)
    path = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = "coach access"
        verbose_name_plural = "coach access log"
        indexes = [models.Index(fields=["client", "-at"], name="accesslog_client_at")]

    def __str__(self) -> str:
        return f"{self.coach} viewed {self.what} of {self.client}"


# --- What the coach's admin reads client data through ----------------------------------


class Client(CoachAssignment):
    """A coach's active client: one row of the caseload."""

    class Meta:
        proxy = True
        verbose_name = "client"
        verbose_name_plural = "caseload"


class ClientContact(Contact):
    """A client's contact, as a coach may see it: never the private notes."""

    class Meta:
        proxy = True
        verbose_name = "client's contact"
        verbose_name_plural = "clients' contacts"


class ClientInteraction(Interaction):
    """A client's interaction, as a coach may see it: never a private one."""

    class Meta:
        proxy = True
        verbose_name = "client's interaction"
        verbose_name_plural = "clients' interactions"
