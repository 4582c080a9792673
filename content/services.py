"""Saving a piece of content, and the *social* interaction of each person who engaged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from contacts.models import Channel, Contact, Interaction, Kind
from contacts.services import (
    interactions_removed_refresh,
    interactions_written_refresh,
    named_for,
)
from content.models import CHANNEL_OF, Piece, Topic


@transaction.atomic
def piece_save(
    *, piece: Piece, topic_names: Iterable[str], engaged: Sequence[Contact], today: dt.date
) -> Piece:
    """Saves the piece, its topics and who engaged. Each person newly marked as engaged gets
    one *social* interaction on the day it was shared (in one bulk INSERT); someone unmarked
    loses the one this piece gave them. Their check-ins and strength follow, set-based."""
    if any(c.owner_id != piece.owner_id for c in engaged):
        raise PermissionError("Every contact must belong to the piece's owner.")
    if piece.community_id and piece.community.owner_id != piece.owner_id:
        raise PermissionError("The community must be one of the owner's.")
    piece.save()
    piece.topics.set(named_for(Topic, owner=piece.owner, names=topic_names))
    wanted = {c.pk: c for c in engaged}
    given = dict(Interaction.objects.filter(piece=piece).values_list("sole_contact_id", "pk"))
    gone = [pk for contact_pk, pk in given.items() if contact_pk not in wanted]
    Interaction.objects.filter(pk__in=gone).delete()
    new = [c for pk, c in wanted.items() if pk not in given]
    interactions = Interaction.objects.bulk_create(
        Interaction(
            owner_id=piece.owner_id,
            sole_contact=person,
            occurred_on=piece.published_on,
            kind=Kind.SOCIAL,
            channel=CHANNEL_OF.get(piece.platform, Channel.OTHER),
            community_id=piece.community_id,
            notes=f"Engaged with “{piece.title}”",
            piece=piece,
        )
        for person in new
    )
    Link = Interaction.contacts.through
    Link.objects.bulk_create(
        Link(interaction=i, contact=p) for i, p in zip(interactions, new, strict=True)
    )
    piece.engaged.set(list(wanted.values()))
    if new:
        interactions_written_refresh(contact_ids=[p.pk for p in new], today=today)
    removed = [contact_pk for contact_pk in given if contact_pk not in wanted and contact_pk]
    if removed:
        interactions_removed_refresh(contact_ids=removed, today=today)
    return piece


@transaction.atomic
def piece_delete(*, piece: Piece, today: dt.date) -> None:
    """Deletes the piece and the social interactions it gave; their people's numbers follow."""
    people = list(Interaction.objects.filter(piece=piece).values_list("sole_contact_id", flat=True))
    Interaction.objects.filter(piece=piece).delete()
    piece.delete()
    interactions_removed_refresh(contact_ids=[pk for pk in people if pk], today=today)


def owner_topics(owner: Any) -> list[str]:
    return list(Topic.objects.filter(owner=owner).values_list("name", flat=True))
