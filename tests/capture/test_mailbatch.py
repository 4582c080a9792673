"""A mailbox batch logged at once leaves what capture_log, message by message, would leave:
items, people, review entries (times, first and last seen), interactions and their threads."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import Profile
from capture.mailbatch import Message, Taken, messages_log
from capture.models import CapturedItem, CapturedPerson, Direction, ReviewEntry, SourceKind
from capture.services import capture_log, ignore_rule_add, thread_key_for
from contacts.models import Channel, Interaction, Kind
from tests.capture.helpers import mail, person

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 15)


def batch(user) -> list[Message]:
    rows = [
        # (hours ago, outgoing, people, subject)
        (9, True, [("dana@example.com", "Dana")], "Lunch?"),
        (8, False, [("Dana@Example.com", "Dana S")], "Re: Lunch?"),
        (7, True, [("eve@example.org", "Eve"), ("dana@example.com", "")], "Intro"),
        (6, False, [("eve@example.org", "")], "Re: Intro"),
        (5, False, [("spam@ads.example", "Ads")], "Offer"),
        (4, True, [("frank@example.net", "Frank")], "Hello"),
        (3, True, [("frank@example.net", "Frank F")], "Other thing"),
        (2, True, [("gus@example.org", "Gus")], "Older thread"),
    ]
    return [
        Message(
            external_id=f"{user.pk}-{n}@example.org",
            occurred_at=NOW - dt.timedelta(hours=hours),
            people=people,
            outgoing=outgoing,
            summary=subject,
            thread_key=thread_key_for(
                user=user, subject=subject, occurred_at=NOW - dt.timedelta(hours=hours)
            ),
        )
        for n, (hours, outgoing, people, subject) in enumerate(rows)
    ]


def setup(user) -> None:
    person(user, "Dana", "dana@example.com")
    person(user, "Gus", "gus@example.org")
    ignore_rule_add(user=user, kind="domain", value="ads.example")
    ReviewEntry.objects.create(
        user=user,
        email="frank@example.net",
        source=SourceKind.FORWARD,
        first_seen=NOW - dt.timedelta(days=3),
        last_seen=NOW - dt.timedelta(days=3),
    )
    # An earlier message of the "Older thread", the same day, already logged.
    mail(
        user,
        f"{user.pk}-earlier@example.org",
        people=[("gus@example.org", "Gus")],
        summary="Older thread",
        occurred_at=NOW - dt.timedelta(hours=5),
        thread_key=thread_key_for(user=user, subject="Older thread", occurred_at=NOW),
    )


def one_by_one(user, messages: list[Message]) -> int:
    logged = 0
    for m in messages:
        logged += (
            capture_log(
                user=user,
                source=SourceKind.IMAP,
                source_id=None,
                external_id=m.external_id,
                occurred_at=m.occurred_at,
                people=m.people,
                kind=Kind.EMAIL,
                channel=Channel.EMAIL,
                direction=Direction.OUT if m.outgoing else Direction.IN,
                summary=m.summary,
                thread_key=m.thread_key,
                today=TODAY,
            )
            is not None
        )
    return logged


def state(user) -> dict:
    items = CapturedItem.objects.filter(user=user).order_by("occurred_at", "summary")
    groups: dict[int | None, list[str]] = {}
    for item in items:
        groups.setdefault(item.interaction_id, []).append(item.summary)
    return {
        "items": [(i.summary, i.direction, i.interaction_id is not None) for i in items],
        "people": sorted(
            CapturedPerson.objects.filter(item__user=user).values_list(
                "item__summary", "email", "name"
            )
        ),
        "review": sorted(
            ReviewEntry.objects.filter(user=user).values_list(
                "email", "name", "times", "first_seen", "last_seen", "status"
            )
        ),
        "threads": sorted(sorted(v) for k, v in groups.items() if k is not None),
        "interactions": sorted(
            (i.occurred_on, i.initiated_by, sorted(c.first_name for c in i.contacts.all()))
            for i in Interaction.objects.filter(owner=user)
        ),
    }


def test_a_batch_leaves_what_one_message_at_a_time_leaves(alice, bob):
    Profile.objects.filter(user=bob).update(timezone=alice.profile.timezone)  # the same days
    bob.refresh_from_db()
    setup(alice)
    setup(bob)
    batched = messages_log(user=alice, mailbox_id=None, messages=batch(alice), today=TODAY)
    single = one_by_one(bob, batch(bob))
    assert batched == single
    assert state(alice) == state(bob)


def test_a_message_captured_meanwhile_leaves_the_batch_to_capture_log(alice):
    setup(alice)
    messages = batch(alice)
    mail(alice, messages[3].external_id)
    with pytest.raises(Taken):
        messages_log(user=alice, mailbox_id=None, messages=messages, today=TODAY)
    assert CapturedItem.objects.filter(user=alice).count() == 2  # nothing of the batch
