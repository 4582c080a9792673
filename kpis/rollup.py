"""Weekly KPIs: every Monday, last week's numbers of every user, kept as `WeeklyKpi` rows.

The numbers come from the metric catalog (`goals.metrics`), as the plan page's do, so the two
never disagree. The schedule lives in the database, like the daily digest's:

1. ``Profile.next_rollup_at`` (UTC) is Monday 01:00 where the user is (DST included).
2. `kpi_sweep` (beat, every minute) locks the due profiles with ``FOR UPDATE SKIP LOCKED``,
   moves each one's time to the next Monday, and rolls up the week that ended — for **all** of
   them at once: one grouped query per source of the catalog for the whole batch, plus a few
   for the plans and objectives, whatever the number of users — then upserts one row per user
   and week (``INSERT … ON CONFLICT DO UPDATE``). In the same transaction it writes the weekly
   summary's delivery (`followups.models.DigestDelivery`, kind weekly, one per user and week),
   due at the user's digest hour that Monday. Two sweeps at once take disjoint users; a sweep
   that dies takes its claims with it; running a week again gives the same row.
3. When a summary's hour comes, the sweep queues it for `followups.tasks.digest_send`, which
   sends it through `kpis.summary.summary_message` exactly as it sends a digest.

The week rolled up is the last one that ended in the user's time zone *when the sweep runs*,
so a user who moves across the date line mid-week still gets one row per ISO week: the row is
unique per (user, Monday), and the next rollup is scheduled on the new zone's Monday.

`rollup_backfill` (``manage.py rollup_kpis --backfill WEEKS``) fills past weeks the same way,
for instance after an import; over weeks that exist it writes the same numbers again.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, DateTimeField, Exists, OuterRef, Q, Value, When
from django.utils import timezone

from accounts.models import Profile, User, focus_of
from communities.models import Community
from contacts.models import Contact
from followups.digest import digest_time_after, enqueue_sends, lease
from followups.models import DeliveryKind, DeliveryStatus, DigestDelivery
from goals.metrics import CATALOG, Metric, Number, Spec, for_all_users, for_user
from goals.models import GoalPlan, Objective
from goals.progress import Progress, objective_window
from kpis.models import WeeklyKpi
from webhooks.services import weekly_kpis_emit

ROLLUP_TIME = dt.time(1)  # Monday 01:00 local: the week is over everywhere in the user's day
# Users rolled up in one transaction: the statements of a batch do not grow with its size.
ROLLUP_BATCH = 20_000
# Memory for each sort and hash of a rollup's queries (PostgreSQL's work_mem, for its
# transaction only). An objective's audience is an IN over the batch's contacts' interactions,
# which the database hashes when it fits: 10,000 users of a year's interactions need about
# 20 MB; at the default 4 MB the plan falls back to a scan of the list for every row, and the
# same query takes minutes instead of seconds.
ROLLUP_WORK_MEM = "128MB"
SUMMARY_BATCH = 1_000
# A sweep this late (beat down for days) still rolls the week up but sends no stale summary.
SUMMARY_STALE_AFTER = dt.timedelta(days=2)
# Distinct objective measures read by one query (see `objectives_at_week_end`).
OBJECTIVE_SPECS_PER_QUERY = 100
WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class _Objective:
    """What the rollup reads of an objective: read as plain rows, since building a hundred
    thousand model instances costs seconds. `Progress` and `objective_window` read only these."""

    pk: int
    plan_id: int
    title: str
    metric: str
    detail: str
    target: Decimal
    period: str
    starts_on: dt.date | None
    due_on: dt.date | None
    audience_circles: list[str]
    audience_industry: str


OBJECTIVE_FIELDS = tuple(f.name for f in fields(_Objective))


# --- Weeks --------------------------------------------------------------------------------


def monday(day: dt.date) -> dt.date:
    """The Monday of the ISO week `day` is in."""
    return day - dt.timedelta(days=day.weekday())


def last_finished_week(today: dt.date) -> dt.date:
    """The Monday of the last ISO week that is over on `today`."""
    return monday(today) - WEEK


def rollup_time_after(zone: str, moment: dt.datetime) -> dt.datetime:
    """The first Monday 01:00 in `zone` strictly after `moment`, in UTC.

    Found on the local calendar, as `followups.digest.digest_time_after` finds the digest's
    hour, so it stays at 01:00 through DST changes (on a night the clock skips it, the first
    moment that exists after it)."""
    place = zoneinfo.ZoneInfo(zone)
    start = monday(moment.astimezone(place).date())
    for weeks in range(3):
        local = dt.datetime.combine(start + weeks * WEEK, ROLLUP_TIME)
        at = local.replace(tzinfo=place).astimezone(dt.UTC)
        if at > moment:
            return at
    raise AssertionError("unreachable: a later Monday always has the hour")


def summary_time(profile: Profile, week_start: dt.date) -> dt.datetime:
    """When the summary of the week starting `week_start` is due: the user's digest hour on
    the Monday after it, in UTC."""
    next_monday = dt.datetime.combine(week_start + WEEK, dt.time()).replace(tzinfo=profile.zone)
    return digest_time_after(profile, next_monday - dt.timedelta(microseconds=1))


# --- What a week holds ----------------------------------------------------------------------


def spec_name(key: str, detail: str = "") -> str:
    """The name of a metric (narrowed to a detail) in `WeeklyKpi.values` and `snapshots`."""
    return f"{key}.{detail}" if detail else key


def _week_specs(snapshot: bool) -> dict[str, Spec]:
    specs: dict[str, Spec] = {}
    for key, metric in CATALOG.items():
        if metric.snapshot != snapshot:
            continue
        specs[key] = Spec(key)
        for detail, _label in metric.details:
            specs[spec_name(key, detail)] = Spec(key, detail)
    return specs


# Every metric of the catalog, whole and by each of its details.
PERIOD_SPECS = _week_specs(snapshot=False)
SNAPSHOT_SPECS = _week_specs(snapshot=True)
WEEK_SPECS = PERIOD_SPECS | SNAPSHOT_SPECS


def to_json(value: Number | Decimal) -> int | float | None:
    """A catalog number as JSON keeps it: counts and minutes as integers, the rest (money,
    shares, scores, already rounded to cents) as numbers with decimals."""
    if value is None or isinstance(value, int):
        return value
    return float(value)


def from_json(metric: Metric, raw: Any) -> Number:
    """A stored number back in its unit (`Metric.value` reads a query's result the same way).
    A value a row lacks (a metric added to the catalog since) reads as the metric's empty one."""
    return metric.value(None if raw is None else Decimal(str(raw)))


# --- Objectives at the week's end -------------------------------------------------------------


def _plans_at(last_day: dt.date, user_ids: Sequence[int]) -> dict[int, GoalPlan]:
    """Each user's plan in force on `last_day` (the latest started, if history overlaps)."""
    plans = (
        GoalPlan.objects.filter(owner_id__in=user_ids, started_on__lte=last_day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=last_day))
        .only("pk", "owner_id", "started_on")
        .order_by("owner_id", "-started_on", "-pk")
    )
    found: dict[int, GoalPlan] = {}
    for plan in plans:
        found.setdefault(plan.owner_id, plan)
    return found


