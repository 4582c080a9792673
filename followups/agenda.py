"""Who is due: the one answer the Today page, the daily digest and the calendar feed share.

`agenda_for` reads a user's due check-ins, due follow-ups and coming birthdays in a fixed
handful of queries whatever the size of the network, and orders them by what matters: the
closest circle first, then what the goal plan prioritises, then what has waited longest.
`agendas_for` does the same for a batch of users (the digest's) in the same queries.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    F,
    Prefetch,
    Q,
    Value,
    Window,
)
from django.db.models.functions import Lower, RowNumber

from accounts.models import focus_of
from contacts.models import (
    CIRCLE_RANK,
    DUE_SOON_DAYS,
    UNCIRCLED,
    CheckinStatus,
    Contact,
    Context,
    Interaction,
    circle_rank,
    in_context,
)
from followups.models import FollowUp, FollowUpStatus
from goals.models import GoalPlan, Objective

BIRTHDAY_DAYS = 7  # birthdays from today to six days ahead
PENDING = (FollowUpStatus.OPEN, FollowUpStatus.SNOOZED)
LAST = UNCIRCLED  # after every circle: a follow-up whose contacts are all gone
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
    circles: dict[str, int] = field(default_factory=dict)  # active contacts by circle
    logged: int = 0  # active contacts with an interaction logged
    has_plan: bool = False
    plan_reviewed_at: dt.datetime | None = None

    def plan_review_due(self, now: dt.datetime) -> bool:
        """The monthly review of the active plan, as `GoalPlan.review_due` says."""
        return self.has_plan and GoalPlan(reviewed_at=self.plan_reviewed_at).review_due(now)

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


def _plans(
    user_ids: Collection[int],
) -> tuple[dict[int, dict[int, int]], dict[int, dict[int, int]], dict[int, dt.datetime | None]]:
    """Each user's active plan, in one query: its priorities (not the *not now* list) as ranks
    from 1, for contacts and for objectives, and when it was last reviewed, by user."""
    rows = (
        GoalPlan.objects.active()
        .filter(owner__in=user_ids)
        .order_by("owner_id", "priorities__position", "priorities__pk")
        .values_list(
            "owner_id",
            "reviewed_at",
            "priorities__contact_id",
            "priorities__objective_id",
            "priorities__not_now",
        )
    )
    contact_rank: dict[int, dict[int, int]] = defaultdict(dict)
    objective_rank: dict[int, dict[int, int]] = defaultdict(dict)
    reviewed: dict[int, dt.datetime | None] = {}
    ranks: dict[int, int] = defaultdict(int)
    for owner_id, reviewed_at, contact_id, objective_id, not_now in rows:
        reviewed[owner_id] = reviewed_at
        if not_now is None or not_now:  # no priority at all, or one for later
            continue
        ranks[owner_id] += 1
        if contact_id:
            contact_rank[owner_id].setdefault(contact_id, ranks[owner_id])
        if objective_id:
            objective_rank[owner_id].setdefault(objective_id, ranks[owner_id])
    return contact_rank, objective_rank, reviewed


def _best(values: Iterable[int | None]) -> int | None:
    return min((v for v in values if v is not None), default=None)


# The order of check-ins the plan does not rank, in SQL and (for the merge) in Python alike.
SQL_ORDER = ("circle_rank", "next_checkin_on", Lower("first_name"), Lower("last_name"), "pk")


def _plain_key(contact: Contact) -> tuple[Any, ...]:
    return (
        contact.next_checkin_on,
        contact.first_name.lower(),
        contact.last_name.lower(),
        contact.pk,
    )


def _in_focus(focus: Mapping[int, str]) -> Q:
    """The contacts of the given owners that their focus takes in, as a filter on Contact."""
    groups: dict[str, list[int]] = defaultdict(list)
    for pk, context in focus.items():
        if context:
            groups[context].append(pk)
    if not groups:
        return Q()
    everyone = ~Q(owner__in=[pk for ids in groups.values() for pk in ids])
    for context, ids in groups.items():
        everyone |= Q(owner__in=ids) & in_context(context)
    return everyone


def _add_birthdays(
    agendas: Mapping[int, Agenda],
    contacts: Iterable[Contact],
    dates: Mapping[tuple[int, int], dt.date],
) -> None:
    """Put the contacts whose birthday falls on one of `dates` on their owner's agenda, by
    date and then name."""
    for contact in contacts:
        day = dates.get((contact.birthday_month, contact.birthday_day))
        if day is not None:
            agendas[contact.owner_id].birthdays.append((contact, day))
    for agenda in agendas.values():
        agenda.birthdays.sort(key=lambda pair: (pair[1], pair[0].name.lower(), pair[0].pk))


def _followup_in_focus(followup: FollowUp, focus: str) -> bool:
    """A follow-up stays on a focused agenda when one of its people is in the focus, or when it
    names nobody (it is about nothing the focus leaves out)."""
    people = followup.contacts.all()
    return not focus or not people or any(c.context in (focus, Context.BOTH) for c in people)


def agenda_for(user: Any, *, today: dt.date, limit: int | None = None) -> Agenda:
    """Due check-ins and follow-ups (at most `limit` of each), birthdays this week and the
    number of check-ins due soon, in the same number of queries for 5 or 5,000 contacts;
    only the contacts of the user's focus (`Profile.focus`)."""
    return agendas_for([user.pk], today=today, limit=limit, focus={user.pk: focus_of(user)})[
        user.pk
    ]


