import datetime as dt
import importlib
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import Col
from django.db.models.sql import Query
from django.db.models.sql.where import WhereNode
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.services import user_sign_up
from communities.models import Community
from contacts.models import (
    Channel,
    Circle,
    Contact,
    Initiator,
    Interaction,
    Kind,
    Outcome,
    Tag,
    sole_contacts_sync,
)
from content.models import Piece
from content.models import Platform as ContentPlatform
from events.models import Event
from followups.models import FollowUp, FollowUpStatus
from goals import metrics
from goals.metrics import CATALOG, Spec, _sqlite_local_date, for_all_users, for_user, period_window
from goals.models import GoalPlan, Objective, Period
from tests.conftest import PASSWORD
from tests.contacts.factories import contact, log
from tests.imports.conftest import run_import

pytestmark = pytest.mark.django_db

# June 2026 in local dates; `NOW` is Saturday 20 June, midday in Paris.
START, END = dt.date(2026, 6, 1), dt.date(2026, 7, 1)
NOW = dt.datetime(2026, 6, 20, 10, tzinfo=dt.UTC)
ADDED = dt.datetime(2026, 6, 10, 12, tzinfo=dt.UTC)


def value(user: Any, key: str, detail: str = "", audience: Q | None = None, **window: Any):
    """One metric for one user, over June unless told otherwise."""
    start, end = window.get("start", START), window.get("end", END)
    specs = {"it": Spec(key, detail, audience)}
    return for_user(user, start, end, specs, now=window.get("now", NOW))["it"]


def person(owner: Any, name: str = "Dana", *, added: dt.datetime = ADDED, **fields: Any) -> Contact:
    """A contact added at `added` (created_at is auto_now_add, so it is set afterwards)."""
    made = contact(owner, name, **fields)
    Contact.objects.filter(pk=made.pk).update(created_at=added)
    return made


@pytest.fixture
def dave(db):
    return user_sign_up(
        email="dave@example.com", password=PASSWORD, name="Dave", timezone="Pacific/Auckland"
    )


# --- Contacts ---------------------------------------------------------------------------


def test_it_counts_new_contacts_by_the_owners_local_date(alice):
    # Paris is UTC+2 in summer.
    person(alice, "First", added=dt.datetime(2026, 5, 31, 22, 30, tzinfo=dt.UTC))  # 1 June
    person(alice, "May", added=dt.datetime(2026, 5, 31, 21, 30, tzinfo=dt.UTC))  # 31 May
    person(alice, "July", added=dt.datetime(2026, 6, 30, 22, 30, tzinfo=dt.UTC))  # 1 July
    assert value(alice, "new_contacts") == 1


def test_it_puts_a_sunday_night_contact_in_that_iso_week_in_auckland(dave):
    # Auckland is UTC+12 in June: both moments fall on Sunday 21 June in UTC.
    person(dave, "Sunday", added=dt.datetime(2026, 6, 21, 11, 30, tzinfo=dt.UTC))  # Sun 23:30
    person(dave, "Monday", added=dt.datetime(2026, 6, 21, 12, 30, tzinfo=dt.UTC))  # Mon 00:30
    specs = {"new": Spec("new_contacts")}
    this_week = period_window(Period.WEEK, dt.date(2026, 6, 21))
    next_week = period_window(Period.WEEK, dt.date(2026, 6, 22))
    assert this_week == (dt.date(2026, 6, 15), dt.date(2026, 6, 22))
    assert for_user(dave, *this_week, specs, now=NOW) == {"new": 1}
    assert for_user(dave, *next_week, specs, now=NOW) == {"new": 1}
    assert for_all_users(*this_week, specs, now=NOW)[dave.pk] == {"new": 1}


# The week of `NOW`, Monday 15 to Sunday 21 June.
WEEK = (dt.date(2026, 6, 15), dt.date(2026, 6, 22))


def new_this_week(user: Any) -> int:
    specs = {"n": Spec("new_contacts")}
    mine = for_user(user, *WEEK, specs, now=NOW)["n"]
    assert for_all_users(*WEEK, specs, users=[user], now=NOW)[user.pk] == {"n": mine}
    return mine


