"""The weekly summary e-mail: last week against the week before and the 4-week average, the
objectives on track and behind, the outcomes won, and three suggestions drawn from the numbers.

Sent through the daily digest's delivery engine (`followups.digest`): the KPI sweep
(`kpis.rollup`) writes one delivery of kind weekly per user and week, `digest_send` claims and
sends it with `summary_message` (registered in `kpis.apps`), so it has the digest's guarantees:
nothing lost, nothing sent twice, a resend with the same Message-ID. The week's numbers are
read from its `WeeklyKpi` row, written in the same transaction as the delivery.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile, User, focus_of
from contacts.models import OFFLINE_CHANNELS, Circle, Contact, Interaction
from followups.digest import message_id
from followups.models import DigestDelivery
from goals.metrics import CATALOG, Number, Spec, for_user
from goals.models import Platform, Tactic
from goals.progress import Status
from kpis.models import WeeklyKpi
from kpis.rollup import HEADLINES, WEEK, Comparison, duration_text, kpi_number
from networkcrm.mail import templated_email

# Named when this module lived in goals; kept, or the links in e-mails already sent would break.
UNSUBSCRIBE_SALT = "goals.summary.unsubscribe"
AVERAGE_WEEKS = 4
SUGGESTIONS = 3
CLOSEST = (Circle.INNER, Circle.CLOSE)  # whose overdue check-ins a suggestion names
OUTCOMES_LISTED = 10
# What the e-mail compares, in this order: the KPI page's headline measures.
MEASURES = HEADLINES
NAMES = ("first_name", "last_name", "display_name")


@dataclass(frozen=True)
class Suggestion:
    text: str
    path: str  # where to act on it, on the site


@dataclass(frozen=True)
class WeekReport:
    """What the summary says about one week."""

    week: WeeklyKpi
    previous: WeeklyKpi | None
    earlier: list[WeeklyKpi]  # the weeks before it (at most 4), for the average
    comparisons: list[Comparison]
    outcomes: list[Interaction] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def measures(self) -> dict[str, Comparison]:
        """The comparisons by metric key, for templates."""
        return {c.metric.key: c for c in self.comparisons}

    @property
    def on_track(self) -> list[dict[str, Any]]:
        good = (Status.ON_TRACK, Status.DONE)
        return [o for o in self.week.objectives if o["status"] in good]

    @property
    def behind(self) -> list[dict[str, Any]]:
        bad = (Status.BEHIND, Status.MISSED)
        return [o for o in self.week.objectives if o["status"] in bad]

    @property
    def outcome_value(self) -> Decimal:
        return sum((i.outcome_value or Decimal(0) for i in self.outcomes), Decimal(0))


def _average(rows: list[WeeklyKpi], key: str) -> Decimal | None:
    numbers = [Decimal(n) for row in rows if (n := kpi_number(row, key)) is not None]
    return (sum(numbers, Decimal(0)) / len(numbers)).quantize(Decimal("0.1")) if numbers else None


def week_report(
    user: User,
    week_start: dt.date,
    *,
    now: dt.datetime | None = None,
    rows: Iterable[WeeklyKpi] | None = None,
    tactics: Iterable[Tactic] | None = None,
    overdue: Mapping[str, Number] | None = None,
    outcomes: bool = True,
) -> WeekReport:
    """The report of the week starting `week_start` (raises WeeklyKpi.DoesNotExist when it has
    not been rolled up). Six queries whatever the size of the network; none when given the
    user's rows of those weeks (or more), their active tactics and the `overdue_specs` values,
    and not asked for the outcomes won, as the KPI page does."""
    first = week_start - AVERAGE_WEEKS * WEEK
    if rows is None:
        rows = WeeklyKpi.objects.filter(
            user=user, week_start__gte=first, week_start__lte=week_start
        )
    rows = {row.week_start: row for row in rows if first <= row.week_start <= week_start}
    week = rows.get(week_start)
    if week is None:
        raise WeeklyKpi.DoesNotExist(f"The week of {week_start} is not rolled up for {user}.")
    previous = rows.get(week_start - WEEK)
    earlier = [row for day, row in sorted(rows.items()) if day < week_start]
    comparisons = [
        Comparison(
            CATALOG[key],
            kpi_number(week, key),
            kpi_number(previous, key) if previous else None,
            _average(earlier, key),
        )
        for key in MEASURES
    ]
    won: list[Interaction] = []
    if outcomes:
        won = list(
            Interaction.objects.filter(
                owner=user, occurred_on__gte=week_start, occurred_on__lt=week_start + WEEK
            )
            .exclude(outcome="")
            .counted()
            .prefetch_related(Prefetch("contacts", queryset=Contact.objects.only(*NAMES)))
            .order_by("occurred_on", "pk")[:OUTCOMES_LISTED]
        )
    report = WeekReport(week, previous, earlier, comparisons, won)
    found = suggestions(user, report, now=now, tactics=tactics, overdue=overdue)
    return WeekReport(week, previous, earlier, comparisons, won, found)


# --- Suggestions ------------------------------------------------------------------------------


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _offline(row: WeeklyKpi) -> int:
    return sum(kpi_number(row, "interactions_by_channel", c) or 0 for c in OFFLINE_CHANNELS)


def _weeks_without(rows: list[WeeklyKpi], test: Any) -> int:
    """How many of the latest weeks in a row (newest first) pass `test`."""
    count = 0
    for row in reversed(rows):
        if not test(row):
            break
        count += 1
    return count


def overdue_specs(week_start: dt.date) -> dict[str, Spec]:
    """Contacts overdue in the two closest circles, as the week ended (or today, if sooner):
    they read the contacts' check-in dates, so they are as of now for a past week."""
    window = (week_start, week_start + WEEK)
    return {
        f"overdue.{circle}": Spec("contacts_overdue", audience=Q(circle=circle), window=window)
        for circle in CLOSEST
    }


