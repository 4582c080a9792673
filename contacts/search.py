"""The contact list's search: one folded text per contact, and the query folded the same way.

SQLite changes the case of ASCII letters only, and neither database drops accents, so matching
"jorg" to "JÖRG" cannot be left to SQL. The app folds both sides with `normalise` (Unicode
compatibility decomposition, combining marks dropped, case folded) and the database compares
plain substrings: the same answer on SQLite and PostgreSQL, in any script, and on PostgreSQL a
trigram index still serves it (contacts 0012). A change to `normalise` needs the column
filled again, as 0012's `fill` does.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db import models

# The contact's own columns the search reads; e-mails and tags are matched beside them.
SEARCHED_FIELDS = ("first_name", "last_name", "display_name", "company", "title", "notes")


# Latin letters with no decomposition into a base letter and a mark, as people type them
# without their stroke: "soren" finds "Søren", "lukasz" finds "Łukasz".
STROKES = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ı": "i", "ŧ": "t"})


def normalise(text: str) -> str:
    """What a search compares: "Zoë MÜLLER" → "zoe muller", "Ελένη" → "ελενη"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(STROKES)


def search_text(contact: Any) -> str:
    """The folded text of a contact's searched columns."""
    return normalise(" ".join(getattr(contact, name) or "" for name in SEARCHED_FIELDS))


@models.BigAutoField.register_lookup
class AnyOf(models.Lookup):
    """`pk__any=ArraySubquery(…)`, PostgreSQL's `= ANY(array)`: the array is read once and the
    rows fetched by the column's index, where `pk__in=<subquery>` may hash the subquery and scan
    every row of the table to join it (the contact search at 50,000 contacts)."""

    lookup_name = "any"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


class SearchTextField(models.TextField):
    """`search_text(row)`, set whenever Django writes the row itself (`save`, `create`,
    `bulk_create`), as `auto_now` sets a date: a derived column of the same row, so the admin,
    the demo and the loaders cannot forget it. Writes that bypass the field (a queryset's
    `update`, `bulk_update`, COPY, `bulk_create(update_fields=…)`) of a searched column set it
    themselves with `search_text`."""

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = search_text(model_instance)
        setattr(model_instance, self.attname, value)
        return value
