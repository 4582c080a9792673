from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cache

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
    # (goals.kpis). Every user has one, summary or not: the KPI page reads the rollups.
    next_rollup_at = models.DateTimeField(null=True, blank=True, editable=False)
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
            # The KPI rollup sweep: WHERE next_rollup_at <= now() (goals.kpis._claim_rollups).
            models.Index(
                fields=["next_rollup_at"],
                condition=models.Q(next_rollup_at__isnull=False),
                name="profile_rollup_due",
            ),
            # Scheduling new users: WHERE next_rollup_at IS NULL (goals.kpis,
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


def local_today(user: User) -> dt.date:
    profile = getattr(user, "profile", None)
    return profile.today() if profile is not None else timezone.localdate()
