"""The weekly rollup: each KPI of a week computed by hand, the schedule, the sweep, backfill."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Profile, User
from accounts.services import profile_update, user_sign_up
from contacts.models import Channel, Circle, Contact, Initiator, Interaction, Kind, Outcome, Tag
from followups.models import DeliveryKind, DeliveryStatus, DigestDelivery, FollowUp, FollowUpStatus
from goals.models import GoalPlan, Objective, Period, Tactic
from kpis.models import WeeklyKpi
from kpis.rollup import (
    PERIOD_SPECS,
    SNAPSHOT_SPECS,
    kpi_number,
    kpi_sweep,
    last_finished_week,
    rollup_backfill,
    rollup_time_after,
    rollup_write,
    summary_time,
    week_so_far,
)
from tests.conftest import PASSWORD
from tests.contacts.factories import contact, log

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 6, 15)  # the week rolled up: Monday 15 to Sunday 21 June 2026
SUNDAY = dt.date(2026, 6, 21)
NEXT_MONDAY = dt.date(2026, 6, 22)
# Monday 22 June, 01:00 in Paris (UTC+2): when alice's rollup of that week is due.
ROLLUP_AT = dt.datetime(2026, 6, 21, 23, tzinfo=dt.UTC)
AFTER = ROLLUP_AT + dt.timedelta(minutes=1)


def added(owner: Any, name: str, at: dt.datetime, **fields: Any) -> Contact:
    """A contact added at `at` (created_at is set by the database, so it is moved after)."""
    made = contact(owner, name, **fields)
    Contact.objects.filter(pk=made.pk).update(created_at=at)
    return made


def seen(owner: Any, *people: Contact, on: dt.date, **fields: Any) -> Interaction:
    return log(owner, *people, on=on, today=on, **fields)


def utc(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


def alice_week(alice: Any) -> dict[str, Contact]:
    """A week of alice's (Europe/Paris), every number of which is worked out in the tests."""
    investor = Tag.objects.create(owner=alice, name="investor")
    before = utc(dt.date(2026, 6, 10))
    dana = added(alice, "Dana", before, circle=Circle.INNER)
    eli = added(alice, "Eli", before, circle=Circle.CLOSE)
    fay = added(alice, "Fay", before, circle=Circle.ACTIVE)
    gus = added(alice, "Gus", utc(dt.date(2026, 6, 16)), circle=Circle.ACTIVE, introduced_by=dana)
    gus.tags.add(investor)
    # Sunday 14 June, 23:30 in Paris: the week before.
    hal = added(alice, "Hal", dt.datetime(2026, 6, 14, 21, 30, tzinfo=dt.UTC))
    ivy = added(alice, "Ivy", before, circle=Circle.INNER)
    seen(alice, dana, on=MONDAY, kind=Kind.MEETING, channel=Channel.IN_PERSON, quality=5,
         duration_minutes=60)  # fmt: skip
    seen(alice, eli, on=dt.date(2026, 6, 17), kind=Kind.CALL, channel=Channel.PHONE, quality=3,
         initiated_by=Initiator.THEM, duration_minutes=30)  # fmt: skip
    seen(alice, fay, on=dt.date(2026, 6, 18), kind=Kind.MESSAGE, channel=Channel.LINKEDIN,
         quality=2, duration_minutes=15)  # fmt: skip
    seen(alice, gus, on=dt.date(2026, 6, 19), kind=Kind.EMAIL, channel=Channel.EMAIL, quality=4,
         outcome=Outcome.JOB_LEAD, outcome_value=Decimal("5000"))  # fmt: skip
    seen(alice, dana, gus, on=dt.date(2026, 6, 20), kind=Kind.INTRODUCTION,
         channel=Channel.LINKEDIN, quality=3, duration_minutes=10)  # fmt: skip
    seen(alice, eli, on=SUNDAY, kind=Kind.HELP_GIVEN, channel=Channel.VIDEO, quality=4,
         duration_minutes=45, outcome=Outcome.REFERRAL,
         outcome_value=Decimal("250.50"))  # fmt: skip
    seen(alice, dana, on=SUNDAY, kind=Kind.NOTE, channel=Channel.IN_PERSON, duration_minutes=9)
    seen(alice, fay, on=NEXT_MONDAY, kind=Kind.MEETING, quality=5)
    seen(alice, fay, on=dt.date(2026, 6, 14), kind=Kind.MEETING, quality=5)
    for about, due, done in [
        ("on time", dt.date(2026, 6, 17), dt.date(2026, 6, 16)),
        ("late", dt.date(2026, 6, 16), dt.date(2026, 6, 18)),
        ("next week", dt.date(2026, 6, 20), NEXT_MONDAY),
    ]:
        FollowUp.objects.create(
            owner=alice, about=about, due_on=due, status=FollowUpStatus.DONE, done_on=done
        )
    FollowUp.objects.create(owner=alice, about="open", due_on=dt.date(2026, 6, 19))
    # The contacts' state as the week ends (logging recomputed strength and check-ins).
    for person, strength in [(dana, 80), (eli, 50), (fay, 20), (gus, 30), (hal, 0), (ivy, 40)]:
        Contact.objects.filter(pk=person.pk).update(strength=strength)
    Contact.objects.filter(pk=ivy.pk).update(next_checkin_on=dt.date(2026, 6, 10))
    return {"dana": dana, "eli": eli, "fay": fay, "gus": gus, "hal": hal, "ivy": ivy}


