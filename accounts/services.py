"""Writes across the user and their profile."""

from __future__ import annotations

from django.db import transaction

from accounts.models import Profile, User


@transaction.atomic
def user_sign_up(*, email: str, password: str, name: str = "", timezone: str = "UTC") -> User:
    """Creates a user and their profile together; there is never one without the other."""
    user = User.objects.create_user(email=email, password=password, name=name)
    Profile.objects.create(user=user, timezone=timezone)
    return user


@transaction.atomic
def profile_update(*, user: User, name: str, timezone: str, digest_hour: int) -> Profile:
    User.objects.filter(pk=user.pk).update(name=name)
    user.name = name
    profile, _ = Profile.objects.update_or_create(
        user=user, defaults={"timezone": timezone, "digest_hour": digest_hour}
    )
    return profile
