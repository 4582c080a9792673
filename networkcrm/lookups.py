"""Lookups the ORM lacks."""

from __future__ import annotations

from typing import Any

from django.db.models import Lookup


class AnyOf(Lookup):  # type: ignore[type-arg]
    """``lhs`` is one of the ids a subquery returns, used as a filter expression:
    ``queryset.filter(AnyOf(F("pk"), subquery))``.

    On PostgreSQL, ``lhs = ANY(ARRAY(subquery))``: the database runs the subquery once, before
    the outer query, and then looks the ids up by index, where ``IN (subquery)`` is planned as
    a join that may read the whole outer table. Elsewhere it is ``IN (subquery)``."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]
        return f"{lhs} IN {rhs}", [*lhs_params, *rhs_params]
