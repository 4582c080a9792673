"""The metric catalog: every number an objective can be measured by, defined once.

A metric is one aggregate expression over one source of rows: the owner's interactions, their
contacts, their follow-ups or the content they shared. The same expressions give the numbers
for one user (`for_user`, an ``aggregate()``) and for every user at once (`for_all_users`, a
``GROUP BY owner``): one query per source whatever the number of metrics or users, and the
plan page and a weekly rollup cannot disagree.

An audience (a filter on Contact) narrows an interaction or a follow-up when at least one of its
contacts is in it. The two forms find that differently, each the fast way for its size (see
`_with_audience` and `_audience`); a property test holds them to the same numbers.

A period is the local dates ``[start, end)`` in each owner's time zone. ``occurred_on`` already
is a local date; a contact's ``created_at`` (UTC) is converted per row with `LocalDate`.

A snapshot metric is a value as of the period's end rather than a sum over it. It reads the
contacts' current columns (next check-in, strength), so for a past period it is not history.

When nothing matches, counts, minutes and money are 0; percent shares and average scores are
None, since a share or an average of nothing is no number at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import NotSupportedError, connection
from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    Exists,
    Expression,
    F,
    FloatField,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Least
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils import timezone

from accounts.models import Profile, User
from contacts.models import (
    OFFLINE_CHANNELS,
    Channel,
    Circle,
    Contact,
    Initiator,
    Interaction,
    Kind,
    Outcome,
    in_context,
)
from content.models import ENGAGEMENT, Piece, Platform
from followups.models import FollowUp, FollowUpStatus
from goals.models import Period

Unit = Literal["count", "percent", "minutes", "money", "score"]
Source = Literal["interactions", "contacts", "followups", "pieces"]
Number = Decimal | int | None
Choices = tuple[tuple[str, str], ...]

CENT = Decimal("0.01")
SQLITE_LOCAL_DATE = "networkcrm_local_date"


def _sqlite_local_date(value: str | None, zone: str | None) -> str | None:
    """SQLite's `LocalDate`: Django stores datetimes there as naive UTC text."""
    if value is None or zone is None:
        return None
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(ZoneInfo(zone)).date().isoformat()


class LocalDate(Func):
    """``LocalDate(datetime, zone)``: the date a UTC datetime falls on in a per-row time zone."""

    arity = 2
    output_field = DateField()

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, Any]:
        raise NotSupportedError("LocalDate needs PostgreSQL or SQLite.")

    def as_postgresql(
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, Any]:
        return super().as_sql(
            compiler,
            connection,
            template="((%(expressions)s))::date",
            arg_joiner=" AT TIME ZONE ",
            **extra_context,
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, Any]:
        # SQLite only (the laptop default; PostgreSQL runs the site). SQLite knows no time
        # zones, so a Python function converts, registered on the connection that compiles the
        # query (and runs it): that also covers connections opened before this module was
        # imported, which a connection_created receiver would miss.
        _sqlite_functions(connection)
        return super().as_sql(compiler, connection, function=SQLITE_LOCAL_DATE, **extra_context)


def _sqlite_functions(connection: Any) -> None:
    """SQLite only: registers `LocalDate`'s function on the connection."""
    connection.ensure_connection()
    connection.connection.create_function(
        SQLITE_LOCAL_DATE, 2, _sqlite_local_date, deterministic=True
    )


def _owner_timezone() -> Coalesce:
    """The owner's time zone, per row; the site's for a user without a profile."""
    return Coalesce(F("owner__profile__timezone"), Value(settings.TIME_ZONE))