def test_an_old_connection_imported_this_week_is_not_a_new_contact(alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(NOW, tick=False):
        run_import(alice, "linkedin_connections.csv")  # connected 2019 to 2024
    assert Contact.objects.get(first_name="Ravi").met_on == dt.date(2019, 11, 27)
    assert new_this_week(alice) == 0
    november_2019 = {"n": Spec("new_contacts")}
    assert for_user(alice, dt.date(2019, 11, 1), dt.date(2019, 12, 1), november_2019, now=NOW) == {
        "n": 1
    }


def test_a_contact_added_by_hand_without_a_date_counts_the_day_it_was_added(alice):
    person(alice, "Hand", added=dt.datetime(2026, 6, 16, 9, tzinfo=dt.UTC))
    person(alice, "Last week", added=dt.datetime(2026, 6, 12, 9, tzinfo=dt.UTC))
    assert new_this_week(alice) == 1


def test_a_contact_met_this_week_counts_whenever_it_was_added(alice):
    may, tuesday = dt.datetime(2026, 5, 2, tzinfo=dt.UTC), dt.datetime(2026, 6, 16, tzinfo=dt.UTC)
    person(alice, "Met", added=may, met_on=dt.date(2026, 6, 21))
    person(alice, "Added", added=tuesday, met_on=dt.date(2026, 6, 14))
    assert new_this_week(alice) == 1


def test_it_counts_new_contacts_someone_introduced(alice):
    introducer = person(alice, "Ines", added=dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    person(alice, "Ivan", introduced_by=introducer)
    person(alice, "Olga")
    person(alice, "Old", introduced_by=introducer, added=dt.datetime(2026, 5, 2, tzinfo=dt.UTC))
    assert value(alice, "introductions_received") == 1


def overdue_contacts(owner: Any) -> None:
    person(owner, "Due 10 June", next_checkin_on=dt.date(2026, 6, 10))
    person(owner, "Due 25 June", next_checkin_on=dt.date(2026, 6, 25))
    person(owner, "No cadence")
    person(owner, "Archived", archived=True, next_checkin_on=dt.date(2026, 6, 1))


def test_it_counts_contacts_overdue_as_of_today_during_the_period(alice):
    overdue_contacts(alice)
    assert value(alice, "contacts_overdue") == 1


def test_it_counts_contacts_overdue_as_of_the_end_of_a_past_period(alice):
    overdue_contacts(alice)
    assert value(alice, "contacts_overdue", now=dt.datetime(2026, 7, 15, tzinfo=dt.UTC)) == 2
    may = {"start": dt.date(2026, 5, 1), "end": dt.date(2026, 6, 1)}
    assert value(alice, "contacts_overdue", **may) == 0


def test_it_reads_today_in_the_owners_time_zone(alice):
    overdue_contacts(alice)
    # 22:30 UTC on 24 June is already 25 June in Paris; a day later it is 26 June there.
    assert (
        value(alice, "contacts_overdue", now=dt.datetime(2026, 6, 24, 22, 30, tzinfo=dt.UTC)) == 1
    )
    assert (
        value(alice, "contacts_overdue", now=dt.datetime(2026, 6, 25, 22, 30, tzinfo=dt.UTC)) == 2
    )


def test_it_reads_snapshots_at_the_current_time_by_default(alice):
    overdue_contacts(alice)
    specs = {"overdue": Spec("contacts_overdue")}
    with time_machine.travel(dt.datetime(2026, 6, 26, 10, tzinfo=dt.UTC), tick=False):
        assert for_user(alice, START, END, specs) == {"overdue": 2}


def test_it_averages_the_strength_of_current_contacts(alice):
    person(alice, "Inner", circle=Circle.INNER, strength=80)
    person(alice, "Active", circle=Circle.ACTIVE, strength=40)
    person(alice, "Also active", circle=Circle.ACTIVE, strength=30)
    person(alice, "Archived", circle=Circle.INNER, strength=100, archived=True)
    assert value(alice, "average_strength") == Decimal("50.00")
    assert value(alice, "average_strength", Circle.ACTIVE) == Decimal("35.00")
    assert value(alice, "average_strength", Circle.CLOSE) is None


# --- Interactions -----------------------------------------------------------------------


def test_it_counts_interactions_of_a_kind_or_on_a_channel(alice):
    dana = contact(alice)
    log(alice, dana, kind=Kind.MEETING, channel=Channel.IN_PERSON)
    log(alice, dana, kind=Kind.CALL, channel=Channel.PHONE)
    log(alice, dana, kind=Kind.CALL, channel=Channel.VIDEO)
    log(alice, dana, kind=Kind.MEETING, on=dt.date(2026, 5, 31))
    log(alice, dana, kind=Kind.MEETING, on=dt.date(2026, 7, 1))
    assert value(alice, "interactions_by_kind") == 3
    assert value(alice, "interactions_by_kind", Kind.CALL) == 2
    assert value(alice, "interactions_by_channel") == 3
    assert value(alice, "interactions_by_channel", Channel.PHONE) == 1


def test_it_leaves_notes_out(alice):
    dana = contact(alice)
    log(alice, dana, kind=Kind.NOTE, channel=Channel.IN_PERSON, duration_minutes=10)
    assert value(alice, "interactions_by_kind") == 0
    assert value(alice, "offline_share") is None
    assert value(alice, "minutes_spent") == 0


def test_it_counts_meaningful_connections(alice):
    dana = contact(alice)
    log(alice, dana, quality=5, initiated_by=Initiator.ME)
    log(alice, dana, quality=4, initiated_by=Initiator.ME)
    log(alice, dana, quality=2, initiated_by=Initiator.THEM)
    log(alice, dana, quality=3, initiated_by=Initiator.ME)
    assert value(alice, "meaningful_connections") == 3


def test_it_shares_interactions_between_offline_and_online(alice):
    dana = contact(alice)
    log(alice, dana, channel=Channel.IN_PERSON)
    log(alice, dana, channel=Channel.PHONE)
    log(alice, dana, channel=Channel.LINKEDIN)
    assert value(alice, "offline_share") == Decimal("66.67")
    assert value(alice, "online_share") == Decimal("33.33")


def test_it_has_no_share_without_interactions(alice):
    assert value(alice, "offline_share") is None
    assert value(alice, "online_share") is None


def test_it_counts_introductions_and_help(alice):
    dana = contact(alice)
    log(alice, dana, kind=Kind.INTRODUCTION)
    log(alice, dana, kind=Kind.INTRODUCTION)
    log(alice, dana, kind=Kind.HELP_GIVEN)
    log(alice, dana, kind=Kind.HELP_RECEIVED)
    log(alice, dana, kind=Kind.HELP_RECEIVED)
    log(alice, dana, kind=Kind.HELP_RECEIVED)
    assert value(alice, "introductions_made") == 2
    assert value(alice, "help_given") == 1
    assert value(alice, "help_received") == 3


def log_outcomes(owner: Any) -> None:
    dana = contact(owner)
    log(owner, dana, outcome=Outcome.OPPORTUNITY, outcome_value=Decimal("100"))
    log(owner, dana, outcome=Outcome.OPPORTUNITY, outcome_value=Decimal("50.50"))
    log(owner, dana, outcome=Outcome.CLIENT, outcome_value=Decimal("1000"))
    log(owner, dana, outcome=Outcome.REFERRAL)
    log(owner, dana)


def test_it_counts_outcomes_but_not_interactions_without_one(alice):
    log_outcomes(alice)
    assert value(alice, "outcomes") == 4
    assert value(alice, "outcomes", Outcome.OPPORTUNITY) == 2


def test_it_sums_the_value_of_outcomes(alice):
    log_outcomes(alice)
    assert value(alice, "outcome_value") == Decimal("1150.50")
    assert value(alice, "outcome_value", Outcome.OPPORTUNITY) == Decimal("150.50")
    assert value(alice, "outcome_value", Outcome.MENTORSHIP) == Decimal("0.00")


def test_it_sums_minutes_spent(alice):
    dana = contact(alice)
    log(alice, dana, channel=Channel.IN_PERSON, duration_minutes=30)
    log(alice, dana, channel=Channel.PHONE, duration_minutes=15)
    log(alice, dana, channel=Channel.LINKEDIN)
    assert value(alice, "minutes_spent") == 45
    assert value(alice, "minutes_spent", Channel.PHONE) == 15


# --- Audiences --------------------------------------------------------------------------


def test_it_narrows_to_an_audience_by_tag(alice):
    investor = Tag.objects.create(owner=alice, name="Investor")
    plan = GoalPlan.objects.create(owner=alice, started_on=START)
    plan.audience_tags.set([investor])
    tagged, other = person(alice, "Tagged"), person(alice, "Other")
    tagged.tags.set([investor])
    log(alice, tagged)
    log(alice, other)
    log(alice, tagged, other)
    assert value(alice, "interactions_by_kind", audience=plan.audience_q()) == 2
    assert value(alice, "new_contacts", audience=plan.audience_q()) == 1


def test_it_narrows_to_an_audience_by_circle(alice):
    inner = person(alice, "Inner", circle=Circle.INNER)
    active = person(alice, "Active", circle=Circle.ACTIVE)
    log(alice, inner, channel=Channel.IN_PERSON)
    log(alice, active, channel=Channel.EMAIL)
    audience = Objective(audience_circles=[Circle.INNER]).audience_q()
    assert value(alice, "offline_share", audience=audience) == Decimal("100.00")
    assert value(alice, "new_contacts", audience=audience) == 1


def test_it_narrows_to_an_audience_by_industry(alice):
    fintech = person(alice, "Fintech", industry="Fintech")
    health = person(alice, "Health", industry="Health")
    log(alice, fintech, duration_minutes=20)
    log(alice, health, duration_minutes=45)
    audience = Objective(audience_industry="fintech").audience_q()
    assert value(alice, "minutes_spent", audience=audience) == 20
    assert value(alice, "new_contacts", audience=audience) == 1


def test_it_counts_an_interaction_once_however_many_of_its_contacts_are_in_the_audience(alice):
    ida, ivo = person(alice, "Ida", circle=Circle.INNER), person(alice, "Ivo", circle=Circle.INNER)
    ali = person(alice, "Ali", circle=Circle.ACTIVE)
    log(alice, ida, ivo, channel=Channel.IN_PERSON, duration_minutes=30, outcome_value=100)
    log(alice, ida, ali, channel=Channel.EMAIL, duration_minutes=10)
    log(alice, ali, channel=Channel.EMAIL, duration_minutes=5)
    Interaction.objects.create(owner=alice, occurred_on=START, duration_minutes=1)  # with no one
    inner = Q(circle=Circle.INNER)
    specs = {
        "n": Spec("interactions_by_kind", audience=inner),
        "minutes": Spec("minutes_spent", audience=inner),
        "value": Spec("outcome_value", audience=inner),
        "offline": Spec("offline_share", audience=inner),
        "everyone": Spec("minutes_spent"),
    }
    expected = {
        "n": 2,
        "minutes": 40,
        "value": Decimal("100.00"),
        "offline": Decimal("50.00"),
        "everyone": 46,
    }
    assert for_user(alice, START, END, specs, now=NOW) == expected
    assert for_all_users(START, END, specs, now=NOW)[alice.pk] == expected


def test_each_call_reads_the_numbers_and_the_audience_afresh(alice):
    """The plan page calls with a `today`: a second call reads what was logged in between, and
    who carries the audience's tag as it is now."""
    investor = Tag.objects.create(owner=alice, name="Investor")
    tagged, other = person(alice, "Tagged"), person(alice, "Other", circle=Circle.INNER)
    tagged.tags.set([investor])
    log(alice, tagged, on=dt.date(2026, 6, 3))
    plan = GoalPlan.objects.create(owner=alice, started_on=START)
    plan.audience_tags.set([investor])
    today = dt.date(2026, 6, 20)

    def tagged_count():
        specs = {
            "tagged": Spec("interactions_by_kind", audience=plan.audience_q()),
            "overdue": Spec("contacts_overdue"),
        }
        return for_user(alice, START, END, specs, today=today)["tagged"]

    assert tagged_count() == 1
    log(alice, tagged, other, on=dt.date(2026, 6, 4))
    assert tagged_count() == 2
    log(alice, other, on=dt.date(2026, 6, 5))
    assert tagged_count() == 2
    other.tags.add(investor)
    assert tagged_count() == 3
    other.tags.remove(investor)
    plan.audience_tags.set([Tag.objects.create(owner=alice, name="Nobody")])
    assert tagged_count() == 0
    # An audience holding an expression is read the same way.
    specs = {"tagged": Spec("interactions_by_kind", audience=MENTORS)}
    assert for_user(alice, START, END, specs, today=today)["tagged"] == 0


def test_a_snapshot_as_of_today_agrees_with_one_as_of_now(alice):
    """Paris: 20 June at 10:00 UTC is the 20th there, as `today` says."""
    alice.profile.timezone = "Europe/Paris"
    alice.profile.save()
    for day in (15, 19, 20, 25):
        person(alice, f"Due{day}", next_checkin_on=dt.date(2026, 6, day))
    spec = {"overdue": Spec("contacts_overdue")}
    by_now = for_user(alice, START, END, spec, now=NOW)
    assert by_now == for_user(alice, START, END, spec, today=dt.date(2026, 6, 20))
    assert by_now == {"overdue": 2}


def test_specs_of_one_audience_keep_to_their_own_windows(alice):
    ida = person(alice, "Ida", circle=Circle.INNER)
    for day in (dt.date(2026, 6, 2), dt.date(2026, 6, 16), dt.date(2026, 6, 17)):
        log(alice, ida, on=day, today=day)
    log(alice, person(alice, "Ali", circle=Circle.ACTIVE), on=dt.date(2026, 6, 16))
    inner = Q(circle=Circle.INNER)
    week = period_window(Period.WEEK, dt.date(2026, 6, 17))
    specs = {
        "week": Spec("interactions_by_kind", audience=inner, window=week),
        "month": Spec("interactions_by_kind", audience=inner),
        "everyone this week": Spec("interactions_by_kind", window=week),
    }
    got = for_user(alice, START, END, specs, now=NOW)
    assert got == {"week": 2, "month": 3, "everyone this week": 3}
    assert for_all_users(START, END, specs, now=NOW)[alice.pk] == got


# --- Tenancy and shape ------------------------------------------------------------------


def test_it_never_counts_another_users_data(alice, bob):
    dana = person(alice)
    log(alice, dana, kind=Kind.HELP_GIVEN, duration_minutes=30)
    for name in ("Bea", "Ben"):
        log(bob, person(bob, name), kind=Kind.HELP_GIVEN, duration_minutes=60)
    Contact.objects.filter(owner=bob).update(next_checkin_on=dt.date(2026, 6, 1))
    specs = {key: Spec(key) for key in ("help_given", "minutes_spent", "new_contacts")}
    specs["overdue"] = Spec("contacts_overdue")
    mine = {"help_given": 1, "minutes_spent": 30, "new_contacts": 1, "overdue": 0}
    assert for_user(alice, START, END, specs, now=NOW) == mine
    everyone = for_all_users(START, END, specs, now=NOW)
    assert everyone[alice.pk] == mine
    assert everyone[bob.pk] == {
        "help_given": 2,
        "minutes_spent": 120,
        "new_contacts": 2,
        "overdue": 2,
    }


def test_an_audience_is_read_among_the_owners_contacts_only(alice, bob):
    log(alice, person(alice, "Ali", circle=Circle.ACTIVE), duration_minutes=10)
    bea = person(bob, "Bea", circle=Circle.INNER)
    log(bob, bea, duration_minutes=60)
    done = FollowUp.objects.create(
        owner=bob, about="x", due_on=START, done_on=START, status=FollowUpStatus.DONE
    )
    done.contacts.add(bea)
    inner = Q(circle=Circle.INNER)
    specs = {
        "n": Spec("interactions_by_kind", audience=inner),
        "minutes": Spec("minutes_spent", audience=inner),
        "new": Spec("new_contacts", audience=inner),
        "done": Spec("followups_done", audience=inner),
    }
    nothing = {"n": 0, "minutes": 0, "new": 0, "done": 0}
    assert for_user(alice, START, END, specs, now=NOW) == nothing
    everyone = for_all_users(START, END, specs, now=NOW)
    assert everyone[alice.pk] == nothing
    assert everyone[bob.pk] == {"n": 1, "minutes": 60, "new": 1, "done": 1}
    assert for_user(bob, START, END, specs, now=NOW) == everyone[bob.pk]


def test_it_gives_users_without_rows_empty_values(alice, bob):
    log(alice, person(alice))
    specs = {key: Spec(key) for key in CATALOG}
    empty = for_all_users(START, END, specs, users=[alice, bob], now=NOW)[bob.pk]
    assert empty == {key: metric.empty for key, metric in CATALOG.items()}
    assert empty["interactions_by_kind"] == 0
    assert empty["outcome_value"] == Decimal("0.00")
    assert empty["offline_share"] is None
    assert empty["average_strength"] is None


def test_it_computes_only_the_users_asked_for(alice, bob):
    log(bob, person(bob))
    numbers = for_all_users(START, END, {"n": Spec("new_contacts")}, users=[alice], now=NOW)
    assert numbers == {alice.pk: {"n": 0}}


def test_it_refuses_an_unknown_metric_or_detail(alice):
    with pytest.raises(ValueError, match="no metric"):
        value(alice, "followers")
    with pytest.raises(ValueError, match="cannot be narrowed"):
        value(alice, "interactions_by_kind", Channel.PHONE)
    with pytest.raises(ValueError, match="cannot be narrowed"):
        value(alice, "help_given", Kind.HELP_GIVEN)


def test_it_refuses_a_period_that_ends_before_it_starts(alice):
    with pytest.raises(ValueError, match="end before"):
        value(alice, "new_contacts", start=END, end=START)


def test_every_metric_is_described():
    for key, metric in CATALOG.items():
        assert metric.key == key
        assert metric.label
        assert metric.help
        assert metric.unit in ("count", "percent", "minutes", "money", "score")
        assert metric.source in ("interactions", "contacts", "followups", "pieces")
        assert Kind.NOTE not in dict(metric.details)


def test_it_converts_to_local_dates_the_sqlite_way():
    assert _sqlite_local_date("2026-06-21 11:30:00", "Pacific/Auckland") == "2026-06-21"
    assert _sqlite_local_date("2026-06-21 12:30:00.250000", "Pacific/Auckland") == "2026-06-22"
    assert _sqlite_local_date(None, "UTC") is None


# --- Query counts -----------------------------------------------------------------------

ALL_METRICS = {key: Spec(key) for key in CATALOG} | {
    f"{key} inner": Spec(key, audience=Q(circle=Circle.INNER)) for key in CATALOG
}


def test_it_computes_every_metric_for_one_user_in_one_query(alice, django_assert_max_num_queries):
    log(alice, person(alice))
    with django_assert_max_num_queries(1):  # interactions, contacts and follow-ups, a part each
        for_user(alice, START, END, ALL_METRICS, now=NOW)


def test_it_computes_every_metric_for_all_users_in_a_constant_number_of_queries(db):
    users = [
        user_sign_up(email=f"user{n}@example.com", password=PASSWORD, timezone=zone)
        for n, zone in enumerate(["UTC", "Europe/Paris", "Asia/Tokyo"] * 2)
    ]
    for user in users:
        log(user, person(user), duration_minutes=10)
    counts = []
    for some in (users[:2], users):
        with CaptureQueriesContext(connection) as queries:
            numbers = for_all_users(START, END, ALL_METRICS, users=some, now=NOW)
        assert len(numbers) == len(some)
        counts.append(len(queries))
    # One per source, and one for the users' focus, whatever the number of users.
    assert counts[0] == counts[1] <= 5


# --- for_user and for_all_users agree ---------------------------------------------------

# Tagged by name, as the weekly rollup reads a tag: the same audience for every owner.
MENTORS = Q(Exists(Contact.tags.through.objects.filter(contact=OuterRef("pk"), tag__name="mentor")))
AUDIENCES = {
    "everyone": None,
    "close": Q(circle__in=[Circle.INNER, Circle.CLOSE]),
    "fintech": Q(industry__iexact="fintech"),
    "mentors": MENTORS,
    "close mentors": Q(circle__in=[Circle.INNER, Circle.CLOSE]) & MENTORS,
    # As `Audience.audience_q` writes them: lookups and a subquery, which one user's form
    # reads through each interaction's sole contact; and one negated.
    "mentors by id": Q(
        pk__in=Contact.tags.through.objects.filter(tag__name="mentor").values("contact_id")
    ),
    "not close": ~Q(circle__in=[Circle.INNER, Circle.CLOSE]),
}
# A window of its own, inside or across the drawn period: an audience read over two windows.
WINDOW = (START + dt.timedelta(days=3), START + dt.timedelta(days=10))
# Every metric for every audience, and every detail for no audience and for the audience that
# tests the most (a detail and an audience are two filters of the same rows): each example
# stays a few seconds however many metrics the catalog gains.
EVERY_SPEC = (
    {
        f"{key}//{audience}": Spec(key, "", AUDIENCES[audience])
        for key in CATALOG
        for audience in AUDIENCES
    }
    | {
        f"{key}/{detail}/{audience}": Spec(key, detail, AUDIENCES[audience])
        for key, metric in CATALOG.items()
        for detail in dict(metric.details)
        for audience in ("everyone", "close mentors")
    }
) | {
    f"{key}/{audience}/window": Spec(key, audience=AUDIENCES[audience], window=WINDOW)
    for key in ("interactions_by_kind", "minutes_spent", "offline_share", "new_contacts")
    for audience in AUDIENCES
}
DAYS = st.integers(-10, 40)

contacts_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "owner": st.integers(0, 2),
            "added_hours": st.integers(-48, 40 * 24),
            "circle": st.sampled_from(Circle.values),
            "industry": st.sampled_from(["", "Fintech", "Health"]),
            "archived": st.booleans(),
            "strength": st.integers(0, 100),
            "checkin_day": st.none() | DAYS,
            "introduced": st.booleans(),
            "mentor": st.booleans(),
            "met_day": st.none() | st.integers(-10, 40),
        }
    ),
    min_size=1,
    max_size=8,
)
interactions_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "with": st.lists(st.integers(0, 7), min_size=1, max_size=2),
            "day": DAYS,
            "kind": st.sampled_from(Kind.values),
            "channel": st.sampled_from(Channel.values),
            "initiated_by": st.sampled_from(Initiator.values),
            "quality": st.integers(1, 5),
            "outcome": st.sampled_from(Outcome.values),
            "outcome_value": st.none() | st.decimals(0, 10_000, places=2),
            "duration_minutes": st.none() | st.integers(0, 600),
            # Where it happened: one of the owner's two events, communities or pieces, or none.
            "event": st.sampled_from([None, 0, 1]),
            "community": st.sampled_from([None, 0, 1]),
            "piece": st.sampled_from([None, 0, 1]),
        }
    ),
    max_size=12,
)
pieces_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "owner": st.integers(0, 2),
            "day": DAYS,
            "platform": st.sampled_from(ContentPlatform.values),
            "reactions": st.integers(0, 50),
            "comments": st.integers(0, 10),
            "shares": st.integers(0, 10),
            "engaged": st.lists(st.integers(0, 7), max_size=3),
        }
    ),
    max_size=4,
)


