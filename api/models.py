"""Personal access tokens: how a script, a phone shortcut or a spreadsheet reaches the API."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# What a token looks like: a prefix that says what it is (secret scanners and people can tell
# one from another secret), then 256 random bits.
TOKEN_PREFIX = "ncrm_"  # noqa: S105 (a label, not a secret)
# `last_used_at` is written at most this often: a busy script must not cost a write a request.
LAST_USED_EVERY_SECONDS = 60


def token_digest(secret: str) -> str:
    """What is stored: the secret's SHA-256. The secret has 256 bits of entropy, so a fast
    hash is enough (no dictionary to try), and a lookup is one indexed equality."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class TokenScope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Read and write"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What uses it, e.g. “phone shortcut”.")
    scope = models.CharField(max_length=8, choices=TokenScope.choices, default=TokenScope.READ)
    # The first characters of the secret, shown in the list so the owner can tell tokens apart.
    hint = models.CharField(max_length=16, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="apitoken_owner_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE

    def is_usable(self, now: object = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
