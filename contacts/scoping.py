"""The one way a view reaches a user's contacts and interactions: anything else is a 404."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404

from contacts.models import Contact, ContactQuerySet, Interaction, InteractionQuerySet


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
    """The user's active contacts whose name or company holds `query`, strongest first: what
    the pickers offer as someone types."""
    if not query:
        return Contact.objects.none()  # type: ignore[return-value]
    named = (
        Q(first_name__icontains=query)
        | Q(last_name__icontains=query)
        | Q(display_name__icontains=query)
        | Q(company__icontains=query)
    )
    return contacts_for(user).active().filter(named).order_by("-strength", "first_name")[:limit]
