from __future__ import annotations

from typing import Any

from rest_framework import permissions

from api.models import ApiToken


class TokenScopePermission(permissions.IsAuthenticated):
    """Signed in (session or token); a read token only reads."""

    message = "This token can only read: create a token with the write scope to make changes."

    def has_permission(self, request: Any, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return not isinstance(request.auth, ApiToken) or request.auth.can_write
