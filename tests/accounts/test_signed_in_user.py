"""What the signed-in user sees of their own account on every page: Django's ModelBackend
loads the user, with their profile in the same query (accounts.backends)."""

import pytest
from django.urls import reverse

from accounts.models import Profile, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_signs_in_and_shows_the_users_own_time_zone(client, alice):
    Profile.objects.filter(user=alice).update(timezone="Asia/Tokyo")
    client.post(reverse("accounts:login"), {"username": alice.email, "password": PASSWORD})
    response = client.get(reverse("today"))
    assert response.status_code == 200
    assert response.context["user"] == alice
    assert response.context["user"].profile.timezone == "Asia/Tokyo"


def test_it_signs_out_a_user_made_inactive(alice_client, alice):
    User.objects.filter(pk=alice.pk).update(is_active=False)
    response = alice_client.get(reverse("today"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_shows_today_to_a_user_without_a_profile(alice_client, alice):
    Profile.objects.filter(user=alice).delete()
    assert alice_client.get(reverse("today")).status_code == 200


def test_the_profile_comes_with_the_user(alice_client, alice, django_assert_num_queries):
    """Every page reads the user's time zone: it costs no query beyond the user's own."""
    response = alice_client.get(reverse("accounts:settings"))
    with django_assert_num_queries(0):
        assert response.wsgi_request.user.profile.timezone == "Europe/Paris"
