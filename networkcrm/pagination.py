"""Pages of a list whose rows carry how many there are in all."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window


def counted_page(rows: QuerySet[Any], number: str | None, per_page: int) -> Page:
    """The page asked for, its rows carrying how many match in all (COUNT(*) OVER ()): the
    filter runs once, rather than once for the count and again for the rows. The same pages
    as `Paginator.get_page`; a number past the end costs the two queries."""
    paginator = Paginator(rows, per_page)
    try:
        wanted = int(number or 1)
    except ValueError:
        wanted = 1
    if wanted < 1:
        return paginator.get_page(number)
    start = (wanted - 1) * per_page
    found = list(rows.annotate(matches=Window(Count("pk")))[start : start + per_page])
    if not found and wanted > 1:
        return paginator.get_page(number)
    paginator.count = found[0].matches if found else 0
    return Page(found, wanted, paginator)
