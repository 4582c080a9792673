from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from followups.services import heartbeat_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client, carol):
    carol.is_staff = True
    carol.save()
    client.force_login(carol)
    return client


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


def test_the_health_check_is_public_and_touches_the_database(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
