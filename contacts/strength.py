"""Relationship strength, 0–100, and why.

A contact's strength is a weighted sum of five parts, each between 0 and 1:

=============  ======  ==================================================================
part           weight  how it is measured
=============  ======  ==================================================================
recency        35      ``0.5 ** (days since the last interaction / cadence)``: halves every
                       cadence period (180 days for a contact with no cadence), 0 if never.
frequency      25      ``1 - exp(-depth / 12)`` where depth sums, over the last 365 days,
                       each interaction's kind weight (meeting 3, help 3, call 2.5,
                       introduction 2.5, event 2, e-mail 1.5, message 1, social 0.5,
                       note 0). About a meeting a month gives 0.95.
reciprocity    15      the share of those interactions that *they* started, where half is
                       full marks: ``min(1, share / 0.5)``.
quality        15      average quality (1–5) of those interactions, ``(avg - 1) / 4``.
tenure         10      years since you met (or since the first interaction), up to 5.
=============  ======  ==================================================================

``strength = round(sum(weight * part))``. Notes (kind "note") count towards recency of
nothing and frequency of nothing: writing about someone is not talking to them.

The same function scores one contact for the "why 72?" breakdown and every contact in the
nightly update, so the page and the list never disagree. The nightly aggregation is one grouped
SQL query per batch of contacts, the scores written back with one bulk UPDATE per batch; the
few contacts of one logged interaction are read one by one from the contact page's query
(`ACTIVITY_ROWS_SQL`), which a test holds to the batch's figures to the last digit.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Case, Count, FloatField, Max, Min, Q, QuerySet, Sum, Value, When

from contacts.models import (
    KIND_DEPTH,
    Circle,
    Contact,
    Initiator,
    Kind,
)
from networkcrm.kept import STAND_INS, kept

WEIGHTS = {"recency": 35, "frequency": 25, "reciprocity": 15, "quality": 15, "tenure": 10}
WINDOW_DAYS = 365
NO_CADENCE_HALF_LIFE = 180
FREQUENCY_SCALE = 12.0
TENURE_YEARS = 5
BATCH = 2000

# Strength at or above which an unpinned contact belongs to a circle, closest first.
CIRCLE_THRESHOLDS = [
    (80, Circle.INNER),
    (60, Circle.CLOSE),
    (35, Circle.ACTIVE),
    (15, Circle.EXTENDED),
    (0, Circle.ACQUAINTANCE),
]


@dataclass(frozen=True)
class Activity:
    """What the interaction log says about one contact."""

    last_on: dt.date | None = None
    first_on: dt.date | None = None
    depth: float = 0.0
    started_by_them: int = 0
    counted: int = 0
    average_quality: float | None = None


@dataclass(frozen=True)
class Breakdown:
    parts: dict[str, float]

    @property
    def points(self) -> dict[str, int]:
        return {name: round(WEIGHTS[name] * value) for name, value in self.parts.items()}

    @property
    def total(self) -> int:
        return max(0, min(100, round(sum(WEIGHTS[n] * v for n, v in self.parts.items()))))


def score(
    activity: Activity,
    *,
    cadence_days: int | None,
    met_on: dt.date | None,
    today: dt.date,
) -> Breakdown:
    half_life = cadence_days or NO_CADENCE_HALF_LIFE
    recency = 0.0
    if activity.last_on is not None:
        days = max(0, (today - activity.last_on).days)
        recency = 0.5 ** (days / half_life)
    frequency = 1 - math.exp(-activity.depth / FREQUENCY_SCALE)
    reciprocity = 0.0
    if activity.counted:
        reciprocity = min(1.0, (activity.started_by_them / activity.counted) / 0.5)
    quality = 0.0
    if activity.average_quality is not None:
        quality = max(0.0, min(1.0, (activity.average_quality - 1) / 4))
    known = [d for d in (met_on, activity.first_on) if d is not None]
    since = min(known) if known else None
    tenure = 0.0
    if since is not None:
        tenure = max(0.0, min(1.0, (today - since).days / 365.25 / TENURE_YEARS))
    return Breakdown(
        {
            "recency": recency,
            "frequency": frequency,
            "reciprocity": reciprocity,
            "quality": quality,
            "tenure": tenure,
        }
    )


def suggested_circle(strength: int) -> str:
    return next(circle for floor, circle in CIRCLE_THRESHOLDS if strength >= floor)


def _depth_expression() -> Case:
    return Case(
        *[When(interactions__kind=kind, then=Value(depth)) for kind, depth in KIND_DEPTH.items()],
        default=Value(0.0),
        output_field=FloatField(),
    )


def activities(contact_ids: Iterable[int], *, today: dt.date) -> dict[int, Activity]:
    """One grouped query: the activity of every given contact."""
    since = today - dt.timedelta(days=WINDOW_DAYS)
    # Private interactions count in no number (`InteractionQuerySet.counted`); notes only in
    # the tenure.
    shared = Q(interactions__private=False)
    in_window = shared & Q(interactions__occurred_on__gte=since) & ~Q(interactions__kind=Kind.NOTE)
    rows = (
        Contact.objects.filter(pk__in=list(contact_ids))
        .order_by()
        .values("pk")
        .annotate(
            last_on=Max(
                "interactions__occurred_on", filter=shared & ~Q(interactions__kind=Kind.NOTE)
            ),
            first_on=Min("interactions__occurred_on", filter=shared),
            depth=Sum(_depth_expression(), filter=in_window),
            started_by_them=Count(
                "interactions", filter=in_window & Q(interactions__initiated_by=Initiator.THEM)
            ),
            counted=Count("interactions", filter=in_window),
            quality_sum=Sum("interactions__quality", filter=in_window),
        )
    )
    return {
        row["pk"]: Activity(
            last_on=row["last_on"],
            first_on=row["first_on"],
            depth=float(row["depth"] or 0),
            started_by_them=row["started_by_them"],
            counted=row["counted"],
            # Sum / count here, as in `activity_of`: the same float in both, to the last digit.
            average_quality=row["quality_sum"] / row["counted"] if row["counted"] else None,
        )
        for row in rows
    }


# A contact's interactions summed by kind and initiator: the rows `activity_of` adds up. Written
# out (the contact page runs it inside `contacts.listing.DETAILS_SQL`): the ORM takes longer to
# build it than the database takes to run it. Columns: in-window count, kind, initiator,
# "first last" dates as ISO text, quality summed in the window. Parameters: the window's first
# day twice, then the contact.
ACTIVITY_ROWS_SQL = """
SELECT 'activity', SUM(CASE WHEN i.occurred_on >= %s THEN 1 ELSE 0 END), i.kind, i.initiated_by,
       CAST(MIN(i.occurred_on) AS TEXT) || ' ' || CAST(MAX(i.occurred_on) AS TEXT), FALSE,
       SUM(CASE WHEN i.occurred_on >= %s THEN i.quality END)
  FROM contacts_interaction i JOIN contacts_interaction_contacts ic ON ic.interaction_id = i.id
 WHERE ic.contact_id = %s AND NOT i.private
 GROUP BY i.kind, i.initiated_by