@dataclass(frozen=True)
class _Measure:
    """What an objective measures, in terms several users can share: two users' objectives
    with the same measure are read by one aggregate of one grouped query."""

    metric: str
    detail: str
    circles: tuple[str, ...]
    industry: str
    tag_names: tuple[str, ...]
    window: tuple[dt.date, dt.date]
    community_names: tuple[str, ...] = ()

    def spec(self) -> Spec:
        audience = Q()
        if self.circles:
            audience &= Q(circle__in=list(self.circles))
        if self.industry:
            audience &= Q(industry__iexact=self.industry)
        if self.tag_names:
            # By name rather than by id, so users' objectives can share the query. The same
            # thing for each owner: a contact carries only its owner's tags, and an owner's
            # tag names are unique (tag_unique_name_per_owner).
            tagged = Contact.tags.through.objects.filter(
                contact=OuterRef("pk"), tag__name__in=list(self.tag_names)
            )
            audience &= Q(Exists(tagged))
        if self.community_names:
            # By name too: an owner's community names are unique (community_owner_name_unique).
            met = Community.members.through.objects.filter(
                contact=OuterRef("pk"), community__name__in=list(self.community_names)
            )
            audience &= Q(Exists(met))
        return Spec(self.metric, self.detail, audience or None, self.window)