def alice_plan(alice: Any) -> GoalPlan:
    plan = GoalPlan.objects.create(owner=alice, started_on=dt.date(2026, 6, 1))
    Objective.objects.create(
        plan=plan, title="Meaningful conversations", metric="meaningful_connections",
        target=6, period=Period.MONTH, position=0,
    )  # fmt: skip
    Objective.objects.create(
        plan=plan, title="A coffee a week… or two", metric="interactions_by_kind",
        detail=Kind.MEETING, target=2, period=Period.WEEK, position=1,
    )  # fmt: skip
    investors = Objective.objects.create(
        plan=plan, title="Meet investors", metric="new_contacts", target=3,
        period=Period.QUARTER, position=2,
    )  # fmt: skip
    investors.audience_tags.set(Tag.objects.filter(owner=alice, name="investor"))
    Objective.objects.create(
        plan=plan, title="Not started yet", metric="help_given", target=1,
        period=Period.BY_DATE, starts_on=dt.date(2026, 7, 1), due_on=dt.date(2026, 7, 31),
        position=3,
    )  # fmt: skip
    Tactic.objects.create(plan=plan, platform="linkedin", action="Posts", minutes_per_week=20)
    return plan


def paris_profile(user: Any) -> Profile:
    return Profile.objects.get(user=user)


def week_row(user: Any, week: dt.date = MONDAY) -> WeeklyKpi:
    return WeeklyKpi.objects.get(user=user, week_start=week)


# --- Each KPI of a week, by hand ------------------------------------------------------------