def agendas_for(
    user_ids: Collection[int],
    *,
    today: dt.date,
    limit: int | None = None,
    focus: Mapping[int, str] | None = None,
) -> dict[int, Agenda]:
    """`agenda_for` of several users at once (the digest's batches), in the same queries as
    one: each reads its kind of row for all of them, so the count depends neither on the size
    of the networks nor on the number of users.

    Only what is listed is read: the database orders the check-ins the plan does not rank
    (closest circle, longest wait) and cuts them at `limit` per user; the few the plan ranks
    are read whole and merged in.

    `focus` narrows each user's agenda to the contacts of one context (by user id; missing or
    "" for everyone)."""
    user_ids = list(dict.fromkeys(user_ids))
    focus = focus or {}
    focused = _in_focus(focus)
    theirs = Contact.objects.filter(focused, owner__in=user_ids).active().defer("search_text")
    birthdays_on = birthday_dates(today)
    birthday_q = _birthday_q(birthdays_on)
    # 1. How many are due, how many more come due this week, and the network by circle (the
    # Today page's line), in one GROUP BY.
    counts: dict[int, dict[str, Any]] = {}
    for row in (
        theirs.order_by()
        .values("owner_id", "circle")
        # Only columns of contact_owner_active, so that index alone answers.
        .annotate(
            n=Count("*"),
            logged=Count("last_interaction_on"),
            due=Count("next_checkin_on", filter=Q(next_checkin_on__lte=today)),
            soon=Count(
                "next_checkin_on",
                filter=Q(
                    next_checkin_on__gt=today,
                    next_checkin_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
                ),
            ),
        )
    ):
        mine = counts.setdefault(row["owner_id"], {"due": 0, "soon": 0, "logged": 0, "circles": {}})
        for key in ("due", "soon", "logged"):
            mine[key] += row[key]
        mine["circles"][row["circle"]] = row["n"]
    # The goal plans: what they prioritise (step 3), and whether a review is due.
    contact_rank, objective_rank, reviewed = _plans(user_ids)
    # 2. Open follow-ups due by today, and snoozed ones whose snooze is over (open again).
    followups: dict[int, list[FollowUp]] = defaultdict(list)
    for made in (
        FollowUp.objects.filter(owner__in=user_ids, status__in=PENDING, due_on__lte=today)
        .filter(Q(status=FollowUpStatus.OPEN) | Q(snoozed_until__lte=today))
        .prefetch_related(Prefetch("contacts", queryset=Contact.objects.defer("search_text")))
    ):
        if _followup_in_focus(made, focus.get(made.owner_id, "")):
            followups[made.owner_id].append(made)
    agendas = {
        pk: Agenda(
            today=today,
            checkins=[],
            followups=[],
            birthdays=[],
            due_soon=counts[pk]["soon"] if pk in counts else 0,
            circles=counts[pk]["circles"] if pk in counts else {},
            logged=counts[pk]["logged"] if pk in counts else 0,
            has_plan=pk in reviewed,
            plan_reviewed_at=reviewed.get(pk),
        )
        for pk in user_ids
    }
    busy = [pk for pk in user_ids if (pk in counts and counts[pk]["due"]) or pk in followups]
    if not busy:
        # Nothing due: only the birthdays this week (a handful) to read.
        _add_birthdays(agendas, theirs.filter(birthday_q), birthdays_on)
        return agendas

    # 3. What the goal plans say matters: their priorities, and the contacts they reach —
    # named by a priority, targeted by a ranked objective, or with an interaction that served
    # one.
    ranked_ids: dict[int, set[int]] = {pk: set(contact_rank[pk]) for pk in busy}
    targets: dict[int, dict[int, list[int]]] = {pk: defaultdict(list) for pk in busy}
    planners = [pk for pk in busy if objective_rank[pk]]
    due = Contact.objects.filter(focused, owner__in=busy, next_checkin_on__lte=today).active()
    if planners:
        # The plans' targets and the due contacts that served a ranked objective, as rows of
        # one shape read together.
        targeted = Objective.targets.through.objects.filter(
            objective__plan__owner__in=planners, objective__plan__ended_on__isnull=True
        ).values_list("objective__plan__owner_id", "contact_id", "objective_id", Value(True))
        served = Interaction.contacts.through.objects.filter(
            interaction__objective__in=[o for pk in planners for o in objective_rank[pk]],
            contact__in=due.filter(owner__in=planners).values("pk"),
        ).values_list("contact__owner_id", "contact_id", "interaction__objective_id", Value(False))
        for owner_id, contact_id, objective_id, is_target in targeted.union(served, all=True):
            if is_target:
                targets[owner_id][contact_id].append(objective_id)
            elif objective_id in objective_rank[owner_id]:
                ranked_ids[owner_id].add(contact_id)
        for pk in planners:
            ranks = objective_rank[pk]
            ranked_ids[pk] |= {c for c, ids in targets[pk].items() if any(o in ranks for o in ids)}
    # 4. The due check-ins — the ranked ones whole, the rest ordered and cut by the database —
    # and this week's birthdays, in one statement. A due contact read for its birthday alone
    # competes in the same order as the rest, so it is listed only where the cut would have.
    every_ranked = set().union(*ranked_ids.values())
    if limit is None:
        parts = [Q(next_checkin_on__lte=today)]
    else:
        # Each user's first `limit` in SQL_ORDER, and only those rows get their last
        # interaction looked up. One user's are read in the order of the index that serves
        # it (contact_checkin_order); several users' come from one window over all of them.
        plain = due.exclude(pk__in=every_ranked).annotate(circle_rank=circle_rank())
        if len(busy) == 1:
            first = plain.order_by(*SQL_ORDER)[:limit]
        else:
            first = plain.annotate(
                place=Window(RowNumber(), partition_by=F("owner_id"), order_by=SQL_ORDER)
            ).filter(place__lte=limit)
        parts = [Q(pk__in=first.values("pk"))]
        if every_ranked:
            parts.append(Q(pk__in=every_ranked, next_checkin_on__lte=today))
    # Each part read on its own index, the rows put together (UNION ALL): one condition
    # ORed over them would make the database recheck every due contact.
    first_part, *more = [theirs.order_by().filter(q) for q in (*parts, birthday_q)]
    read = list({c.pk: c for c in first_part.union(*more, all=True)}.values())
    candidates: dict[int, list[Contact]] = defaultdict(list)
    _add_birthdays(agendas, read, birthdays_on)
    for contact in read:
        if contact.next_checkin_on is not None and contact.next_checkin_on <= today:
            candidates[contact.owner_id].append(contact)
    # The candidates' last interactions (with their notes, for the list) and what they served.
    last = Interaction.objects.in_bulk(
        [
            c.latest_interaction_id
            for found in candidates.values()
            for c in found
            if c.latest_interaction_id
        ]
    )
    for found in candidates.values():
        for contact in found:
            served_by = last.get(contact.latest_interaction_id)
            contact.last_objective_pk = served_by.objective_id if served_by else None

    served_objectives = {
        c.last_objective_pk for found in candidates.values() for c in found if c.last_objective_pk
    }
    people = {c.pk for found in candidates.values() for c in found} | {
        c.pk for found in followups.values() for f in found for c in f.contacts.all()
    }
    objectives = {
        o.pk: o
        for o in Objective.objects.filter(
            Q(plan__owner__in=busy, plan__ended_on__isnull=True, targets__in=people)
            | Q(pk__in=served_objectives)
            | Q(pk__in=[o for pk in busy for o in objective_rank[pk]])
        ).distinct()
    }
    listed = {
        pk: _agenda_lists(
            candidates=candidates.get(pk, []),
            followups=followups.get(pk, []),
            contact_rank=contact_rank[pk],
            objective_rank=objective_rank[pk],
            targets=targets[pk],
            objectives=objectives,
            today=today,
            limit=limit,
        )
        for pk in busy
    }
    for pk, (shown, followup_rows) in listed.items():
        agendas[pk] = Agenda(
            today=today,
            checkins=[
                CheckinItem(
                    contact=contact,
                    status=CheckinStatus.OVERDUE if days > 0 else CheckinStatus.DUE,
                    days_overdue=days,
                    last_interaction=last.get(contact.latest_interaction_id),
                    objective=objectives.get(objective_pk) if objective_pk else None,
                    priority=priority,
                )
                for _key, contact, days, objective_pk, priority in shown
            ],
            followups=[
                FollowUpItem(followup=f, days_overdue=d) for _key, f, d in followup_rows[:limit]
            ],
            birthdays=agendas[pk].birthdays,
            due_soon=agendas[pk].due_soon,
            more_checkins=(counts[pk]["due"] if pk in counts else 0) - len(shown),
            more_followups=len(followup_rows) - len(followup_rows[:limit]),
            circles=agendas[pk].circles,
            logged=agendas[pk].logged,
            has_plan=agendas[pk].has_plan,
            plan_reviewed_at=agendas[pk].plan_reviewed_at,
        )
    return agendas


def _agenda_lists(
    *,
    candidates: list[Contact],
    followups: list[FollowUp],
    contact_rank: dict[int, int],
    objective_rank: dict[int, int],
    targets: dict[int, list[int]],
    objectives: dict[int, Objective],
    today: dt.date,
    limit: int | None,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """One user's check-ins (cut at `limit`) and follow-ups (whole), in order, as rows of
    (key, contact, days, objective id, priority) and (key, follow-up, days)."""
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
    return checkins[:limit], followup_rows
