"""The relationship map: the strongest contacts as nodes, joined by who introduced whom
and by shared companies. The page renders the same contacts as a table; map.js draws the
graph from `map_data`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from contacts.models import Circle, Contact, ContactQuerySet, Tag
from contacts.scoping import contacts_for

DEFAULT_LIMIT = 150
MAX_LIMIT = 1000


class MapFilterForm(forms.Form):
    circle = forms.ChoiceField(choices=[("", "All circles"), *Circle.choices], required=False)
    tag = forms.ModelChoiceField(Tag.objects.none(), required=False, empty_label="All tags")
    limit = forms.IntegerField(required=False)

    def __init__(self, data: Any, *, owner: object) -> None:
        super().__init__(data)
        self.fields["tag"].queryset = Tag.objects.filter(owner=owner)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class MapFilters:
    circle: str = ""
    tag: Tag | None = None
    limit: int = DEFAULT_LIMIT

    @classmethod
    def from_request(cls, request: HttpRequest) -> tuple[MapFilters, MapFilterForm]:
        """Bad values are dropped rather than reported: every value comes from our own links."""
        form = MapFilterForm(request.GET, owner=request.user)
        form.is_valid()
        data = form.cleaned_data
        limit = data.get("limit") or DEFAULT_LIMIT
        return cls(
            circle=data.get("circle") or "",
            tag=data.get("tag"),
            limit=max(1, min(limit, MAX_LIMIT)),
        ), form

    @property
    def active(self) -> bool:
        return bool(self.circle or self.tag)

    def query(self, **changes: Any) -> str:
        values = {"circle": self.circle, "tag": self.tag.pk if self.tag else "", "limit": ""}
        if self.limit != DEFAULT_LIMIT:
            values["limit"] = self.limit
        values.update(changes)
        return urlencode({key: value for key, value in values.items() if value})


def map_contacts(owner: object, filters: MapFilters) -> tuple[list[Contact], int]:
    """The `limit` strongest active contacts that pass the filters, and how many pass them.

    Two queries whatever the size of the network.
    """
    contacts: ContactQuerySet = contacts_for(owner).active()
    if filters.circle:
        contacts = contacts.filter(circle=filters.circle)
    if filters.tag:
        # A contact holds a tag at most once, so this join adds no duplicates.
        contacts = contacts.filter(tags=filters.tag)
    total = contacts.count()
    strongest = list(
        contacts.select_related("introduced_by")
        .only(
            "first_name",
            "last_name",
            "display_name",
            "company",
            "circle",
            "strength",
            "introduced_by__first_name",
            "introduced_by__last_name",
            "introduced_by__display_name",
            "introduced_by__archived",
            "introduced_by__owner",
        )
        .order_by("-strength", "first_name", "last_name", "pk")[: filters.limit]
    )
    return strongest, total


def map_edges(contacts: list[Contact]) -> list[dict[str, Any]]:
    """Edges among `contacts` (strongest first): introductions, then shared companies.

    Contacts at one company form a star around the strongest of them, so a company of n
    contacts adds n - 1 edges rather than a clique of n(n - 1) / 2.
    """
    shown = {contact.pk for contact in contacts}
    edges = [
        {"source": contact.introduced_by_id, "target": contact.pk, "kind": "introduced"}
        for contact in contacts
        if contact.introduced_by_id in shown
    ]
    hubs: dict[str, Contact] = {}
    for contact in contacts:
        key = contact.company.strip().casefold()
        if not key:
            continue
        hub = hubs.setdefault(key, contact)
        if hub is not contact:
            edges.append(
                {
                    "source": hub.pk,
                    "target": contact.pk,
                    "kind": "company",
                    "company": hub.company.strip(),
                }
            )
    return edges


def contact_url(pk: int) -> str:
    return reverse("contacts:detail", args=[pk])


def showing_text(shown: int, total: int) -> str:
    if shown < total:
        return f"Showing the {shown:,} strongest of {total:,} contacts"
    if total == 1:
        return "Showing your 1 contact"
    return f"Showing all {total:,} contacts"


def contact_map(request: HttpRequest) -> HttpResponse:
    filters, form = MapFilters.from_request(request)
    contacts, total = map_contacts(request.user, filters)
    for contact in contacts:
        contact.url = contact_url(contact.pk)  # type: ignore[attr-defined]
        introducer = contact.introduced_by
        if introducer and not introducer.archived and introducer.owner_id == request.user.pk:
            contact.introducer_url = contact_url(introducer.pk)  # type: ignore[attr-defined]
    # Only an empty result needs to know whether the filters or the network are to blame.
    network_empty = total == 0 and (
        not filters.active or not contacts_for(request.user).active().exists()
    )
    more = min(filters.limit * 2, MAX_LIMIT)
    query = filters.query()
    context: dict[str, Any] = {
        "filters": filters,
        "tags": form.fields["tag"].queryset,  # type: ignore[attr-defined]
        "circles": Circle.choices,
        "contacts": contacts,
        "total": total,
        "showing": showing_text(len(contacts), total),
        "network_empty": network_empty,
        "data_url": f"{reverse('contacts:map_data')}?{query}"
        if query
        else reverse("contacts:map_data"),
        "more_url": "",
        "circle_label": Circle(filters.circle).label if filters.circle else "",
        "default_limit": DEFAULT_LIMIT,
        "max_limit": f"{MAX_LIMIT:,}",
    }
    if len(contacts) < total and filters.limit < MAX_LIMIT:
        context["more_url"] = f"?{filters.query(limit=more)}"
        context["more_label"] = (
            f"Show all {total:,}" if more >= total else f"Show the {more:,} strongest"
        )
    return render(request, "contacts/map.html", context)


@never_cache
def map_data(request: HttpRequest) -> JsonResponse:
    filters, _ = MapFilters.from_request(request)
    contacts, total = map_contacts(request.user, filters)
    nodes = [
        {
            "id": contact.pk,
            "name": contact.name,
            "company": contact.company,
            "circle": contact.circle,
            "strength": contact.strength,
            "url": contact_url(contact.pk),
        }
        for contact in contacts
    ]
    return JsonResponse(
        {
            "nodes": nodes,
            "edges": map_edges(contacts),
            "total": total,
            "shown": len(nodes),
            "limit": filters.limit,
            "showing": showing_text(len(nodes), total),
        }
    )