def test_it_rolls_up_every_measure_of_a_week_as_worked_out_by_hand(alice):
    alice_week(alice)
    rollup_write(MONDAY, [paris_profile(alice)], now=AFTER)
    row = week_row(alice)
    expected = {
        "new_contacts": 1,  # Gus; Hal came on Sunday 14 June, Paris time
        "introductions_received": 1,  # Gus, by Dana
        "interactions_by_kind": 6,  # not the note, not the Sunday or Monday outside
        "interactions_by_kind.meeting": 1,
        "interactions_by_kind.call": 1,
        "interactions_by_kind.message": 1,
        "interactions_by_kind.email": 1,
        "interactions_by_kind.introduction": 1,
        "interactions_by_kind.help_given": 1,
        "interactions_by_kind.event": 0,
        "interactions_by_channel": 6,
        "interactions_by_channel.in_person": 1,
        "interactions_by_channel.phone": 1,
        "interactions_by_channel.linkedin": 2,
        "interactions_by_channel.email": 1,
        "interactions_by_channel.video": 1,
        "interactions_by_channel.event": 0,
        "meaningful_connections": 4,  # quality 5, started by them, quality 4 twice
        "offline_share": 33.33,  # in person and by phone: 2 of 6
        "online_share": 66.67,
        "introductions_made": 1,
        "help_given": 1,
        "help_received": 0,
        "outcomes": 2,
        "outcomes.job_lead": 1,
        "outcomes.referral": 1,
        "outcomes.client": 0,
        "outcome_value": 5250.5,
        "outcome_value.job_lead": 5000.0,
        "outcome_value.referral": 250.5,
        "outcome_value.client": 0.0,
        "followups_done": 2,
        "followups_on_time": 1,
        "minutes_spent": 160,  # 60 + 30 + 15 + 10 + 45; the e-mail has no duration
        "minutes_spent.in_person": 60,
        "minutes_spent.phone": 30,
        "minutes_spent.linkedin": 25,
        "minutes_spent.video": 45,
        "minutes_spent.email": 0,
    }
    assert {name: row.values[name] for name in expected} == expected
    assert set(row.values) == set(PERIOD_SPECS)
    assert row.snapshots == {
        "contacts_overdue": 1,  # Ivy, due 10 June
        "average_strength": 36.67,  # (80 + 50 + 20 + 30 + 0 + 40) / 6
        "average_strength.inner": 60.0,  # Dana and Ivy
        "average_strength.close": 50.0,
        "average_strength.active": 16.67,  # Fay, Gus and Hal
        "average_strength.extended": None,
        "average_strength.acquaintance": None,
    }
    assert set(row.snapshots) == set(SNAPSHOT_SPECS)
    assert (row.timezone, row.computed_at) == ("Europe/Paris", AFTER)
    assert kpi_number(row, "outcome_value") == Decimal("5250.50")
    assert kpi_number(row, "offline_share") == Decimal("33.33")
    assert kpi_number(row, "average_strength", Circle.EXTENDED) is None


def test_it_records_each_objectives_progress_at_the_weeks_end(alice):
    alice_week(alice)
    alice_plan(alice)
    rollup_write(MONDAY, [paris_profile(alice)], now=AFTER)
    progress = [
        (o["title"], o["value"], o["target"], o["status"], o["label"])
        for o in week_row(alice).objectives
    ]
    assert progress == [
        # June so far (the 4 of the week and a meeting on the 14th): day 21 of 30 expects 4.
        ("Meaningful conversations", 5, 6.0, "on_track", "on track: 5 of 6 with 9 days left"),
        ("A coffee a week… or two", 1, 2.0, "behind", "behind: 1 of 2 with last day"),
        # The quarter so far, contacts tagged investor: Gus; day 82 of 91 expects 2.
        ("Meet investors", 1, 3.0, "behind", "behind: 1 of 3 with 9 days left"),
    ]


def test_an_objectives_progress_counts_nothing_after_the_weeks_end(alice):
    alice_week(alice)
    alice_plan(alice)
    dana = Contact.objects.get(owner=alice, first_name="Dana")
    for day in (23, 24, 25):
        seen(alice, dana, on=dt.date(2026, 6, day), kind=Kind.MEETING, quality=5)
    rollup_write(MONDAY, [paris_profile(alice)], now=AFTER)
    assert week_row(alice).objectives[0]["value"] == 5


def test_it_reads_objectives_with_the_same_tag_name_for_each_owner_apart(alice, bob):
    alice_week(alice)
    alice_plan(alice)
    plan = GoalPlan.objects.create(owner=bob, started_on=dt.date(2026, 6, 1))
    theirs = Objective.objects.create(
        plan=plan, title="Investors", metric="new_contacts", target=2, period=Period.QUARTER
    )
    investor = Tag.objects.create(owner=bob, name="investor")
    theirs.audience_tags.set([investor])
    for name in ("Ann", "Ben"):
        added(bob, name, utc(dt.date(2026, 6, 17))).tags.add(investor)
    added(bob, "Cal", utc(dt.date(2026, 6, 17)))
    rollup_write(MONDAY, [paris_profile(alice), paris_profile(bob)], now=AFTER)
    assert week_row(alice).objectives[2]["value"] == 1
    assert [(o["value"], o["status"]) for o in week_row(bob).objectives] == [(2, "done")]