def objectives_at_week_end(
    week_start: dt.date, user_ids: Sequence[int], *, now: dt.datetime
) -> dict[int, list[dict[str, Any]]]:
    """Each objective's progress at the end of the week, for every given user: the plan in
    force that Sunday, each objective over its own period up to that Sunday (a month's
    objective reads the month so far). In four queries for the plans, objectives, their tags
    and their communities, and one per source for every `OBJECTIVE_SPECS_PER_QUERY` distinct
    measures, whatever the number of users: users share most measures (same metric, period and
    audience), and tags and communities are matched by name so that they can (see
    `_Measure`)."""
    week_end = week_start + WEEK
    last_day = week_end - dt.timedelta(days=1)
    plans = _plans_at(last_day, user_ids)
    if not plans:
        return {}
    by_pk = {plan.pk: plan for plan in plans.values()}
    objectives = [
        _Objective(*values)
        for values in Objective.objects.filter(plan__in=list(by_pk))
        .order_by("position", "pk")
        .values_list(*OBJECTIVE_FIELDS)
    ]
    # Their audiences' tag names, as plain pairs: a prefetch would build a manager per objective.
    tag_names: dict[int, list[str]] = defaultdict(list)
    tagged = Objective.audience_tags.through.objects.filter(objective__plan__in=list(by_pk))
    for objective_id, name in tagged.values_list("objective_id", "tag__name"):
        tag_names[objective_id].append(name)
    community_names: dict[int, list[str]] = defaultdict(list)
    places = Objective.audience_communities.through.objects.filter(objective__plan__in=list(by_pk))
    for objective_id, name in places.values_list("objective_id", "community__name"):
        community_names[objective_id].append(name)
    measures: dict[_Measure, str] = {}
    wanted: list[tuple[_Objective, _Measure, tuple[dt.date, dt.date]]] = []
    for objective in objectives:
        if objective.metric not in CATALOG:
            continue
        start, end = objective_window(objective, by_pk[objective.plan_id], last_day)  # type: ignore[arg-type]
        if start > last_day:
            continue  # not started by the week's end
        measure = _Measure(
            objective.metric,
            objective.detail,
            tuple(sorted(objective.audience_circles or ())),
            objective.audience_industry.strip().lower(),
            tuple(sorted(tag_names.get(objective.pk, ()))),
            (start, min(end, week_end)),  # nothing after the week's end counts
            tuple(sorted(community_names.get(objective.pk, ()))),
        )
        measures.setdefault(measure, f"m{len(measures)}")
        wanted.append((objective, measure, (start, end)))
    values = _measure_values(measures, wanted, by_pk, week_start, week_end, now)
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for objective, measure, (start, end) in wanted:
        owner = by_pk[objective.plan_id].owner_id
        metric = CATALOG[objective.metric]
        progress = Progress(
            objective=objective,  # type: ignore[arg-type]
            metric=metric,
            value=values.get(owner, {}).get(measures[measure], metric.empty),
            start=start,
            end=end,
            today=last_day,
        )
        found[owner].append(
            {
                "id": objective.pk,
                "title": objective.title,
                "metric": objective.metric,
                "unit": metric.unit,
                "period": objective.period,
                "lower_is_better": metric.lower_is_better,
                "value": to_json(progress.value),
                "target": to_json(progress.target),
                "status": progress.status,
                "label": progress.label,
            }
        )
    return dict(found)


def _measure_values(
    measures: Mapping[_Measure, str],
    wanted: Sequence[tuple[_Objective, _Measure, tuple[dt.date, dt.date]]],
    plans: Mapping[int, GoalPlan],
    week_start: dt.date,
    week_end: dt.date,
    now: dt.datetime,
) -> dict[int, dict[str, Number]]:
    """The value of each measure for the users whose objectives use it, by user id."""
    users_of: dict[str, set[int]] = defaultdict(set)
    for objective, measure, _window in wanted:
        users_of[measures[measure]].add(plans[objective.plan_id].owner_id)
    names = list(measures.items())
    values: dict[int, dict[str, Number]] = defaultdict(dict)
    for at in range(0, len(names), OBJECTIVE_SPECS_PER_QUERY):
        chunk = names[at : at + OBJECTIVE_SPECS_PER_QUERY]
        specs = {name: measure.spec() for measure, name in chunk}
        owners = set().union(*(users_of[name] for name in specs))
        found = for_all_users(
            week_start, week_end, specs, users=[User(pk=pk) for pk in sorted(owners)], now=now
        )
        for pk, numbers in found.items():
            values[pk].update(numbers)
    return values


