"""The demo networker's communities: a few groups, the people known from them, and some of
the demo year's conversations placed there, so the pages show something from the start."""

from __future__ import annotations

import datetime as dt
from typing import Any

from communities.models import Community, Platform, Role
from contacts.models import Contact, Interaction, Kind

# name, platform, role, minutes a week, members, conversations placed there
DEMO_COMMUNITIES = [
    ("Fintech founders Slack", Platform.SLACK, Role.CONTRIBUTOR, 60, 9, 8),
    ("Product leaders meetup", Platform.MEETUP, Role.MEMBER, 90, 7, 6),
    ("University alumni network", Platform.ALUMNI, Role.MEMBER, 15, 5, 3),
]


def demo_communities_load(*, owner: Any, today: dt.date) -> int:
    """Added once (when the owner has none); returns how many were added."""
    if Community.objects.filter(owner=owner).exists():
        return 0
    people = list(
        Contact.objects.filter(owner=owner, archived=False)
        .exclude(last_interaction_on=None)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    start = 0
    for name, platform, role, minutes, size, placed in DEMO_COMMUNITIES:
        members = people[start : start + size]
        start += size
        community = Community.objects.create(
            owner=owner, name=name, platform=platform, role=role, minutes_per_week=minutes
        )
        community.members.add(*members)
        # Their most recent meetings and events happened there.
        there = (
            Interaction.objects.filter(
                owner=owner,
                sole_contact__in=members,
                kind__in=[Kind.MEETING, Kind.EVENT],
                occurred_on__lte=today,
            )
            .order_by("-occurred_on", "-pk")
            .values_list("pk", flat=True)[:placed]
        )
        Interaction.objects.filter(pk__in=list(there)).update(community=community)
    return len(DEMO_COMMUNITIES)
