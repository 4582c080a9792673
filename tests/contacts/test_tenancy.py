"""Bob reaching for Alice's contacts and interactions gets a 404, for every URL and method."""

import pytest
from django.urls import reverse

from contacts.models import Contact, Interaction
from tests.contacts.factories import contact, fresh, log

pytestmark = pytest.mark.django_db

CONTACT_URLS = ["contacts:detail", "contacts:edit", "contacts:delete"]
INTERACTION_URLS = ["contacts:interaction_edit", "contacts:interaction_delete"]


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


@pytest.mark.parametrize("name", CONTACT_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_users_contact_is_a_404(bob_client, alice, name, method):
    dana = contact(alice, "Dana")
    response = getattr(bob_client, method)(reverse(name, args=[dana.pk]), {"first_name": "Hacked"})
    assert response.status_code == 404
    assert fresh(dana).first_name == "Dana"


@pytest.mark.parametrize("name", INTERACTION_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_users_interaction_is_a_404(bob_client, alice, name, method):
    dana = contact(alice, "Dana")
    interaction = log(alice, dana, notes="private")
    response = getattr(bob_client, method)(reverse(name, args=[interaction.pk]))
    assert response.status_code == 404
    assert Interaction.objects.filter(pk=interaction.pk).exists()


def test_the_quick_log_will_not_prefill_another_users_contact(bob_client, alice):
    dana = contact(alice, "Dana")
    assert bob_client.get(reverse("contacts:log"), {"contact": dana.pk}).status_code == 404


def test_the_interaction_list_will_not_filter_on_another_users_contact(bob_client, alice):
    dana = contact(alice, "Dana")
    assert bob_client.get(reverse("contacts:interactions"), {"contact": dana.pk}).status_code == 404


def test_every_contact_route_with_an_id_is_covered():
    from contacts.urls import urlpatterns

    with_ids = {f"contacts:{p.name}" for p in urlpatterns if "pk" in p.pattern.regex.groupindex}
    assert with_ids == set(CONTACT_URLS + INTERACTION_URLS)


def test_an_unknown_id_is_a_404_too(bob_client):
    assert bob_client.get(reverse("contacts:detail", args=[999999])).status_code == 404
    assert not Contact.objects.exists()
