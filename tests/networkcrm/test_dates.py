"""One date style through the app ("10 Mar 2026", "10 Mar 2026, 12:30", "11 Mar" where the
year is plain, "9 July" for a birthday without a year), every moment in the viewer's zone.

alice and carol live in Auckland (13 hours ahead of UTC in March). The clock stands at
11:30 UTC on 10 March, already 00:30 on 11 March there; the moments recorded (an import, a
coach's look, a note, a worker's heartbeat) happened at 23:30 UTC on 9 March, 12:30 on
10 March in Auckland.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile, User
from accounts.services import user_sign_up
from coaching.models import AccessLog, CoachNote
from coaching.services import make_coach
from contacts.models import Contact
from contacts.services import interaction_log
from followups import digest
from followups.models import DigestDelivery, Heartbeat
from followups.services import followup_create
from imports.models import Format, ImportJob
from kpis.rollup import rollup_backfill
from tests.coaching.conftest import assign, network
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ZONE = "Pacific/Auckland"
NOW = dt.datetime(2026, 3, 10, 11, 30, tzinfo=dt.UTC)  # 00:30 on 11 March in Auckland
LOCAL_TODAY = dt.date(2026, 3, 11)
MOMENT = dt.datetime(2026, 3, 9, 23, 30, tzinfo=dt.UTC)  # 12:30 on 10 March in Auckland
MOMENT_SHOWN = "10 Mar 2026, 12:30"

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# "Aug. 25", "Aug 25", "August 25", "Mar 10, 2026": a month name before the day.
MONTH_FIRST = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}(?:,|\b(?!\d))"
)
# Where ISO dates belong: form controls and their options, scripts' data.
MACHINE_PARTS = re.compile(
    r"<(script|style|textarea|select|template)\b.*?</\1>", re.DOTALL | re.IGNORECASE
)
TAG = re.compile(r"<[^>]*>")


def shown_text(html: str) -> str:
    """What a reader sees: the page's text, without tags and their attributes (links,
    `value`s, `data-` attributes, `<input type="date">`) and without form controls'
    options and scripts, where ISO dates are required."""
    return TAG.sub(" ", MACHINE_PARTS.sub(" ", html))


def browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def in_auckland(user: Any) -> Any:
    Profile.objects.filter(user=user).update(timezone=ZONE)
    return User.objects.select_related("profile").get(pk=user.pk)


@pytest.fixture
def world(alice, carol):
    """alice's network (a contact with a birthday and a follow-up, a plan, an import), carol
    coaching her and having looked, an operator; all in Auckland."""
    with time_machine.travel(NOW, tick=False):
        alice = in_auckland(alice)
        make_coach(carol)
        carol = in_auckland(carol)
        data = network(alice, today=LOCAL_TODAY)
        dana = Contact.objects.create(
            owner=alice,
            first_name="Dana",
            last_name="Birthday",
            source="conference",
            met_on=dt.date(2020, 8, 25),
            birthday_month=3,
            birthday_day=13,
            cadence_days=30,
        )
        interaction_log(
            owner=alice,
            contacts=[dana],
            occurred_on=LOCAL_TODAY - dt.timedelta(days=3),
            today=LOCAL_TODAY,
            kind="meeting",
            channel="in_person",
            quality=4,
        )
        followup_create(
            owner=alice, contacts=[dana], about="the intro", due_on=LOCAL_TODAY + dt.timedelta(2)
        )
        assignment = assign(alice, carol)
        job = ImportJob.objects.create(
            owner=alice, file="imports/x.csv", original_name="people.csv", format=Format.CSV
        )
        ImportJob.objects.filter(pk=job.pk).update(created_at=MOMENT)
        AccessLog.objects.create(coach=carol, client=alice, what="your plan")
        AccessLog.objects.update(at=MOMENT)
        CoachNote.objects.create(coach=carol, client=alice, text="Nice week")
        CoachNote.objects.update(created_at=MOMENT)
        rollup_backfill(weeks=3, users=[alice], now=NOW)
        Heartbeat.objects.create(name="heartbeat", last_run_at=MOMENT, runs=1)
        operator = user_sign_up(email="admin@example.com", password=PASSWORD, name="Operator")
        User.objects.filter(pk=operator.pk).update(is_staff=True, is_superuser=True)
        operator = in_auckland(operator)
    return {
        "alice": alice,
        "carol": carol,
        "operator": operator,
        "dana": dana,
        "assignment": assignment,
        "data": data,
    }


def pages(world: dict[str, Any]) -> list[tuple[Any, str]]:
    """(viewer, url) of the main pages."""
    alice, carol, operator = world["alice"], world["carol"], world["operator"]
    return [
        (alice, reverse("today")),
        (alice, reverse("contacts:list")),
        (alice, reverse("contacts:detail", args=[world["dana"].pk])),
        (alice, reverse("contacts:interactions")),
        (alice, reverse("followups:list")),
        (alice, reverse("goals:plan")),
        (alice, reverse("kpis:page")),
        (alice, reverse("imports:home")),
        (alice, reverse("accounts:settings")),
        (alice, reverse("coaching:settings")),
        (carol, reverse("admin:coaching_client_changelist")),
        (carol, reverse("admin:coaching_client_change", args=[world["assignment"].pk])),
        (operator, reverse("status")),
        (operator, reverse("admin:coaching_accesslog_changelist")),
    ]


def render(world: dict[str, Any]) -> dict[str, str]:
    shown = {}
    with time_machine.travel(NOW, tick=False):
        clients: dict[int, Client] = {}
        for user, url in pages(world):
            client = clients.setdefault(user.pk, browser(user))
            response = client.get(url)
            assert response.status_code == 200, url
            shown[url] = shown_text(response.content.decode())
    return shown


def test_it_shows_no_iso_or_month_first_date_on_the_main_pages(world):
    for url, text in render(world).items():
        assert not ISO_DATE.findall(text), url
        assert not MONTH_FIRST.findall(text), url


def test_it_shows_dates_in_the_one_style(world):
    shown = render(world)
    today = reverse("today")
    contact = reverse("contacts:detail", args=[world["dana"].pk])
    # Today is the 11th in Auckland, though still the 10th in UTC.
    assert "Wednesday, 11 Mar" in shown[today]
    assert "How we met: Conference, on 25 Aug 2020" in shown[contact]
    assert "8 Mar 2026" in shown[reverse("contacts:interactions")]  # three days ago
    assert "13 Mar 2026" in shown[reverse("followups:list")]
    kpis = shown[reverse("kpis:page")]
    assert "up to the week of 2 Mar 2026" in kpis  # Monday to Sunday in Auckland
    assert "23 Feb" in kpis  # a chart's week, in the short style
    plan = world["data"]["plan"]
    assert f"Since {plan.started_on.day} Mar 2026" in shown[reverse("goals:plan")]


def test_it_shows_moments_in_the_viewers_zone(world):
    shown = render(world)
    assert MOMENT_SHOWN in shown[reverse("imports:home")]
    log = shown[reverse("coaching:settings")]
    assert MOMENT_SHOWN in log
    assert ZONE in log  # the access log names the zone
    status = shown[reverse("status")]
    assert MOMENT_SHOWN in status
    assert ZONE in status
    assert MOMENT_SHOWN in shown[reverse("admin:coaching_accesslog_changelist")]
    # The coach's note: the day it was written in Auckland, not in UTC.
    assert "Nice week" in shown[reverse("today")]
    assert "10 Mar 2026" in shown[reverse("today")]
    assert "9 Mar 2026" not in shown[reverse("today")]


def test_it_keeps_iso_dates_in_form_inputs(world):
    with time_machine.travel(NOW, tick=False):
        response = browser(world["alice"]).get(reverse("contacts:edit", args=[world["dana"].pk]))
    assert 'value="2020-08-25"' in response.content.decode()


def test_it_shows_a_birthday_without_its_year_as_day_and_month(alice_client, alice):
    contact = Contact.objects.create(
        owner=alice, first_name="Dana", birthday_month=7, birthday_day=9
    )
    page = alice_client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert "Birthday: 9 July" in page
    assert "07-09" not in page


def test_it_shows_a_birthday_with_its_year_as_a_date(alice_client, alice):
    contact = Contact.objects.create(
        owner=alice, first_name="Dana", birthday_year=1985, birthday_month=7, birthday_day=9
    )
    page = alice_client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert "Birthday: 9 Jul 1985" in page


def test_it_shows_the_29th_of_february_without_a_year(alice_client, alice):
    contact = Contact.objects.create(
        owner=alice, first_name="Dana", birthday_month=2, birthday_day=29
    )
    page = alice_client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert "Birthday: 29 February" in page


def test_it_speaks_utc_to_a_visitor_and_after_a_request(client, world):
    with time_machine.travel(NOW, tick=False):
        browser(world["alice"]).get(reverse("today"))
        assert timezone.get_current_timezone_name() == "UTC"
        response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert timezone.get_current_timezone_name() == "UTC"


def test_it_writes_the_digest_in_the_recipients_zone(alice, monkeypatch):
    """The worker speaks UTC; the e-mail is rendered in the zone of the person reading it.
    (A spy around the real helper records the zone; the message is still built.)"""
    alice = in_auckland(alice)
    zones = []
    real = digest.templated_email

    def spy(*args: Any, **kwargs: Any) -> Any:
        zones.append(timezone.get_current_timezone_name())
        return real(*args, **kwargs)

    monkeypatch.setattr(digest, "templated_email", spy)
    delivery = DigestDelivery.objects.create(user=alice, local_date=LOCAL_TODAY)
    message, _items = digest.test_digest_message(delivery)
    assert message is not None
    assert zones == [ZONE]
    assert timezone.get_current_timezone_name() == "UTC"
