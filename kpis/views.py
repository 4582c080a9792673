"""The KPI page: this week so far, what to do next, and 12 weeks of trends drawn from the weekly
rows (`kpis.rollup`), each chart with its numbers as a table and a CSV download.

Every chart is one `Chart`: the page draws it (Chart.js, from `static/js/kpis.js`, fed by a
`json_script` block: the CSP allows no inline script), shows it as a table, and
``/kpis/export.csv?chart=<slug>`` serves the same table. Everything read belongs to the
signed-in user; the queries are the same in number for 4 weeks of rows or 52.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User, local_today
from contacts.models import OFFLINE_CHANNELS, Channel, Circle, Outcome
from goals.metrics import CATALOG
from goals.models import Platform, Tactic
from kpis.models import WeeklyKpi
from kpis.rollup import (
    HEADLINES,
    PERIOD_SPECS,
    SNAPSHOT_SPECS,
    TODAY_CARDS,
    WEEK,
    duration_text,
    history,
    kpi_number,
    last_finished_week,
    number_text,
    week_so_far,
    week_so_far_and,
)
from kpis.summary import overdue_specs, summary_turn_off, unsubscribe_read, week_report

TREND_WEEKS = 12
# What an objective's progress at a week's end covers, by its period.
PERIOD_WORDS = {"week": "that week", "month": "its month so far", "quarter": "its quarter so far"}


# --- Charts -----------------------------------------------------------------------------------


@dataclass
class Series:
    label: str
    data: list[Any]
    unit: str = "count"
    kind: str = ""  # "line" or "bar"; the chart's own type when empty
    target: bool = False  # a target or a budget: drawn as a dashed line
    axis: str = "y"  # "y2": a second scale on the right (money beside counts)
    drawn: bool = True  # False: a column of the table only


@dataclass
class Chart:
    slug: str
    title: str
    summary: str  # what it shows, in a sentence: also the canvas's accessible name
    type: str  # "line" or "bar"
    axis: str  # what the first column is: week, circle…
    labels: list[str]
    keys: list[str]  # the first column in the CSV (ISO dates for weeks)
    series: list[Series]
    unit: str = "count"  # the left scale's
    stacked: bool = False
    wide: bool = False
    notes: list[tuple[str, str]] = field(default_factory=list)  # small figures beside it

    @property
    def empty(self) -> bool:
        return not any(v for s in self.series for v in s.data if v is not None)

    def payload(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "unit": self.unit,
            "stacked": self.stacked,
            "labels": self.labels,
            "series": [
                {
                    "label": s.label,
                    "data": [float(v) if isinstance(v, Decimal) else v for v in s.data],
                    "unit": s.unit,
                    "kind": s.kind,
                    "target": s.target,
                    "axis": s.axis,
                }
                for s in self.series
                if s.drawn
            ],
        }

    @property
    def header(self) -> list[str]:
        return [self.axis, *(s.label for s in self.series)]

    @property
    def rows(self) -> list[tuple[str, list[str]]]:
        """The table: each label with its numbers as people read them."""
        return [
            (label, [number_text(s.unit, s.data[at]) for s in self.series])
            for at, label in enumerate(self.labels)
        ]

    def csv_rows(self) -> Iterable[list[Any]]:
        yield self.header
        for at, key in enumerate(self.keys):
            yield [key, *(_raw(s.data[at]) for s in self.series)]


def _raw(value: Any) -> Any:
    return "" if value is None else value


@dataclass(frozen=True)
class Weeks:
    """The weeks a trend covers, oldest first: `rows[i]` is week i's row, or None when it
    has none (the sweep has not run, or the week is older than the account)."""

    starts: list[dt.date]
    rows: list[WeeklyKpi | None]

    @classmethod
    def of(cls, found: Sequence[WeeklyKpi], last: dt.date) -> Weeks:
        by_start = {row.week_start: row for row in found}
        if not by_start:
            return cls([], [])
        first = min(by_start)
        count = (last - first).days // 7 + 1
        starts = [first + n * WEEK for n in range(count)]
        return cls(starts, [by_start.get(start) for start in starts])

    @cached_property
    def labels(self) -> list[str]:
        """ "8 Jun": worked out once for every chart of the page (and its JSON)."""
        return [date_format(start, "SHORT_DATE_FORMAT") for start in self.starts]

    @property
    def keys(self) -> list[str]:
        return [start.isoformat() for start in self.starts]

    def column(self, read: Callable[[WeeklyKpi], Any]) -> list[Any]:
        return [None if row is None else read(row) for row in self.rows]

    def metric(self, key: str, detail: str = "") -> list[Any]:
        return self.column(lambda row: kpi_number(row, key, detail))


def _series(weeks: Weeks, key: str, detail: str = "", label: str = "", **extra: Any) -> Series:
    metric = CATALOG[key]
    return Series(label or metric.label, weeks.metric(key, detail), unit=metric.unit, **extra)


def _week_chart(weeks: Weeks, slug: str, title: str, summary: str, **fields: Any) -> Chart:
    return Chart(slug, title, summary, axis="Week", labels=weeks.labels, keys=weeks.keys, **fields)


def _with_data(series: Iterable[Series]) -> list[Series]:
    return [s for s in series if any(s.data)]


def activity_chart(weeks: Weeks) -> Chart:
    return _week_chart(
        weeks,
        "activity",
        "Interactions, meaningful connections and new contacts",
        "Each week's interactions, those that were meaningful (rated 4 or 5, or started by "
        "them) and the contacts you added.",
        type="line",
        series=[
            _series(weeks, "interactions_by_kind"),
            _series(weeks, "meaningful_connections"),
            _series(weeks, "new_contacts"),
        ],
        wide=True,
    )


def objective_charts(weeks: Weeks) -> list[Chart]:
    """One chart per objective of the latest week: its progress at each week's end, and its
    target as a dashed line."""
    latest = next((row for row in reversed(weeks.rows) if row is not None), None)
    charts = []
    for objective in latest.objectives if latest else []:
        pk, unit = objective["id"], objective["unit"]

        def read(row: WeeklyKpi, key: str, pk: int = pk) -> Any:
            found = next((o for o in row.objectives if o["id"] == pk), None)
            return None if found is None else found[key]

        period = PERIOD_WORDS.get(objective["period"], "since it started")
        charts.append(
            _week_chart(
                weeks,
                f"objective-{pk}",
                objective["title"],
                f"Progress at each week's end ({period}), "
                f"against the target{' (at most)' if objective['lower_is_better'] else ''}. "
                f"Last week: {objective['label']}.",
                type="line",
                unit=unit,
                series=[
                    Series("Progress", weeks.column(lambda row, r=read: r(row, "value")), unit),
                    Series(
                        "Target",
                        weeks.column(lambda row, r=read: r(row, "target")),
                        unit,
                        target=True,
                    ),
                ],
            )
        )
    return charts


def channel_chart(weeks: Weeks) -> Chart:
    return _week_chart(
        weeks,
        "channels",
        "Channel mix",
        "Interactions each week by channel.",
        type="bar",
        stacked=True,
        series=_with_data(
            _series(weeks, "interactions_by_channel", value, label)
            for value, label in Channel.choices
        ),
    )


def balance_chart(weeks: Weeks) -> Chart:
    offline = weeks.column(
        lambda row: sum(
            kpi_number(row, "interactions_by_channel", c) or 0 for c in OFFLINE_CHANNELS
        )
    )
    total = weeks.metric("interactions_by_channel")
    online = [None if t is None else t - o for t, o in zip(total, offline, strict=True)]
    return _week_chart(
        weeks,
        "balance",
        "Online and offline",
        "Interactions in person, by phone or at events, against those by video, e-mail or "
        "social networks.",
        type="bar",
        stacked=True,
        series=[
            Series("Offline", offline),
            Series("Online", online),
            _series(weeks, "offline_share", drawn=False),
        ],
    )


def strength_chart(weeks: Weeks) -> Chart:
    """Average strength by circle at the end of the latest week, beside the first week's."""
    present = [(start, row) for start, row in zip(weeks.starts, weeks.rows, strict=True) if row]
    ends = [present[0], present[-1]] if len(present) > 1 else present[-1:]
    series = [
        Series(
            f"Week of {date_format(start, 'SHORT_DATE_FORMAT')}",
            [kpi_number(row, "average_strength", c) for c in Circle.values],
            unit="score",
        )
        for start, row in ends
    ]
    return Chart(
        "strength",
        "Relationship strength by circle",
        "The average strength (0–100) of the contacts in each circle, as each week ended.",
        type="bar",
        axis="Circle",
        labels=[str(label) for label in Circle.labels],
        keys=list(Circle.values),
        series=series,
        unit="score",
    )


