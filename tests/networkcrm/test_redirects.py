"""Every redirect after a form stays on this site, whatever `next` says.

The views that read `next` are found from the code: every URL pattern's view, and the
project's functions it calls, are searched for the one helper that reads it
(`networkcrm.redirects`); Django's own login and logout read it through
`redirect_field_name`. Each of them is then sent a table of hostile values, plain and as htmx.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from contacts.models import Contact
from events.models import Event
from followups.models import FollowUp
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HELPERS = {"next_url", "safe_next"}
HOSTILE = [
    "//evil.example/",
    "/\\evil.example/",
    "/\t/evil.example/",
    "\\\\evil.example/",
    "https://evil.example/",
    "http:evil.example",
    "///evil.example/",
    " //evil.example/",
    "javascript:alert(1)",
    "/%09/evil.example/",
    "/ok\r\nLocation: https://evil.example/",
    "https://testserver@evil.example/",
]
PROJECT = ("accounts", "contacts", "goals", "followups", "imports", "coaching", "networkcrm")


def _calls_helper(func: Any, seen: set[Any]) -> bool:
    func = inspect.unwrap(func)
    func = getattr(func, "__func__", func)  # a bound method: the admin site's views
    if func in seen or not inspect.isfunction(func):
        return False
    seen.add(func)
    names: set[str] = set()
    codes = [func.__code__]
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        codes += [c for c in code.co_consts if inspect.iscode(c)]
    if names & HELPERS:
        return True
    return any(
        _calls_helper(found, seen)
        for name in names
        if inspect.isfunction(found := func.__globals__.get(name))
        and found.__module__.split(".")[0] in PROJECT
    )


def _patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, Any]]:
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            found += _patterns(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append((f"{prefix}{pattern.name}", pattern.callback))
    return found


def views_reading_next() -> set[str]:
    found = set()
    for name, callback in _patterns(get_resolver()):
        view_class = getattr(callback, "view_class", None)
        if view_class is not None:
            if getattr(view_class, "redirect_field_name", None) == "next":
                found.add(name)
            continue
        if _calls_helper(callback, set()):
            found.add(name)
    return found


@pytest.fixture
def world(alice):
    dana = Contact.objects.create(owner=alice, first_name="Dana")
    followup = FollowUp.objects.create(owner=alice, about="the deck", due_on=dt.date(2026, 6, 1))
    followup.contacts.add(dana)
    event = Event.objects.create(
        owner=alice, name="Meetup", starts_at=dt.datetime(2026, 5, 1, 18, tzinfo=dt.UTC)
    )
    return {"dana": dana, "followup": followup, "event": event}


def _log(world: dict[str, Any]) -> dict[str, Any]:
    return {
        "contacts": [world["dana"].pk],
        "occurred_on": "2026-06-01",
        "kind": "meeting",
        "channel": "in_person",
        "initiated_by": "me",
        "quality": 3,
    }


# How each view is brought to its redirect: (method, URL, form, signed in?).
RECIPES = {
    "contacts:log": lambda w: ("post", reverse("contacts:log"), _log(w), True),
    "followups:log": lambda w: (
        "post",
        reverse("followups:log", args=[w["followup"].pk]),
        _log(w),
        True,
    ),
    "followups:create": lambda w: (
        "post",
        reverse("followups:create"),
        {"contacts": [w["dana"].pk], "about": "intro", "due_on": "2026-07-01"},
        True,
    ),
    "followups:edit": lambda w: (
        "post",
        reverse("followups:edit", args=[w["followup"].pk]),
        {"contacts": [w["dana"].pk], "about": "intro", "due_on": "2026-07-01"},
        True,
    ),
    "followups:done": lambda w: (
        "post",
        reverse("followups:done", args=[w["followup"].pk]),
        {},
        True,
    ),
    "followups:snooze": lambda w: (
        "post",
        reverse("followups:snooze", args=[w["followup"].pk]),
        {"until": "2099-01-01"},
        True,
    ),
    "followups:skip": lambda w: (
        "post",
        reverse("followups:skip", args=[w["followup"].pk]),
        {},
        True,
    ),
    "followups:checkin_done": lambda w: (
        "post",
        reverse("followups:checkin_done", args=[w["dana"].pk]),
        {},
        True,
    ),
    "followups:checkin_snooze": lambda w: (
        "post",
        reverse("followups:checkin_snooze", args=[w["dana"].pk]),
        {"until": "not a date"},
        True,
    ),
    "accounts:signup": lambda w: (
        "post",
        reverse("accounts:signup"),
        {
            "email": "new@example.com",
            "name": "New",
            "password1": PASSWORD + "x",
            "password2": PASSWORD + "x",
            "timezone": "UTC",
        },
        False,
    ),
    "accounts:login": lambda w: (
        "post",
        reverse("accounts:login"),
        {"username": "alice@example.com", "password": PASSWORD},
        False,
    ),
    "accounts:logout": lambda w: ("post", reverse("accounts:logout"), {}, True),
    "admin:login": lambda w: ("get", reverse("admin:login"), {}, False),
    "events:met": lambda w: (
        "post",
        reverse("events:met", args=[w["event"].pk]),
        {
            "contacts": [w["dana"].pk],
            "quality": 3,
            "follow_up_days": 3,
            "follow_up_about": "Hello",
            "new-TOTAL_FORMS": 0,
            "new-INITIAL_FORMS": 0,
        },
        True,
    ),
    "events:dismiss": lambda w: ("post", reverse("events:dismiss", args=[w["event"].pk]), {}, True),
}


def test_every_view_that_reads_next_has_a_recipe():
    """A new view reading `next` must join the table below, or this fails."""
    assert views_reading_next() == set(RECIPES)


def test_no_view_reads_next_but_through_the_helper():
    reads = re.compile(r"""(GET|POST|REQUEST)(\.get\(|\[)\s*["']next["']""")
    for app in PROJECT:
        for path in Path(settings.BASE_DIR, app).rglob("*.py"):
            if path.name == "redirects.py":
                continue
            assert not reads.search(path.read_text()), f"{path.name} reads next itself"


def _landing(response: Any) -> str:
    return response.get("HX-Redirect") or response.get("Location") or ""


def _offsite(target: str) -> bool:
    """Where a browser would go: it strips tabs and newlines, drops leading spaces and control
    characters, and reads a backslash as a slash."""
    if not target:
        return False  # no redirect: htmx swaps a fragment in place
    if "\n" in target or "\r" in target:
        return True  # a header split
    cleaned = re.sub(r"[\t\n\r]", "", target).lstrip("\x00- ").replace("\\", "/")
    parts = urlsplit(cleaned)
    return bool(parts.scheme or parts.netloc) or not cleaned.startswith("/")


@pytest.mark.parametrize("name", sorted(RECIPES))
@pytest.mark.parametrize("htmx", [False, True])
def test_it_never_redirects_off_site(name, htmx, world, alice, client):
    for hostile in HOSTILE:
        method, url, data, signed_in = RECIPES[name](world)
        client.logout()
        if signed_in:
            client.force_login(alice)
        headers = {"HX-Request": "true"} if htmx else {}
        if method == "post":
            response = client.post(url, {**data, "next": hostile}, headers=headers)
        else:
            response = client.get(url, {"next": hostile}, headers=headers)
        assert response.status_code < 500, (name, hostile)
        target = _landing(response)
        assert not _offsite(target), f"{name} sent {hostile!r} to {target!r}"
        User.objects.filter(email="new@example.com").delete()
