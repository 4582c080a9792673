"""The one way a view reaches a user's contacts and interactions: anything else is a 404."""

from __future__ import annotations

from django.db.models import Case, Q, Value, When
from django.shortcuts import get_object_or_404

from contacts.models import Contact, ContactQuerySet, Interaction, InteractionQuerySet
from contacts.search import normalise


def contacts_for(user: object) -> ContactQuerySet:
    return Contact.objects.owned_by(user)  # type: ignore[arg-type]


def get_contact_for(user: object, pk: int) -> Contact:
    """The user's contact `pk`, or a 404."""
    return get_object_or_404(contacts_for(user), pk=pk)


def interactions_for(user: object) -> InteractionQuerySet:
    return Interaction.objects.owned_by(user)  # type: ignore[arg-type]


def get_interaction_for(user: object, pk: int) -> Interaction:
    return get_object_or_404(interactions_for(user), pk=pk)


def contacts_matching(user: object, query: str, *, limit: int = 10) -> ContactQuerySet:
    """The user's active contacts whose text holds `query`, compared folded as the contact
    list's search does ("muller" finds "Müller", "ZOE" finds "Zoë"): those whose name or
    company holds it as typed first, then the strongest. What the pickers offer as someone
    types."""
    folded = normalise(query.strip())
    if not folded:
        return Contact.objects.none()  # type: ignore[return-value]
    named = (
        Q(first_name__icontains=query)
        | Q(last_name__icontains=query)
        | Q(display_name__icontains=query)
        | Q(company__icontains=query)
    )
    return (
        contacts_for(user)
        .active()
        .filter(search_text__contains=folded)
        .annotate(as_typed=Case(When(named, then=Value(0)), default=Value(1)))
        .order_by("as_typed", "-strength", "first_name")[:limit]
    )