def followup_chart(weeks: Weeks) -> Chart:
    done = weeks.metric("followups_done")
    on_time = weeks.metric("followups_on_time")
    late = [None if d is None else d - (t or 0) for d, t in zip(done, on_time, strict=True)]
    share = [
        None if not d else Decimal(100 * (t or 0) / d).quantize(Decimal("1"))
        for d, t in zip(done, on_time, strict=True)
    ]
    return _week_chart(
        weeks,
        "followups",
        "Follow-ups done on time",
        "Follow-ups done each week, by the date you had set or after it.",
        type="bar",
        stacked=True,
        series=[
            Series("On time", on_time),
            Series("Late", late),
            Series("On time (%)", share, unit="percent", drawn=False),
        ],
    )


def outcome_chart(weeks: Weeks) -> Chart:
    series = _with_data(
        _series(weeks, "outcomes", value, label) for value, label in Outcome.choices if value
    )
    minutes = [m or 0 for m in weeks.metric("minutes_spent")]
    value = [v or 0 for v in weeks.metric("outcome_value")]
    total_value, hours = sum(value, Decimal(0)), Decimal(sum(minutes)) / 60
    count = sum(v or 0 for v in weeks.metric("outcomes"))
    notes = [
        ("Outcomes", f"{count:,}"),
        ("Their value", number_text("money", total_value)),
        ("Time spent", duration_text(sum(minutes))),
    ]
    if hours and total_value:
        notes.append(("Value per hour", number_text("money", total_value / hours)))
    return _week_chart(
        weeks,
        "outcomes",
        "Outcomes and their value",
        "What your interactions led to each week (bars) and the value you recorded (line): "
        "the return on your time.",
        type="bar",
        stacked=True,
        series=[
            *series,
            _series(weeks, "outcome_value", label="Value", kind="line", axis="y2"),
        ],
        notes=notes,
    )


