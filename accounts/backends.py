"""Sign-in: Django's ModelBackend, with the profile read in the same query as the user, since
every page needs the user's time zone."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from accounts.models import User


class ProfileBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("profile").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