PLACES = ("event", "community", "piece")


def build(
    users: list[Any],
    contact_rows: list[dict[str, Any]],
    interaction_rows: list[dict[str, Any]],
    piece_rows: list[dict[str, Any]] = (),
) -> None:
    """Contacts and interactions from drawn rows; strength and check-ins as drawn, not derived."""
    made = Contact.objects.bulk_create(
        Contact(
            owner=users[row["owner"]],
            first_name=f"C{index}",
            circle=row["circle"],
            industry=row["industry"],
            archived=row["archived"],
            strength=row["strength"],
            met_on=None if row["met_day"] is None else START + dt.timedelta(days=row["met_day"]),
            next_checkin_on=None
            if row["checkin_day"] is None
            else START + dt.timedelta(days=row["checkin_day"]),
        )
        for index, row in enumerate(contact_rows)
    )
    mentor = {user.pk: Tag.objects.create(owner=user, name="mentor") for user in users}
    Contact.tags.through.objects.bulk_create(
        Contact.tags.through(contact=one, tag=mentor[one.owner_id])
        for row, one in zip(contact_rows, made, strict=True)
        if row["mentor"]
    )
    midnight = dt.datetime.combine(START, dt.time(), tzinfo=dt.UTC)
    for index, (row, one) in enumerate(zip(contact_rows, made, strict=True)):
        earlier = [c for c in made[:index] if c.owner_id == one.owner_id]
        Contact.objects.filter(pk=one.pk).update(
            created_at=midnight + dt.timedelta(hours=row["added_hours"]),
            introduced_by=earlier[-1] if row["introduced"] and earlier else None,
        )
    places = {
        user.pk: {
            "event": [
                Event.objects.create(owner=user, name=f"E{n}", starts_at=midnight) for n in (0, 1)
            ],
            "community": [Community.objects.create(owner=user, name=f"C{n}") for n in (0, 1)],
            "piece": [
                Piece.objects.create(owner=user, title=f"P{n}", published_on=START) for n in (0, 1)
            ],
        }
        for user in users
    }
    for row in piece_rows:
        owner = users[row["owner"]]
        piece = Piece.objects.create(
            owner=owner,
            title="Drawn",
            published_on=START + dt.timedelta(days=row["day"]),
            **{k: row[k] for k in ("platform", "reactions", "comments", "shares")},
        )
        piece.engaged.set([c for i in row["engaged"] if (c := made[i % len(made)]).owner == owner])
    links = []
    for row in interaction_rows:
        first = made[row["with"][0] % len(made)]
        with_them = {
            c.pk for i in row["with"] if (c := made[i % len(made)]).owner_id == first.owner_id
        }
        fields = {k: v for k, v in row.items() if k not in ("with", "day", *PLACES)}
        for place in PLACES:
            if row[place] is not None:
                fields[place] = places[first.owner_id][place][row[place]]
        interaction = Interaction.objects.create(
            owner_id=first.owner_id, occurred_on=START + dt.timedelta(days=row["day"]), **fields
        )
        links += [
            Interaction.contacts.through(interaction=interaction, contact_id=pk) for pk in with_them
        ]
    Interaction.contacts.through.objects.bulk_create(links)
    # As the services keep it (a bulk insert of links does not): one contact's interactions
    # answer an audience from the row, a group's from its links.
    sole_contacts_sync(Interaction.objects.all())


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    contact_rows=contacts_strategy,
    interaction_rows=interactions_strategy,
    piece_rows=pieces_strategy,
    start_day=st.integers(-5, 20),
    length=st.integers(0, 35),
    now=st.datetimes(dt.datetime(2026, 5, 20), dt.datetime(2026, 7, 20), timezones=st.just(dt.UTC)),
)
def test_for_user_and_for_all_users_always_agree(
    alice, bob, dave, contact_rows, interaction_rows, piece_rows, start_day, length, now
):
    users = [alice, bob, dave]
    start = START + dt.timedelta(days=start_day)
    end = start + dt.timedelta(days=length)
    with transaction.atomic():
        build(users, contact_rows, interaction_rows, piece_rows)
        everyone = for_all_users(start, end, EVERY_SPEC, now=now)
        for user in users:
            assert for_user(user, start, end, EVERY_SPEC, now=now) == everyone[user.pk]
        transaction.set_rollback(True)