# --- Writing ----------------------------------------------------------------------------------


def rollup_write(week_start: dt.date, profiles: Sequence[Profile], *, now: dt.datetime) -> int:
    """Computes the week starting `week_start` for every given user and upserts their rows:
    one grouped query per source of the catalog for all of them, the objectives' few, and one
    INSERT … ON CONFLICT. Returns the number of rows written."""
    if not profiles:
        return 0
    if week_start.weekday() != 0:
        raise ValueError("A week starts on a Monday.")
    users = [User(pk=profile.user_id) for profile in profiles]
    numbers = for_all_users(week_start, week_start + WEEK, WEEK_SPECS, users=users, now=now)
    objectives = objectives_at_week_end(week_start, [u.pk for u in users], now=now)
    rows = []
    # In user order, so two writers of the same rows lock them in the same order (no deadlock).
    for profile in sorted(profiles, key=lambda p: p.user_id):
        found = numbers[profile.user_id]
        rows.append(
            WeeklyKpi(
                user_id=profile.user_id,
                week_start=week_start,
                values={name: to_json(found[name]) for name in PERIOD_SPECS},
                snapshots={name: to_json(found[name]) for name in SNAPSHOT_SPECS},
                objectives=objectives.get(profile.user_id, []),
                timezone=profile.timezone,
                computed_at=now,
            )
        )
    # A week read again writes the same log-derived numbers; the snapshots stay as first read.
    WeeklyKpi.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["user", "week_start"],
        update_fields=["values", "objectives", "timezone", "computed_at"],
    )
    return len(rows)


# --- The sweep --------------------------------------------------------------------------------


# What a claim reads of each profile (and its user).
CLAIMED_FIELDS = (
    "pk",
    "user_id",
    "timezone",
    "digest_hour",
    "weekly_summary_enabled",
    "next_rollup_at",
    "user__is_active",
)


@dataclass(frozen=True)
class SweepResult:
    rolled_up: int = 0  # users whose week was rolled up
    summaries: int = 0  # weekly summaries written (sent now or at their hour)
    queued: int = 0  # summaries queued for sending


def _schedule(pks: Sequence[int], zones: Iterable[str], *, now: dt.datetime) -> None:
    """Moves the given profiles' rollup to the next Monday 01:00 of their zones: one UPDATE,
    the time chosen by zone in the database (a CASE over the zones in the batch)."""
    times = {zone: rollup_time_after(zone, now) for zone in set(zones)}
    if not pks:
        return
    Profile.objects.filter(pk__in=pks).update(
        next_rollup_at=Case(
            *(When(timezone=zone, then=Value(at)) for zone, at in sorted(times.items())),
            output_field=DateTimeField(),
        )
    )


def rollup_schedule_missing(*, now: dt.datetime) -> int:
    """Schedules every user without a rollup time (new sign-ups, bulk imports of users)."""
    missing = list(
        Profile.objects.filter(next_rollup_at__isnull=True).values_list("pk", "timezone")
    )
    _schedule([pk for pk, _zone in missing], [zone for _pk, zone in missing], now=now)
    return len(missing)


def kpi_sweep(
    *,
    now: dt.datetime | None = None,
    batch: int = ROLLUP_BATCH,
    enqueue: Callable[[list[int]], None] | None = None,
) -> SweepResult:
    """Rolls up every due user's last week and queues the summaries whose hour has come.
    Safe to run anywhere, any number of times at once. `enqueue` receives the delivery ids to
    send (default: a `digest_send` task each)."""
    now = now or timezone.now()
    enqueue = enqueue or enqueue_sends
    rollup_schedule_missing(now=now)
    rolled = summaries = queued = 0
    while True:
        made, written, sent, more = _claim_rollups(now=now, batch=batch, enqueue=enqueue)
        rolled, summaries, queued = rolled + made, summaries + written, queued + sent
        if not more:
            break
    while True:
        sent, more = _summaries_due(now=now, enqueue=enqueue)
        queued += sent
        if not more:
            break
    return SweepResult(rolled, summaries, queued)


def _roomy() -> None:
    """Gives the current transaction's queries the memory a batch needs (ROLLUP_WORK_MEM)."""
    if connection.vendor == "postgresql":  # SQLite has no per-transaction work memory
        # A server setting, not a query: the ORM has no way to say it.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = %s", [ROLLUP_WORK_MEM])


