"""Sample data: the demo network shown after `make run` (the bench users' bulk data is
`bench/loaders.py`, built from the same vocabulary and helpers).

Everything comes from a seeded `random.Random`, so the same day gives the same network, and
every person's name is invented from syllables: no real person is meant. Rows go in with
`bulk_create` in large batches; the derived columns (strength, last interaction, next
check-in) are brought up to date once at the end with the set-based refreshes.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.models import Group
from django.db import connection, models, transaction

from accounts.models import Profile, User
from accounts.services import user_sign_up
from contacts.models import (
    DEFAULT_CADENCE_DAYS,
    Channel,
    Circle,
    Contact,
    ContactEmail,
    ContactPhone,
    Context,
    Initiator,
    Interaction,
    Kind,
    Outcome,
    Source,
    Tag,
)
from contacts.services import checkins_refresh
from contacts.strength import strength_refresh
from followups.models import FollowUp
from followups.services import followup_create

DEMO_PASSWORD = "networkcrm-demo"  # noqa: S105 (printed for the demo on purpose)
DEMO_USERS = {
    "owner": ("demo@example.com", "Demo Networker"),
    "coach": ("coach@example.com", "Demo Coach"),
    "operator": ("admin@example.com", "Demo Operator"),
}
# The bench users (made by bench/loaders.py through `seed_demo --users`; bench/ logs in as them).
BENCH_EMAIL = "bench-user-{n}@example.com"
SEED = 2026
DEMO_CONTACT_COUNT = 150
HISTORY_DAYS = 365
# Rows per INSERT. Large batches are what make a million interactions quick on PostgreSQL;
# Django lowers the size by itself where SQLite needs it.
BATCH_SIZE = 5000
# Contacts per strength_refresh call: keeps every `pk IN (…)` list short on any database.
REFRESH_CHUNK = 2000

# Invented names, built from syllables so no real person is meant.
GIVEN = ["Ar", "Bel", "Cor", "Dar", "El", "Fen", "Gal", "Hal", "Iv", "Jor", "Kel", "Lin"]
GIVEN += ["Mar", "Nor", "Or", "Per", "Ros", "Sel", "Tam", "Vel"]
GIVEN_END = ["a", "en", "is", "o", "an", "ie", "el", "yn"]
FAMILY = ["Ash", "Brook", "Clay", "Dale", "Fair", "Glen", "Hart", "Lake", "Oak", "Stone"]
FAMILY += ["Marsh", "Ridge", "Thorn", "West"]
FAMILY_END = ["ford", "ley", "ton", "wick", "field", "more"]

# Invented organisations and the industry each is in.
COMPANIES = [
    ("Brightpath Labs", "Software"),
    ("Harbor Analytics", "Data"),
    ("Kestrel Ventures", "Venture capital"),
    ("Lumen Health", "Healthcare"),
    ("Northgate Capital", "Finance"),
    ("Quillstone Media", "Media"),
    ("Riverbend Software", "Software"),
    ("Tidewater Consulting", "Consulting"),
    ("Copperleaf Pay", "Fintech"),
    ("Ferncrest Bank", "Fintech"),
    ("Solace Energy", "Climate"),
    ("Greenmantle Grid", "Climate"),
    ("Juniper Robotics", "Hardware"),
    ("Marlow Institute", "Education"),
    ("Oakhaven Studio", "Design"),
    ("Pinecrest Talent", "Recruiting"),
]
TITLES = [
    "Founder",
    "Co-founder & CEO",
    "Engineering Manager",
    "Staff Engineer",
    "Product Lead",
    "Head of Product",
    "Recruiter",
    "Talent Partner",
    "Partner",
    "Principal",
    "Designer",
    "Data Scientist",
    "Sales Director",
    "Operations Lead",
    "Researcher",
    "Consultant",
]
LOCATIONS = [
    "London",
    "Berlin",
    "Lisbon",
    "Amsterdam",
    "Paris",
    "Barcelona",
    "Stockholm",
    "New York",
    "Austin",
    "Toronto",
    "Singapore",
    "Nairobi",
    "Remote",
]
TAGS = ["fintech", "climate", "alumni", "hiring", "mentor", "investor", "speaker", "design"]
INDUSTRY_TAGS = {
    "Fintech": "fintech",
    "Finance": "fintech",
    "Climate": "climate",
    "Recruiting": "hiring",
    "Venture capital": "investor",
    "Design": "design",
}

# Demo contacts per circle (150 in all): a few close people, many loose ties.
CIRCLE_SHARES = {
    Circle.INNER: 8,
    Circle.CLOSE: 20,
    Circle.ACTIVE: 50,
    Circle.EXTENDED: 42,
    Circle.ACQUAINTANCE: 30,
}
# Days between two interactions: inner every 1–3 weeks, close about monthly, active about
# quarterly, extended rarely. Acquaintances get at most one.
RHYTHM_DAYS = {
    Circle.INNER: (7, 21),
    Circle.CLOSE: (21, 42),
    Circle.ACTIVE: (60, 120),
    Circle.EXTENDED: (150, 330),
}
# The share of contacts whose last interaction is deliberately too long ago (in the demo,
# exactly every fifth of each circle).
OVERDUE_SHARE = 0.2
THEIR_SHARE = {
    Circle.INNER: 0.5,
    Circle.CLOSE: 0.45,
    Circle.ACTIVE: 0.35,
    Circle.EXTENDED: 0.3,
    Circle.ACQUAINTANCE: 0.3,
}
QUALITY_MEAN = {
    Circle.INNER: 4.2,
    Circle.CLOSE: 3.8,
    Circle.ACTIVE: 3.4,
    Circle.EXTENDED: 3.0,
    Circle.ACQUAINTANCE: 2.8,
}
KIND_WEIGHTS = {
    Circle.INNER: {
        Kind.MEETING: 30,
        Kind.CALL: 20,
        Kind.MESSAGE: 25,
        Kind.EMAIL: 5,
        Kind.SOCIAL: 5,
        Kind.HELP_GIVEN: 5,
        Kind.HELP_RECEIVED: 5,
        Kind.EVENT: 3,
        Kind.INTRODUCTION: 2,
    },
    Circle.CLOSE: {
        Kind.MEETING: 25,
        Kind.CALL: 15,
        Kind.MESSAGE: 20,
        Kind.EMAIL: 15,
        Kind.SOCIAL: 8,
        Kind.HELP_GIVEN: 5,
        Kind.HELP_RECEIVED: 4,
        Kind.EVENT: 5,
        Kind.INTRODUCTION: 3,
    },
    Circle.ACTIVE: {
        Kind.MEETING: 15,
        Kind.CALL: 10,
        Kind.MESSAGE: 20,
        Kind.EMAIL: 25,
        Kind.SOCIAL: 12,
        Kind.EVENT: 10,
        Kind.INTRODUCTION: 4,
        Kind.HELP_GIVEN: 4,
    },
    Circle.EXTENDED: {
        Kind.EMAIL: 25,
        Kind.MESSAGE: 25,
        Kind.SOCIAL: 25,
        Kind.EVENT: 15,
        Kind.MEETING: 5,
        Kind.CALL: 5,
    },
    Circle.ACQUAINTANCE: {Kind.EVENT: 40, Kind.SOCIAL: 30, Kind.MESSAGE: 30},
}
CHANNEL_WEIGHTS = {
    Kind.MEETING: {Channel.IN_PERSON: 70, Channel.VIDEO: 30},
    Kind.CALL: {Channel.PHONE: 50, Channel.VIDEO: 50},
    Kind.MESSAGE: {
        Channel.LINKEDIN: 40,
        Channel.OTHER: 30,
        Channel.X: 10,
        Channel.INSTAGRAM: 10,
        Channel.FACEBOOK: 10,
    },
    Kind.EMAIL: {Channel.EMAIL: 1},
    Kind.EVENT: {Channel.EVENT: 1},
    Kind.SOCIAL: {Channel.LINKEDIN: 50, Channel.X: 25, Channel.INSTAGRAM: 15, Channel.FACEBOOK: 10},
    Kind.INTRODUCTION: {Channel.EMAIL: 80, Channel.LINKEDIN: 20},
    Kind.HELP_GIVEN: {
        Channel.VIDEO: 40,
        Channel.IN_PERSON: 30,
        Channel.PHONE: 20,
        Channel.EMAIL: 10,
    },
    Kind.HELP_RECEIVED: {
        Channel.VIDEO: 40,
        Channel.IN_PERSON: 30,
        Channel.PHONE: 20,
        Channel.EMAIL: 10,
    },
    Kind.NOTE: {Channel.OTHER: 1},
}
# Minutes, for the kinds where a length means something.
DURATIONS = {
    Kind.MEETING: (30, 120),
    Kind.CALL: (10, 60),
    Kind.EVENT: (60, 240),
    Kind.HELP_GIVEN: (30, 90),
    Kind.HELP_RECEIVED: (30, 90),
}
OUTCOME_SHARE = 0.04
# Outcome and the range of its value in euros; None: an outcome without a money value.
OUTCOME_VALUES: dict[str, tuple[int, int] | None] = {
    Outcome.OPPORTUNITY: (5_000, 120_000),
    Outcome.CLIENT: (2_000, 40_000),
    Outcome.REFERRAL: (1_000, 5_000),
    Outcome.JOB_LEAD: None,
    Outcome.COLLABORATION: None,
    Outcome.MENTORSHIP: None,
}
SOURCE_WEIGHTS = {
    Source.WORK: 25,
    Source.EVENT: 15,
    Source.CONFERENCE: 15,
    Source.LINKEDIN: 15,
    Source.REFERRAL: 12,
    Source.SCHOOL: 10,
    Source.OTHER: 8,
}
TOPICS = [
    "their Series A",
    "hiring a staff engineer",
    "the carbon accounting pilot",
    "moving to Lisbon",
    "the payments API migration",
    "a board seat",
    "their conference talk",
    "pricing for the new plan",
    "a climate fund they are raising",
    "remote team rituals",
    "the mentoring programme",
    "a product launch in spring",
]
EVENTS = ["Fintech Forum", "Climate Week", "the alumni dinner", "a product meetup", "DevDays"]
NOTES = {
    Kind.MEETING: ["Coffee near their office; talked about {topic}.", "Lunch: {topic}."],
    Kind.CALL: ["Caught up on {topic}.", "Call about {topic}."],
    Kind.MESSAGE: ["Quick note about {topic}.", "Congratulated them on {topic}."],
    Kind.EMAIL: ["Sent notes on {topic}.", "Followed up on {topic}."],
    Kind.EVENT: ["Saw them at {event}.", "Sat together at {event}; {topic}."],
    Kind.SOCIAL: ["Commented on their post about {topic}."],
    Kind.INTRODUCTION: ["Introduced them to a friend working on {topic}."],
    Kind.HELP_GIVEN: ["Reviewed their plan for {topic}."],
    Kind.HELP_RECEIVED: ["They gave feedback on {topic}."],
    Kind.NOTE: ["Worth asking about {topic} next time."],
}
CONTACT_NOTES = [
    "Met through {event}; always generous with intros.",
    "Thinks clearly about {topic}.",
    "Prefers short calls in the morning.",
    "Knows everyone in the {industry} scene here.",
]


def circle_sequence(count: int, rng: random.Random) -> list[str]:
    """`count` circles in CIRCLE_SHARES proportions (exact for 150), shuffled."""
    total = sum(CIRCLE_SHARES.values())
    sizes = {circle: count * share // total for circle, share in CIRCLE_SHARES.items()}
    sizes[Circle.ACTIVE] += count - sum(sizes.values())
    circles = [circle for circle, size in sizes.items() for _ in range(size)]
    rng.shuffle(circles)
    return circles


def invented_name(rng: random.Random) -> tuple[str, str]:
    return (rng.choice(GIVEN) + rng.choice(GIVEN_END), rng.choice(FAMILY) + rng.choice(FAMILY_END))


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def aware(day: dt.date, minutes: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)


# --- The demo network -------------------------------------------------------------------------


@dataclass
class PlannedContact:
    fields: dict[str, Any]
    tags: list[str]
    emails: list[tuple[str, str, bool]]  # address, label, primary
    phone: str
    introduced_by: int | None  # index of another planned contact
    added_on: dt.date

    @property
    def key(self) -> tuple[str, str]:
        return self.fields["first_name"], self.fields["last_name"]


@dataclass
class PlannedInteraction:
    contacts: list[int]  # indexes of planned contacts
    fields: dict[str, Any]


@dataclass
class DemoNetwork:
    contacts: list[PlannedContact] = field(default_factory=list)
    interactions: list[PlannedInteraction] = field(default_factory=list)


def demo_network(
    *, today: dt.date, count: int = DEMO_CONTACT_COUNT, seed: int = SEED
) -> DemoNetwork:
    """The same network every time for a given day: contacts, then twelve months of
    interactions ending today."""
    rng = random.Random(seed)
    network = DemoNetwork()
    start = today - dt.timedelta(days=HISTORY_DAYS - 1)
    seen: set[tuple[str, str]] = set()
    for index, circle in enumerate(circle_sequence(count, rng)):
        name = invented_name(rng)
        while name in seen:
            name = invented_name(rng)
        seen.add(name)
        network.contacts.append(_plan_contact(rng, index, name, circle, network, today, start))
    # Every fifth contact of a circle has gone quiet for longer than its cadence.
    in_circle: Counter[str] = Counter()
    for index, contact in enumerate(network.contacts):
        overdue = in_circle[contact.fields["circle"]] % 5 == 2
        in_circle[contact.fields["circle"]] += 1
        network.interactions += _plan_interactions(
            rng, index, contact, network, today, start, overdue=overdue
        )
    network.interactions.sort(key=lambda i: i.fields["occurred_on"])
    return network


def _plan_contact(
    rng: random.Random,
    index: int,
    name: tuple[str, str],
    circle: str,
    network: DemoNetwork,
    today: dt.date,
    start: dt.date,
) -> PlannedContact:
    first, last = name
    company, industry = rng.choice(COMPANIES)
    if rng.random() < 0.08:  # freelancers
        company = ""
    title = rng.choice(TITLES)
    source = pick(rng, SOURCE_WEIGHTS)
    # A few people were met during the year; the inner circle goes back years.
    new = circle != Circle.INNER and rng.random() < 0.15
    if new:
        met_on = today - dt.timedelta(days=rng.randint(10, HISTORY_DAYS - 20))
    elif source == Source.SCHOOL:
        met_on = today - dt.timedelta(days=rng.randint(6 * 365, 15 * 365))
    else:
        met_on = today - dt.timedelta(days=rng.randint(HISTORY_DAYS, 8 * 365))
    introducers = [
        i
        for i, c in enumerate(network.contacts)
        if c.fields["circle"] in (Circle.INNER, Circle.CLOSE, Circle.ACTIVE)
    ]
    introduced_by = None
    if source == Source.REFERRAL and introducers:
        introduced_by = rng.choice(introducers)

    tags = set()
    if industry in INDUSTRY_TAGS and company:
        tags.add(INDUSTRY_TAGS[industry])
    if source == Source.SCHOOL:
        tags.add("alumni")
    if "Recruit" in title or "Talent" in title:
        tags.add("hiring")
    if circle in (Circle.INNER, Circle.CLOSE) and rng.random() < 0.3:
        tags.add("mentor")
    if rng.random() < 0.15:
        tags.add(rng.choice(TAGS))

    local = f"{first}.{last}".lower()
    emails: list[tuple[str, str, bool]] = []
    roll = rng.random()
    if company and roll < 0.65:
        domain = company.lower().replace(" ", "") + ".example"
        emails.append((f"{local}@{domain}", "work", True))
        if rng.random() < 0.25:
            emails.append((f"{local}@mail.example", "personal", False))
    elif roll < 0.75:
        emails.append((f"{local}@mail.example", "personal", True))
    phone = ""
    if circle in (Circle.INNER, Circle.CLOSE):
        # 555-0100 to 555-0199 are reserved for fiction.
        phone = f"+1 555 01{index % 100:02d}"

    fields: dict[str, Any] = {
        "first_name": first,
        "last_name": last,
        "company": company,
        "title": title,
        "industry": industry if company else "",
        "location": rng.choice(LOCATIONS),
        "source": source,
        "met_on": met_on,
        "circle": circle,
        "notes": "",
        # Old school friends are both; one in thirty is a friend or family (no draw, so the
        # rest of the network stays the same for the same day).
        "context": Context.BOTH
        if source == Source.SCHOOL and circle in (Circle.INNER, Circle.CLOSE)
        else Context.PERSONAL
        if index % 30 == 7
        else Context.PROFESSIONAL,
    }
    if rng.random() < 0.3:
        fields["notes"] = rng.choice(CONTACT_NOTES).format(
            event=rng.choice(EVENTS), topic=rng.choice(TOPICS), industry=industry.lower()
        )
    if circle in (Circle.INNER, Circle.CLOSE) and rng.random() < 0.6:
        fields["birthday_month"] = rng.randint(1, 12)
        fields["birthday_day"] = rng.randint(1, 28)
    if circle == Circle.ACTIVE and rng.random() < 0.06:
        fields["cadence_days"] = 60  # someone worth a closer eye than their circle says
    if circle == Circle.ACQUAINTANCE and rng.random() < 0.07:
        fields["archived"] = True
    # Most of the network was entered in the first weeks; people met later, on the day.
    added_on = met_on if met_on >= start else start + dt.timedelta(days=rng.randint(0, 30))
    return PlannedContact(fields, sorted(tags), emails, phone, introduced_by, added_on)


def _plan_interactions(
    rng: random.Random,
    index: int,
    contact: PlannedContact,
    network: DemoNetwork,
    today: dt.date,
    start: dt.date,
    *,
    overdue: bool,
) -> list[PlannedInteraction]:
    circle = contact.fields["circle"]
    since = max(start, contact.fields["met_on"])
    days: list[dt.date] = []
    if circle == Circle.ACQUAINTANCE:
        if rng.random() < 0.4:
            days.append(since + dt.timedelta(days=rng.randint(0, (today - since).days)))
    else:
        cadence = contact.fields.get("cadence_days") or DEFAULT_CADENCE_DAYS[circle] or 180
        low, high = RHYTHM_DAYS[circle]
        if overdue:
            day = today - dt.timedelta(days=int(cadence * rng.uniform(1.3, 2.5)))
        else:
            day = today - dt.timedelta(days=rng.randint(0, max(1, cadence - 5)))
        while day >= since:
            days.append(day)
            day -= dt.timedelta(days=rng.randint(low, high))
        if since > start and since <= today and since not in days:
            days.append(since)  # the day they met, for people met this year

    planned = []
    for day in days:
        kind = pick(rng, KIND_WEIGHTS[circle])
        if day == contact.fields["met_on"]:
            kind = Kind.EVENT if contact.fields["source"] in ("event", "conference") else kind
        others: list[int] = []
        if kind in (Kind.EVENT, Kind.MEETING) and rng.random() < 0.12:
            # Several people at one dinner or event: one interaction, several contacts.
            pool = [
                i
                for i, c in enumerate(network.contacts)
                if i != index and c.fields["circle"] == circle and c.fields["met_on"] <= day
            ]
            others = rng.sample(pool, k=min(len(pool), rng.randint(1, 3)))
        planned.append(
            PlannedInteraction([index, *others], _interaction_fields(rng, circle, kind, day))
        )
        if rng.random() < 0.04:
            note_day = min(today, day + dt.timedelta(days=1))
            planned.append(
                PlannedInteraction([index], _interaction_fields(rng, circle, Kind.NOTE, note_day))
            )
    return planned


def _interaction_fields(rng: random.Random, circle: str, kind: str, day: dt.date) -> dict[str, Any]:
    duration = None
    channel = pick(rng, CHANNEL_WEIGHTS[kind])
    if kind in DURATIONS and channel not in (Channel.EMAIL,):
        low, high = DURATIONS[kind]
        duration = rng.randrange(low, high + 1, 5)
    quality = max(1, min(5, round(rng.gauss(QUALITY_MEAN[circle], 0.8))))
    outcome, value = "", None
    if kind != Kind.NOTE and circle != Circle.ACQUAINTANCE and rng.random() < OUTCOME_SHARE:
        outcome = rng.choice(list(OUTCOME_VALUES))
        span = OUTCOME_VALUES[outcome]
        if span is not None:
            value = Decimal(rng.randrange(span[0], span[1] + 1, 500))
    notes = ""
    if rng.random() < 0.5:
        notes = rng.choice(NOTES[kind]).format(topic=rng.choice(TOPICS), event=rng.choice(EVENTS))
    return {
        "occurred_on": day,
        "kind": kind,
        "channel": channel,
        "initiated_by": Initiator.THEM if rng.random() < THEIR_SHARE[circle] else Initiator.ME,
        "duration_minutes": duration,
        "quality": quality,
        "outcome": outcome,
        "outcome_value": value,
        "notes": notes,
        "private": kind == Kind.NOTE and rng.random() < 0.5,
    }


# --- Writing ------------------------------------------------------------------------------------

M = TypeVar("M", bound=models.Model)


@dataclass
class Created:
    """What one load added, for the command's report."""

    users: int = 0
    contacts: int = 0
    interactions: int = 0
    tags: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def timed(self, step: str, since: float) -> float:
        now = time.perf_counter()
        self.seconds[step] = self.seconds.get(step, 0.0) + now - since
        return now