def test_a_sunday_night_in_auckland_belongs_to_that_iso_week(db):
    dave = user_sign_up(email="dave@example.com", password=PASSWORD, timezone="Pacific/Auckland")
    # 23:30 on Sunday 21 June in Auckland (UTC+12) is 11:30 UTC; 00:30 on Monday is 12:30 UTC.
    sunday_night = dt.datetime(2026, 6, 21, 11, 30, tzinfo=dt.UTC)
    monday_morning = dt.datetime(2026, 6, 21, 12, 30, tzinfo=dt.UTC)
    with time_machine.travel(sunday_night, tick=False):
        today = Profile.objects.get(user=dave).today()
        person = contact(dave, "Sunday")
        log(dave, person, on=today, today=today, kind=Kind.CALL, channel=Channel.PHONE)
    with time_machine.travel(monday_morning, tick=False):
        today = Profile.objects.get(user=dave).today()
        log(dave, contact(dave, "Monday"), on=today, today=today, kind=Kind.CALL)
    rollup_at = rollup_time_after("Pacific/Auckland", sunday_night)
    assert rollup_at == dt.datetime(2026, 6, 21, 13, tzinfo=dt.UTC)  # Monday 01:00 there
    kpi_sweep(now=sunday_night, enqueue=lambda ids: None)  # schedules dave
    kpi_sweep(now=rollup_at, enqueue=lambda ids: None)  # his time has come
    row = week_row(dave)
    assert (row.values["interactions_by_kind"], row.values["new_contacts"]) == (1, 1)
    assert row.values["interactions_by_channel.phone"] == 1
    assert row.timezone == "Pacific/Auckland"


def test_a_week_with_nothing_in_it_gives_zeros_not_a_missing_row(alice):
    rollup_write(MONDAY, [paris_profile(alice)], now=AFTER)
    row = week_row(alice)
    assert row.values["interactions_by_kind"] == 0
    assert row.values["outcome_value"] == 0.0
    assert row.values["minutes_spent.linkedin"] == 0
    assert row.values["offline_share"] is None  # a share of nothing is no number
    assert row.snapshots["contacts_overdue"] == 0
    assert row.objectives == []


def test_it_refuses_a_week_that_does_not_start_on_a_monday(alice):
    with pytest.raises(ValueError, match="Monday"):
        rollup_write(SUNDAY, [paris_profile(alice)], now=AFTER)


# --- The schedule ---------------------------------------------------------------------------


def test_the_rollup_is_due_on_monday_at_1_am_local_time():
    tuesday = dt.datetime(2026, 6, 16, 9, tzinfo=dt.UTC)
    assert rollup_time_after("Europe/Paris", tuesday) == ROLLUP_AT
    assert rollup_time_after("Europe/Paris", ROLLUP_AT) == ROLLUP_AT + dt.timedelta(days=7)
    assert rollup_time_after("America/New_York", tuesday) == dt.datetime(
        2026, 6, 22, 5, tzinfo=dt.UTC
    )


def test_the_rollup_stays_at_1_am_across_a_change_of_clocks():
    # Paris springs forward on Sunday 29 March 2026: 01:00 is 00:00 UTC before, 23:00 after.
    before = rollup_time_after("Europe/Paris", dt.datetime(2026, 3, 17, tzinfo=dt.UTC))
    after = rollup_time_after("Europe/Paris", before)
    assert before == dt.datetime(2026, 3, 23, 0, tzinfo=dt.UTC)
    assert after == dt.datetime(2026, 3, 29, 23, tzinfo=dt.UTC)


def test_the_summary_is_due_at_the_digest_hour_of_the_monday_after_the_week(alice):
    Profile.objects.filter(user=alice).update(digest_hour=8)
    # 08:00 in Paris on Monday 22 June.
    assert summary_time(paris_profile(alice), MONDAY) == dt.datetime(2026, 6, 22, 6, tzinfo=dt.UTC)


