"""The digest's one-click links: a GET asks, a POST acts; tampered, expired or someone else's
links change nothing."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import signing
from django.test import Client

from accounts.models import Profile, local_today
from followups.digest import signed_link, unsubscribe_link
from followups.models import FollowUpStatus
from tests.followups.test_agenda import due, followup

pytestmark = pytest.mark.django_db


def path(url: str) -> str:
    return urlsplit(url).path


def test_a_get_asks_and_changes_nothing(client, alice):
    dana = due(alice, days_overdue=2)
    response = client.get(path(signed_link("done", "checkin", dana.pk, alice)))
    assert "Mark your check-in with Dana done?" in response.content.decode()
    dana.refresh_from_db()
    assert dana.interactions.count() == 1


def test_a_post_marks_a_checkin_done_and_moves_it(client, alice):
    dana = due(alice, days_overdue=2)
    response = client.post(path(signed_link("done", "checkin", dana.pk, alice)))
    assert response.status_code == 200
    assert "Checked in with Dana" in response.content.decode()
    dana.refresh_from_db()
    assert dana.last_interaction_on == local_today(alice)
    assert dana.next_checkin_on > local_today(alice)


def test_a_post_snoozes_a_follow_up_for_a_week(client, alice):
    dana = due(alice)
    later = followup(alice, dana, due_on=local_today(alice))
    client.post(path(signed_link("snooze", "followup", later.pk, alice)))
    later.refresh_from_db()
    assert later.status == FollowUpStatus.SNOOZED
    assert later.snoozed_until == local_today(alice) + dt.timedelta(days=7)


def test_a_tampered_link_says_so_and_changes_nothing(client, alice):
    dana = due(alice, days_overdue=2)
    url = path(signed_link("done", "checkin", dana.pk, alice))
    response = client.post(url[:-6] + "AAAAA/")
    assert response.status_code == 400
    assert "This link is damaged" in response.content.decode()
    assert dana.interactions.count() == 1


def test_an_expired_link_says_so_and_changes_nothing(client, alice):
    dana = due(alice, days_overdue=2)
    url = path(signed_link("done", "checkin", dana.pk, alice))
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=8)):
        response = client.post(url)
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert dana.interactions.count() == 1


def test_someone_elses_link_is_a_404_for_a_signed_in_visitor(client, alice, bob):
    dana = due(alice, days_overdue=2)
    client.force_login(bob)
    url = path(signed_link("done", "checkin", dana.pk, alice))
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert dana.interactions.count() == 1


def test_a_link_naming_someone_elses_contact_is_a_404(client, alice, bob):
    theirs = due(bob, days_overdue=2)
    forged = signing.dumps(
        {"a": "done", "k": "checkin", "id": theirs.pk, "u": alice.pk},
        salt="followups.digest.link",
    )
    assert client.post(f"/followups/digest/{forged}/").status_code == 404
    assert theirs.interactions.count() == 1


def test_one_click_unsubscribe_works_without_a_csrf_token(alice):
    scanner = Client(enforce_csrf_checks=True)
    url = path(unsubscribe_link(alice))
    assert "Stop the daily digest" in scanner.get(url).content.decode()
    assert Profile.objects.get(user=alice).digest_enabled
    response = scanner.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    profile = Profile.objects.get(user=alice)
    assert (profile.digest_enabled, profile.next_digest_at) == (False, None)