@dataclass(frozen=True)
class Scope:
    """What one request of a metric is built for."""

    start: dt.date
    end: dt.date  # exclusive
    today: Expression  # the owner's local date at the moment of reading, per row
    detail: str  # "" when the metric is not narrowed
    window: Q  # the source's rows in [start, end); empty when the statement reads no others
    audience: Q  # the source's rows in the audience


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: Unit
    source: Source
    expression: Callable[[Scope], Expression]
    details: Choices = ()
    snapshot: bool = False
    help: str = ""
    lower_is_better: bool = False  # a target is then a ceiling ("at most 3 overdue")

    @property
    def cumulative(self) -> bool:
        """Whether it adds up over a period (a count, a sum) rather than being a level (a
        share, an average, a snapshot): only a cumulative metric has a pace."""
        return not self.snapshot and self.unit in ("count", "minutes", "money")

    @property
    def empty(self) -> Number:
        """The value when no row matches."""
        if self.unit in ("percent", "score"):
            return None
        return Decimal("0.00") if self.unit == "money" else 0

    def value(self, raw: Any) -> Number:
        """The number a query returned, as this metric's unit reads it."""
        if raw is None:
            return self.empty
        if self.unit in ("count", "minutes"):
            return int(raw)
        return Decimal(raw).quantize(CENT)


class Spec(NamedTuple):
    """One named request: a catalog metric, narrowed to a detail, for an audience, over the
    call's period or a `window` of its own (so objectives of a week, a month and a quarter are
    read by one query)."""

    metric: str
    detail: str = ""
    audience: Q | None = None  # a filter on Contact, e.g. `Objective.audience_q()`
    window: tuple[dt.date, dt.date] | None = None  # [start, end); None: the call's period


CATALOG: dict[str, Metric] = {}
# The local date each dated source's row counts on (a contact counts as of a period's end).
DATED_BY: dict[Source, str] = {
    "interactions": "occurred_on",
    "followups": "done_on",
    "pieces": "published_on",
}


def register(
    key: str,
    label: str,
    *,
    unit: Unit,
    source: Source,
    details: Choices = (),
    snapshot: bool = False,
    help: str = "",
    lower_is_better: bool = False,
) -> Callable[[Callable[[Scope], Expression]], Callable[[Scope], Expression]]:
    """Adds the decorated expression builder to the catalog as the metric `key`."""

    def add(expression: Callable[[Scope], Expression]) -> Callable[[Scope], Expression]:
        if key in CATALOG:
            raise ValueError(f"The metric {key!r} is defined twice.")
        CATALOG[key] = Metric(
            key, label, unit, source, expression, details, snapshot, help, lower_is_better
        )
        return expression

    return add


# --- Building blocks --------------------------------------------------------------------

KIND_DETAILS: Choices = tuple((k, label) for k, label in Kind.choices if k != Kind.NOTE)
CHANNEL_DETAILS: Choices = tuple(Channel.choices)
OUTCOME_DETAILS: Choices = tuple((o, label) for o, label in Outcome.choices if o)
CIRCLE_DETAILS: Choices = tuple(Circle.choices)
OFFLINE = sorted(OFFLINE_CHANNELS)
PLATFORM_DETAILS: Choices = tuple(Platform.choices)


def _count(condition: Q) -> Count:
    # The owner, never null, rather than the id: an index that holds the owner and the
    # filtered columns can then answer alone (see Interaction's indexes).
    return Count("owner", filter=condition or None)


def _where(scope: Scope, test: Q) -> Q:
    """The rows a metric reads: in its window, passing its own `test`, in its audience.

    In that order: the database checks a filter's conditions in order and stops at the first
    that fails. The statement reads the union of its specs' windows, so one comparison of
    dates turns away most rows of a week's or a month's metric; a kind or a channel turns
    away most of the rest, before the audience, which may look at a group's links."""
    return scope.window & test & scope.audience


def _narrowed(field: str, scope: Scope, test: Q | None = None) -> Q:
    """The scope's rows passing `test`, narrowed to its detail as a value of `field` when there
    is one."""
    detail = Q(**{field: scope.detail}) if scope.detail else Q()
    return _where(scope, detail & (test or Q()))


def _share(part: Q, scope: Scope) -> Expression:
    """`part` as a percentage of the scope's rows, NULL (no division by zero) when there are
    none: the average of 100 for a row in `part` and 0 for any other, so the audience is
    tested once a row. In floating point, the same number as 100 times part over whole."""
    flag = Case(When(part, then=Value(100)), default=Value(0))
    return Avg(Cast(flag, FloatField()), filter=_where(scope, Q()) or None)


