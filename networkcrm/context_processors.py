"""What base.html draws on every page.

Its links and asset URLs are the same on every page, yet `{% url %}` and `{% static %}` work
each one out again on every render: a tenth of a small page's time. They are worked out once
per process here (per script prefix, which is what `reverse()` adds in front)."""

from __future__ import annotations

from functools import lru_cache

from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

NAV = {
    "today": "today",
    "contacts": "contacts:list",
    "goals": "goals:plan",
    "kpis": "kpis:page",
    "map": "contacts:map",
    "imports": "imports:home",
    "settings": "accounts:settings",
    "admin": "admin:index",
    "log": "contacts:log",
    "logout": "accounts:logout",
}
ASSETS = {
    "favicon": "favicon.svg",
    "bootstrap_css": "vendor/bootstrap/bootstrap.min.css",
    "app_css": "css/app.css",
    "bootstrap_js": "vendor/bootstrap/bootstrap.bundle.min.js",
    "htmx_js": "vendor/htmx/htmx.min.js",
    "app_js": "js/app.js",
}


@lru_cache(maxsize=8)
def _chrome(script_prefix: str) -> dict[str, dict[str, str]]:
    return {
        "nav": {name: reverse(route) for name, route in NAV.items()},
        "assets": {name: static(path) for name, path in ASSETS.items()},
    }


def chrome(request: HttpRequest) -> dict[str, dict[str, str]]:
    """`nav` (the menu's URLs) and `assets` (the stylesheets' and scripts' URLs)."""
    return _chrome(get_script_prefix())