def test_the_last_finished_week_is_the_one_before_this_one():
    assert last_finished_week(NEXT_MONDAY) == MONDAY
    assert last_finished_week(dt.date(2026, 6, 28)) == MONDAY


# --- The sweep ------------------------------------------------------------------------------


def sweep(now: dt.datetime, **options: Any):
    """A sweep, and the deliveries it queued once its transactions committed."""
    queued: list[int] = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        result = kpi_sweep(now=now, enqueue=queued.extend, **options)
    return result, queued


def test_a_new_user_is_scheduled_for_the_next_monday(alice):
    result, _ = sweep(dt.datetime(2026, 6, 17, 10, tzinfo=dt.UTC))
    assert result.rolled_up == 0
    assert paris_profile(alice).next_rollup_at == ROLLUP_AT


def test_the_sweep_rolls_up_the_week_that_ended_and_moves_to_the_next_monday(alice):
    alice_week(alice)
    Profile.objects.filter(user=alice).update(next_rollup_at=ROLLUP_AT)
    result, _ = sweep(AFTER)
    assert result.rolled_up == 1
    assert week_row(alice).values["interactions_by_kind"] == 6
    assert paris_profile(alice).next_rollup_at == ROLLUP_AT + dt.timedelta(days=7)


def test_nobody_is_rolled_up_before_their_time(alice):
    Profile.objects.filter(user=alice).update(next_rollup_at=ROLLUP_AT)
    result, _ = sweep(ROLLUP_AT - dt.timedelta(seconds=1))
    assert result.rolled_up == 0
    assert not WeeklyKpi.objects.exists()


def test_the_sweep_writes_the_summary_due_at_the_digest_hour_and_queues_it_then(alice):
    Profile.objects.filter(user=alice).update(next_rollup_at=ROLLUP_AT)
    result, queued = sweep(AFTER)
    delivery = DigestDelivery.objects.get(user=alice)
    assert (delivery.kind, delivery.local_date, delivery.status) == (
        DeliveryKind.WEEKLY,
        MONDAY,
        DeliveryStatus.PENDING,
    )
    seven_in_paris = dt.datetime(2026, 6, 22, 5, tzinfo=dt.UTC)
    assert delivery.lease_until == seven_in_paris
    assert (result.summaries, queued) == (1, [])
    _, queued = sweep(seven_in_paris - dt.timedelta(minutes=1))
    assert queued == []
    result, queued = sweep(seven_in_paris)
    assert (result.queued, queued) == (1, [delivery.pk])
    _, queued = sweep(seven_in_paris + dt.timedelta(minutes=1))
    assert queued == []  # leased: the worker has it


def test_a_summary_whose_hour_has_passed_is_queued_with_the_rollup(alice):
    Profile.objects.filter(user=alice).update(next_rollup_at=ROLLUP_AT, digest_hour=0)
    result, queued = sweep(AFTER)
    delivery = DigestDelivery.objects.get(user=alice)
    assert queued == [delivery.pk]
    assert delivery.lease_until > AFTER


def test_no_summary_for_a_user_who_turned_it_off_or_is_not_active(alice, bob):
    Profile.objects.filter(user=alice).update(weekly_summary_enabled=False)
    User.objects.filter(pk=bob.pk).update(is_active=False)
    Profile.objects.update(next_rollup_at=ROLLUP_AT)
    result, _ = sweep(AFTER + dt.timedelta(hours=6))
    assert result.rolled_up == 2
    assert WeeklyKpi.objects.count() == 2
    assert not DigestDelivery.objects.exists()


def test_a_sweep_days_late_rolls_up_but_sends_no_stale_summary(alice):
    Profile.objects.filter(user=alice).update(next_rollup_at=ROLLUP_AT)
    result, _ = sweep(ROLLUP_AT + dt.timedelta(days=3))
    assert week_row(alice)
    assert (result.rolled_up, result.summaries) == (1, 0)


