"""The demo networker's communities and events: a few groups, the people known from them,
some of the demo year's conversations placed there, and three events (one logged, one
yesterday waiting to be logged, one ahead), so the pages show something from the start."""

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


def demo_events_load(*, owner: Any, today: dt.date) -> int:
    """A meetup last month with its people logged, one yesterday not logged yet (Today asks),
    and one next week; added once (when the owner has none)."""
    from events.models import Event, Status
    from events.services import event_met_log

    if Event.objects.filter(owner=owner).exists():
        return 0
    zone = owner.profile.zone
    communities = list(Community.objects.filter(owner=owner).order_by("pk"))
    meetup = next((c for c in communities if c.platform == Platform.MEETUP), None)

    def at(days: int, hour: int) -> dt.datetime:
        return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour), tzinfo=zone)

    known = list(Contact.objects.filter(owner=owner, archived=False).order_by("-strength", "pk"))
    past = Event.objects.create(
        owner=owner,
        name="Fintech product night",
        starts_at=at(-30, 19),
        timezone=owner.profile.timezone,
        place="The Loft",
        community=meetup,
        status=Status.GOING,
    )
    event_met_log(
        event=past,
        contacts=known[10:13],
        new_people=[],
        quality=4,
        notes="Talked about open banking.",
        follow_up_on=None,
        follow_up_about="",
        today=today,
    )
    yesterday = Event.objects.create(
        owner=owner,
        name="Payments meetup",
        starts_at=at(-1, 18),
        timezone=owner.profile.timezone,
        place="Station F",
        community=meetup,
        status=Status.GOING,
        to_meet="The speaker from the payments team\nSomeone hiring product managers",
    )
    yesterday.going_with.set(known[13:15])
    upcoming = Event.objects.create(
        owner=owner,
        name="Product leaders summit",
        starts_at=at(7, 9),
        timezone=owner.profile.timezone,
        place="Conference centre",
        status=Status.CONSIDERING,
        cost=120,
    )
    upcoming.going_with.set(known[15:16])
    return 3