# --- Periods ----------------------------------------------------------------------------


def test_a_week_runs_from_monday_to_sunday():
    assert period_window(Period.WEEK, dt.date(2026, 6, 15)) == (
        dt.date(2026, 6, 15),
        dt.date(2026, 6, 22),
    )
    assert period_window(Period.WEEK, dt.date(2027, 1, 2)) == (
        dt.date(2026, 12, 28),
        dt.date(2027, 1, 4),
    )


def test_a_month_runs_to_the_first_of_the_next():
    assert period_window(Period.MONTH, dt.date(2026, 2, 14)) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
    )
    assert period_window(Period.MONTH, dt.date(2026, 12, 31)) == (
        dt.date(2026, 12, 1),
        dt.date(2027, 1, 1),
    )


def test_a_quarter_runs_for_three_months():
    assert period_window(Period.QUARTER, dt.date(2026, 5, 20)) == (
        dt.date(2026, 4, 1),
        dt.date(2026, 7, 1),
    )
    assert period_window(Period.QUARTER, dt.date(2026, 10, 1)) == (
        dt.date(2026, 10, 1),
        dt.date(2027, 1, 1),
    )


def test_a_period_by_a_date_includes_the_due_date():
    window = period_window(
        Period.BY_DATE, dt.date(2026, 6, 15), dt.date(2026, 3, 1), dt.date(2026, 9, 30)
    )
    assert window == (dt.date(2026, 3, 1), dt.date(2026, 10, 1))


