"""Who an imported row may already be: the same person (exact e-mail or profile URL) or
possibly the same person (a similar name at a similar company, for the user to review).

The owner's contacts are read once into an `Index` (two queries, whatever their number);
each row is then looked up in memory: e-mails and profile URLs in dictionaries, names with
rapidfuzz among the people of the row's company only. Rows of the batch being imported are
added as they are read, under temporary negative ids, so the file's own repeats are found too;
`commit` gives them their real ids once they exist, `rollback` forgets them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from contacts.models import Contact, ContactEmail
from imports.importers import normal_url

MATCH_URL_FIELDS = ("linkedin_url", "x_url", "other_url")  # a website may be a company's
NAME_SCORE = 88  # rapidfuzz token_sort_ratio of the folded names, 0–100 (see sorted_words)
COMPANY_SCORE = 90  # rapidfuzz ratio of the company keys (suffixes such as Inc dropped)
COMPANY_SUFFIXES = {
    "inc", "llc", "ltd", "limited", "gmbh", "ag", "sa", "sas", "sarl", "bv", "nv", "plc",
    "corp", "corporation", "co", "company", "the", "ab", "oy", "as", "srl", "spa", "pty",
}  # fmt: skip


@lru_cache(maxsize=65536)
def _company_score(a: str, b: str) -> float:
    """How alike two company keys are: "acme labs" and "acme lab" are; "globex 7" and
    "globex 0" are not."""
    return 100.0 if a == b else fuzz.ratio(a, b)


@lru_cache(maxsize=100_000)
def folded(value: str) -> str:
    """Lower case, no accents, letters and digits only: "Zoë Ångström" → "zoe angstrom"."""
    value = unicodedata.normalize("NFKD", value)
    value = "".join(ch for ch in value if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^\w]+", " ", value).split())


def company_key(company: str) -> str:
    words = [w for w in folded(company).split() if w not in COMPANY_SUFFIXES]
    return " ".join(words) or folded(company)


@dataclass
class Person:
    name: str  # folded "first last"
    company: str  # company_key
    label: str  # as shown to the user: "Dana Reyes (Acme)"


@dataclass
class Match:
    contact_id: int
    reason: str  # "the same e-mail dana@acme.com"


def sorted_words(name: str) -> str:
    """rapidfuzz's token_sort_ratio(a, b) is ratio(sorted_words(a), sorted_words(b)): the
    names are kept sorted once, instead of sorting each for every comparison."""
    return " ".join(sorted(name.split()))


@dataclass
class Block:
    """The people at one company: ids and names (words sorted) side by side, for rapidfuzz."""

    ids: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    def add(self, pk: int, name: str) -> None:
        self.ids.append(pk)
        self.names.append(name)

    def remove(self, pk: int) -> None:
        at = self.ids.index(pk)
        del self.ids[at], self.names[at]

    def rename(self, old: int, new: int) -> None:
        self.ids[self.ids.index(old)] = new


@dataclass
class Index:
    by_email: dict[str, int] = field(default_factory=dict)
    by_url: dict[str, int] = field(default_factory=dict)
    people: dict[int, Person] = field(default_factory=dict)
    # First word of a company key → company key → its people. A row is compared only with
    # the people at companies whose key is close to its own.
    companies: dict[str, dict[str, Block]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Block))
    )
    # (company key, surname) → [(id, first name)]: "Rob" and "Robert" at the same company.
    surnames: dict[tuple[str, str], list[tuple[int, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    by_name: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    # What the batch being imported added, for rollback: (kind, container, key).
    _added: list[tuple[str, Any, Any]] = field(default_factory=list)
    _next_temp: int = -1

    @classmethod
    def load(cls, owner: Any) -> Index:
        index = cls()
        contacts = (
            Contact.objects.filter(owner=owner)
            .order_by()
            .values_list(
                "pk", "first_name", "last_name", "display_name", "company", *MATCH_URL_FIELDS
            )
        )
        for pk, first, last, display, company, *urls in contacts.iterator(chunk_size=5000):
            index._person(pk, first, last, display, company)
            for url in urls:
                if url:
                    index.by_url.setdefault(normal_url(url), pk)
        emails = ContactEmail.objects.filter(contact__owner=owner).order_by("pk")
        for address, pk in emails.values_list("address", "contact_id").iterator(chunk_size=5000):
            index.by_email.setdefault(address.lower(), pk)
        index._added.clear()
        return index

    def _remember(self, table: dict[Any, Any], key: Any, value: Any) -> None:
        if key not in table:
            table[key] = value
            self._added.append(("dict", table, key))

    def _person(self, pk: int, first: str, last: str, display: str, company: str) -> None:
        name = folded(f"{first} {last}") or folded(display)
        key = company_key(company)
        label = (display or f"{first} {last}".strip()) + (f" ({company})" if company else "")
        self._remember(self.people, pk, Person(name=name, company=key, label=label))
        if key and name:
            block = self.companies[key.split()[0]][key]
            block.add(pk, sorted_words(name))
            self._added.append(("block", block, pk))
            words = name.split()
            if len(words) > 1:
                pairs = self.surnames[(key, words[-1])]
                pairs.append((pk, words[0]))
                self._added.append(("pairs", pairs, pk))
        if name:
            self.by_name[name].append(pk)
            self._added.append(("list", self.by_name[name], pk))

    def exact(self, fields: dict[str, Any], emails: list[tuple[str, str]]) -> Match | None:
        for address, _label in emails:
            if (pk := self.by_email.get(address)) is not None:
                return Match(pk, f"the same e-mail {address}")
        for name in MATCH_URL_FIELDS:
            url = fields.get(name)
            if url and (pk := self.by_url.get(normal_url(url))) is not None:
                return Match(pk, f"the same profile URL {url}")
        return None

    def fuzzy(self, fields: dict[str, Any]) -> tuple[int, int] | None:
        """The most similar person by name at a similar company, or with the very same name
        when one of the two has no company: (contact id, name score 0–100) or None."""
        name = folded(f"{fields.get('first_name', '')} {fields.get('last_name', '')}")
        if not name:
            return None
        company = company_key(fields.get("company", ""))
        if not company:
            same = [pk for pk in self.by_name.get(name, ()) if self.people[pk].company]
            return (same[0], 100) if same else None
        best: tuple[int, int] | None = None
        words = name.split()
        query = sorted_words(name)
        for key, block in self.companies.get(company.split()[0], {}).items():
            if not block.ids or _company_score(company, key) < COMPANY_SCORE:
                continue
            found = process.extractOne(
                query, block.names, scorer=fuzz.ratio, processor=None, score_cutoff=NAME_SCORE
            )
            if found and (best is None or found[1] > best[1]):
                best = (block.ids[found[2]], round(found[1]))
            if best is None and len(words) > 1 and len(words[0]) >= 3:
                # "Rob Smith" and "Robert Smith": one first name starts the other.
                for pk, first in self.surnames.get((key, words[-1]), ()):
                    if first.startswith(words[0]) or words[0].startswith(first):
                        best = (pk, NAME_SCORE)
                        break
        if best is not None:
            return best
        same = [pk for pk in self.by_name.get(name, ()) if not self.people[pk].company]
        return (same[0], 100) if same else None

    def add(self, fields: dict[str, Any], emails: list[tuple[str, str]]) -> int:
        """Adds a row about to become a contact; returns its temporary (negative) id."""
        temp = self._next_temp
        self._next_temp -= 1
        self._person(
            temp,
            fields.get("first_name", ""),
            fields.get("last_name", ""),
            fields.get("display_name", ""),
            fields.get("company", ""),
        )
        self.extend(temp, fields, emails)
        return temp

    def extend(self, pk: int, fields: dict[str, Any], emails: list[tuple[str, str]]) -> None:
        """What a contact gained from a row becomes findable too."""
        for address, _label in emails:
            self._remember(self.by_email, address, pk)
        for name in MATCH_URL_FIELDS:
            if url := fields.get(name):
                self._remember(self.by_url, normal_url(url), pk)

    def label(self, pk: int) -> str:
        person = self.people.get(pk)
        return person.label if person else "a contact"

    def commit(self, real_ids: dict[int, int]) -> None:
        """The batch is saved: temporary ids become the contacts' ids."""
        for kind, container, key in self._added:
            if key not in real_ids and kind != "dict":
                continue
            if kind == "block":
                container.rename(key, real_ids[key])
            elif kind == "pairs":
                at = next(i for i, (pk, _first) in enumerate(container) if pk == key)
                container[at] = (real_ids[key], container[at][1])
            elif kind == "list":
                container[container.index(key)] = real_ids[key]
            elif container is self.people:
                if key in real_ids:
                    self.people[real_ids[key]] = self.people.pop(key)
            elif container.get(key) in real_ids:
                container[key] = real_ids[container[key]]
        self._added.clear()

    def rollback(self) -> None:
        """The batch was not saved: forget what it added."""
        for kind, container, key in reversed(self._added):
            if kind == "block":
                container.remove(key)
            elif kind == "pairs":
                container[:] = [pair for pair in container if pair[0] != key]
            elif kind == "list":
                container.remove(key)
            else:
                container.pop(key, None)
        self._added.clear()
