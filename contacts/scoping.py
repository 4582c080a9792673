"""The one way a view reaches a user's contacts and interactions: anything else is a 404."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from contacts.models import Contact, ContactQuerySet, Interaction, InteractionQuerySet


def contacts_for(user: object) -> ContactQuerySet:
    return Contact.objects.owned_by(user)  # type: ignore[arg-type]


def get_contact_for(user: object, pk: int) -> Contact:
    return get_object_or_404(contacts_for(user), pk=pk)


def interactions_for(user: object) -> InteractionQuerySet:
    return Interaction.objects.owned_by(user)  # type: ignore[arg-type]


def get_interaction_for(user: object, pk: int) -> Interaction:
    return get_object_or_404(interactions_for(user), pk=pk)