def test_a_period_by_a_date_needs_both_dates():
    with pytest.raises(ValueError, match="needs a start"):
        period_window(Period.BY_DATE, dt.date(2026, 6, 15), due_on=dt.date(2026, 9, 30))


def test_each_spec_can_read_its_own_window_in_the_same_query(alice, django_assert_max_num_queries):
    dana = contact(alice, "Dana")
    for day in (dt.date(2026, 6, 2), dt.date(2026, 6, 16), dt.date(2026, 6, 17)):
        log(alice, dana, on=day, today=day)
    week = period_window(Period.WEEK, dt.date(2026, 6, 17))
    specs = {
        "week": Spec("interactions_by_kind", window=week),
        "month": Spec("interactions_by_kind"),
        "quarter": Spec("minutes_spent", window=period_window(Period.QUARTER, START)),
    }
    with django_assert_max_num_queries(1):
        got = for_user(alice, START, END, specs, now=NOW)
    assert got == {"week": 2, "month": 3, "quarter": 0}
    assert for_all_users(START, END, specs, now=NOW)[alice.pk] == got


def test_a_narrower_window_keeps_to_its_first_and_last_day(alice):
    dana, erin = contact(alice, "Dana", circle=Circle.INNER), contact(alice, "Erin")
    monday, next_monday = period_window(Period.WEEK, dt.date(2026, 6, 17))
    for day in (monday - dt.timedelta(days=1), monday, next_monday - dt.timedelta(days=1)):
        log(alice, dana, on=day, today=day, channel=Channel.IN_PERSON)
    log(alice, dana, on=next_monday, today=next_monday, channel=Channel.IN_PERSON)
    log(alice, erin, on=monday, today=monday, channel=Channel.VIDEO)
    log(alice, dana, erin, on=monday, today=monday, channel=Channel.VIDEO)  # a group
    week = (monday, next_monday)
    specs = {
        "week": Spec("interactions_by_kind", window=week),
        "offline this week": Spec("offline_share", window=week),
        "inner, offline": Spec("offline_share", audience=Q(circle=Circle.INNER), window=week),
        "june": Spec("interactions_by_kind"),
    }
    got = for_user(alice, START, END, specs, now=NOW)
    assert got == {
        "week": 4,
        "offline this week": Decimal("50.00"),
        "inner, offline": Decimal("66.67"),  # Dana's two, and the group she was in
        "june": 6,
    }
    assert for_all_users(START, END, specs, now=NOW)[alice.pk] == got


