import pytest
from django.urls import reverse

from contacts import map as contact_map
from contacts.models import Circle, Contact, Tag

pytestmark = pytest.mark.django_db


def add(owner, count, prefix="Person", **fields):
    return Contact.objects.bulk_create(
        Contact(owner=owner, first_name=f"{prefix}{i:03d}", strength=i % 101, **fields)
        for i in range(count)
    )


def data(client, **params):
    response = client.get(reverse("contacts:map_data"), params)
    assert response.status_code == 200
    return response.json()


def names(payload):
    return {node["name"] for node in payload["nodes"]}


def test_it_shows_the_map_page(alice_client, alice):
    add(alice, 3)
    response = alice_client.get(reverse("contacts:map"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-map-url="{reverse("contacts:map_data")}"' in body
    assert "vendor/cytoscape/cytoscape.min.js" in body
    assert "Showing all 3 contacts" in body


def test_it_marks_the_map_link_active(alice_client, alice):
    body = alice_client.get(reverse("contacts:map")).content.decode()
    assert f'nav-link active" href="{reverse("contacts:map")}"' in body


def test_it_returns_nodes_and_edges(alice_client, alice):
    Contact.objects.create(
        owner=alice, first_name="Ada", last_name="Lovelace", company="Analytical",
        circle=Circle.INNER, strength=90,
    )  # fmt: skip
    payload = data(alice_client)
    assert payload["nodes"] == [
        {
            "id": payload["nodes"][0]["id"],
            "name": "Ada Lovelace",
            "company": "Analytical",
            "circle": "inner",
            "strength": 90,
            "url": f"/contacts/{payload['nodes'][0]['id']}/",
        }
    ]
    assert payload["edges"] == []
    assert payload["total"] == 1
    assert payload["shown"] == 1
    assert payload["limit"] == 150


def test_it_draws_an_edge_from_the_introducer(alice_client, alice):
    ada = Contact.objects.create(owner=alice, first_name="Ada", strength=50)
    bea = Contact.objects.create(owner=alice, first_name="Bea", introduced_by=ada)
    assert data(alice_client)["edges"] == [
        {"source": ada.pk, "target": bea.pk, "kind": "introduced"}
    ]


def test_it_joins_colleagues_in_a_star_around_the_strongest(alice_client, alice):
    hub = Contact.objects.create(owner=alice, first_name="Hub", company="Acme", strength=80)
    one = Contact.objects.create(owner=alice, first_name="One", company=" acme ", strength=40)
    two = Contact.objects.create(owner=alice, first_name="Two", company="ACME", strength=20)
    Contact.objects.create(owner=alice, first_name="Solo", company="Other")
    Contact.objects.create(owner=alice, first_name="Nowhere", company="")
    Contact.objects.create(owner=alice, first_name="Nowhere2", company="")
    edges = data(alice_client)["edges"]
    assert edges == [
        {"source": hub.pk, "target": one.pk, "kind": "company", "company": "Acme"},
        {"source": hub.pk, "target": two.pk, "kind": "company", "company": "Acme"},
    ]


def test_it_adds_one_edge_per_colleague_not_a_clique(alice_client, alice):
    add(alice, 50, company="Acme")
    assert len(data(alice_client)["edges"]) == 49


def test_it_filters_by_circle(alice_client, alice):
    Contact.objects.create(owner=alice, first_name="Close", circle=Circle.CLOSE)
    Contact.objects.create(owner=alice, first_name="Far", circle=Circle.ACQUAINTANCE)
    assert names(data(alice_client, circle="close")) == {"Close"}


def test_it_filters_by_tag(alice_client, alice):
    investor = Tag.objects.create(owner=alice, name="investor")
    tagged = Contact.objects.create(owner=alice, first_name="Tagged")
    tagged.tags.add(investor, Tag.objects.create(owner=alice, name="friend"))
    Contact.objects.create(owner=alice, first_name="Plain")
    assert names(data(alice_client, tag=investor.pk)) == {"Tagged"}


def test_it_ignores_a_tag_of_another_user(alice_client, alice, bob):
    theirs = Tag.objects.create(owner=bob, name="secret")
    Contact.objects.create(owner=alice, first_name="Mine")
    assert names(data(alice_client, tag=theirs.pk)) == {"Mine"}


def test_it_ignores_malformed_filters(alice_client, alice):
    Contact.objects.create(owner=alice, first_name="Mine")
    payload = data(alice_client, circle="nope", tag="x", limit="many")
    assert names(payload) == {"Mine"}
    assert payload["limit"] == 150


def test_it_shows_the_strongest_first_up_to_the_limit(alice_client, alice):
    add(alice, 200)
    payload = data(alice_client)
    assert payload["shown"] == 150
    assert payload["total"] == 200
    assert payload["nodes"][0]["strength"] == 100
    assert data(alice_client, limit=5)["shown"] == 5


def test_it_caps_the_limit(alice_client, alice):
    add(alice, 3)
    assert data(alice_client, limit=5000)["limit"] == 1000
    assert data(alice_client, limit=0)["limit"] == 150
    assert data(alice_client, limit=-3)["limit"] == 1


def test_it_says_how_many_it_shows_and_offers_more(alice_client, alice):
    add(alice, 4812)
    body = alice_client.get(reverse("contacts:map")).content.decode()
    assert "Showing the 150 strongest of 4,812 contacts" in body
    assert 'href="?limit=300"' in body
    assert "Show the 300 strongest" in body


def test_it_passes_the_filters_on_to_the_data(alice_client, alice):
    tag = Tag.objects.create(owner=alice, name="investor")
    Contact.objects.create(owner=alice, first_name="Mine", circle=Circle.INNER).tags.add(tag)
    response = alice_client.get(reverse("contacts:map"), {"circle": "inner", "tag": tag.pk})
    url = f"{reverse('contacts:map_data')}?circle=inner&amp;tag={tag.pk}"
    assert f'data-map-url="{url}"' in response.content.decode()


def test_it_offers_to_show_all_when_the_next_step_covers_them(alice_client, alice):
    add(alice, 200)
    response = alice_client.get(reverse("contacts:map"), {"circle": "active"})
    body = response.content.decode()
    assert "Showing the 150 strongest of 200 contacts in the Active circle" in body
    assert 'href="?circle=active&amp;limit=300"' in body
    assert "Show all 200" in body


def test_it_lists_the_shown_contacts_in_a_table(alice_client, alice):
    ada = Contact.objects.create(owner=alice, first_name="Ada", circle=Circle.INNER, strength=77)
    Contact.objects.create(owner=alice, first_name="Bea", introduced_by=ada)
    response = alice_client.get(reverse("contacts:map"))
    assert [c.name for c in response.context["contacts"]] == ["Ada", "Bea"]
    body = response.content.decode()
    assert f'<a href="/contacts/{ada.pk}/">Ada</a>' in body
    assert '<td class="text-end">77</td>' in body


def test_it_never_shows_another_users_contacts(alice_client, alice, bob):
    theirs = Contact.objects.create(owner=bob, first_name="Theirs", company="Acme", strength=100)
    Contact.objects.create(owner=bob, first_name="Theirs2", introduced_by=theirs)
    # Forms keep introducers within one network; this one slipped past them.
    mine = Contact.objects.create(
        owner=alice, first_name="Mine", company="Acme", introduced_by=theirs
    )
    payload = data(alice_client)
    assert names(payload) == {"Mine"}
    assert payload["edges"] == []
    assert payload["nodes"][0]["id"] == mine.pk
    assert "Theirs" not in alice_client.get(reverse("contacts:map")).content.decode()


def test_it_leaves_out_archived_contacts(alice_client, alice):
    gone = Contact.objects.create(owner=alice, first_name="Gone", archived=True, company="Acme")
    Contact.objects.create(owner=alice, first_name="Here", company="Acme", introduced_by=gone)
    payload = data(alice_client)
    assert names(payload) == {"Here"}
    assert payload["edges"] == []
    assert payload["total"] == 1
    assert "Gone" not in alice_client.get(reverse("contacts:map")).content.decode()


def test_it_explains_an_empty_network(alice_client, alice):
    Contact.objects.create(owner=alice, first_name="Gone", archived=True)
    body = alice_client.get(reverse("contacts:map")).content.decode()
    assert "Your map is empty" in body
    assert "cytoscape" not in body


def test_it_explains_filters_that_match_nothing(alice_client, alice):
    Contact.objects.create(owner=alice, first_name="Mine", circle=Circle.ACTIVE)
    body = alice_client.get(reverse("contacts:map"), {"circle": "inner"}).content.decode()
    assert "No contacts match these filters" in body


def network(owner, count):
    """`count` contacts with introductions, shared companies and tags."""
    tag = Tag.objects.create(owner=owner, name="friend")
    contacts = add(owner, count, company="Acme")
    for index, contact in enumerate(contacts[1:], start=1):
        contact.introduced_by = contacts[index - 1]
    Contact.objects.bulk_update(contacts, ["introduced_by"])
    tag.contacts.add(*contacts)
    return tag


@pytest.mark.parametrize("count", [10, 300])
def test_the_data_uses_the_same_number_of_queries_whatever_the_size(
    alice_client, alice, django_assert_max_num_queries, count
):
    tag = network(alice, count)
    alice_client.get(reverse("contacts:map_data"))  # warm the session
    with django_assert_max_num_queries(5):
        payload = data(alice_client, tag=tag.pk, circle="active", limit=1000)
    assert payload["shown"] == count
    assert len(payload["edges"]) == 2 * (count - 1)


@pytest.mark.parametrize("count", [10, 300])
def test_the_page_uses_the_same_number_of_queries_whatever_the_size(
    alice_client, alice, django_assert_max_num_queries, count
):
    tag = network(alice, count)
    alice_client.get(reverse("contacts:map"))  # warm the session
    with django_assert_max_num_queries(6):
        alice_client.get(reverse("contacts:map"), {"tag": tag.pk, "limit": 1000})


def test_it_says_when_the_map_is_full(alice_client, alice, monkeypatch):
    monkeypatch.setattr(contact_map, "MAX_LIMIT", 10)
    add(alice, 12)
    body = alice_client.get(reverse("contacts:map"), {"limit": 10}).content.decode()
    assert "Showing the 10 strongest of 12 contacts" in body
    assert "filter by circle or tag to see the others" in body
    assert 'data-testid="map-more"' not in body
