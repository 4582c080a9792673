"""A coach starts from their caseload, not from their own (empty) Today page."""

import pytest
from django.urls import reverse

from coaching.services import make_coach
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CASELOAD = "/admin/coaching/client/"


@pytest.fixture
def coach(carol):
    make_coach(carol)
    return carol


def login(client, email, next_=None):
    data = {"username": email, "password": PASSWORD}
    if next_ is not None:
        data["next"] = next_
    return client.post(reverse("accounts:login"), data)


def test_it_sends_a_coach_to_the_caseload_after_login(client, coach):
    response = login(client, coach.email)
    assert response.status_code == 302
    assert response.url == CASELOAD


def test_it_keeps_a_coachs_explicit_safe_next(client, coach):
    response = login(client, coach.email, next_="/coaching/")
    assert response.url == "/coaching/"


def test_it_ignores_an_unsafe_next_for_a_coach(client, coach):
    response = login(client, coach.email, next_="https://evil.example.com/")
    assert response.url == CASELOAD


def test_it_sends_a_user_who_is_not_a_coach_to_today(client, alice):
    assert login(client, alice.email).url == reverse("today")


def test_it_sends_a_superuser_coach_to_today(client, coach):
    coach.is_superuser = True
    coach.save(update_fields=["is_superuser"])
    assert login(client, coach.email).url == reverse("today")


def test_it_redirects_a_coach_opening_today_to_the_caseload(client, coach):
    client.force_login(coach)
    response = client.get(reverse("today"))
    assert response.status_code == 302
    assert response.url == CASELOAD
    assert client.get(response.url).status_code == 200


def test_it_shows_today_to_a_user_who_is_not_a_coach(alice_client):
    assert alice_client.get(reverse("today")).status_code == 200
