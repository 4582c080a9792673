from typing import Any

from django.http import HttpRequest


def username_from_request(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The e-mail a login attempt is for, lower-cased so case variants share one counter."""
    value = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(value).strip().lower()