@transaction.atomic
def _claim_rollups(
    *, now: dt.datetime, batch: int, enqueue: Callable[[list[int]], None]
) -> tuple[int, int, int, bool]:
    due = list(
        Profile.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("user")
        .only(*CLAIMED_FIELDS)
        .filter(next_rollup_at__lte=now)
        .order_by("next_rollup_at")[:batch]
    )
    if not due:
        return 0, 0, 0, False
    _roomy()
    weeks: dict[dt.date, list[Profile]] = defaultdict(list)
    deliveries, ready = [], []
    for profile in due:
        week_start = last_finished_week(now.astimezone(profile.zone).date())
        weeks[week_start].append(profile)
        late = now - profile.next_rollup_at > SUMMARY_STALE_AFTER
        if not profile.weekly_summary_enabled or not profile.user.is_active or late:
            continue
        # Due at the user's digest hour. A pending delivery is not sent before its lease
        # ends (as a retry waits for its turn), so a later sweep queues it at that hour.
        send_at = summary_time(profile, week_start)
        delivery = DigestDelivery(
            user_id=profile.user_id,
            kind=DeliveryKind.WEEKLY,
            local_date=week_start,
            lease_until=send_at if send_at > now else now + lease(),
        )
        deliveries.append(delivery)
        if send_at <= now:
            ready.append(delivery)
    # Usually one week for everyone due; two around a move across the date line.
    for week_start, profiles in weeks.items():
        rollup_write(week_start, profiles, now=now)
        weekly_kpis_emit(week_start=week_start, user_ids=[p.user_id for p in profiles])
    _schedule([p.pk for p in due], [p.timezone for p in due], now=now)
    # One summary per user and week: a second claim of the same week inserts nothing.
    DigestDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    ids = []
    if ready:
        ids = list(
            DigestDelivery.objects.filter(
                kind=DeliveryKind.WEEKLY,
                status=DeliveryStatus.PENDING,
                attempts=0,
                user_id__in=[d.user_id for d in ready],
                local_date__in={d.local_date for d in ready},
            ).values_list("pk", flat=True)
        )
        transaction.on_commit(partial(enqueue, ids))
    return len(due), len(deliveries), len(ids), len(due) == batch


@transaction.atomic
def _summaries_due(*, now: dt.datetime, enqueue: Callable[[list[int]], None]) -> tuple[int, bool]:
    """Weekly summaries whose hour has come (or whose retry is due): leased and queued. The
    digest sweep's requeue would find them too, a few hundred a minute; this takes them all."""
    ids = list(
        DigestDelivery.objects.select_for_update(skip_locked=True)
        .filter(kind=DeliveryKind.WEEKLY, status=DeliveryStatus.PENDING, lease_until__lte=now)
        .values_list("pk", flat=True)[:SUMMARY_BATCH]
    )
    if not ids:
        return 0, False
    DigestDelivery.objects.filter(pk__in=ids).update(lease_until=now + lease())
    transaction.on_commit(partial(enqueue, ids))
    return len(ids), len(ids) == SUMMARY_BATCH


# --- Backfill ---------------------------------------------------------------------------------