def _added_in(scope: Scope, *narrower: Q) -> Q:
    """Contacts added during the period, by the owner's local date, in the scope's audience and
    any `narrower` filter.

    Every time zone is less than a day from UTC, so a plain comparison of the column comes
    first, then the audience and the filters: they spare most contacts the conversion."""
    added_on = LocalDate("created_at", _owner_timezone())
    near = Q(
        created_at__gte=_utc_midnight(scope.start - dt.timedelta(days=1)),
        created_at__lt=_utc_midnight(scope.end + dt.timedelta(days=1)),
    )
    converted = Q(GreaterThanOrEqual(added_on, scope.start), LessThan(added_on, scope.end))
    return near & scope.audience & Q(*narrower) & converted


def _utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


# --- The catalog ------------------------------------------------------------------------


@register(
    "new_contacts",
    "New contacts",
    unit="count",
    source="contacts",
    help=(
        "People you met, by the day you met them (for a contact without that date, the day "
        "you added it): old connections imported today are not new."
    ),
)
def _new_contacts(scope: Scope) -> Expression:
    # One date decides: `met_on` (which the LinkedIn import sets from the connection date),
    # else the local day the contact was added, right for one added by hand. The first test
    # only keeps the conversion of `created_at` to the few rows that may need it.
    met = Coalesce("met_on", LocalDate("created_at", _owner_timezone()), output_field=DateField())
    near = Q(met_on__gte=scope.start, met_on__lt=scope.end) | Q(
        met_on__isnull=True,
        created_at__gte=_utc_midnight(scope.start - dt.timedelta(days=1)),
        created_at__lt=_utc_midnight(scope.end + dt.timedelta(days=1)),
    )
    return _count(
        near & scope.audience & Q(GreaterThanOrEqual(met, scope.start), LessThan(met, scope.end))
    )


@register(
    "interactions_by_kind",
    "Interactions",
    unit="count",
    source="interactions",
    details=KIND_DETAILS,
    help="Interactions you logged, of any kind or of one, such as meetings.",
)
def _interactions_by_kind(scope: Scope) -> Expression:
    return _count(_narrowed("kind", scope))


@register(
    "interactions_by_channel",
    "Interactions by channel",
    unit="count",
    source="interactions",
    details=CHANNEL_DETAILS,
    help="Interactions you logged, on any channel or on one, such as LinkedIn.",
)
def _interactions_by_channel(scope: Scope) -> Expression:
    return _count(_narrowed("channel", scope))


@register(
    "meaningful_connections",
    "Meaningful connections",
    unit="count",
    source="interactions",
    help="Interactions you rated 4 or 5, or that they started.",
)
def _meaningful_connections(scope: Scope) -> Expression:
    return _count(_where(scope, Q(quality__gte=4) | Q(initiated_by=Initiator.THEM)))


@register(
    "offline_share",
    "Offline share",
    unit="percent",
    source="interactions",
    help="The share of your interactions in person, by phone or at events.",
)
def _offline_share(scope: Scope) -> Expression:
    return _share(Q(channel__in=OFFLINE), scope)


@register(
    "online_share",
    "Online share",
    unit="percent",
    source="interactions",
    help="The share of your interactions by video, e-mail or social networks.",
)
def _online_share(scope: Scope) -> Expression:
    return _share(~Q(channel__in=OFFLINE), scope)


@register(
    "introductions_made",
    "Introductions made",
    unit="count",
    source="interactions",
    help="Introductions you made between people.",
)
def _introductions_made(scope: Scope) -> Expression:
    return _count(_where(scope, Q(kind=Kind.INTRODUCTION)))


@register(
    "introductions_received",
    "Introductions received",
    unit="count",
    source="contacts",
    help="New contacts someone introduced you to.",
)
def _introductions_received(scope: Scope) -> Expression:
    return _count(_added_in(scope, Q(introduced_by__isnull=False)))


@register(
    "help_given",
    "Help given",
    unit="count",
    source="interactions",
    help="Times you helped someone.",
)
def _help_given(scope: Scope) -> Expression:
    return _count(_where(scope, Q(kind=Kind.HELP_GIVEN)))


@register(
    "help_received",
    "Help received",
    unit="count",
    source="interactions",
    help="Times someone helped you.",
)
def _help_received(scope: Scope) -> Expression:
    return _count(_where(scope, Q(kind=Kind.HELP_RECEIVED)))