def test_running_the_same_week_twice_gives_the_same_row_and_one_summary(alice):
    alice_week(alice)
    alice_plan(alice)
    Profile.objects.filter(user=alice).update(next_rollup_at=ROLLUP_AT)
    sweep(AFTER)
    first = WeeklyKpi.objects.values("id", "values", "snapshots", "objectives").get()
    Profile.objects.filter(user=alice).update(next_rollup_at=ROLLUP_AT)
    sweep(AFTER + dt.timedelta(minutes=5))
    assert WeeklyKpi.objects.values("id", "values", "snapshots", "objectives").get() == first
    assert DigestDelivery.objects.count() == 1


def test_snapshots_keep_their_first_reading(alice):
    dana = contact(alice, "Dana", circle=Circle.INNER)
    Contact.objects.filter(pk=dana.pk).update(strength=70)
    rollup_write(MONDAY, [paris_profile(alice)], now=AFTER)
    Contact.objects.filter(pk=dana.pk).update(strength=10)
    rollup_write(MONDAY, [paris_profile(alice)], now=AFTER + dt.timedelta(days=30))
    assert week_row(alice).snapshots["average_strength"] == 70.0


def test_a_move_across_the_date_line_mid_week_gives_one_row_per_iso_week(db):
    dave = user_sign_up(email="dave@example.com", password=PASSWORD, timezone="Pacific/Auckland")
    start = dt.datetime(2026, 6, 14, tzinfo=dt.UTC)  # Sunday
    moved = False
    for hour in range(24 * 22):
        now = start + dt.timedelta(hours=hour)
        if not moved and now >= dt.datetime(2026, 6, 17, 3, tzinfo=dt.UTC):  # a Wednesday
            # To Honolulu (UTC-10), 22 hours behind Auckland.
            profile_update(user=dave, name="Dave", timezone="Pacific/Honolulu", digest_hour=7)
            moved = True
        kpi_sweep(now=now, enqueue=lambda ids: None)
    weeks = list(WeeklyKpi.objects.filter(user=dave).values_list("week_start", flat=True))
    assert sorted(weeks) == [dt.date(2026, 6, 8), dt.date(2026, 6, 15), dt.date(2026, 6, 22)]
    assert DigestDelivery.objects.filter(user=dave).count() == 3


# --- As many statements for many users as for a few ---------------------------------------


def members(count: int, offset: int = 0) -> list[User]:
    made = []
    zones = ("Europe/Paris", "Pacific/Auckland", "America/New_York")  # two weeks end by then
    for n in range(offset, offset + count):
        zone = zones[n % len(zones)]
        user = user_sign_up(email=f"m{n}@example.com", password=PASSWORD, timezone=zone)
        plan = GoalPlan.objects.create(owner=user, started_on=dt.date(2026, 6, 1))
        tag = Tag.objects.create(owner=user, name="hiring")
        objective = Objective.objects.create(
            plan=plan, title="Hiring managers", metric="interactions_by_kind", target=3
        )
        objective.audience_tags.set([tag])
        Objective.objects.create(
            plan=plan, title="Deadline", metric="meaningful_connections", target=5,
            period=Period.BY_DATE, due_on=dt.date(2026, 7, 31),
        )  # fmt: skip
        person = contact(user, "Dana")
        person.tags.add(tag)
        seen(user, person, on=dt.date(2026, 6, 16), kind=Kind.CALL, quality=4)
        made.append(user)
    return made


def statements_of_a_sweep() -> int:
    Profile.objects.update(next_rollup_at=ROLLUP_AT)
    WeeklyKpi.objects.all().delete()
    DigestDelivery.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        result, _ = sweep(AFTER)
    assert result.rolled_up == Profile.objects.count()
    return len(captured.captured_queries)


def test_a_sweep_takes_as_many_statements_for_30_users_as_for_3(db):
    members(3)
    few = statements_of_a_sweep()
    members(27, offset=3)
    many = statements_of_a_sweep()
    assert WeeklyKpi.objects.count() == 30
    assert all(len(row.objectives) == 2 for row in WeeklyKpi.objects.all())
    assert few == many


