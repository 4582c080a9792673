"""Which objectives a piece of work with some contacts may have served."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, Exists, OuterRef, Q

from contacts.models import Contact
from goals.models import Objective


def objectives_for_contacts(
    objectives: Sequence[Objective], contact_ids: Sequence[int]
) -> set[int]:
    """The objectives whose audience (when they name one) or target contacts include at least
    one of the contacts: one query whatever the number of objectives. Pass objectives with
    their audience tags prefetched."""
    if not objectives or not contact_ids:
        return set()
    counts = {}
    for objective in objectives:
        targeted = Exists(
            Objective.targets.through.objects.filter(contact=OuterRef("pk"), objective=objective.pk)
        )
        condition = Q(targeted)
        if objective.has_audience:
            condition |= objective.audience_q()
        counts[f"o{objective.pk}"] = Count("pk", filter=condition)
    found = Contact.objects.filter(pk__in=contact_ids).aggregate(**counts)
    return {o.pk for o in objectives if found[f"o{o.pk}"]}
