"""Who is due: the one answer the Today page, the daily digest and the calendar feed share.

`agenda_for` reads a user's due check-ins, due follow-ups and coming birthdays in a fixed
handful of queries whatever the size of the network, and orders them by what matters: the
closest circle first, then what the goal plan prioritises, then what has waited longest.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Lower

from contacts.models import DUE_SOON_DAYS, CheckinStatus, Circle, Contact, Interaction, Kind
from followups.models import FollowUp, FollowUpStatus
from goals.models import Objective, Priority

BIRTHDAY_DAYS = 7  # birthdays from today to six days ahead
PENDING = (FollowUpStatus.OPEN, FollowUpStatus.SNOOZED)
CIRCLE_RANK = {value: rank for rank, value in enumerate(Circle.values)}
LAST = len(CIRCLE_RANK)  # after every circle: a follow-up whose contacts are all gone
UNRANKED = 1_000_000  # sorts after every priority


@dataclass(frozen=True)
class CheckinItem:
    contact: Contact
    status: str  # CheckinStatus.OVERDUE or CheckinStatus.DUE
    days_overdue: int  # 0 when due today
    last_interaction: Interaction | None  # the latest one that was not a note
    objective: Objective | None  # what the last interaction served, or a plan objective
    priority: int | None  # 1 = the plan's first priority; None when not prioritised


@dataclass(frozen=True)
class FollowUpItem:
    followup: FollowUp  # with its contacts prefetched
    days_overdue: int  # 0 when due today


@dataclass(frozen=True)
class Agenda:
    today: dt.date
    checkins: list[CheckinItem]
    followups: list[FollowUpItem]
    birthdays: list[tuple[Contact, dt.date]]  # in the next 7 days, today included, by date
    due_soon: int  # check-ins due in the next 7 days, not listed
    more_checkins: int = 0  # due, but left off by `limit`
    more_followups: int = 0

    @property
    def is_empty(self) -> bool:
        """Nothing to say: no check-in, no follow-up, no birthday. A birthday alone is worth
        a line: it is the easiest reason to get in touch."""
        return not (self.checkins or self.followups or self.birthdays)

    @property
    def count(self) -> int:
        """Check-ins and follow-ups listed."""
        return len(self.checkins) + len(self.followups)


def birthday_dates(today: dt.date, days: int = BIRTHDAY_DAYS) -> dict[tuple[int, int], dt.date]:
    """(month, day) → the date it is celebrated on, for the `days` days from today.
    In a year without 29 February, those born on it celebrate on the 28th."""
    found: dict[tuple[int, int], dt.date] = {}
    for offset in range(days):
        day = today + dt.timedelta(days=offset)
        found[(day.month, day.day)] = day
        if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
            found[(2, 29)] = day
    return found


def _birthday_q(dates: Iterable[tuple[int, int]]) -> Q:
    by_month: dict[int, list[int]] = defaultdict(list)
    for month, day in dates:
        by_month[month].append(day)
    q = Q(pk__in=[])
    for month, days in by_month.items():
        q |= Q(birthday_month=month, birthday_day__in=days)
    return q


def _plan_ranks(user: Any) -> tuple[dict[int, int], dict[int, int]]:
    """The active plan's priorities (not the *not now* list) as ranks from 1, for contacts
    and for objectives."""
    rows = (
        Priority.objects.filter(plan__owner=user, plan__ended_on__isnull=True, not_now=False)
        .order_by("position", "pk")
        .values_list("contact_id", "objective_id")
    )
    contact_rank: dict[int, int] = {}
    objective_rank: dict[int, int] = {}
    for rank, (contact_id, objective_id) in enumerate(rows, start=1):
        if contact_id:
            contact_rank.setdefault(contact_id, rank)
        if objective_id:
            objective_rank.setdefault(objective_id, rank)
    return contact_rank, objective_rank


def _best(values: Iterable[int | None]) -> int | None:
    return min((v for v in values if v is not None), default=None)


def _circle_rank() -> Case:
    return Case(
        *[When(circle=value, then=Value(rank)) for value, rank in CIRCLE_RANK.items()],
        default=Value(LAST),
        output_field=IntegerField(),
    )


# The order of check-ins the plan does not rank, in SQL and (for the merge) in Python alike.
SQL_ORDER = ("circle_rank", "next_checkin_on", Lower("first_name"), Lower("last_name"), "pk")


def _plain_key(contact: Contact) -> tuple[Any, ...]:
    return (
        contact.next_checkin_on,
        contact.first_name.lower(),
        contact.last_name.lower(),
        contact.pk,
    )


def agenda_for(user: Any, *, today: dt.date, limit: int | None = None) -> Agenda:
    """Due check-ins and follow-ups (at most `limit` of each), birthdays this week and the
    number of check-ins due soon, in the same number of queries for 5 or 5,000 contacts.

    Only what is listed is read: the database orders the check-ins the plan does not rank
    (closest circle, longest wait) and cuts them at `limit`; the few the plan ranks are read
    whole and merged in."""
    latest = (
        Interaction.objects.filter(contacts=OuterRef("pk"))
        .exclude(kind=Kind.NOTE)
        .order_by("-occurred_on", "-pk")
    )
    mine = Contact.objects.owned_by(user).active().defer("search_text")
    due = mine.filter(next_checkin_on__lte=today)
    with_last = due.annotate(
        last_interaction_pk=Subquery(latest.values("pk")[:1]),
        last_objective_pk=Subquery(latest.values("objective_id")[:1]),
        circle_rank=_circle_rank(),
    )
    # 1. Birthdays this week (a handful).
    birthdays_on = birthday_dates(today)
    birthdays = sorted(
        (
            (c, birthdays_on[(c.birthday_month, c.birthday_day)])
            for c in mine.filter(_birthday_q(birthdays_on))
        ),
        key=lambda pair: (pair[1], pair[0].name.lower(), pair[0].pk),
    )
    # 2. How many are due, and how many more come due this week.
    counts = (
        Contact.objects.owned_by(user)
        .active()
        .aggregate(
            due=Count("pk", filter=Q(next_checkin_on__lte=today)),
            soon=Count(
                "pk",
                filter=Q(
                    next_checkin_on__gt=today,
                    next_checkin_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
                ),
            ),
        )
    )
    # 3. Open follow-ups due by today, and snoozed ones whose snooze is over (open again).
    followups = list(
        FollowUp.objects.filter(owner=user, status__in=PENDING, due_on__lte=today)
        .filter(Q(status=FollowUpStatus.OPEN) | Q(snoozed_until__lte=today))
        .prefetch_related(Prefetch("contacts", queryset=Contact.objects.defer("search_text")))
    )
    if not counts["due"] and not followups:
        return Agenda(
            today=today, checkins=[], followups=[], birthdays=birthdays, due_soon=counts["soon"]
        )

    # 4. What the goal plan says matters: its priorities, and the contacts they reach — named
    # by a priority, targeted by a ranked objective, or with an interaction that served one.
    contact_rank, objective_rank = _plan_ranks(user)
    ranked_ids: set[int] = set(contact_rank)
    targets: dict[int, list[int]] = defaultdict(list)
    if objective_rank:
        links = Objective.targets.through.objects.filter(
            objective__plan__owner=user, objective__plan__ended_on__isnull=True
        )
        for contact_id, objective_id in links.values_list("contact_id", "objective_id"):
            targets[contact_id].append(objective_id)
        ranked_ids |= {c for c, ids in targets.items() if any(o in objective_rank for o in ids)}
        ranked_ids |= set(
            Interaction.contacts.through.objects.filter(
                interaction__objective__in=list(objective_rank), contact__in=due.values("pk")
            ).values_list("contact_id", flat=True)
        )
    # 5. The due check-ins: the ranked ones whole, the rest ordered and cut by the database.
    ranked = list(with_last.filter(pk__in=ranked_ids)) if ranked_ids else []
    plain = with_last.exclude(pk__in=ranked_ids).order_by(*SQL_ORDER)
    plain = list(plain[:limit] if limit is not None else plain)
    candidates = ranked + plain

    served = {c.last_objective_pk for c in candidates if c.last_objective_pk}
    people = {c.pk for c in candidates} | {c.pk for f in followups for c in f.contacts.all()}
    objectives = {
        o.pk: o
        for o in Objective.objects.filter(
            Q(plan__owner=user, plan__ended_on__isnull=True, targets__in=people)
            | Q(pk__in=served)
            | Q(pk__in=list(objective_rank))
        ).distinct()
    }
    for ids in targets.values():
        ids.sort(
            key=lambda pk: (
                objective_rank.get(pk, UNRANKED),
                objectives[pk].position if pk in objectives else 0,
                pk,
            )
        )

    def rank_of(contact_id: int, *more: int | None) -> int | None:
        return _best(
            [
                contact_rank.get(contact_id),
                *(objective_rank.get(pk) for pk in targets.get(contact_id, ())),
                *(objective_rank.get(pk) for pk in more if pk),
            ]
        )

    def order(circle: int, priority: int | None) -> tuple[Any, ...]:
        return (circle, priority is None, priority or 0)

    checkins = []
    for contact in candidates:
        days = (today - contact.next_checkin_on).days  # type: ignore[operator]
        targeted = [pk for pk in targets.get(contact.pk, ()) if pk in objectives]
        objective_pk = contact.last_objective_pk or next(iter(targeted), None)
        priority = rank_of(contact.pk, contact.last_objective_pk)
        key = (*order(CIRCLE_RANK[contact.circle], priority), *_plain_key(contact))
        checkins.append((key, contact, days, objective_pk, priority))
    checkins.sort(key=lambda row: row[0])

    followup_rows = []
    for followup in followups:
        people_of = list(followup.contacts.all())
        days = (today - followup.effective_due_on).days
        circle = min((CIRCLE_RANK[c.circle] for c in people_of), default=LAST)
        priority = _best(rank_of(c.pk) for c in people_of)
        key = (*order(circle, priority), -days, followup.due_on.toordinal(), followup.pk)
        followup_rows.append((key, followup, days))
    followup_rows.sort(key=lambda row: row[0])

    shown, listed = checkins[:limit], followup_rows[:limit]
    # 6. The last interactions of the check-ins listed, with their notes.
    last = Interaction.objects.in_bulk([row[1].last_interaction_pk for row in shown])
    return Agenda(
        today=today,
        checkins=[
            CheckinItem(
                contact=contact,
                status=CheckinStatus.OVERDUE if days > 0 else CheckinStatus.DUE,
                days_overdue=days,
                last_interaction=last.get(contact.last_interaction_pk),
                objective=objectives.get(objective_pk) if objective_pk else None,
                priority=priority,
            )
            for _key, contact, days, objective_pk, priority in shown
        ],
        followups=[FollowUpItem(followup=f, days_overdue=d) for _key, f, d in listed],
        birthdays=birthdays,
        due_soon=counts["soon"],
        more_checkins=counts["due"] - len(shown),
        more_followups=len(followup_rows) - len(listed),
    )
