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


def test_it_groups_the_time_zones_by_region_labelled_by_place(alice_client):
    body = alice_client.get(URL).content.decode()
    europe = body.index('<optgroup label="Europe">')
    paris = body.index('<option value="Europe/Paris" selected>Paris</option>')
    assert europe < paris < body.index("</optgroup>", europe)
    assert '<option value="America/Argentina/Buenos_Aires">Argentina / Buenos Aires</option>' in (
        body
    )
    assert body.index('<option value="UTC">UTC</option>') < body.index("<optgroup")
    assert '<optgroup label="Other names">' in body


def test_it_still_accepts_an_older_zone_name(alice_client, alice):
    alice_client.post(URL, {"name": "Alice", "timezone": "US/Eastern", "digest_hour": "8"})
    alice.profile.refresh_from_db()
    assert alice.profile.timezone == "US/Eastern"


def test_it_says_the_name_limit_and_what_an_empty_name_means(alice_client):
    body = alice_client.get(URL).content.decode()
    assert 'maxlength="150"' in body
    assert "Up to 150 characters. Left empty, you are shown by your e-mail address." in body