def suggestions(
    user: User,
    report: WeekReport,
    *,
    now: dt.datetime | None = None,
    tactics: Iterable[Tactic] | None = None,
    overdue: Mapping[str, Number] | None = None,
) -> list[Suggestion]:
    """At most three things to do this week, most useful first, each drawn from the numbers:
    overdue check-ins in the closest circles, time against the tactics' budgets, the
    online/offline balance, objectives behind, late follow-ups, reciprocity. Two queries, none
    when given the active tactics and the `overdue_specs` values."""
    week, found = report.week, []
    contacts = reverse("contacts:list")
    plan = reverse("goals:plan")
    if overdue is None:
        specs = overdue_specs(week.week_start)
        overdue = for_user(
            user, week.week_start, week.week_start + WEEK, specs, now=now, focus=focus_of(user)
        )
    for circle in CLOSEST:
        if count := overdue[f"overdue.{circle}"]:
            verb = "is" if count == 1 else "are"
            found.append(
                Suggestion(
                    f"{_plural(count, f'{circle.label.lower()}-circle contact')} {verb} overdue "
                    "for a check-in: start the week with them.",
                    f"{contacts}?status=overdue&circle={circle.value}",
                )
            )
            break
    # Time on each tactic's platform against its budget: the largest overrun, else the largest
    # budget left untouched.
    if tactics is None:
        tactics = Tactic.objects.filter(plan__owner=user, plan__ended_on__isnull=True, active=True)
    budgets: dict[str, int] = {}
    for tactic in tactics:
        budgets[tactic.platform] = budgets.get(tactic.platform, 0) + tactic.minutes_per_week
    spent = {p: kpi_number(week, "minutes_spent", p) or 0 for p in budgets}
    labels = dict(Platform.choices)
    over = sorted(((spent[p] - b, p) for p, b in budgets.items() if spent[p] > b), reverse=True)
    idle = sorted(((b, p) for p, b in budgets.items() if b and not spent[p]), reverse=True)
    if over:
        platform = over[0][1]
        found.append(
            Suggestion(
                f"{labels[platform]} took {duration_text(spent[platform])} against a "
                f"{duration_text(budgets[platform])} budget: keep to the boundaries you set.",
                plan,
            )
        )
    elif idle:
        platform = idle[0][1]
        found.append(
            Suggestion(
                f"No time on {labels[platform]} last week, against a "
                f"{duration_text(budgets[platform])} budget: block it in your calendar.",
                plan,
            )
        )
    rows = [*report.earlier, week]
    if (quiet := _weeks_without(rows, lambda row: _offline(row) == 0)) >= 2:
        found.append(
            Suggestion(
                f"No offline interactions in {quiet} weeks: a coffee, a call or an event does "
                "more for a relationship than a message.",
                contacts,
            )
        )
    if report.behind:
        objective = report.behind[0]
        found.append(Suggestion(f"“{objective['title']}” is {objective['label']}.", plan))
    done = kpi_number(week, "followups_done") or 0
    if late := done - (kpi_number(week, "followups_on_time") or 0):
        found.append(
            Suggestion(
                f"{late} of {_plural(done, 'follow-up')} done last week came after the date you "
                "set: pick dates you can keep, or snooze early.",
                reverse("followups:list"),
            )
        )
    if (unhelped := _weeks_without(rows, lambda r: not kpi_number(r, "help_given"))) >= 3:
        found.append(
            Suggestion(
                f"You have not logged helping anyone in {unhelped} weeks: an introduction or a "
                "useful link builds trust before you need to ask.",
                contacts,
            )
        )
    meaningful = report.comparisons[MEASURES.index("meaningful_connections")]
    if (
        meaningful.average is not None
        and meaningful.value is not None
        and meaningful.value < meaningful.average
    ):
        found.append(
            Suggestion(
                f"Meaningful connections fell to {meaningful.shown} from an average of "
                f"{meaningful.average_shown}: follow up with someone you enjoyed talking to.",
                contacts,
            )
        )
    return found[:SUGGESTIONS]


