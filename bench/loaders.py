"""The bench users' bulk data: bench-user-1…N@example.com, each with N contacts and M
interactions over the last year, built fast (`seed_demo --users N --contacts C --interactions I`,
which `python -m bench` runs; bench/README.md).

Names, companies and kinds come from the demo network's vocabulary (`contacts/demo.py`); rows go
in with `bulk_create` in large batches, the interactions with COPY on PostgreSQL; the derived
columns are refreshed once for all users at the end.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Profile, User
from contacts.demo import (
    BATCH_SIZE,
    BENCH_EMAIL,
    CHANNEL_WEIGHTS,
    COMPANIES,
    DEMO_PASSWORD,
    DURATIONS,
    HISTORY_DAYS,
    KIND_WEIGHTS,
    LOCATIONS,
    OVERDUE_SHARE,
    SEED,
    SOURCE_WEIGHTS,
    TAGS,
    TITLES,
    Created,
    bulk_insert,
    circle_sequence,
    derived_refresh,
    invented_name,
    pick,
    tags_ensure,
)
from contacts.models import Circle, Contact, ContactEmail, Initiator, Interaction

# How much more often than an extended contact each circle is seen, for the bulk data.
BENCH_CIRCLE_WEIGHT = {
    Circle.INNER: 20.0,
    Circle.CLOSE: 8.0,
    Circle.ACTIVE: 3.0,
    Circle.EXTENDED: 1.0,
    Circle.ACQUAINTANCE: 0.3,
}


def _weighted_table(weights: dict[str, int], make: Callable[[str], Any]) -> list[Any]:
    """A list where each item appears as often as its weight: one index draws from it."""
    return [make(key) for key, weight in weights.items() for _ in range(weight)]


def _bench_kinds(rng: random.Random) -> list[tuple[str, str, int | None]]:
    kinds = _weighted_table(KIND_WEIGHTS[Circle.CLOSE], lambda kind: kind)
    table = []
    for kind in kinds:
        channel = pick(rng, CHANNEL_WEIGHTS[kind])
        low, high = DURATIONS.get(kind, (0, 0))
        table.append((kind, channel, rng.randrange(low, high + 1, 5) if high else None))
    return table


def bench_users_load(
    *,
    users: int,
    contacts: int,
    interactions: int,
    today: dt.date,
    seed: int = SEED,
    progress: Callable[[str], None] | None = None,
) -> Created:
    """Creates bench-user-1…N@example.com that do not exist yet, each with `contacts`
    contacts and `interactions` interactions spread over them; then one refresh of the
    derived columns for all of them. All in one transaction."""
    started = time.perf_counter()
    created = Created()
    emails = {BENCH_EMAIL.format(n=n): n for n in range(1, users + 1)}
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    missing = {email: n for email, n in emails.items() if email not in existing}
    if not missing:
        return created
    with transaction.atomic():
        # One hash for every bench user: the password hasher is slow on purpose.
        password = make_password(DEMO_PASSWORD)
        new_users = bulk_insert(
            User,
            [
                User(email=email, name=f"Bench User {n}", password=password)
                for email, n in missing.items()
            ],
        )
        Profile.objects.bulk_create([Profile(user=u) for u in new_users], batch_size=BATCH_SIZE)
        created.users = len(new_users)
        started = created.timed("users", started)
        for user in new_users:
            rng = random.Random(f"{seed}:{user.email}")
            owned = _bench_contacts(rng, user, contacts, today, created)
            started = created.timed("contacts", started)
            _bench_interactions(rng, user, owned, interactions, today, created, progress)
            started = created.timed("interactions", started)
        derived_refresh(
            contacts=Contact.objects.filter(owner__in=new_users), today=today, created=created
        )
        started = time.perf_counter()
    # The deferred foreign-key checks of every row run here.
    created.timed("commit", started)
    return created


def _bench_contacts(
    rng: random.Random, user: User, count: int, today: dt.date, created: Created
) -> list[tuple[int, str]]:
    """`count` contacts with emails and tags on some; returns (pk, circle) of each."""
    tags = [tag.pk for tag in tags_ensure(user, TAGS, created).values()]
    circles = circle_sequence(count, rng)
    sources = _weighted_table(SOURCE_WEIGHTS, lambda source: source)
    owned: list[tuple[int, str]] = []
    for at in range(0, count, BATCH_SIZE):
        rows = []
        for circle in circles[at : at + BATCH_SIZE]:
            first, last = invented_name(rng)
            company, industry = COMPANIES[int(rng.random() * len(COMPANIES))]
            rows.append(
                Contact(
                    owner_id=user.pk,
                    first_name=first,
                    last_name=last,
                    company=company,
                    industry=industry,
                    title=TITLES[int(rng.random() * len(TITLES))],
                    location=LOCATIONS[int(rng.random() * len(LOCATIONS))],
                    source=sources[int(rng.random() * len(sources))],
                    met_on=today - dt.timedelta(days=rng.randint(30, 3000)),
                    circle=circle,
                )
            )
        bulk_insert(Contact, rows)
        TagLink = Contact.tags.through
        TagLink.objects.bulk_create(
            [
                TagLink(contact_id=row.pk, tag_id=tags[int(rng.random() * len(tags))])
                for row in rows
                if rng.random() < 0.3
            ],
            batch_size=BATCH_SIZE,
        )
        ContactEmail.objects.bulk_create(
            [
                ContactEmail(
                    contact_id=row.pk,
                    address=f"{row.first_name}.{row.last_name}.{at + n}@mail.example".lower(),
                    label="work",
                    is_primary=True,
                )
                for n, row in enumerate(rows)
                if rng.random() < 0.5
            ],
            batch_size=BATCH_SIZE,
        )
        owned += [(row.pk, row.circle) for row in rows]
    created.contacts += count
    return owned


# One interaction of the bulk data: owner, day, kind, channel, initiator, minutes, quality;
# and the pks of the contacts it was with.
InteractionRow = tuple[int, dt.date, str, str, str, int | None, int]


def _bench_interactions(
    rng: random.Random,
    user: User,
    owned: Sequence[tuple[int, str]],
    count: int,
    today: dt.date,
    created: Created,
    progress: Callable[[str], None] | None,
) -> None:
    done = 0
    for rows, withs in _interaction_batches(rng, user.pk, owned, count, today):
        interactions_write(rows, withs)
        done += len(rows)
        if progress is not None:
            progress(f"{user.email}: {done:,} of {count:,} interactions")
    created.interactions += done


def _interaction_batches(
    rng: random.Random,
    owner_id: int,
    owned: Sequence[tuple[int, str]],
    count: int,
    today: dt.date,
) -> Iterator[tuple[list[InteractionRow], list[list[int]]]]:
    """`count` interactions over the last year, closer circles more often; a fifth of the
    contacts have gone quiet for months, so some check-ins are overdue."""
    if not owned or count <= 0:
        return
    cum_weights = []
    total = 0.0
    for _, circle in owned:
        total += BENCH_CIRCLE_WEIGHT[circle]
        cum_weights.append(total)
    quiet = [rng.randint(60, 300) if rng.random() < OVERDUE_SHARE else 0 for _ in owned]
    days = [today - dt.timedelta(days=n) for n in range(HISTORY_DAYS)]
    kinds = _bench_kinds(rng)
    qualities = [1, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5]
    positions = range(len(owned))
    done = 0
    while done < count:
        size = min(BATCH_SIZE * 4, count - done)
        rows: list[InteractionRow] = []
        withs: list[list[int]] = []
        for position in rng.choices(positions, cum_weights=cum_weights, k=size):
            silent = quiet[position]
            kind, channel, duration = kinds[int(rng.random() * len(kinds))]
            rows.append(
                (
                    owner_id,
                    days[silent + int(rng.random() * (HISTORY_DAYS - silent))],
                    kind,
                    channel,
                    Initiator.THEM if rng.random() < 0.35 else Initiator.ME,
                    duration,
                    qualities[int(rng.random() * len(qualities))],
                )
            )
            other = int(rng.random() * len(owned))
            # One in twenty is with two people.
            if rng.random() < 0.05 and other != position:
                withs.append([owned[position][0], owned[other][0]])
            else:
                withs.append([owned[position][0]])
        yield rows, withs
        done += size


def interactions_write(rows: Sequence[InteractionRow], withs: Sequence[Sequence[int]]) -> None:
    """Inserts interactions and their through-table rows. On PostgreSQL with COPY: Django's
    bulk_create costs about 0.1 ms a row in Python (compiling 13 columns), which is 150 s
    for a million interactions on a small machine; COPY takes a tenth of that."""
    with connection.cursor() as cursor:
        if copy_available(cursor):
            _interactions_copy(cursor, rows, withs)
            return
    objs = bulk_insert(
        Interaction,
        [
            Interaction(
                owner_id=owner,
                occurred_on=day,
                kind=kind,
                channel=channel,
                initiated_by=initiator,
                duration_minutes=minutes,
                quality=quality,
                sole_contact_id=contact_ids[0] if len(contact_ids) == 1 else None,
            )
            for (owner, day, kind, channel, initiator, minutes, quality), contact_ids in zip(
                rows, withs, strict=True
            )
        ],
    )
    Link = Interaction.contacts.through
    Link.objects.bulk_create(
        [
            Link(interaction_id=obj.pk, contact_id=contact_id)
            for obj, contact_ids in zip(objs, withs, strict=True)
            for contact_id in contact_ids
        ],
        batch_size=BATCH_SIZE,
    )


def copy_available(cursor: Any) -> bool:
    return connection.vendor == "postgresql" and hasattr(cursor, "copy_expert")


def _interactions_copy(
    cursor: Any, rows: Sequence[InteractionRow], withs: Sequence[Sequence[int]]
) -> None:
    quote = connection.ops.quote_name
    table = Interaction._meta.db_table
    link_table = Interaction.contacts.through._meta.db_table
    # Take the keys from the table's own sequence, so the links can name them.
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [quote(table), len(rows)],
    )
    pks = [pk for (pk,) in cursor.fetchall()]
    null, now = r"\N", timezone.now().isoformat()
    # Columns in the order written below; outcome and notes empty, not private.
    columns = "id, owner_id, occurred_on, kind, channel, initiated_by, duration_minutes, "
    columns += "quality, outcome, outcome_value, notes, private, created_at, sole_contact_id"
    data = io.StringIO()
    links = io.StringIO()
    for pk, (owner, day, kind, channel, initiator, minutes, quality), contact_ids in zip(
        pks, rows, withs, strict=True
    ):
        minutes_text = null if minutes is None else minutes
        sole = contact_ids[0] if len(contact_ids) == 1 else null
        data.write(
            f"{pk}\t{owner}\t{day}\t{kind}\t{channel}\t{initiator}\t{minutes_text}\t"
            f"{quality}\t\t{null}\t\tf\t{now}\t{sole}\n"
        )
        for contact_id in contact_ids:
            links.write(f"{pk}\t{contact_id}\n")
    data.seek(0)
    links.seek(0)
    cursor.copy_expert(f"COPY {quote(table)} ({columns}) FROM STDIN", data, 1 << 20)
    cursor.copy_expert(
        f"COPY {quote(link_table)} (interaction_id, contact_id) FROM STDIN", links, 1 << 20
    )


BENCH_MEMBERS = 1_000
BENCH_PLACED = 500
BENCH_PIECES = 100


def bench_showing_up_load(*, owners: Sequence[User], today: dt.date) -> int:
    """For each bench user without one: a community of `BENCH_MEMBERS` of their contacts with
    their latest `BENCH_PLACED` interactions placed there, and `BENCH_PIECES` pieces of content,
    each engaged with by three people whose earlier interactions it is then said to have
    started (the profile keeps its number of interactions). The community and content pages
    are then timed at size. Returns how many users gained them."""
    from communities.models import Community
    from contacts.services import named_for
    from content.models import Piece, Topic

    added = 0
    for owner in owners:
        if Community.objects.filter(owner=owner).exists():
            continue
        people = list(Contact.objects.filter(owner=owner).order_by("pk")[:BENCH_MEMBERS])
        community = Community.objects.create(
            owner=owner, name="Bench community", platform="slack", minutes_per_week=120
        )
        Member = Community.members.through
        Member.objects.bulk_create(Member(community=community, contact=c) for c in people)
        latest = Interaction.objects.filter(owner=owner).order_by("-occurred_on", "-pk")
        placed = list(latest.values_list("pk", flat=True)[:BENCH_PLACED])
        Interaction.objects.filter(pk__in=placed).update(community=community)
        rng = random.Random(owner.pk)
        topics = named_for(Topic, owner=owner, names=["payments", "product", "careers", "data"])
        pieces = Piece.objects.bulk_create(
            Piece(
                owner=owner,
                title=f"Bench piece {n}",
                platform=rng.choice(["linkedin", "x", "blog", "newsletter"]),
                published_on=today - dt.timedelta(days=n * 3),
                reactions=rng.randint(0, 200),
                comments=rng.randint(0, 40),
                shares=rng.randint(0, 20),
            )
            for n in range(BENCH_PIECES)
        )
        Piece.topics.through.objects.bulk_create(
            Piece.topics.through(piece=p, topic=t) for p in pieces for t in rng.sample(topics, 2)
        )
        engaged = [(p, rng.sample(people, min(3, len(people)))) for p in pieces]
        Piece.engaged.through.objects.bulk_create(
            Piece.engaged.through(piece=p, contact=c) for p, who in engaged for c in who
        )
        for piece, who in engaged:
            started = latest.filter(sole_contact__in=who)
            Interaction.objects.filter(
                pk__in=list(started.values_list("pk", flat=True)[:3])
            ).update(piece=piece)
        added += 1
    return added
