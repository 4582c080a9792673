"""Querysets whose SQL is compiled once per process.

Django builds and compiles a queryset's SQL on every evaluation. For the small queries a page
runs on every request (the plan and its parts, the contact and its latest interactions) that
costs more than the database takes to answer. `kept` compiles a queryset once, with stand-ins
for its arguments, keeps the SQL, and runs it as a raw queryset with the arguments put back:
the same rows, the same model instances, the same column conversions.

What it takes: integer arguments (ids) used only as query parameters, and a queryset that
neither `select_related` nor `prefetch_related`s (a raw queryset does neither). Annotations
come back as attributes, as they do from the queryset itself.

`kept_update` does the same for an UPDATE: the statement `queryset.update(**values)` would run.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model, QuerySet
from django.db.models.query import RawQuerySet
from django.db.models.sql.subqueries import UpdateQuery

# Stand-ins for the arguments while a queryset compiles: ids no row has.
STAND_INS = tuple(-(10**15) - n for n in range(8))


@dataclass(frozen=True)
class _Compiled:
    model: type[Model]
    sql: str
    params: tuple[Any, ...]
    slots: tuple[int | None, ...]  # for each parameter, which argument it is, or None


_COMPILED: dict[tuple[str, Hashable], _Compiled] = {}


def _compile(
    build: Callable[..., QuerySet[Any]],
    arguments: int,
    alias: str,
    values: Callable[[], dict[str, Any]] | None = None,
) -> _Compiled:
    if arguments > len(STAND_INS):
        raise ValueError(f"kept() takes at most {len(STAND_INS)} arguments.")
    queryset = build(*STAND_INS[:arguments])
    if queryset.query.select_related or queryset._prefetch_related_lookups:
        raise ValueError("A kept queryset cannot select_related or prefetch_related.")
    if values is None:
        sql, params = queryset.query.get_compiler(using=alias).as_sql()
    else:
        # What QuerySet.update compiles: its pre_sql_setup turns a join into an IN (on the
        # databases this project runs on it reads nothing).
        if not connections[alias].features.update_can_self_select:
            raise ValueError("kept_update needs a database that can UPDATE from a subquery.")
        query = queryset.query.chain(UpdateQuery)
        query.add_update_values(values())
        if query.related_updates:
            raise ValueError("kept_update cannot update a parent model's fields.")
        compiler = query.get_compiler(using=alias)
        compiler.pre_sql_setup()
        sql, params = compiler.as_sql()
    slots = tuple(
        STAND_INS.index(value) if isinstance(value, int) and value in STAND_INS else None
        for value in params
    )
    missing = set(range(arguments)) - set(slots)
    if missing:
        raise ValueError(f"The queryset does not use argument(s) {sorted(missing)} as parameters.")
    return _Compiled(queryset.model, sql, tuple(params), slots)


def kept(
    key: Hashable,
    build: Callable[..., QuerySet[Any]],
    *arguments: int,
    using: str = DEFAULT_DB_ALIAS,
) -> RawQuerySet[Any]:
    """`build(*arguments)` as a raw queryset whose SQL is compiled once per process and
    database for `key`: `build` must give the same query for any arguments and at any time
    (its other values, such as a date, are kept as they were at the first call)."""
    alias = using
    compiled = _COMPILED.get((alias, key))
    if compiled is None:
        compiled = _COMPILED[(alias, key)] = _compile(build, len(arguments), alias)
    params = [
        value if slot is None else arguments[slot]
        for value, slot in zip(compiled.params, compiled.slots, strict=True)
    ]
    return compiled.model._default_manager.db_manager(alias).raw(compiled.sql, params)


def kept_update(
    key: Hashable,
    build: Callable[..., QuerySet[Any]],
    values: Callable[[], dict[str, Any]],
    *arguments: int,
    using: str = DEFAULT_DB_ALIAS,
) -> int:
    """`build(*arguments).update(**values())` from SQL compiled once per process and database
    for `key`; the number of rows it matched."""
    compiled = _COMPILED.get((using, key))
    if compiled is None:
        compiled = _COMPILED[(using, key)] = _compile(build, len(arguments), using, values)
    params = [
        value if slot is None else arguments[slot]
        for value, slot in zip(compiled.params, compiled.slots, strict=True)
    ]
    with transaction.mark_for_rollback_on_error(using), connections[using].cursor() as cursor:
        cursor.execute(compiled.sql, params)
        return int(cursor.rowcount)


def first(rows: RawQuerySet[Any]) -> Any:
    """The first row of a raw queryset, or None."""
    return next(iter(rows), None)
