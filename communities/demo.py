"""Where the demo networker shows up: a few communities with the people known from them and
some of the demo year's conversations placed there, three events (one logged, one yesterday
waiting to be logged, one ahead) and a content history with engagement, so the pages show
something from the start."""

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


# title, kind, platform, days ago, topics, reactions, comments, shares, followers, engaged
DEMO_CONTENT = [
    (
        "What I learned moving into payments",
        "article",
        "linkedin",
        52,
        "payments, career",
        84,
        17,
        6,
        9,
        3,
    ),
    (
        "Five questions for a product interview",
        "post",
        "linkedin",
        38,
        "product, career",
        41,
        9,
        2,
        4,
        2,
    ),
    ("Open banking in one diagram", "post", "x", 30, "payments", 22, 3, 5, 2, 1),
    ("Pricing experiments that worked", "talk", "stage", 21, "product", 0, 12, 0, 15, 2),
    (
        "A reading list for fintech PMs",
        "newsletter",
        "newsletter",
        9,
        "payments, product",
        0,
        5,
        3,
        6,
        1,
    ),
    ("Thread: roadmaps without dates", "thread", "forum", 4, "product", 13, 21, 0, 0, 2),
]


def demo_content_load(*, owner: Any, today: dt.date) -> int:
    """A content history with engagement, added once (when the owner has none)."""
    from content.models import Piece
    from content.services import piece_save

    if Piece.objects.filter(owner=owner).exists():
        return 0
    known = list(Contact.objects.filter(owner=owner, archived=False).order_by("-strength", "pk"))
    start = 20
    for (
        title,
        kind,
        platform,
        days,
        topics,
        reactions,
        comments,
        shares,
        followers,
        n,
    ) in DEMO_CONTENT:
        piece = Piece(
            owner=owner,
            title=title,
            kind=kind,
            platform=platform,
            published_on=today - dt.timedelta(days=days),
            reactions=reactions,
            comments=comments,
            shares=shares,
            new_followers=followers,
        )
        piece_save(
            piece=piece,
            topic_names=topics.split(", "),
            engaged=known[start : start + n],
            today=today,
        )
        start += n
    return len(DEMO_CONTENT)