"""


def activity_params(contact_id: int, *, today: dt.date) -> list[object]:
    since = today - dt.timedelta(days=WINDOW_DAYS)
    return [since, since, contact_id]


def activity_from_rows(rows: Iterable[Sequence[Any]]) -> Activity:
    """`activities` for one contact, from ACTIVITY_ROWS_SQL's rows (one per kind and initiator)
    summed here: the same figures, without the batch query's CASE per kind."""
    first_on = last_on = None
    depth, started_by_them, counted, quality_sum = 0.0, 0, 0, 0
    for _, in_window, kind, initiator, dates, _, quality in rows:
        first, last = (dt.date.fromisoformat(day) for day in dates.split(" "))
        first_on = min(first_on or first, first)
        if kind == Kind.NOTE:
            continue
        last_on = max(last_on or last, last)
        depth += KIND_DEPTH.get(kind, 0.0) * int(in_window)
        counted += int(in_window)
        quality_sum += int(quality or 0)
        if initiator == Initiator.THEM:
            started_by_them += int(in_window)
    return Activity(
        last_on=last_on,
        first_on=first_on,
        depth=depth,
        started_by_them=started_by_them,
        counted=counted,
        average_quality=quality_sum / counted if counted else None,
    )


def activity_of(contact_id: int, *, today: dt.date) -> Activity:
    """`activities` for one contact."""
    with connection.cursor() as cursor:
        cursor.execute(ACTIVITY_ROWS_SQL, activity_params(contact_id, today=today))
        return activity_from_rows(cursor.fetchall())