@register(
    "outcomes",
    "Outcomes",
    unit="count",
    source="interactions",
    details=OUTCOME_DETAILS,
    help="Interactions that led somewhere: an opportunity, a referral, a client…",
)
def _outcomes(scope: Scope) -> Expression:
    return _count(_narrowed("outcome", scope, ~Q(outcome=Outcome.NONE)))


@register(
    "outcome_value",
    "Outcome value",
    unit="money",
    source="interactions",
    details=OUTCOME_DETAILS,
    help="The value you recorded for your interactions' outcomes.",
)
def _outcome_value(scope: Scope) -> Expression:
    return Sum("outcome_value", filter=_narrowed("outcome", scope) or None)


@register(
    "followups_done",
    "Follow-ups done",
    unit="count",
    source="followups",
    help="Follow-ups you marked done, by the day you did.",
)
def _followups_done(scope: Scope) -> Expression:
    return _count(_where(scope, Q(status=FollowUpStatus.DONE)))


@register(
    "followups_on_time",
    "Follow-ups done on time",
    unit="count",
    source="followups",
    help="Follow-ups you marked done by the date you had set.",
)
def _followups_on_time(scope: Scope) -> Expression:
    return _count(_where(scope, Q(status=FollowUpStatus.DONE, done_on__lte=F("due_on"))))


@register(
    "minutes_spent",
    "Time spent",
    unit="minutes",
    source="interactions",
    details=CHANNEL_DETAILS,
    help="Minutes you spent with people, on any channel or on one.",
)
def _minutes_spent(scope: Scope) -> Expression:
    return Sum("duration_minutes", filter=_narrowed("channel", scope) or None)


@register(
    "contacts_overdue",
    "Contacts overdue",
    unit="count",
    source="contacts",
    snapshot=True,
    help="Contacts whose check-in date has passed, at the end of the period or today.",
    lower_is_better=True,
)
def _contacts_overdue(scope: Scope) -> Expression:
    as_of = Least(Value(scope.end), scope.today)
    return _count(_where(scope, Q(archived=False, next_checkin_on__lt=as_of)))


@register(
    "average_strength",
    "Average strength",
    unit="score",
    source="contacts",
    snapshot=True,
    details=CIRCLE_DETAILS,
    help="The average relationship strength (0–100) of your contacts, or of one circle.",
)
def _average_strength(scope: Scope) -> Expression:
    return Avg("strength", filter=_narrowed("circle", scope, Q(archived=False)))


# --- Where you show up: events, communities, content -----------------------------------


@register(
    "events_attended",
    "Events attended",
    unit="count",
    source="interactions",
    help="Events where you met someone you logged (Events → Log who you met).",
)
def _events_attended(scope: Scope) -> Expression:
    return Count("event", distinct=True, filter=_where(scope, Q(event__isnull=False)))


@register(
    "people_met_at_events",
    "People met at events",
    unit="count",
    source="interactions",
    help="The people you logged as met at an event, one per event.",
)
def _people_met_at_events(scope: Scope) -> Expression:
    return _count(_where(scope, Q(event__isnull=False)))


@register(
    "communities_active",
    "Communities you took part in",
    unit="count",
    source="interactions",
    help="Communities where you logged at least one interaction.",
)
def _communities_active(scope: Scope) -> Expression:
    return Count("community", distinct=True, filter=_where(scope, Q(community__isnull=False)))


@register(
    "content_conversations",
    "Conversations started by content",
    unit="count",
    source="interactions",
    help="People you know who engaged with what you shared, one per piece.",
)
def _content_conversations(scope: Scope) -> Expression:
    return _count(_where(scope, Q(piece__isnull=False)))


@register(
    "content_shared",
    "Content shared",
    unit="count",
    source="pieces",
    details=PLATFORM_DETAILS,
    help="Posts, articles, talks, newsletters and threads you shared, on any platform or one.",
)
def _content_shared(scope: Scope) -> Expression:
    return _count(_narrowed("platform", scope))


