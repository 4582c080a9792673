"""Writes across the user and their profile, and the account's deletion."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone as dj_timezone

from accounts.models import Profile, User
from followups.digest import digest_first_time
from imports.models import AccountExport, ImportJob


@transaction.atomic
def user_sign_up(*, email: str, password: str, name: str = "", timezone: str = "UTC") -> User:
    """Creates a user and their profile together; there is never one without the other."""
    user = User.objects.create_user(email=email, password=password, name=name)
    Profile.objects.create(user=user, timezone=timezone)
    return user


@transaction.atomic
def profile_update(
    *,
    user: User,
    name: str,
    timezone: str,
    digest_hour: int,
    digest_enabled: bool = True,
    digest_when_empty: bool = False,
    weekly_summary_enabled: bool | None = None,  # None: as it is
    focus: str | None = None,  # None: as it is
) -> Profile:
    User.objects.filter(pk=user.pk).update(name=name)
    user.name = name
    fields: dict[str, object] = {
        "timezone": timezone,
        "digest_hour": digest_hour,
        "digest_enabled": digest_enabled,
        "digest_when_empty": digest_when_empty,
    }
    before = Profile.objects.filter(user=user).values(*fields).first()
    if before != fields:
        # The digest's time follows at once: today if the hour is still ahead, now if it is
        # this hour, else tomorrow. (A day already sent is never sent again: deliveries are
        # one per user and date.)
        chosen = Profile(timezone=timezone, digest_hour=digest_hour)
        fields["next_digest_at"] = (
            digest_first_time(chosen, dj_timezone.now()) if digest_enabled else None
        )
    # The weekly rollup keeps its time through a change of zone: when it comes, it rolls up
    # the week that ended in the new zone, then moves to the new zone's Monday (kpis.rollup).
    if weekly_summary_enabled is not None:
        fields["weekly_summary_enabled"] = weekly_summary_enabled
    if focus is not None:
        fields["focus"] = focus
    profile, _ = Profile.objects.update_or_create(user=user, defaults=fields)
    return profile


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Deletes the user and everything they own: contacts, interactions, plans, follow-ups,
    pending digest deliveries (so nothing is sent afterwards: a queued send finds no row),
    imports and exports, and their files once the deletion is committed: the files are the
    one thing the database's cascade does not remove."""
    files = [
        (field.storage, field.name)
        for model in (ImportJob, AccountExport)
        for field in (obj.file for obj in model.objects.filter(owner=user).only("file"))
        if field.name
    ]
    User.objects.filter(pk=user.pk).delete()

    def remove_files() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)
