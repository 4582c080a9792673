"""URL paths worked out once per process (per script prefix, which `reverse()` puts in front).

A page with many rows would otherwise reverse each of their links, and a page's fixed links
are the same on every render; `{% url %}` and `reverse` work each one out again every time."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from django.urls import get_script_prefix, reverse


@lru_cache(maxsize=512)
def _reversed(name: str, prefix: str, with_pk: bool) -> str:
    return reverse(name, args=[0]) if with_pk else reverse(name)


def path(name: str) -> str:
    """The path of the URL `name`, which takes no arguments."""
    return _reversed(name, get_script_prefix(), False)


def path_for(name: str) -> Callable[[int], str]:
    """The path of the URL `name` for any primary key, from one `reverse`."""
    pattern = _reversed(name, get_script_prefix(), True)
    return lambda pk: pattern.replace("/0/", f"/{pk}/", 1)