@register(
    "engagement",
    "Engagement",
    unit="count",
    source="pieces",
    details=PLATFORM_DETAILS,
    help="Reactions, comments and shares on what you shared in the period.",
)
def _engagement(scope: Scope) -> Expression:
    return Sum(ENGAGEMENT, filter=_narrowed("platform", scope) or None)


@register(
    "engagement_per_piece",
    "Engagement per piece",
    unit="score",
    source="pieces",
    details=PLATFORM_DETAILS,
    help="Reactions, comments and shares per piece you shared in the period.",
)
def _engagement_per_piece(scope: Scope) -> Expression:
    return Avg(ENGAGEMENT, filter=_narrowed("platform", scope) or None)


# --- Computing --------------------------------------------------------------------------


def _metric(key: str, detail: str) -> Metric:
    metric = CATALOG.get(key)
    if metric is None:
        raise ValueError(f"There is no metric {key!r}.")
    if detail and detail not in dict(metric.details):
        raise ValueError(f"{metric.label} cannot be narrowed to {detail!r}.")
    return metric


def _audience(source: Source, audience: Q, owners: Q) -> Q:
    """The rows of a linked source (interactions, follow-ups) with a contact in the audience,
    for every owner at once: an uncorrelated IN over the links of the owners' contacts in it,
    which the database reads once and hashes. The weekly rollup's way: it reads the links of
    all time, which a rollup of many users affords (`kpis.rollup.ROLLUP_WORK_MEM`); one user's
    plan page asks row by row instead (`_with_audience`)."""
    members = Contact.objects.filter(owners, audience).values("pk")
    if source == "followups":
        linked = FollowUp.contacts.through.objects.filter(contact__in=members)
        return Q(pk__in=linked.values("followup_id"))
    if source == "pieces":
        linked = Piece.engaged.through.objects.filter(contact__in=members)
        return Q(pk__in=linked.values("piece_id"))
    linked = Interaction.contacts.through.objects.filter(contact__in=members)
    return Q(pk__in=linked.values("interaction_id"))


def _on(relation: str, audience: Q) -> Q | None:
    """The audience's field lookups on Contact as lookups through `relation`; None when it holds
    anything else (an expression, an F, an Exists), which only a query of Contact can read."""
    children: list[Q | tuple[str, Any]] = []
    for child in audience.children:
        if isinstance(child, Q):
            if (through := _on(relation, child)) is None:
                return None
            children.append(through)
        elif isinstance(child, tuple) and (
            isinstance(child[1], QuerySet) or not hasattr(child[1], "resolve_expression")
        ):
            children.append((f"{relation}__{child[0]}", child[1]))
        else:
            return None
    return Q(*children, _connector=audience.connector, _negated=audience.negated)


GROUPS = "audience_groups"


class _Groups:
    """The audiences a one-owner query tests on group interactions (those with no
    `sole_contact`), each a column of one grouped table of flags (`GROUPS`): for each group
    interaction in the windows of the specs that test it, 1 when any of its contacts is in
    that audience. The statement reads it as a WITH, and each audience is then an uncorrelated
    IN over it, which the database reads once and hashes; an EXISTS per audience cost the
    planner more than the rows cost to read."""

    def __init__(self) -> None:
        self.columns: dict[Hashable, tuple[str, Q]] = {}
        self.window: tuple[dt.date, dt.date] | None = None  # the dates the tests read

    def test(self, through: Q, window: tuple[dt.date, dt.date]) -> Q:
        """Whether the row (a group interaction in `window`) has a contact in the audience
        `through` (a filter on the links): equal filters (Q's own equality) share a column."""
        first, last = window
        if self.window is not None:
            first, last = min(first, self.window[0]), max(last, self.window[1])
        self.window = first, last
        key: Hashable = through
        try:
            hash(through)
        except TypeError:
            key = object()  # a filter Q cannot hash: a column of its own
        if key not in self.columns:
            self.columns[key] = (f"a{len(self.columns)}", through)
        column = self.columns[key][0]
        # The ORM cannot name a WITH table: the one piece of the statement written by hand.
        link = Interaction.contacts.through._meta.get_field("interaction").column
        flagged = f"SELECT {link} FROM {GROUPS} WHERE {column} = 1"  # noqa: S608 (no user text)
        return Q(pk__in=RawSQL(flagged, []))  # noqa: S611 (no user text)

    def rows(self, owner: Q) -> QuerySet[Any]:
        """The table of flags, one row per group interaction in the window the tests read."""
        if self.window is None:
            raise ValueError("No audience tests group interactions.")
        start, end = self.window
        links = Interaction.contacts.through.objects.filter(
            Q(interaction__sole_contact__isnull=True),
            Q(interaction__occurred_on__gte=start, interaction__occurred_on__lt=end),
            **{f"interaction__{key}": value for key, value in owner.children},  # type: ignore[misc]
        )
        flags = {
            column: Max(Case(When(through, then=Value(1)), default=Value(0)))
            for column, through in self.columns.values()
        }
        return links.order_by().values("interaction_id").annotate(**flags)


