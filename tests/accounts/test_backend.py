"""The backend that loads the signed-in user on every request, with their profile, in one
written-out statement: it must give what the ORM gives."""

import pytest
from django.contrib.auth import get_user_model

from accounts.backends import ModelBackendWithProfile
from accounts.models import Profile, User

pytestmark = pytest.mark.django_db

backend = ModelBackendWithProfile()


def columns(instance):
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


def test_it_loads_the_user_and_profile_as_the_orm_does(alice, django_assert_num_queries):
    alice.last_login = alice.date_joined
    alice.save()
    Profile.objects.filter(user=alice).update(timezone="Pacific/Auckland", digest_hour=7)
    expected = get_user_model()._default_manager.select_related("profile").get(pk=alice.pk)
    with django_assert_num_queries(1):
        user = backend.get_user(alice.pk)
        timezone = user.profile.timezone
    assert timezone == "Pacific/Auckland"
    assert columns(user) == columns(expected)
    assert columns(user.profile) == columns(expected.profile)
    # Aware datetimes and real booleans on every database, as the ORM's converters give.
    assert user.date_joined.tzinfo is not None
    assert user.last_login == expected.last_login
    assert user.is_active is True
    assert user.profile.user is user
    assert user._state.db == "default"
    assert not user._state.adding


def test_a_user_without_a_profile_reads_as_the_orm_says(alice, django_assert_num_queries):
    Profile.objects.filter(user=alice).delete()
    with django_assert_num_queries(1):
        user = backend.get_user(alice.pk)
        with pytest.raises(User.profile.RelatedObjectDoesNotExist):
            user.profile  # noqa: B018


@pytest.mark.parametrize("user_id", [0, 10**9, "nine", None])
def test_an_unknown_user_is_none(user_id):
    assert backend.get_user(user_id) is None


def test_an_inactive_user_is_none(alice):
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert backend.get_user(alice.pk) is None


def test_a_page_shows_the_signed_in_users_own_time_zone(alice_client, alice):
    Profile.objects.filter(user=alice).update(timezone="Asia/Tokyo")
    response = alice_client.get("/")
    assert response.context["user"].profile.timezone == "Asia/Tokyo"
