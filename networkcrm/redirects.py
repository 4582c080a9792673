"""Where a form goes when it is done: the `next` it was given, when that is an address on this
site, else a default. Every view that reads `next` asks here, for a plain redirect and for
htmx's `HX-Redirect` alike, so one check covers them all."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_target(request: HttpRequest, target: str) -> bool:
    """A relative or same-site address. Django's check knows what browsers make of `/\\host`
    and of tabs and newlines inside a URL; a control character is refused outright, since it
    has no place in a Location header."""
    return (
        bool(target)
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )


def safe_next(request: HttpRequest) -> str:
    """`next` from the form (else the query string) when it is safe, else an empty string."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if is_safe_target(request, target) else ""


def next_url(request: HttpRequest, default: str = "today", *args: Any) -> str:
    """The safe `next`, else `default` (a URL name with its `args`, or an address)."""
    return safe_next(request) or resolve_url(default, *args)
