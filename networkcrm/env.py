"""Typed readers for configuration from the environment.

Each reader fails loudly with `ImproperlyConfigured` and a sentence that names the
variable and the form it expects, so a typo in a deployment stops start-up instead of
running with a surprising value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})
DATABASE_SCHEMES = frozenset({"postgres", "postgresql", "pgsql", "sqlite"})


def read_env_file(path: str | os.PathLike[str]) -> None:
    """Loads KEY=VALUE lines from a development `.env` file into the environment.

    Variables already set win, so a deployment's real environment is never overridden.
    Blank lines and lines starting with # are skipped; surrounding quotes are removed.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except FileNotFoundError:
        return
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.removeprefix("export ").partition("=")
        if not sep or not name.strip().isidentifier():
            raise ImproperlyConfigured(
                f"Line {number} of {path} must look like NAME=value, not {line!r}."
            )
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(name.strip(), value)


class Env:
    """Reads settings from a mapping (the process environment by default)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def _raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    def string(self, name: str, default: str = "") -> str:
        value = self._raw(name)
        return default if value is None else value

    def boolean(self, name: str, default: bool) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        if value.lower() in TRUE_WORDS:
            return True
        if value.lower() in FALSE_WORDS:
            return False
        raise ImproperlyConfigured(
            f"{name} must be true or false (also accepted: 1/0, yes/no, on/off), not {value!r}."
        )

    def integer(self, name: str, default: int, *, minimum: int | None = None) -> int:
        value = self._raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
        return number

    def strings(self, name: str, default: list[str]) -> list[str]:
        value = self._raw(name)
        if value is None:
            return list(default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def database(self, name: str, default: str) -> dict[str, Any]:
        url = self.string(name, default)
        message = (
            f"{name} must be a database URL such as "
            "postgres://user:password@host:5432/dbname or sqlite:///var/db.sqlite3, "
            f"not {url!r}."
        )
        if url.split("://", 1)[0] not in DATABASE_SCHEMES or "://" not in url:
            raise ImproperlyConfigured(message)
        try:
            return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        except Exception:  # dj-database-url raises several types for a malformed URL
            raise ImproperlyConfigured(message) from None

    def url(self, name: str, default: str, *, schemes: tuple[str, ...]) -> str:
        value = self.string(name, default)
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme not in schemes:
            forms = " or ".join(f"{s}://…" for s in schemes)
            raise ImproperlyConfigured(f"{name} must be a URL of the form {forms}, not {value!r}.")
        return value