def _with_audience(
    source: Source,
    audience: Q,
    owners: Q,
    groups: _Groups | None = None,
    window: tuple[dt.date, dt.date] | None = None,
) -> Q:
    """The rows of a linked source with a contact in the audience, for one owner, asked of each
    row in the period.

    An interaction with one contact (most of them) is joined to that contact by its
    `sole_contact`, and the audience is a test of the joined row; only a group interaction,
    whose `sole_contact` is NULL, looks at its links: in the statement's table of group flags
    when there is one (`_Groups`, told the spec's `window`), else with an EXISTS. (Grouping
    the period's rows with their links, or an IN over the audience's links of all time as in
    `_audience`, costs a join of every row with the link table.) An audience that is more
    than field lookups is read as the set of the owner's contacts in it, which the database
    reads once and hashes."""
    through = _on("contact", audience)
    if through is None:
        members = Contact.objects.filter(owners, audience).values("pk")
        through, sole = Q(contact__in=members), Q(sole_contact__in=members)
    else:
        sole = _on("sole_contact", audience)
    if source == "followups":
        links = FollowUp.contacts.through.objects.filter(followup=OuterRef("pk"))
        return Q(Exists(links.filter(through)))
    if source == "pieces":
        links = Piece.engaged.through.objects.filter(piece=OuterRef("pk"))
        return Q(Exists(links.filter(through)))
    if groups is not None and window is not None:
        grouped = groups.test(through, window)  # the table holds group interactions only
    else:
        links = Interaction.contacts.through.objects.filter(interaction=OuterRef("pk"))
        grouped = Q(sole_contact__isnull=True) & Q(Exists(links.filter(through)))
    # Not NULL first: a negated lookup through the LEFT JOIN would hold for a group's NULL.
    return (Q(sole_contact__isnull=False) & sole) | grouped


def _rows(source: Source, start: dt.date, end: dt.date) -> QuerySet[Any]:
    if source == "contacts":
        return Contact.objects.order_by()
    if source == "followups":
        # Follow-ups count by the day they were done.
        return FollowUp.objects.filter(done_on__gte=start, done_on__lt=end).order_by()
    if source == "pieces":
        # Content counts by the day it was shared.
        return Piece.objects.filter(published_on__gte=start, published_on__lt=end).order_by()
    # Every interaction metric sums over the period, so the window is one WHERE clause, served
    # by the (owner, occurred_on) index. No metric counts notes or private interactions
    # (`InteractionQuerySet.counted`).
    return (
        Interaction.objects.filter(occurred_on__gte=start, occurred_on__lt=end).counted().order_by()
    )


