"""A client sends at most COACH_INVITATIONS_PER_DAY invitation e-mails in any 24 hours,
resends included; past it nothing is sent and the form says when the next one may go."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import CoachAssignment, CoachScope

pytestmark = pytest.mark.django_db

# 11:00:30 UTC is 12:00:30 in Paris, alice's zone.
MONDAY = dt.datetime(2025, 3, 3, 11, 0, 30, tzinfo=dt.UTC)


def invite(client, email="carol@example.com"):
    return client.post(reverse("coaching:settings"), {"email": email, "scope": CoachScope.PLAN})


@pytest.fixture
def send(alice_client, django_capture_on_commit_callbacks):
    def send(email="carol@example.com", at=MONDAY):
        with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
            return invite(alice_client, email)

    return send


def test_it_sends_the_days_invitations(send):
    for n in range(settings.COACH_INVITATIONS_PER_DAY):
        assert send(f"coach{n}@example.com").status_code == 302
    assert len(mail.outbox) == settings.COACH_INVITATIONS_PER_DAY


def test_it_sends_nothing_past_the_limit_and_says_when_to_try_again(send, alice):
    for n in range(settings.COACH_INVITATIONS_PER_DAY):
        send(f"coach{n}@example.com")
    response = send("one-more@example.com")
    assert response.status_code == 200
    assert "You can send the next one from 12:01 tomorrow." in response.content.decode()
    assert len(mail.outbox) == settings.COACH_INVITATIONS_PER_DAY
    assert not CoachAssignment.objects.filter(email="one-more@example.com").exists()


def test_it_counts_resends_to_the_same_address(send):
    for _ in range(settings.COACH_INVITATIONS_PER_DAY):
        send()
    assert send().status_code == 200
    assert len(mail.outbox) == settings.COACH_INVITATIONS_PER_DAY
    assert all(message.to == ["carol@example.com"] for message in mail.outbox)


def test_it_allows_the_next_one_a_day_after_the_oldest(send):
    for n in range(settings.COACH_INVITATIONS_PER_DAY):
        send(f"coach{n}@example.com", at=MONDAY + dt.timedelta(hours=n))
    assert send(at=MONDAY + dt.timedelta(hours=23, minutes=59)).status_code == 200
    assert send(at=MONDAY + dt.timedelta(days=1)).status_code == 302
    assert len(mail.outbox) == settings.COACH_INVITATIONS_PER_DAY + 1


def test_it_names_the_moment_the_oldest_send_turns_a_day_old(send):
    for n in range(settings.COACH_INVITATIONS_PER_DAY):
        send(f"coach{n}@example.com", at=MONDAY - dt.timedelta(hours=20 - n))
    response = send()
    assert "You can send the next one from 16:01 today." in response.content.decode()


def test_it_counts_each_client_apart(send, bob, client, django_capture_on_commit_callbacks):
    for n in range(settings.COACH_INVITATIONS_PER_DAY):
        send(f"coach{n}@example.com")
    client.force_login(bob)
    with time_machine.travel(MONDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert invite(client).status_code == 302
    assert len(mail.outbox) == settings.COACH_INVITATIONS_PER_DAY + 1


def test_it_reads_the_limit_from_the_settings(send, settings):
    settings.COACH_INVITATIONS_PER_DAY = 1
    assert send().status_code == 302
    response = send("dave@example.com")
    assert "You have sent 1 invitation in the last 24 hours" in response.content.decode()
    assert len(mail.outbox) == 1