# --- Backfill -------------------------------------------------------------------------------


def test_backfill_fills_past_weeks_of_everyone(alice, bob):
    alice_week(alice)
    written = rollup_backfill(weeks=3, now=AFTER)
    assert written == 6
    assert list(
        WeeklyKpi.objects.filter(user=alice).order_by("week_start").values_list("week_start")
    ) == [(dt.date(2026, 6, 1),), (dt.date(2026, 6, 8),), (MONDAY,)]
    assert week_row(alice, dt.date(2026, 6, 8)).values["interactions_by_kind.meeting"] == 1


def test_backfill_over_weeks_that_exist_writes_the_same_numbers(alice):
    alice_week(alice)
    alice_plan(alice)
    Profile.objects.filter(user=alice).update(next_rollup_at=ROLLUP_AT)
    sweep(AFTER)
    before = WeeklyKpi.objects.values("values", "snapshots", "objectives").get()
    WeeklyKpi.objects.update(values={"interactions_by_kind": 999}, objectives=[])
    rollup_backfill(weeks=1, now=AFTER + dt.timedelta(days=2))
    assert WeeklyKpi.objects.values("values", "snapshots", "objectives").get() == before


def test_backfill_of_one_user_leaves_the_others_alone(alice, bob):
    rollup_backfill(weeks=2, users=[bob], now=AFTER)
    assert set(WeeklyKpi.objects.values_list("user_id", flat=True)) == {bob.pk}


# --- The order of the log does not matter ---------------------------------------------------

interactions = st.lists(
    st.fixed_dictionaries(
        {
            "day": st.integers(-2, 8),
            "kind": st.sampled_from([k for k in Kind.values if k != Kind.NOTE]),
            "channel": st.sampled_from(Channel.values),
            "quality": st.integers(1, 5),
            "initiated_by": st.sampled_from(Initiator.values),
            "duration_minutes": st.one_of(st.none(), st.integers(0, 120)),
            "outcome": st.sampled_from(Outcome.values),
            "outcome_value": st.one_of(st.none(), st.decimals(0, 9999, places=2)),
        }
    ),
    max_size=10,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=interactions, order=st.randoms(use_true_random=False))
def test_the_order_of_the_log_does_not_change_the_week(alice, rows, order):
    dana = contact(alice, "Dana")
    shuffled = list(rows)
    order.shuffle(shuffled)
    found = []
    for sequence in (rows, shuffled):
        with transaction.atomic():
            for row in sequence:
                fields = {k: v for k, v in row.items() if k != "day"}
                made = Interaction.objects.create(
                    owner=alice, occurred_on=MONDAY + dt.timedelta(days=row["day"]), **fields
                )
                made.contacts.add(dana)
            rollup_write(MONDAY, [paris_profile(alice)], now=AFTER)
            found.append(WeeklyKpi.objects.values("values", "snapshots").get())
            transaction.set_rollback(True)
    assert found[0] == found[1]
    inside = [r for r in rows if 0 <= r["day"] < 7]
    assert found[0]["values"]["interactions_by_kind"] == len(inside)


# --- This week so far ----------------------------------------------------------------------


def test_this_week_so_far_is_against_last_week_by_the_same_day(alice):
    dana = contact(alice, "Dana")
    for day in (8, 9, 10, 12):  # last week: Monday to Wednesday, and Friday
        seen(alice, dana, on=dt.date(2026, 6, day), kind=Kind.CALL)
    seen(alice, dana, on=MONDAY, kind=Kind.CALL)
    with time_machine.travel(dt.datetime(2026, 6, 17, 10, tzinfo=dt.UTC), tick=False):
        (interactions,) = week_so_far(alice, dt.date(2026, 6, 17), ["interactions_by_kind"])
    assert (interactions.value, interactions.before) == (1, 3)
    assert (interactions.direction, interactions.arrow, interactions.tone) == ("down", "↓", "bad")
