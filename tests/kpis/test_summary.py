"""The weekly summary e-mail: what it says, and how it goes out through the digest's engine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from email.message import Message

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from accounts.models import Profile
from contacts.models import Channel, Circle, Kind
from followups.digest import MESSAGES, Outcome, digest_send, message_id, register_message
from followups.models import DeliveryKind, DeliveryStatus, DigestDelivery
from goals.models import GoalPlan, Tactic
from kpis.models import WeeklyKpi
from kpis.rollup import rollup_backfill, rollup_write
from kpis.summary import summary_message, week_report
from networkcrm.mail import shared_connection_reset
from tests.contacts.factories import contact
from tests.kpis.test_kpis import AFTER, MONDAY, alice_plan, alice_week, seen

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    shared_connection_reset()
    yield
    shared_connection_reset()


def weekly(user, week: dt.date = MONDAY) -> DigestDelivery:
    return DigestDelivery.objects.create(
        user=user, kind=DeliveryKind.WEEKLY, local_date=week, lease_until=AFTER
    )


def parts(message) -> dict[str, str]:
    found = {"text/plain": message.body}
    for content, kind in message.alternatives:
        found[kind] = content
    return found


@pytest.fixture
def alice_weeks(alice):
    alice_week(alice)
    alice_plan(alice)
    rollup_backfill(weeks=5, users=[alice], now=AFTER)
    return alice


def test_it_compares_the_week_with_the_one_before_and_the_4_week_average(alice_weeks):
    report = week_report(alice_weeks, MONDAY, now=AFTER)
    interactions = report.measures["interactions_by_kind"]
    # The week before had the meeting of Sunday 14 June; the 4 weeks before, that one only.
    assert (interactions.value, interactions.before, interactions.average) == (
        6,
        1,
        Decimal("0.2"),
    )
    assert (interactions.arrow, interactions.tone) == ("↑", "good")
    assert report.measures["outcome_value"].shown == "5,250.50"
    assert [len(report.earlier), report.previous.week_start] == [4, dt.date(2026, 6, 8)]


def test_it_says_which_objectives_are_on_track_and_which_behind(alice_weeks):
    report = week_report(alice_weeks, MONDAY, now=AFTER)
    assert [o["title"] for o in report.on_track] == ["Meaningful conversations"]
    assert [o["title"] for o in report.behind] == ["A coffee a week… or two", "Meet investors"]


def test_it_lists_the_outcomes_won(alice_weeks):
    report = week_report(alice_weeks, MONDAY, now=AFTER)
    assert [(i.outcome, [c.name for c in i.contacts.all()]) for i in report.outcomes] == [
        ("job_lead", ["Gus"]),
        ("referral", ["Eli"]),
    ]
    assert str(report.outcome_value) == "5250.50"


def test_it_makes_three_suggestions_from_the_numbers_most_useful_first(alice_weeks):
    report = week_report(alice_weeks, MONDAY, now=AFTER)
    assert [s.text for s in report.suggestions] == [
        "1 inner-circle contact is overdue for a check-in: start the week with them.",
        "LinkedIn took 25 min against a 20 min budget: keep to the boundaries you set.",
        "“A coffee a week… or two” is behind: 1 of 2 with last day.",
    ]
    assert report.suggestions[0].path == "/contacts/?status=overdue&circle=inner"


def test_it_notices_weeks_without_an_offline_interaction(alice):
    dana = contact(alice, "Dana", circle=Circle.ACTIVE)
    for week in range(3):
        day = MONDAY - dt.timedelta(days=7 * week)
        seen(alice, dana, on=day, kind=Kind.MESSAGE, channel=Channel.LINKEDIN, quality=4)
    rollup_backfill(weeks=3, users=[alice], now=AFTER)
    texts = [s.text for s in week_report(alice, MONDAY, now=AFTER).suggestions]
    assert texts == [
        "No offline interactions in 3 weeks: a coffee, a call or an event does more for a "
        "relationship than a message.",
        "You have not logged helping anyone in 3 weeks: an introduction or a useful link builds "
        "trust before you need to ask.",
    ]


def test_hours_over_a_budget_read_in_hours(alice):
    plan = GoalPlan.objects.create(owner=alice, started_on=dt.date(2026, 6, 1))
    Tactic.objects.create(plan=plan, platform="linkedin", action="Posts", minutes_per_week=60)
    Tactic.objects.create(plan=plan, platform="event", action="Meetups", minutes_per_week=120)
    dana = contact(alice, "Dana")
    seen(alice, dana, on=MONDAY, kind=Kind.MESSAGE, channel=Channel.LINKEDIN,
         duration_minutes=180)  # fmt: skip
    rollup_write(MONDAY, [Profile.objects.get(user=alice)], now=AFTER)
    texts = [s.text for s in week_report(alice, MONDAY, now=AFTER).suggestions]
    assert texts[0] == "LinkedIn took 3 h against a 1 h budget: keep to the boundaries you set."


def test_an_idle_budget_is_a_suggestion_too(alice):
    plan = GoalPlan.objects.create(owner=alice, started_on=dt.date(2026, 6, 1))
    Tactic.objects.create(plan=plan, platform="event", action="Meetups", minutes_per_week=90)
    rollup_write(MONDAY, [Profile.objects.get(user=alice)], now=AFTER)
    texts = [s.text for s in week_report(alice, MONDAY, now=AFTER).suggestions]
    assert texts == [
        "No time on Events last week, against a 1 h 30 min budget: block it in your calendar."
    ]


# --- The e-mail -----------------------------------------------------------------------------


def test_the_digest_engine_writes_weekly_deliveries_with_the_summary():
    assert MESSAGES[DeliveryKind.WEEKLY] is summary_message  # registered by kpis.apps


def test_a_kind_of_delivery_has_one_message_writer():
    register_message(DeliveryKind.WEEKLY, summary_message)  # the same one again: no change
    with pytest.raises(ImproperlyConfigured):
        register_message(DeliveryKind.WEEKLY, lambda delivery: (None, 0))
    assert MESSAGES[DeliveryKind.WEEKLY] is summary_message


def test_it_sends_the_summary_with_its_message_id_and_unsubscribe_headers(alice_weeks):
    delivery = weekly(alice_weeks)
    assert digest_send(delivery.pk) == Outcome.SENT
    (message,) = mail.outbox
    assert message.to == ["alice@example.com"]
    assert message.subject == "Your week: 6 interactions, 4 meaningful, 2 outcomes · 15 Jun–21 Jun"
    assert message.extra_headers["Message-ID"] == message_id(delivery)
    assert message_id(delivery).startswith("<weekly-")
    assert "/kpis/summary/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.items) == (DeliveryStatus.SENT, 3)


def test_the_text_and_html_say_the_same_things(alice_weeks):
    digest_send(weekly(alice_weeks).pk)
    for kind, content in parts(mail.outbox[0]).items():
        for words in (
            "Interactions",
            "Meaningful connections",
            "LinkedIn took 25 min against a 20 min budget",
            "Meet investors",
            "Job lead",
            "/kpis/",
        ):
            assert words in content, (kind, words)
    assert "* Interactions: 6 ↑ (week before: 1; average: 0.2)" in mail.outbox[0].body


def test_a_user_who_turned_the_summary_off_since_gets_nothing(alice_weeks):
    delivery = weekly(alice_weeks)
    Profile.objects.filter(user=alice_weeks).update(weekly_summary_enabled=False)
    assert digest_send(delivery.pk) == Outcome.EMPTY
    assert mail.outbox == []


def test_a_week_that_was_never_rolled_up_sends_nothing(alice):
    delivery = weekly(alice)
    assert summary_message(delivery) == (None, 0)
    assert not WeeklyKpi.objects.exists()


def test_the_first_week_has_no_week_before_to_compare_with(alice):
    rollup_write(MONDAY, [Profile.objects.get(user=alice)], now=AFTER)
    digest_send(weekly(alice).pk)
    assert "* Interactions: 0\n" in mail.outbox[0].body
    assert isinstance(mail.outbox[0].message(), Message)