def showing_up_chart(weeks: Weeks) -> Chart:
    """Where you show up beside one-to-one: events, communities and content each week (bars),
    and the engagement per piece you shared (line)."""
    return _week_chart(
        weeks,
        "showing-up",
        "Where you show up",
        "Each week: people you met at events, conversations your content started, events "
        "attended, communities you took part in and pieces shared (bars), and the engagement "
        "per piece (line).",
        type="bar",
        series=[
            _series(weeks, "people_met_at_events"),
            _series(weeks, "content_conversations"),
            _series(weeks, "events_attended"),
            _series(weeks, "communities_active"),
            _series(weeks, "content_shared"),
            _series(weeks, "engagement_per_piece", kind="line", axis="y2"),
        ],
    )


def time_chart(weeks: Weeks, tactics: Sequence[Tactic]) -> Chart:
    """Minutes each week on the platforms of the active tactics, against their budgets."""
    budgets: dict[str, int] = {}
    for tactic in tactics:
        budgets[tactic.platform] = budgets.get(tactic.platform, 0) + tactic.minutes_per_week
    labels = dict(Platform.choices)
    if not budgets:
        return _week_chart(
            weeks,
            "time",
            "Time spent",
            "Minutes each week by channel. Add tactics to your plan to see them against a budget.",
            type="bar",
            stacked=True,
            unit="minutes",
            series=_with_data(
                _series(weeks, "minutes_spent", v, label) for v, label in Channel.choices
            ),
        )
    budget = sum(budgets.values())
    return _week_chart(
        weeks,
        "time",
        "Time spent against your tactics' budget",
        f"Minutes each week on the platforms of your tactics, against their weekly budget of "
        f"{duration_text(budget)} in all.",
        type="bar",
        stacked=True,
        unit="minutes",
        series=[
            *(_series(weeks, "minutes_spent", p, labels.get(p, p)) for p in sorted(budgets)),
            Series(
                "Budget", weeks.column(lambda row: budget), unit="minutes", kind="line", target=True
            ),
        ],
    )


@dataclass(frozen=True)
class Charts:
    weeks: Weeks
    objectives: list[Chart]  # one per objective
    others: list[Chart]
    tactics: list[Tactic]  # the active ones, whose budgets the time chart draws

    @property
    def all(self) -> list[Chart]:
        return [*self.objectives, *self.others]


def charts_for(user: User, today: dt.date) -> Charts:
    """The KPI page's charts over the last `TREND_WEEKS` finished weeks: two queries (the
    weeks' rows, the active tactics)."""
    last = last_finished_week(today)
    weeks = Weeks.of(history(user, last=last, weeks=TREND_WEEKS), last)
    tactics = list(
        Tactic.objects.filter(plan__owner=user, plan__ended_on__isnull=True, active=True)
    )
    return Charts(
        weeks,
        objective_charts(weeks),
        [
            activity_chart(weeks),
            channel_chart(weeks),
            balance_chart(weeks),
            strength_chart(weeks),
            followup_chart(weeks),
            outcome_chart(weeks),
            showing_up_chart(weeks),
            time_chart(weeks, tactics),
        ],
        tactics,
    )


