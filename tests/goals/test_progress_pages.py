"""The plan page's numbers: each objective's progress and pace, each tactic's week, computed
from the interactions logged."""

import datetime as dt

import pytest
import time_machine

from contacts.models import Channel
from goals.models import Tactic
from tests.contacts.factories import contact, log
from tests.goals.test_plan_pages import NOW, TODAY, page, start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_shows_progress_computed_from_logged_interactions(alice_client, alice):
    start(alice)
    dana = contact(alice)
    log(alice, dana, on=dt.date(2026, 6, 2), today=TODAY, quality=5)
    log(alice, dana, on=dt.date(2026, 6, 9), today=TODAY, quality=4)
    log(alice, dana, on=dt.date(2026, 6, 9), today=TODAY, quality=2)  # not meaningful
    html = page(alice_client)
    assert "6 meaningful connections per month" in html
    assert "On track: 2 of 6 with 20 days left" in html
    assert 'aria-valuenow="33"' in html
    assert "goal-w-35" in html


def test_it_says_when_an_objective_is_behind(alice_client, alice):
    start(alice)
    with time_machine.travel(dt.datetime(2026, 6, 20, 10, tzinfo=dt.UTC), tick=False):
        html = page(alice_client)
    assert "Behind: 0 of 6 with 10 days left" in html
    assert "goal-status-behind" in html


def test_it_shows_this_weeks_time_against_each_tactics_budget(alice_client, alice):
    start(alice)  # LinkedIn: 90 minutes a week; in person: 120
    dana = contact(alice)
    log(alice, dana, on=TODAY, today=TODAY, channel=Channel.LINKEDIN, duration_minutes=100)
    log(alice, dana, on=TODAY, today=TODAY, channel=Channel.IN_PERSON, duration_minutes=45)
    log(
        alice,
        dana,
        on=dt.date(2026, 6, 5),
        today=TODAY,
        channel=Channel.IN_PERSON,
        duration_minutes=60,
    )
    html = page(alice_client)
    assert "100 of 90 min this week — over budget" in html
    assert "45 of 120 min this week" in html


def test_a_paused_tactic_shows_its_budget_without_time(alice_client, alice):
    plan = start(alice)
    Tactic.objects.filter(plan=plan).update(active=False)
    html = page(alice_client)
    assert "Paused" in html
    assert "min this week" not in html
