from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from accounts.models import User
from accounts.services import user_sign_up
from coaching.services import make_coach
from followups.services import heartbeat_record
from networkcrm.views import every
from tests.conftest import PASSWORD
from tests.networkcrm.test_login_required import ALL

pytestmark = pytest.mark.django_db

# Pages outside the admin for operators (superusers) only. Staff alone is a coach's role:
# it opens the admin's door and nothing else.
OPERATOR_PAGES = {"status"}
# Pages that send a coach to their caseload instead: a redirect, not more.
COACH_TO_CASELOAD = {"today"}


@pytest.fixture
def operator(db):
    user = user_sign_up(email="admin@example.com", password=PASSWORD, name="Operator")
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


def browser(user):
    browser = Client()
    browser.force_login(user)
    return browser


def test_it_says_when_no_heartbeat_has_run(operator_client):
    body = operator_client.get(reverse("status")).content.decode()
    assert "no heartbeat yet" in body


def test_it_shows_a_recent_heartbeat_as_alive(operator_client):
    heartbeat_record(name="heartbeat", hostname="worker@box")
    body = operator_client.get(reverse("status")).content.decode()
    assert "alive" in body
    assert "worker@box" in body


def test_it_shows_an_old_heartbeat_as_stale(operator_client):
    with time_machine.travel(timezone.now() - timedelta(hours=1)):
        heartbeat_record(name="heartbeat")
    body = operator_client.get(reverse("status")).content.decode()
    assert "stale" in body


def test_it_is_not_for_ordinary_users(alice_client):
    assert alice_client.get(reverse("status")).status_code == 403


def test_it_is_not_for_someone_who_signed_up_as_a_coach(client):
    client.post(
        reverse("accounts:signup"),
        {
            "email": "dave@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "timezone": "UTC",
            "coach": "on",
        },
    )
    assert User.objects.get(email="dave@example.com").is_staff
    assert client.get(reverse("status")).status_code == 403


@pytest.mark.parametrize(("name", "url"), ALL)
def test_it_answers_staff_on_every_page_as_an_ordinary_user(alice, bob, carol, operator, name, url):
    """Outside the admin, staff status opens nothing; only operators see more, and only on
    the pages listed in OPERATOR_PAGES."""
    make_coach(carol)
    staff_only = bob
    User.objects.filter(pk=bob.pk).update(is_staff=True)
    ordinary = browser(alice).get(url).status_code
    by_coach = browser(carol).get(url)
    if name in COACH_TO_CASELOAD:
        assert by_coach.url == reverse("admin:coaching_client_changelist"), name
    else:
        assert by_coach.status_code == ordinary, f"{name}: a coach gets more"
    assert browser(staff_only).get(url).status_code == ordinary, f"{name}: staff get more"
    by_operator = browser(operator).get(url).status_code
    if name in OPERATOR_PAGES:
        assert (ordinary, by_operator) == (403, 200), name
    else:
        assert by_operator == ordinary, f"{name} is for operators: add it to OPERATOR_PAGES"


def test_the_health_check_is_public_and_touches_the_database(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_it_writes_the_beat_schedule_in_words(operator_client):
    minute = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    hours = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.HOURS)
    nightly = CrontabSchedule.objects.create(minute="15", hour="3", timezone="UTC")
    PeriodicTask.objects.create(name="kpi-sweep", task="kpis.tasks.kpi_sweep", interval=minute)
    PeriodicTask.objects.create(name="every-two", task="a.b", interval=hours)
    PeriodicTask.objects.create(name="nightly", task="c.d", crontab=nightly)
    body = operator_client.get(reverse("status")).content.decode()
    assert "<td>every minute</td>" in body
    assert "<td>every 2 hours</td>" in body
    assert "At 03:15 AM" in body
    assert "freq:" not in body
    assert "m/h/dM/MY/d" not in body
    assert "<td>not yet</td>" in body


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(1, "every second"), (90, "every 90 seconds"), (300, "every 5 minutes"), (86400, "every day")],
)
def test_it_says_a_period_in_words(seconds, words):
    assert every(seconds) == words


def test_it_says_how_often_the_heartbeat_is_expected(operator_client, settings):
    settings.HEARTBEAT_INTERVAL = 60
    body = operator_client.get(reverse("status")).content.decode()
    assert '<td data-testid="heartbeat-interval">every minute</td>' in body
