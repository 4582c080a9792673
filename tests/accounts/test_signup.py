import pytest
from django.urls import reverse

from accounts.models import Profile, User

pytestmark = pytest.mark.django_db

GOOD = {
    "email": "Dana@Example.com",
    "name": "Dana",
    "password1": "a long enough passphrase",
    "password2": "a long enough passphrase",
    "timezone": "Asia/Tokyo",
}


def test_it_signs_up_logs_in_and_shows_the_dashboard(client):
    response = client.post(reverse("accounts:signup"), GOOD, follow=True)
    assert response.redirect_chain[-1][0] == reverse("today")
    assert b"Welcome to NetworkCRM" in response.content
    assert response.context["user"].email == "dana@example.com"


def test_it_creates_the_profile_with_the_chosen_timezone(client):
    client.post(reverse("accounts:signup"), GOOD)
    profile = Profile.objects.get(user__email="dana@example.com")
    assert profile.timezone == "Asia/Tokyo"
    assert profile.digest_hour == 7


def test_it_rejects_an_email_already_in_use_whatever_its_case(client, alice):
    response = client.post(reverse("accounts:signup"), {**GOOD, "email": "ALICE@example.com"})
    assert response.status_code == 200
    assert "An account with this e-mail already exists" in response.content.decode()
    assert User.objects.count() == 1


def test_it_says_when_the_passwords_differ(client):
    response = client.post(reverse("accounts:signup"), {**GOOD, "password2": "something else!"})
    assert "The two passwords are not the same." in response.content.decode()
    assert not User.objects.exists()


def test_it_rejects_a_weak_password(client):
    response = client.post(
        reverse("accounts:signup"), {**GOOD, "password1": "12345", "password2": "12345"}
    )
    assert "This password is too short" in response.content.decode()
    assert not User.objects.exists()


def test_it_rejects_an_unknown_timezone_and_keeps_what_was_typed(client):
    response = client.post(reverse("accounts:signup"), {**GOOD, "timezone": "Mars/Olympus"})
    body = response.content.decode()
    assert "Mars/Olympus is not a time zone we know" in body
    assert 'value="Dana@Example.com"' in body
    assert not User.objects.exists()


def test_it_offers_every_timezone_with_utc_first_selected(client):
    body = client.get(reverse("accounts:signup")).content.decode()
    assert '<option value="Europe/Paris">' in body
    assert 'data-browser-timezone="true"' in body
    assert '<option value="UTC" selected>' in body


def test_it_sends_a_logged_in_user_to_the_dashboard(alice_client):
    response = alice_client.get(reverse("accounts:signup"))
    assert response.status_code == 302
    assert response.url == reverse("today")
