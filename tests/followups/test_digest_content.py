"""What the daily digest says, and that it costs the same queries for 10 or 300 due contacts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from followups.digest import digest_message
from followups.models import DigestDelivery
from goals.models import GoalPlan, Objective
from tests.contacts.factories import TODAY
from tests.followups.test_agenda import due, followup, many_due

pytestmark = pytest.mark.django_db


def text_of(message) -> str:
    return message.body


def html_of(message) -> str:
    return message.alternatives[0][0]


def delivery(user) -> DigestDelivery:
    made, _ = DigestDelivery.objects.get_or_create(user=user, local_date=TODAY)
    return made


def test_it_lists_checkins_with_their_last_note_circle_and_objective(alice):
    plan = GoalPlan.objects.create(owner=alice, started_on=TODAY, reviewed_at=timezone.now())
    goal = Objective.objects.create(
        plan=plan, title="Meet fintech founders", metric="interactions_by_kind", target=4
    )
    dana = due(alice, "Dana", days_overdue=3, circle="inner")
    dana.interactions.update(objective=goal)
    message, items = digest_message(delivery(alice))
    assert items == 1
    assert "1 to check in with today" in message.subject
    body = text_of(message)
    assert "Dana (inner circle) — 3 days overdue" in body
    assert '"Call with Dana"' in body
    assert "Serves: Meet fintech founders" in body
    assert "/followups/digest/" in body
    assert "Dana" in html_of(message)
    assert "review your plan" not in body


def test_it_lists_follow_ups_and_birthdays(alice):
    erin = due(alice, "Erin", circle="close")
    erin.birthday_month, erin.birthday_day = (
        (TODAY + dt.timedelta(days=2)).month,
        (TODAY + dt.timedelta(days=2)).day,
    )
    erin.save()
    followup(alice, erin, about="Send the deck", due_on=TODAY - dt.timedelta(days=1))
    body = text_of(digest_message(delivery(alice))[0])
    assert "Send the deck — with Erin — 1 day late" in body
    assert "BIRTHDAYS THIS WEEK" in body
    assert "* Erin —" in body.split("BIRTHDAYS THIS WEEK")[1]


def test_it_nudges_a_monthly_review_of_the_plan(alice):
    GoalPlan.objects.create(
        owner=alice, started_on=TODAY, reviewed_at=timezone.now() - dt.timedelta(days=31)
    )
    due(alice)
    message, _items = digest_message(delivery(alice))
    assert "since you last reviewed your plan" in text_of(message)
    assert "Review your plan" in html_of(message)


def test_it_has_nothing_to_send_on_an_empty_day_unless_asked(alice):
    assert digest_message(delivery(alice)) == (None, 0)
    alice.profile.digest_when_empty = True
    alice.profile.save()
    message, items = digest_message(delivery(alice))
    assert items == 0
    assert message.subject.startswith("Nothing due today")


def test_it_takes_the_same_queries_whatever_the_number_due(alice, bob, settings):
    settings.DIGEST_MAX_ITEMS = 25
    counted = {}
    for person, count in ((alice, 10), (bob, 300)):
        many_due(person, count)
        sent = delivery(person)
        sent = DigestDelivery.objects.select_related("user__profile").get(pk=sent.pk)
        with CaptureQueriesContext(connection) as queries:
            message, items = digest_message(sent)
        assert items == min(count, 25)
        counted[count] = len(queries)
        if count > 25:
            assert f"And {count - 25} more due" in text_of(message)
    # The agenda's few kinds of row (due contacts, counts, follow-ups, the plan, objectives,
    # last interactions), whatever the number due.
    assert counted[10] == counted[300] <= 8


def test_follow_ups_come_before_check_ins_in_both_parts(alice):
    erin = due(alice, "Erin", days_overdue=2, circle="inner")
    followup(alice, erin, about="Send the deck")
    message, items = digest_message(delivery(alice))
    assert items == 2
    text = text_of(message)
    assert text.index("FOLLOW-UPS") < text.index("* Send the deck") < text.index("CHECK-INS")
    assert text.index("CHECK-INS") < text.index("* Erin (inner circle)")
    html = html_of(message)
    assert html.index(">Follow-ups</h2>") < html.index("Send the deck")
    assert html.index("Send the deck") < html.index(">Check-ins</h2>")


def test_each_check_in_gives_the_contacts_address_in_the_text_part(alice):
    dana = due(alice, "Dana", days_overdue=1)
    body = text_of(digest_message(delivery(alice))[0])
    assert f"  {settings.SITE_URL}{reverse('contacts:detail', args=[dana.pk])}\n" in body


def test_the_daily_footer_says_the_digest_is_on(alice):
    due(alice, "Dana", days_overdue=1)
    message, _items = digest_message(delivery(alice))
    assert "You get this e-mail because the daily digest is on in your settings" in message.body
    assert "Stop these e-mails: http" in message.body
    assert "test digest" not in message.body
    assert "because the daily digest is on in your" in html_of(message)