def test_audiences_in_different_windows_each_read_their_own_group_interactions(alice):
    dana, erin = contact(alice, "Dana", circle=Circle.INNER), contact(alice, "Erin")
    days = (dt.date(2026, 6, 3), dt.date(2026, 6, 10), dt.date(2026, 6, 24))
    for day in days:
        log(alice, dana, erin, on=day, today=day)  # a group, with someone of the inner circle
    inner = Q(circle=Circle.INNER)
    specs = {
        "first week": Spec("interactions_by_kind", "", inner, period_window(Period.WEEK, days[0])),
        "last week": Spec("interactions_by_kind", "", inner, period_window(Period.WEEK, days[2])),
        "june": Spec("interactions_by_kind"),
    }
    got = for_user(alice, START, END, specs, now=NOW)
    assert got == {"first week": 1, "last week": 1, "june": 3}
    assert for_all_users(START, END, specs, now=NOW)[alice.pk] == got


def test_it_counts_follow_ups_done_and_done_on_time_by_the_day_they_were_done(alice, bob):
    dana, erin = person(alice, "Dana"), person(alice, "Erin", circle=Circle.INNER)

    def done(owner, who, due_on, done_on, status=FollowUpStatus.DONE):
        made = FollowUp.objects.create(
            owner=owner, about="x", due_on=due_on, done_on=done_on, status=status
        )
        made.contacts.add(who)

    done(alice, dana, dt.date(2026, 6, 10), dt.date(2026, 6, 9))  # on time
    done(alice, erin, dt.date(2026, 6, 10), dt.date(2026, 6, 12))  # late
    done(alice, dana, dt.date(2026, 5, 1), dt.date(2026, 5, 1))  # before June
    done(alice, dana, dt.date(2026, 6, 20), None, status=FollowUpStatus.OPEN)
    done(bob, person(bob, "Bo"), dt.date(2026, 6, 10), dt.date(2026, 6, 9))
    assert value(alice, "followups_done") == 2
    assert value(alice, "followups_on_time") == 1
    assert value(alice, "followups_done", audience=Q(circle=Circle.INNER)) == 1