def rollup_backfill(
    *,
    weeks: int,
    users: Iterable[User] | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Rolls up the last `weeks` finished weeks of every user (or of the given ones), each week
    in its own transaction; rows that exist get the same numbers again. Sends nothing and
    leaves the schedule alone. Returns the number of rows written."""
    if weeks < 1:
        raise ValueError("Backfill at least one week.")
    now = now or timezone.now()
    profiles = Profile.objects.order_by("pk")
    if users is not None:
        profiles = profiles.filter(user__in=list(users))
    by_week: dict[dt.date, list[Profile]] = defaultdict(list)
    for profile in profiles.only("pk", "user_id", "timezone"):
        by_week[last_finished_week(now.astimezone(profile.zone).date())].append(profile)
    written = 0
    for back in range(weeks):
        for last, group in by_week.items():
            week_start = last - back * WEEK
            for at in range(0, len(group), ROLLUP_BATCH):
                with transaction.atomic():
                    _roomy()
                    written += rollup_write(week_start, group[at : at + ROLLUP_BATCH], now=now)
            if progress is not None:
                progress(f"week of {week_start:%d %b %Y}: {len(group):,} users")
    return written


# --- Reading ----------------------------------------------------------------------------------


def history(user: User, *, last: dt.date, weeks: int) -> list[WeeklyKpi]:
    """The user's rows of the `weeks` ISO weeks up to the one starting `last`, oldest first,
    from the first week that has one (a new user's chart starts when they do)."""
    first = last - (weeks - 1) * WEEK
    rows = list(WeeklyKpi.objects.filter(user=user, week_start__gte=first, week_start__lte=last))
    return sorted(rows, key=lambda row: row.week_start)


@dataclass(frozen=True)
class Comparison:
    """One measure now against before (and, in the summary, a 4-week average)."""

    metric: Metric
    value: Number
    before: Number
    average: Number | Decimal = None
    label: str = ""

    @property
    def title(self) -> str:
        return self.label or self.metric.label

    @property
    def direction(self) -> str:
        """up, down or same; "" when either side is no number."""
        if self.value is None or self.before is None:
            return ""
        value, before = Decimal(self.value), Decimal(self.before)
        return "up" if value > before else "down" if value < before else "same"

    @property
    def arrow(self) -> str:
        return {"up": "↑", "down": "↓", "same": "→"}.get(self.direction, "")

    @property
    def tone(self) -> str:
        """good, bad or neutral: more is better for counts and money; time spent and the
        online/offline balance are neither (the plan's budget says what is enough)."""
        if self.direction in ("", "same") or self.metric.unit in ("minutes", "percent"):
            return "neutral"
        better = "down" if self.metric.lower_is_better else "up"
        return "good" if self.direction == better else "bad"

    @property
    def shown(self) -> str:
        return number_text(self.metric.unit, self.value)

    @property
    def before_shown(self) -> str:
        return number_text(self.metric.unit, self.before)

    @property
    def average_shown(self) -> str:
        return number_text(self.metric.unit, self.average)


def number_text(unit: str, value: Number | Decimal | float) -> str:
    """A number as people read it: 12, 40%, 3 h 20 min, 1,250."""
    if value is None:
        return "—"
    number = Decimal(str(value))
    if unit == "minutes":
        return duration_text(int(number))
    whole = number == number.to_integral_value()
    if unit == "percent":
        return f"{number:.0f}%"
    if unit == "score":
        return f"{number:.0f}"
    if unit == "money":
        return f"{number:,.0f}" if whole else f"{number:,.2f}"
    return f"{number:,.0f}" if whole else f"{number:,.1f}"


def duration_text(minutes: int) -> str:
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


# The measures of "this week so far" on the KPI page, and the Today page's cards (the first 4).
HEADLINES = (
    "interactions_by_kind",
    "meaningful_connections",
    "new_contacts",
    "offline_share",
    "followups_on_time",
    "outcomes",
    "outcome_value",
    "minutes_spent",
    "people_met_at_events",
    "content_conversations",
)
TODAY_CARDS = HEADLINES[:4]


def week_so_far(user: User, today: dt.date, keys: Sequence[str] = HEADLINES) -> list[Comparison]:
    """This week up to today against last week up to the same weekday (a fair comparison on a
    Wednesday): one catalog call, one query per source."""
    return week_so_far_and(user, today, keys)[0]


def week_so_far_and(
    user: User, today: dt.date, keys: Sequence[str], also: Mapping[str, Spec] | None = None
) -> tuple[list[Comparison], dict[str, Number]]:
    """`week_so_far`, and the values of `also` (other specs, with windows of their own) read
    by the same queries."""
    start = monday(today)
    days = (today - start).days + 1
    now_window = (start, start + dt.timedelta(days=days))
    before_window = (start - WEEK, start - WEEK + dt.timedelta(days=days))
    specs = dict(also or {})
    for key in keys:
        specs[f"now.{key}"] = Spec(key, window=now_window)
        specs[f"before.{key}"] = Spec(key, window=before_window)
    found = for_user(user, start - WEEK, now_window[1], specs, focus=focus_of(user))
    comparisons = [
        Comparison(CATALOG[key], found[f"now.{key}"], found[f"before.{key}"]) for key in keys
    ]
    return comparisons, {name: found[name] for name in also or {}}


def kpi_number(row: WeeklyKpi, key: str, detail: str = "") -> Number:
    """A metric's number (narrowed to `detail`) in a week's row, in its unit."""
    return from_json(CATALOG[key], row.raw(key, detail))
