"""The groups a user takes part in: where much of networking happens, beside one-to-one."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models.functions import Lower

from contacts.models import Contact


class Platform(models.TextChoices):
    LINKEDIN = "linkedin", "LinkedIn group"
    SLACK = "slack", "Slack"
    DISCORD = "discord", "Discord"
    ASSOCIATION = "association", "Association"
    ALUMNI = "alumni", "Alumni network"
    MEETUP = "meetup", "Meetup series"
    FORUM = "forum", "Forum"
    MENTORING = "mentoring", "Mentorship programme"
    OTHER = "other", "Other"


class Role(models.TextChoices):
    MEMBER = "member", "Member"
    CONTRIBUTOR = "contributor", "Contributor"
    ORGANISER = "organiser", "Organiser"


class CommunityQuerySet(models.QuerySet["Community"]):
    def owned_by(self, user: object) -> CommunityQuerySet:
        return self.filter(owner=user)


class Community(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="communities"
    )
    name = models.CharField(max_length=120)
    platform = models.CharField(max_length=16, choices=Platform.choices, default=Platform.OTHER)
    url = models.URLField(
        "address",
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    role = models.CharField("your role", max_length=16, choices=Role.choices, default=Role.MEMBER)
    minutes_per_week = models.PositiveIntegerField(
        "minutes a week you plan to give it",
        default=0,
        help_text="Compared on its page with the time you log there.",
    )
    members = models.ManyToManyField(
        Contact,
        related_name="communities",
        blank=True,
        help_text="The people you know from it. Logging an interaction there adds them.",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "communities"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "owner",
                Lower("name"),
                name="community_owner_name_unique",
                violation_error_message="You already have a community with this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name