def columns_read(node: Any, found: set[tuple[str, str]] | None = None) -> set[tuple[str, str]]:
    """Every (table, column) a queryset names, found in the ORM's expressions: its filters,
    annotations, selected columns, joins and subqueries."""
    found = set() if found is None else found
    if isinstance(node, QuerySet):
        node = node.query
    if isinstance(node, Col):
        found.add((node.target.model._meta.db_table, node.target.column))
        return found
    if isinstance(node, Query):
        for join in node.alias_map.values():
            for lhs, rhs in getattr(join, "join_fields", None) or ():
                found.add((lhs.model._meta.db_table, lhs.column))
                found.add((rhs.model._meta.db_table, rhs.column))
        children = [node.where, *node.annotations.values(), *node.select]
    elif isinstance(node, WhereNode):
        children = node.children
    else:
        children = node.get_source_expressions() if hasattr(node, "get_source_expressions") else []
    for child in children:
        if child is not None:
            columns_read(child, found)
    return found


def test_sqlites_covering_indexes_hold_every_column_the_catalog_reads(alice):
    """contacts 0009 (0010 adds `private`, 0013 `met_on`, 0017 the places) give SQLite indexes
    that hold what the one-user statement reads of interactions and contacts (it ignores
    INCLUDE columns). A
    metric reading a column outside them would quietly send SQLite back to the tables: this
    names it, from the statement's querysets."""
    migration = importlib.import_module("contacts.migrations.0017_places_in_sqlite_metric_index")
    covered = {
        table: {column.strip() for column in columns.split(",")} | {"id"}
        for _name, table, columns in migration.INDEXES
    }
    specs = {}
    for key, metric in metrics.CATALOG.items():
        for detail in ["", *(value for value, _label in metric.details)]:
            audience = Q(circle__in=["inner"]) & Q(industry__iexact="Software")
            for with_audience in (False, True):
                name = f"{key}-{detail}-{with_audience}"
                specs[name] = Spec(key, detail, audience if with_audience else None)
    flags, parts = metrics._one_user_parts(
        alice.pk, START, END, specs, now=None, today=dt.date(2026, 6, 20)
    )
    read: set[tuple[str, str]] = set()
    for queryset in [flags, *parts]:
        columns_read(queryset, read)
    for table in ("contacts_interaction", "contacts_contact"):
        of_table = {column for name, column in read if name == table}
        assert of_table, f"the statement reads nothing of {table}?"
        assert of_table <= covered[table], (
            f"{table}: {sorted(of_table - covered[table])} not covered"
        )
