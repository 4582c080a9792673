from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cache
from typing import Any

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


@cache
def timezone_names() -> tuple[str, ...]:
    """Every IANA time zone name, sorted; the choices for a profile's timezone."""
    return tuple(sorted(zoneinfo.available_timezones() - {"localtime", "Factory"}))


def validate_timezone(value: str) -> None:
    if value not in timezone_names():
        raise ValidationError(
            "%(value)s is not a time zone we know. Pick one from the list, such as Europe/Paris.",
            params={"value": value},
        )


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self._create(email, password, **fields)


class User(AbstractUser):
    """A person who signs in with their e-mail address."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)
    name = models.CharField(max_length=150, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class Profile(models.Model):
    """What a user has chosen about how NetworkCRM works for them."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    digest_hour = models.PositiveSmallIntegerField(
        default=7, help_text="Local hour (0–23) at which the daily digest is sent."
    )
    digest_enabled = models.BooleanField(
        "send me the daily digest", default=True, help_text="Who to check in with, each morning."
    )
    digest_when_empty = models.BooleanField(
        "send it on days with nothing due",
        default=False,
        help_text="Off: no e-mail on a day when nobody is due.",
    )
    # When the daily digest is next due, in UTC: the sweep's whole schedule (followups.digest).
    next_digest_at = models.DateTimeField(null=True, blank=True, editable=False)
    weekly_summary_enabled = models.BooleanField(
        "send me the weekly summary",
        default=True,
        help_text="Each Monday, last week's numbers against the week before.",
    )
    # When the weekly KPI rollup is next due, in UTC: Monday early morning where the user is
    # (kpis.rollup). Every user has one, summary or not: the KPI page reads the rollups.
    next_rollup_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Which contacts Today, the digest, the KPIs and the plan count: "" for everyone, else a
    # contacts.models.Context value (a contact in both counts on either side).
    focus = models.CharField(
        "count in my networking",
        max_length=12,
        blank=True,
        default="",
        choices=[
            ("", "Everyone"),
            ("professional", "Professional contacts"),
            ("personal", "Personal contacts"),
        ],
    )
    # The secret in the calendar feed's address; a new one revokes the old address.
    calendar_token = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        indexes = [
            # The digest sweep: WHERE digest_enabled AND next_digest_at <= now().
            models.Index(
                fields=["next_digest_at"],
                condition=models.Q(digest_enabled=True),
                name="profile_digest_due",
            ),
            # The KPI rollup sweep: WHERE next_rollup_at <= now() (kpis.rollup._claim_rollups).
            models.Index(
                fields=["next_rollup_at"],
                condition=models.Q(next_rollup_at__isnull=False),
                name="profile_rollup_due",
            ),
            # Scheduling new users: WHERE next_rollup_at IS NULL (kpis.rollup,
            # rollup_schedule_missing). Normally empty: the sweep's look each minute is cheap.
            models.Index(
                fields=["id"],
                condition=models.Q(next_rollup_at__isnull=True),
                name="profile_rollup_unscheduled",
            ),
            models.Index(
                fields=["calendar_token"],
                condition=~models.Q(calendar_token=""),
                name="profile_calendar_token",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(digest_hour__gte=0, digest_hour__lte=23),
                name="profile_digest_hour_0_23",
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def today(self) -> dt.date:
        """Today's date where the user is."""
        return timezone.localdate(timezone=self.zone)


def local_zone(user: User) -> dt.tzinfo:
    """The user's time zone; the site's for a user without a profile."""
    profile = getattr(user, "profile", None)
    return profile.zone if profile is not None else timezone.get_default_timezone()


def local_today(user: User) -> dt.date:
    profile = getattr(user, "profile", None)
    return profile.today() if profile is not None else timezone.localdate()


# --- Coaching: who may look over whose shoulder ------------------------------------------

COACHES_GROUP = "Coaches"


def is_coach(user: object) -> bool:
    """A coach: staff, in the Coaches group. Read once per request object (the admin asks
    often), from the groups the user belongs to."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff", False):
        return False
    cached = getattr(user, "_is_coach", None)
    if cached is None:
        cached = user.groups.filter(name=COACHES_GROUP).exists()  # type: ignore[attr-defined]
        user._is_coach = cached  # type: ignore[attr-defined]
    return cached


class CoachScope(models.TextChoices):
    """What a coach may see, each scope including the ones before it. Never private notes or
    private interactions, whatever the scope."""

    PLAN = "plan", "Plan and KPIs"
    CONTACTS = "contacts", "Plan, KPIs and contacts"
    INTERACTIONS = "interactions", "Plan, KPIs, contacts and interactions"


SCOPE_ORDER = [CoachScope.PLAN, CoachScope.CONTACTS, CoachScope.INTERACTIONS]


def scopes_including(scope: str) -> list[str]:
    """The scopes that let a coach see what `scope` covers."""
    return [str(s) for s in SCOPE_ORDER[SCOPE_ORDER.index(CoachScope(scope)) :]]


class AssignmentStatus(models.TextChoices):
    INVITED = "invited", "Invited"  # the client invited a coach by e-mail; not accepted yet
    REQUESTED = "requested", "Requested"  # a coach asked; the client has not answered yet
    ACTIVE = "active", "Active"
    DECLINED = "declined", "Declined"
    REVOKED = "revoked", "Ended"


OPEN_STATUSES = [AssignmentStatus.INVITED, AssignmentStatus.REQUESTED, AssignmentStatus.ACTIVE]


class CoachAssignmentQuerySet(models.QuerySet["CoachAssignment"]):
    def active(self) -> CoachAssignmentQuerySet:
        return self.filter(status=AssignmentStatus.ACTIVE)

    def clients_of(self, coach: User | int, scope: str = CoachScope.PLAN) -> models.QuerySet:
        """The ids of the coach's active clients whose scope covers `scope`: a subquery,
        read on every request, so a revocation holds from the coach's next request on."""
        return (
            self.active().filter(coach=coach, scope__in=scopes_including(scope)).values("client_id")
        )


class CoachAssignment(models.Model):
    """A client lets a coach see part of their account: invited by the client (by e-mail)
    or requested by the coach, active once the other side agrees, revoked by the client at
    any moment. Ended rows are kept: the client's record of who could see what, and when."""

    client = models.ForeignKey(User, on_delete=models.CASCADE, related_name="coach_assignments")
    coach = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coaching_assignments",
        help_text="Empty until an invited coach accepts.",
    )
    email = models.EmailField("coach's e-mail", help_text="Where the invitation went.")
    scope = models.CharField(max_length=16, choices=CoachScope.choices, default=CoachScope.PLAN)
    status = models.CharField(max_length=10, choices=AssignmentStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CoachAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["coach", "status"], name="assignment_coach_status"),
            models.Index(fields=["client", "status"], name="assignment_client_status"),
        ]
        constraints = [
            # One open relationship between a client and a coach (account or address).
            models.UniqueConstraint(
                fields=["client", "coach"],
                condition=models.Q(status__in=OPEN_STATUSES, coach__isnull=False),
                name="assignment_one_open_per_coach",
            ),
            models.UniqueConstraint(
                fields=["client", "email"],
                condition=models.Q(status=AssignmentStatus.INVITED),
                name="assignment_one_invitation_per_address",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=AssignmentStatus.ACTIVE) | models.Q(coach__isnull=False),
                name="assignment_active_has_coach",
            ),
            models.CheckConstraint(
                condition=~models.Q(coach=models.F("client")),
                name="assignment_not_own_coach",
            ),
        ]

    def __str__(self) -> str:
        coach = self.coach or self.email
        return f"{coach} coaching {self.client} ({self.get_status_display().lower()})"

    def covers(self, scope: str) -> bool:
        return self.status == AssignmentStatus.ACTIVE and self.scope in scopes_including(scope)


class InvitationMail(models.Model):
    """An invitation e-mail sent for a client (the first or a resend): what the daily limit
    on invitations counts (`coaching.services.coach_invite`). Kept as a record of the mail
    sent on the client's behalf; deleted with the client."""

    # No index of its own: the one below starts with it.
    client = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", db_index=False)
    email = models.EmailField("sent to")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # The daily limit: WHERE client_id = %s AND sent_at > now() - 1 day.
            models.Index(fields=["client", "sent_at"], name="invitation_mail_client_sent"),
        ]

    def __str__(self) -> str:
        return f"Invitation from {self.client_id} to {self.email} at {self.sent_at:%Y-%m-%d %H:%M}"


def focus_of(user: Any) -> str:
    """The context of contacts a user's agenda and numbers count (`Profile.focus`): "" for
    everyone. Reads the profile that came with the user (`accounts.backends`) when it did."""
    try:
        return user.profile.focus
    except Profile.DoesNotExist:
        return ""