# --- Views ------------------------------------------------------------------------------------


@require_GET
def kpi_page(request: HttpRequest) -> HttpResponse:
    today = local_today(request.user)
    charts = charts_for(request.user, today)
    last = last_finished_week(today)
    # This week so far, and who is overdue for the suggestions, in the same queries.
    so_far, overdue = week_so_far_and(request.user, today, HEADLINES, overdue_specs(last))
    # What to do this week: drawn from the last finished week, once it is rolled up.
    rows = charts.weeks.rows
    report = None
    if rows and rows[-1] is not None:
        found = [row for row in rows if row is not None]
        report = week_report(
            request.user,
            last,
            rows=found,
            tactics=charts.tactics,
            overdue=overdue,
            outcomes=False,
        )
    context = {
        "today": today,
        "last_week": last,
        "so_far": so_far,
        "cards": so_far[:4],
        "report": report,
        "weeks": charts.weeks,
        "charts": charts.others,
        "objective_charts": charts.objectives,
        "chart_data": {chart.slug: chart.payload() for chart in charts.all},
        "export_url": reverse("kpis:export"),
    }
    return render(request, "kpis/page.html", context)


@require_GET
def kpi_cards(request: HttpRequest) -> HttpResponse:
    """The Today page's headline numbers of this week, loaded after the page (htmx): one
    query per source, two in all."""
    today = local_today(request.user)
    cards = week_so_far(request.user, today, TODAY_CARDS)
    return render(request, "kpis/_cards.html", {"cards": cards, "today": today})


def _cell(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula is quoted (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv(filename: str, rows: Iterable[list[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return response


def _every_week(user: User) -> Iterable[list[Any]]:
    """Every week the user has: each metric and each of its details, then each objective."""
    rows = list(WeeklyKpi.objects.filter(user=user).order_by("week_start"))
    names = [*PERIOD_SPECS, *SNAPSHOT_SPECS]
    objectives: dict[int, str] = {}
    for row in rows:
        for objective in row.objectives:
            objectives.setdefault(objective["id"], objective["title"])
    header = ["week_start", "week_end"]
    for name in names:
        key, _, detail = name.partition(".")
        metric = CATALOG[key]
        header.append(f"{metric.label}: {dict(metric.details)[detail]}" if detail else metric.label)
    header += [f"Objective: {title}" for title in objectives.values()]
    header += [f"Objective target: {title}" for title in objectives.values()]
    yield header
    for row in rows:
        mine = {o["id"]: o for o in row.objectives}
        line: list[Any] = [row.week_start.isoformat(), row.week_end.isoformat()]
        line += [_raw(row.raw(*name.split(".", 1))) for name in names]
        line += [_raw(mine.get(pk, {}).get("value")) for pk in objectives]
        line += [_raw(mine.get(pk, {}).get("target")) for pk in objectives]
        yield line


@require_GET
def kpi_export(request: HttpRequest) -> HttpResponse:
    """Every week's numbers as CSV; with ``?chart=<slug>``, one chart's table."""
    today = local_today(request.user)
    slug = request.GET.get("chart", "")
    if not slug:
        return _csv(f"networkcrm-kpis-{today}.csv", _every_week(request.user))
    chart = next((c for c in charts_for(request.user, today).all if c.slug == slug), None)
    if chart is None:
        raise Http404("There is no such chart.")
    return _csv(f"networkcrm-kpis-{slug}-{today}.csv", chart.csv_rows())


def _broken(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    return render(request, "digest/link_broken.html", {"reason": reason}, status=status)


@login_not_required
@csrf_exempt  # mail clients send the one-click unsubscribe (RFC 8058) without a CSRF token
@require_http_methods(["GET", "POST"])
def summary_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The weekly summary's unsubscribe link: a GET asks, a POST (the button, or the mail
    client's one-click) turns the summary off. A signed-in visitor who is someone else: 404."""
    try:
        payload = unsubscribe_read(token)
    except signing.BadSignature:
        return _broken(
            request, "This link is damaged. Turn the weekly summary off in your settings.", 400
        )
    if request.user.is_authenticated and request.user.pk != payload["u"]:
        raise Http404("This link belongs to someone else.")
    owner = get_object_or_404(User, pk=payload["u"], is_active=True)
    if request.method == "POST":
        summary_turn_off(user_id=owner.pk)
        return render(request, "kpis/unsubscribe.html", {"finished": True})
    return render(request, "kpis/unsubscribe.html", {"finished": False})