def _queries(
    specs: Mapping[str, Spec],
    start: dt.date,
    end: dt.date,
    now: dt.datetime | None,
    owners: Q,
    *,
    one_owner: bool,
    today: dt.date | None = None,
    groups: _Groups | None = None,
) -> dict[Source, dict[str, Expression]]:
    """The aggregates of each source the specs read, by source and query alias (a spec's name
    may not be a valid or free one). Interactions and follow-ups are narrowed to an audience
    row by row for one owner (`_with_audience`), by an IN for many (`_audience`). Snapshots
    are read as of `today` when it is given, else as of `now` in each owner's time zone."""
    as_of = (
        Value(today, output_field=DateField())
        if today is not None
        else LocalDate(Value(now or timezone.now()), _owner_timezone())
    )
    aliases = _aliases(specs)
    span = _span(specs, start, end)
    queries: dict[Source, dict[str, Expression]] = {}
    for name, (key, detail, audience, window) in specs.items():
        metric = _metric(key, detail)
        first, last = window or (start, end)
        if last < first:
            raise ValueError("A period cannot end before it starts.")
        # The query reads the union of the specs' windows (`_span`); a narrower one keeps to
        # its own, as one BETWEEN of dates (its last day included).
        dates = Q()
        if (first, last) != span and metric.source in DATED_BY:
            days = (first, last - dt.timedelta(days=1))
            dates = Q(**{f"{DATED_BY[metric.source]}__range": days})
        rows = Q()
        if audience and metric.source == "contacts":
            rows = audience
        elif audience and one_owner:
            rows = _with_audience(metric.source, audience, owners, groups, (first, last))
        elif audience:
            rows = _audience(metric.source, audience, owners)
        scope = Scope(first, last, as_of, detail or "", dates, rows)
        queries.setdefault(metric.source, {})[aliases[name]] = metric.expression(scope)
    return queries