def bulk_insert(model: type[M], objs: list[M]) -> list[M]:
    """`bulk_create` in large batches that leaves every object with its primary key, also
    where the database cannot return rows from a bulk insert (SQLite before 3.35)."""
    manager = model._default_manager
    if not objs or connection.features.can_return_rows_from_bulk_insert:
        return manager.bulk_create(objs, batch_size=BATCH_SIZE)
    last = manager.aggregate(last=models.Max("pk"))["last"] or 0
    manager.bulk_create(objs, batch_size=BATCH_SIZE)
    pks = manager.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)
    for obj, pk in zip(objs, pks, strict=True):
        obj.pk = pk
    return objs


def derived_refresh(
    *, contacts: models.QuerySet[Contact], today: dt.date, created: Created | None = None
) -> None:
    """Strength first (it may move an unpinned contact's circle), then the check-in dates."""
    # Fresh planner statistics first: without them PostgreSQL runs checkins_refresh's
    # per-contact subquery as a scan of the whole interaction table (minutes, not seconds,
    # after a bulk load; autovacuum cannot see rows this transaction has not committed).
    with connection.cursor() as cursor:
        for model in (Contact, Interaction, Interaction.contacts.through):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    started = time.perf_counter()
    ids = list(contacts.order_by("pk").values_list("pk", flat=True))
    for at in range(0, len(ids), REFRESH_CHUNK):
        strength_refresh(contact_ids=ids[at : at + REFRESH_CHUNK], today=today)
    started = created.timed("strength", started) if created else started
    checkins_refresh(contacts=contacts)
    if created:
        created.timed("check-ins", started)


