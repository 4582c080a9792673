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

``strength = round(sum(weight * part))``; the breakdown's whole points per part add up to it
(largest remainder, `Breakdown.points`). Notes (kind "note") count towards recency of
nothing and frequency of nothing: writing about someone is not talking to them.

One grouped query (`activities`) reads the activity of one contact or of a batch, and one
function (`score`) scores it, so the "why 72?" breakdown, the few contacts of a logged
interaction and the nightly update never disagree. Scores are written back with one
`bulk_update` per batch.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, Q, Sum

from contacts.models import KIND_DEPTH, Circle, Contact, Initiator, Interaction, Kind

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
        """Each part's points, whole numbers that add up to `total`: rounded one by one, the
        parts of 78 could show 79. Largest remainder: every part is rounded down, then the
        points still missing go one each to the parts that lost the most."""
        exact = {name: WEIGHTS[name] * value for name, value in self.parts.items()}
        shown = {name: math.floor(points) for name, points in exact.items()}
        missing = self.total - sum(shown.values())
        by_remainder = sorted(exact, key=lambda name: exact[name] - shown[name], reverse=True)
        for name in by_remainder[: max(0, missing)]:
            shown[name] += 1
        return shown

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


def activities(contact_ids: Iterable[int], *, today: dt.date) -> dict[int, Activity]:
    """One grouped query: the activity of every given contact that has any (`Activity()` is
    the activity of one that has none)."""
    since = today - dt.timedelta(days=WINDOW_DAYS)
    in_window = Q(occurred_on__gte=since)
    # Private interactions count in no number (`InteractionQuerySet.counted`); notes only in
    # the tenure (below).
    rows = (
        Interaction.objects.filter(private=False, contacts__in=list(contact_ids))
        .order_by()
        .values("contacts", "kind")
        .annotate(
            first_on=Min("occurred_on"),
            last_on=Max("occurred_on"),
            counted=Count("pk", filter=in_window),
            started_by_them=Count("pk", filter=in_window & Q(initiated_by=Initiator.THEM)),
            quality_sum=Sum("quality", filter=in_window),
        )
    )
    # One row per contact and kind, added up here: a kind's depth is a constant, so a CASE
    # per kind in the query would only make it longer to build.
    totals: dict[int, dict[str, Any]] = {}
    for row in rows:
        total = totals.setdefault(
            row["contacts"],
            {"first_on": row["first_on"], "last_on": None, "depth": 0.0, "them": 0, "n": 0, "q": 0},
        )
        total["first_on"] = min(total["first_on"], row["first_on"])
        if row["kind"] == Kind.NOTE:
            continue
        total["last_on"] = max(total["last_on"] or row["last_on"], row["last_on"])
        total["depth"] += KIND_DEPTH.get(row["kind"], 0.0) * row["counted"]
        total["them"] += row["started_by_them"]
        total["n"] += row["counted"]
        total["q"] += row["quality_sum"] or 0
    return {
        pk: Activity(
            last_on=total["last_on"],
            first_on=total["first_on"],
            depth=total["depth"],
            started_by_them=total["them"],
            counted=total["n"],
            average_quality=total["q"] / total["n"] if total["n"] else None,
        )
        for pk, total in totals.items()
    }


def activity_of(contact_id: int, *, today: dt.date) -> Activity:
    """`activities` for one contact."""
    return activities([contact_id], today=today).get(contact_id, Activity())


def explain(contact: Contact, *, today: dt.date, activity: Activity | None = None) -> Breakdown:
    """The "why 72?" breakdown; `activity` when the caller has read it already."""
    if activity is None:
        activity = activity_of(contact.pk, today=today)
    return score(
        activity, cadence_days=contact.effective_cadence_days, met_on=contact.met_on, today=today
    )


SCORED_FIELDS = (
    "pk",
    "circle",
    "circle_pinned",
    "cadence_days",
    "met_on",
    "strength",
    "last_interaction_on",
)


def _rescore(contact: Contact, activity: Activity, today: dt.date) -> bool:
    """Sets the contact's strength, (unless pinned) circle and last interaction from its
    activity; whether the circle moved."""
    total = score(
        activity, cadence_days=contact.effective_cadence_days, met_on=contact.met_on, today=today
    ).total
    circle = contact.circle if contact.circle_pinned else suggested_circle(total)
    moved = circle != contact.circle
    contact.strength, contact.circle = total, circle
    contact.last_interaction_on = activity.last_on
    return moved


def strength_refresh(*, contact_ids: Iterable[int] | None = None, today: dt.date) -> list[int]:
    """Recomputes strength, the circle of unpinned contacts and the last interaction (all read
    from the same activity) for the given contacts, or for everyone. Returns the ids whose
    circle moved, so their check-in date can follow."""
    queryset = Contact.objects.order_by("pk")
    if contact_ids is not None:
        queryset = queryset.filter(pk__in=sorted(set(contact_ids)))
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
            before = (contact.strength, contact.circle, contact.last_interaction_on)
            if _rescore(contact, found.get(contact.pk, Activity()), today):
                moved.append(contact.pk)
            if (contact.strength, contact.circle, contact.last_interaction_on) != before:
                changed.append(contact)
        Contact.objects.bulk_update(
            changed, ["strength", "circle", "last_interaction_on"], batch_size=BATCH
        )
        if len(batch) < BATCH:  # the last batch: no need to ask for another
            return moved
