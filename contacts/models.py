"""A person's network. The contacts issue fills in the full model and the interaction log."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Circle(models.TextChoices):
    """Dunbar-style tiers, closest first."""

    INNER = "inner", "Inner"
    CLOSE = "close", "Close"
    ACTIVE = "active", "Active"
    EXTENDED = "extended", "Extended"
    ACQUAINTANCE = "acquaintance", "Acquaintance"


# Default check-in cadence, in days, for each circle; None means no regular check-in.
DEFAULT_CADENCE_DAYS: dict[str, int | None] = {
    Circle.INNER: 14,
    Circle.CLOSE: 30,
    Circle.ACTIVE: 90,
    Circle.EXTENDED: 180,
    Circle.ACQUAINTANCE: None,
}


class ContactQuerySet(models.QuerySet["Contact"]):
    def owned_by(self, user: models.Model) -> ContactQuerySet:
        return self.filter(owner=user)

    def active(self) -> ContactQuerySet:
        return self.filter(archived=False)


class Contact(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contacts"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    company = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    circle = models.CharField(max_length=16, choices=Circle.choices, default=Circle.ACTIVE)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["first_name", "last_name", "pk"]
        indexes = [
            models.Index(fields=["owner", "first_name", "last_name"], name="contact_owner_name")
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def default_cadence_days(self) -> int | None:
        return DEFAULT_CADENCE_DAYS[self.circle]
