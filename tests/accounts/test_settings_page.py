import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("accounts:settings")


def test_it_shows_the_current_settings(alice_client):
    body = alice_client.get(URL).content.decode()
    assert '<option value="Europe/Paris" selected>' in body
    assert 'value="Alice"' in body


def test_it_saves_name_timezone_and_digest_hour(alice_client, alice):
    response = alice_client.post(
        URL, {"name": "Alice A.", "timezone": "Asia/Kolkata", "digest_hour": "18"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.name == "Alice A."
    assert (alice.profile.timezone, alice.profile.digest_hour) == ("Asia/Kolkata", 18)


def test_it_explains_a_bad_hour_and_changes_nothing(alice_client, alice):
    response = alice_client.post(URL, {"name": "X", "timezone": "UTC", "digest_hour": "24"})
    assert "Pick an hour from the list (00:00 to 23:00)." in response.content.decode()
    alice.refresh_from_db()
    assert (alice.name, alice.profile.timezone) == ("Alice", "Europe/Paris")


def test_it_only_ever_edits_the_signed_in_users_profile(alice_client, alice, bob):
    alice_client.post(URL, {"name": "Changed", "timezone": "UTC", "digest_hour": "5"})
    bob.refresh_from_db()
    assert (bob.name, bob.profile.timezone, bob.profile.digest_hour) == (
        "Bob",
        "America/New_York",
        7,
    )
