"""Creating, revoking and touching personal access tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from api.models import LAST_USED_EVERY_SECONDS, ApiToken, new_secret, token_digest


def token_create(
    *, owner: Any, name: str, scope: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token and its secret: the secret is shown once and never stored."""
    secret = new_secret()
    token = ApiToken.objects.create(
        owner=owner,
        name=name.strip(),
        scope=scope,
        expires_at=expires_at,
        hint=secret[:12],
        digest=token_digest(secret),
    )
    return token, secret


def token_revoke(*, token: ApiToken) -> bool:
    """Revokes it at once; revoking twice changes nothing."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db()
    return bool(revoked)


def token_touch(*, token: ApiToken, now: dt.datetime) -> None:
    """Records a use, at most once a minute per token: one conditional UPDATE, none between."""
    last = token.last_used_at
    if last is not None and (now - last).total_seconds() < LAST_USED_EVERY_SECONDS:
        return
    stale = now - dt.timedelta(seconds=LAST_USED_EVERY_SECONDS)
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale)
    ).update(last_used_at=now)
    token.last_used_at = now