def explain(contact: Contact, *, today: dt.date, activity: Activity | None = None) -> Breakdown:
    """The "why 72?" breakdown; `activity` when the caller has read it already."""
    if activity is None:
        activity = activity_of(contact.pk, today=today)
    return score(
        activity, cadence_days=contact.effective_cadence_days, met_on=contact.met_on, today=today
    )


SCORED_FIELDS = ("pk", "circle", "circle_pinned", "cadence_days", "met_on", "strength")


RESCORE_SQL = "UPDATE contacts_contact SET strength = %s, circle = %s WHERE id = %s"


def _scored(*ids: int) -> QuerySet[Contact]:
    return Contact.objects.filter(pk__in=ids).only(*SCORED_FIELDS).order_by("pk")


def _rescore(contact: Contact, activity: Activity, today: dt.date) -> bool:
    """Sets the contact's strength and (unless pinned) circle from its activity; whether the
    circle moved."""
    total = score(
        activity, cadence_days=contact.effective_cadence_days, met_on=contact.met_on, today=today
    ).total
    circle = contact.circle if contact.circle_pinned else suggested_circle(total)
    moved = circle != contact.circle
    contact.strength, contact.circle = total, circle
    return moved


def _few_refresh(ids: list[int], *, today: dt.date) -> list[int]:
    """`strength_refresh` for the few contacts of one interaction: each one's activity from
    `activity_of` and one UPDATE each that changed, with no query built by the ORM per call
    (networkcrm.kept); the nightly batch below reads a thousand contacts in one query."""
    moved = []
    contacts = list(kept(("strength.scored", len(ids)), _scored, *ids))
    with connection.cursor() as cursor:
        for contact in contacts:
            before = (contact.strength, contact.circle)
            if _rescore(contact, activity_of(contact.pk, today=today), today):
                moved.append(contact.pk)
            if (contact.strength, contact.circle) != before:
                cursor.execute(RESCORE_SQL, [contact.strength, contact.circle, contact.pk])
    return moved


def strength_refresh(*, contact_ids: Iterable[int] | None = None, today: dt.date) -> list[int]:
    """Recomputes strength (and the circle of unpinned contacts) for the given contacts, or
    for everyone. Returns the ids whose circle moved, so their check-in date can follow."""
    if contact_ids is not None:
        contact_ids = sorted(set(contact_ids))
        if len(contact_ids) <= len(STAND_INS):
            return _few_refresh(contact_ids, today=today)
    queryset = Contact.objects.order_by("pk")
    if contact_ids is not None:
        queryset = queryset.filter(pk__in=list(contact_ids))
    moved: list[int] = []
    last_pk = 0
    while True:
        batch = list(queryset.filter(pk__gt=last_pk).only(*SCORED_FIELDS)[:BATCH])
        if not batch:
            return moved
        last_pk = batch[-1].pk
        found = activities([c.pk for c in batch], today=today)
        changed = []
        for contact in batch:
            before = (contact.strength, contact.circle)
            if _rescore(contact, found.get(contact.pk, Activity()), today):
                moved.append(contact.pk)
            if (contact.strength, contact.circle) != before:
                changed.append(contact)
        Contact.objects.bulk_update(changed, ["strength", "circle"], batch_size=BATCH)
