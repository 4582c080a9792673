from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connections, router
from django.db.models import Field

from accounts.models import Profile, User


@dataclass(frozen=True)
class _Load:
    """The statement that loads a user and their profile, with what turns its row into the two
    instances: each column's attribute name and the converters the ORM would apply."""

    sql: str
    user_fields: list[str]
    profile_fields: list[str]
    converters: list[tuple[int, Any, list[Callable[..., Any]]]]

    def values(self, row: Sequence[Any], connection: Any) -> list[Any]:
        values = list(row)
        for index, column, functions in self.converters:
            for function in functions:
                values[index] = function(values[index], column, connection)
        return values


@cache
def _load(alias: str) -> _Load:
    """Written from the models' fields once per process: every request loads its user, and
    building the query with the ORM cost more than running it."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields: list[tuple[str, Field[Any, Any]]] = [("u", f) for f in User._meta.concrete_fields]
    fields += [("p", f) for f in Profile._meta.concrete_fields]
    converters = []
    for index, (table, field) in enumerate(fields):
        column = field.get_col(table)
        functions = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if functions:
            converters.append((index, column, functions))
    columns = ", ".join(f"{table}.{quote(field.column)}" for table, field in fields)
    user_id, pk = quote(Profile._meta.get_field("user").column), quote(User._meta.pk.column)
    sql = (
        f"SELECT {columns} FROM {quote(User._meta.db_table)} u "  # noqa: S608 (names from the models)
        f"LEFT JOIN {quote(Profile._meta.db_table)} p ON p.{user_id} = u.{pk} WHERE u.{pk} = %s"
    )
    return _Load(
        sql,
        [f.attname for f in User._meta.concrete_fields],
        [f.attname for f in Profile._meta.concrete_fields],
        converters,
    )


class ModelBackendWithProfile(ModelBackend):
    """Django's backend, loading the profile with the user: every page needs the user's
    timezone (today's date is theirs), so it comes in the query that loads the user."""

    def get_user(self, user_id: Any) -> Any:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        alias = router.db_for_read(User)
        connection = connections[alias]
        load = _load(alias)
        with connection.cursor() as cursor:
            cursor.execute(load.sql, [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        values = load.values(row, connection)
        split = len(load.user_fields)
        user = User.from_db(alias, load.user_fields, values[:split])
        profile = None
        if values[split] is not None:  # the profile's id: NULL when the user has none
            profile = Profile.from_db(alias, load.profile_fields, values[split:])
            profile.user = user
        # What select_related("profile") leaves behind: `user.profile` reads no more.
        User.profile.related.set_cached_value(user, profile)  # type: ignore[attr-defined]
        return user if self.user_can_authenticate(user) else None