def _sole(indexes: Sequence[int], contacts: dict[int, Contact]) -> int | None:
    """`Interaction.sole_contact` of a planned interaction with the contacts at `indexes`."""
    return contacts[indexes[0]].pk if len(indexes) == 1 else None


def demo_users_ensure() -> dict[str, User]:
    """The three demo accounts and the Coaches group, created once."""
    users = {
        "owner": demo_user(*DEMO_USERS["owner"]),
        "coach": demo_user(*DEMO_USERS["coach"], staff=True),
        "operator": demo_user(*DEMO_USERS["operator"], staff=True, superuser=True),
    }
    Group.objects.get_or_create(name="Coaches")[0].user_set.add(users["coach"])
    return users


def demo_user(email: str, name: str, *, staff: bool = False, superuser: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = user_sign_up(email=email, password=DEMO_PASSWORD, name=name)
        User.objects.filter(pk=user.pk).update(is_staff=staff, is_superuser=superuser)
    Profile.objects.get_or_create(user=user)
    return user


def tags_ensure(owner: User, names: Iterable[str], created: Created) -> dict[str, Tag]:
    tags = {tag.name.lower(): tag for tag in Tag.objects.filter(owner=owner)}
    missing = [Tag(owner=owner, name=name) for name in names if name.lower() not in tags]
    bulk_insert(Tag, missing)
    created.tags += len(missing)
    return tags | {tag.name.lower(): tag for tag in missing}


@transaction.atomic
def demo_network_load(*, owner: User, today: dt.date, seed: int = SEED) -> Created:
    """Adds the demo contacts the owner does not have yet (matched by name) and, when the
    owner has logged nothing yet, the year of interactions. A second run adds nothing."""
    started = time.perf_counter()
    network = demo_network(today=today, seed=seed)
    created = Created()
    tags = tags_ensure(owner, TAGS, created)
    existing = {(c.first_name, c.last_name): c for c in Contact.objects.filter(owner=owner)}
    fresh = {i: p for i, p in enumerate(network.contacts) if p.key not in existing}
    new = bulk_insert(Contact, [Contact(owner=owner, **p.fields) for p in fresh.values()])
    contacts = {i: existing[p.key] for i, p in enumerate(network.contacts) if p.key in existing}
    contacts |= dict(zip(fresh, new, strict=True))
    created.contacts = len(new)

    # Back-date when each was added, and who introduced whom: both need the rows' keys.
    for (index, plan), contact in zip(fresh.items(), new, strict=True):
        contact.created_at = aware(plan.added_on, 8 * 60 + index % 600)
        if plan.introduced_by is not None:
            contact.introduced_by_id = contacts[plan.introduced_by].pk
    Contact.objects.bulk_update(new, ["created_at", "introduced_by"], batch_size=BATCH_SIZE)
    TagLink = Contact.tags.through
    TagLink.objects.bulk_create(
        [
            TagLink(contact_id=contacts[i].pk, tag_id=tags[name].pk)
            for i, plan in fresh.items()
            for name in plan.tags
        ],
        batch_size=BATCH_SIZE,
    )
    ContactEmail.objects.bulk_create(
        [
            ContactEmail(contact=contacts[i], address=address, label=label, is_primary=primary)
            for i, plan in fresh.items()
            for address, label, primary in plan.emails
        ],
        batch_size=BATCH_SIZE,
    )
    ContactPhone.objects.bulk_create(
        [
            ContactPhone(contact=contacts[i], number=plan.phone, label="mobile", is_primary=True)
            for i, plan in fresh.items()
            if plan.phone
        ],
        batch_size=BATCH_SIZE,
    )
    started = created.timed("contacts", started)

    if not Interaction.objects.filter(owner=owner).exists():
        planned = network.interactions
        rows = bulk_insert(
            Interaction,
            [
                Interaction(owner=owner, sole_contact_id=_sole(p.contacts, contacts), **p.fields)
                for p in planned
            ],
        )
        Link = Interaction.contacts.through
        Link.objects.bulk_create(
            [
                Link(interaction_id=row.pk, contact_id=contacts[i].pk)
                for row, plan in zip(rows, planned, strict=True)
                for i in plan.contacts
            ],
            batch_size=BATCH_SIZE,
        )
        created.interactions = len(rows)
        started = created.timed("interactions", started)

    if created.contacts or created.interactions:
        derived_refresh(contacts=Contact.objects.filter(owner=owner), today=today, created=created)
    return created


# What the demo owner promised people: two due today, one three days late, one next week.
DEMO_FOLLOWUPS = [
    (-3, "Send the intro to the hiring manager they asked about"),
    (0, "Share the article on platform teams we talked about"),
    (0, "Say thank you for the referral, and how the interview went"),
    (8, "Ask how the product launch went"),
]


def demo_followups_load(*, owner: User, today: dt.date) -> int:
    """A handful of follow-ups with the owner's strongest contacts, added once (when the
    owner has none), so Today and the digest show them from the start."""
    if FollowUp.objects.filter(owner=owner).exists():
        return 0
    people = list(
        Contact.objects.filter(owner=owner).order_by("-strength", "pk")[: len(DEMO_FOLLOWUPS)]
    )
    for contact, (days, about) in zip(people, DEMO_FOLLOWUPS, strict=False):
        followup_create(
            owner=owner, contacts=[contact], about=about, due_on=today + dt.timedelta(days=days)
        )
    return len(people)