# --- The e-mail -------------------------------------------------------------------------------


def unsubscribe_link(user: User) -> str:
    token = signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL + reverse("kpis:summary_unsubscribe", args=[token])


def unsubscribe_read(token: str) -> dict[str, Any]:
    return signing.loads(token, salt=UNSUBSCRIBE_SALT)


def summary_turn_off(*, user_id: int) -> bool:
    """The unsubscribe: no more weekly summaries (the settings page turns them back on). The
    rollups go on: the KPI page reads them."""
    return bool(
        Profile.objects.filter(user_id=user_id, weekly_summary_enabled=True).update(
            weekly_summary_enabled=False
        )
    )


def summary_message(delivery: DigestDelivery) -> tuple[Any, int]:
    """The e-mail of a weekly delivery (its `local_date` is the week's Monday), or None when
    the user turned the summary off since it was scheduled. Also returns how many suggestions
    it makes."""
    user = delivery.user
    if not user.profile.weekly_summary_enabled:
        return None, 0
    try:
        report = week_report(user, delivery.local_date)
    except WeeklyKpi.DoesNotExist:
        return None, 0  # deleted since (an account reset): nothing to say
    unsubscribe = unsubscribe_link(user)
    context = {
        "user": user,
        "report": report,
        "week": report.week,
        "first_day": report.week.week_start,
        "last_day": report.week.week_end,
        "site_url": settings.SITE_URL,
        "kpis_url": settings.SITE_URL + reverse("kpis:page"),
        "settings_url": settings.SITE_URL + reverse("accounts:settings"),
        "unsubscribe_url": unsubscribe,
        "sent_at": timezone.now(),
    }
    with timezone.override(user.profile.zone):  # its times in the recipient's zone
        message = templated_email(
            "weekly-summary",
            context,
            to=[user.email],
            headers={
                "Message-ID": message_id(delivery),
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
    return message, len(report.suggestions)
