import pytest
from django.urls import reverse

from contacts.models import Contact

pytestmark = pytest.mark.django_db


def add(owner, count, prefix="Person"):
    Contact.objects.bulk_create(
        Contact(owner=owner, first_name=f"{prefix}{i:03d}", company="Acme") for i in range(count)
    )


def test_it_lists_only_the_users_own_contacts(alice_client, alice, bob):
    add(alice, 2, "Mine")
    add(bob, 2, "Theirs")
    body = alice_client.get(reverse("contacts:list")).content.decode()
    assert "Mine000" in body
    assert "Theirs000" not in body


def test_it_hides_archived_contacts(alice_client, alice):
    Contact.objects.create(owner=alice, first_name="Gone", archived=True)
    assert "Gone" not in alice_client.get(reverse("contacts:list")).content.decode()


def test_it_paginates(alice_client, alice):
    add(alice, 60)
    body = alice_client.get(reverse("contacts:list") + "?page=2").content.decode()
    assert "Page 2 of 2" in body
    assert "Person059" in body
    assert "Person000" not in body


@pytest.mark.parametrize("count", [10, 300])
def test_it_uses_the_same_number_of_queries_whatever_the_size(
    alice_client, alice, django_assert_num_queries, count
):
    add(alice, count)
    alice_client.get(reverse("contacts:list"))  # warm the session
    with django_assert_num_queries(4):
        alice_client.get(reverse("contacts:list"))


def test_the_dashboard_counts_contacts_by_circle_in_bounded_queries(
    alice_client, alice, django_assert_max_num_queries
):
    add(alice, 40)
    with django_assert_max_num_queries(5):
        response = alice_client.get(reverse("today"))
    assert dict(response.context["circles"])["Active"] == 40
    assert response.context["total"] == 40