def _span(specs: Mapping[str, Spec], start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The dates every spec's window falls in."""
    windows = [spec.window or (start, end) for spec in specs.values()] or [(start, end)]
    return min(w[0] for w in windows), max(w[1] for w in windows)


def _aliases(specs: Mapping[str, Spec]) -> dict[str, str]:
    return {name: f"m{index}" for index, name in enumerate(specs)}


def _read(specs: Mapping[str, Spec], row: Mapping[str, Any]) -> dict[str, Number]:
    """The specs' values from a result row; a value the row lacks (no query for its source,
    no rows for the user) reads as its metric's empty value."""
    aliases = _aliases(specs)
    return {
        name: CATALOG[spec.metric].value(row.get(aliases[name])) for name, spec in specs.items()
    }


def _one_user_parts(
    owner_id: int,
    start: dt.date,
    end: dt.date,
    specs: Mapping[str, Spec],
    *,
    now: dt.datetime | None,
    today: dt.date | None,
) -> tuple[QuerySet[Any] | None, list[QuerySet[Any]]]:
    """What one user's statement is made of: the table of group flags its audiences read (None
    when none does), and each source's aggregates, grouped by the one owner."""
    span = _span(specs, start, end)
    owner = Q(owner=owner_id)
    groups = _Groups()
    queries = _queries(specs, start, end, now, owner, one_owner=True, today=today, groups=groups)
    parts = [
        _rows(source, *span).filter(owner).values("owner_id").annotate(**aggregates)
        for source, aggregates in queries.items()
    ]
    return (groups.rows(owner) if groups.columns else None), parts


def for_user(
    user: User | int,
    start: dt.date,
    end: dt.date,
    specs: Mapping[str, Spec],
    *,
    now: dt.datetime | None = None,
    today: dt.date | None = None,
    focus: str = "",
) -> dict[str, Number]:
    """The value of each spec for one user over ``[start, end)``, in one query (a part per
    source).

    `now` is the moment snapshots are read at (default: now); its date in the user's time zone
    is their today. A caller that knows that date passes it as `today` instead. `focus` is the
    user's `Profile.focus`: the contexts of contacts their numbers count (see `narrowed`).
    """
    owner_id = user.pk if isinstance(user, User) else user
    specs = narrowed(specs, focus)
    flags, parts = _one_user_parts(owner_id, start, end, specs, now=now, today=today)
    # The ORM builds each part but cannot join them into one statement after a WITH: one round
    # trip, one row (NULLs where the owner has no rows in a source).
    prefix, params, selects, joins, columns = "", [], ["1"], [], ["one"]
    if flags is not None:
        flags_sql, flags_params = flags.query.sql_with_params()
        prefix, params = f"WITH {GROUPS} AS ({flags_sql}) ", [*flags_params]
    for index, part in enumerate(parts):
        part_sql, part_params = part.query.sql_with_params()
        selects.append(f"s{index}.*")
        joins.append(f"LEFT JOIN ({part_sql}) AS s{index} ON 1 = 1")
        params += part_params
        columns += ["owner_id", *part.query.annotation_select]
    sql = f"{prefix}SELECT {', '.join(selects)} FROM (SELECT 1) AS one {' '.join(joins)}"  # noqa: S608 (compiled SQL, parameters apart)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = dict(zip(columns, cursor.fetchone(), strict=True))
    return _read(specs, row)


def narrowed(specs: Mapping[str, Spec], focus: str) -> Mapping[str, Spec]:
    """The specs as a user with a focus (a context, `Profile.focus`) reads them: each in its
    audience and among the contacts of that context. Content names nobody in particular, so
    what was shared counts whole."""
    if not focus:
        return specs
    context = in_context(focus)
    return {
        name: spec
        if CATALOG[spec.metric].source == "pieces"
        else spec._replace(audience=(spec.audience or Q()) & context)
        for name, spec in specs.items()
    }


def for_all_users(
    start: dt.date,
    end: dt.date,
    specs: Mapping[str, Spec],
    users: Iterable[User] | None = None,
    *,
    now: dt.datetime | None = None,
) -> dict[int, dict[str, Number]]:
    """The value of each spec for every user (or the given users) over ``[start, end)``, by user
    id; one grouped query per source, plus one for the user ids when `users` is None and one
    for their focus (those with one are read apart, a query per source and focus, `narrowed`).

    A user with no rows gets the empty value of every spec, never a missing key.
    """
    ids = (
        list(User.objects.order_by().values_list("pk", flat=True))
        if users is None
        else [user.pk for user in users]
    )
    focused = Profile.objects.exclude(focus="").order_by()
    if users is not None:
        focused = focused.filter(user_id__in=ids)
    groups: dict[str, list[int]] = {}
    for pk, focus in focused.values_list("user_id", "focus"):
        groups.setdefault(focus, []).append(pk)
    apart = {pk for found in groups.values() for pk in found}
    everyone = (
        Q(owner_id__in=[pk for pk in ids if pk not in apart]) if users is not None or apart else Q()
    )
    values = _for_owners(start, end, specs, everyone, now=now)
    for focus, found in groups.items():
        values.update(
            _for_owners(start, end, narrowed(specs, focus), Q(owner_id__in=found), now=now)
        )
    return {pk: _read(specs, values.get(pk, {})) for pk in ids}


def _for_owners(
    start: dt.date, end: dt.date, specs: Mapping[str, Spec], owners: Q, *, now: dt.datetime | None
) -> dict[int, dict[str, Any]]:
    """The raw rows of `for_all_users` for the owners `owners` selects, by owner id."""
    queries = _queries(specs, start, end, now, owners, one_owner=False)
    rows: dict[int, dict[str, Any]] = {}
    span = _span(specs, start, end)
    for source, aggregates in queries.items():
        queryset = _rows(source, *span).filter(owners)
        for row in queryset.values("owner_id").annotate(**aggregates):
            rows.setdefault(row.pop("owner_id"), {}).update(row)
    return rows


def period_window(
    period: str,
    today: dt.date,
    starts_on: dt.date | None = None,
    due_on: dt.date | None = None,
) -> tuple[dt.date, dt.date]:
    """The local dates ``[start, end)`` of the period containing `today`: its ISO week (Monday
    to Sunday), month or quarter; for `Period.BY_DATE`, `starts_on` (the objective's, else the
    plan's start) through `due_on` included."""
    match period:
        case Period.WEEK:
            start = today - dt.timedelta(days=today.weekday())
            return start, start + dt.timedelta(days=7)
        case Period.MONTH:
            return today.replace(day=1), _months_later(today.year, today.month, 1)
        case Period.QUARTER:
            first_month = today.month - (today.month - 1) % 3
            return today.replace(month=first_month, day=1), _months_later(
                today.year, first_month, 3
            )
        case Period.BY_DATE:
            if starts_on is None or due_on is None:
                raise ValueError("A period by a date needs a start and a due date.")
            return starts_on, due_on + dt.timedelta(days=1)
    raise ValueError(f"There is no period {period!r}.")


def _months_later(year: int, month: int, months: int) -> dt.date:
    """The first day of the month `months` after the given one."""
    years, index = divmod(month - 1 + months, 12)
    return dt.date(year + years, index + 1, 1)
