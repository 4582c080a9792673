import datetime as dt

import pytest
from django.urls import reverse

from contacts.models import Contact, ContactEmail, Tag
from tests.contacts.factories import contact, fresh, queries_of

pytestmark = pytest.mark.django_db
URL = reverse("contacts:list")


def add(owner, count, prefix="Person", **fields):
    return Contact.objects.bulk_create(
        Contact(owner=owner, first_name=f"{prefix}{i:03d}", company="Acme", **fields)
        for i in range(count)
    )


def names(response):
    return [contact.first_name for contact in response.context["page"].object_list]


def test_it_lists_only_the_users_own_contacts(alice_client, alice, bob):
    add(alice, 2, "Mine")
    add(bob, 2, "Theirs")
    body = alice_client.get(URL).content.decode()
    assert "Mine000" in body
    assert "Theirs000" not in body


def test_it_hides_archived_contacts_unless_asked(alice_client, alice):
    contact(alice, "Gone", archived=True)
    assert "Gone" not in alice_client.get(URL).content.decode()
    assert names(alice_client.get(URL, {"archived": "on"})) == ["Gone"]


def test_it_paginates(alice_client, alice):
    add(alice, 60)
    body = alice_client.get(URL + "?page=2").content.decode()
    assert "Page 2 of 2" in body
    assert "Person059" in body
    assert "Person000" not in body


def test_a_search_counts_and_pages_through_its_matches(alice_client, alice):
    add(alice, 60, "Match")
    add(alice, 5, "Other")
    first = alice_client.get(URL, {"q": "match"})
    assert "Page 1 of 2 · 60 contacts" in first.content.decode()
    assert len(first.context["page"].object_list) == 50
    second = alice_client.get(URL, {"q": "match", "page": "2"})
    assert "Page 2 of 2 · 60 contacts" in second.content.decode()
    assert names(second) == [f"Match{i:03d}" for i in range(50, 60)]


@pytest.mark.parametrize(("page", "shown"), [("9", 2), ("0", 2), ("two", 1), ("", 1)])
def test_a_search_page_out_of_range_shows_what_the_paginator_would(
    alice_client, alice, page, shown
):
    add(alice, 60, "Match")
    response = alice_client.get(URL, {"q": "match", "page": page})
    assert response.context["page"].number == shown
    assert f"Page {shown} of 2 · 60 contacts" in response.content.decode()


def test_a_search_without_matches_says_so(alice_client, alice):
    add(alice, 3)
    response = alice_client.get(URL, {"q": "nobody"})
    assert "No contact matches." in response.content.decode()
    assert response.context["page"].paginator.count == 0


def test_the_filters_and_bulk_actions_are_drawn_with_their_choices(alice_client, alice, bob):
    tag = Tag.objects.create(owner=alice, name="<fin&tech>")
    Tag.objects.create(owner=bob, name="theirs")
    add(alice, 1)
    body = alice_client.get(URL, {"tag": tag.pk, "circle": "inner"}).content.decode()
    assert f'<option value="{tag.pk}" selected>&lt;fin&amp;tech&gt;</option>' in body
    assert "theirs" not in body
    assert '<option value="inner" selected>Inner</option>' in body
    add(alice, 1, "Inner", circle="inner")
    body = alice_client.get(URL, {"circle": "inner"}).content.decode()
    assert '<option value="archive">Archive</option>' in body
    assert '<option value="inner">Inner</option>' in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Dana", ["Dana"]),
        ("globex", ["Erin"]),
        ("cto", ["Erin"]),
        ("erin@", ["Erin"]),
        ("fintech", ["Dana"]),
        ("met at", ["Finn"]),
    ],
)
def test_it_searches_names_companies_titles_emails_tags_and_notes(
    alice_client, alice, query, expected
):
    dana = contact(alice, "Dana", company="Acme")
    dana.tags.add(Tag.objects.create(owner=alice, name="fintech"))
    erin = contact(alice, "Erin", company="Globex", title="CTO")
    ContactEmail.objects.create(contact=erin, address="erin@globex.example", is_primary=True)
    contact(alice, "Finn", notes="Met at the climate meetup")
    assert names(alice_client.get(URL, {"q": query})) == expected


def test_it_filters_by_circle_tag_status_company_and_source(alice_client, alice):
    dana = contact(alice, "Dana", circle="inner", company="Acme", source="event")
    contact(alice, "Erin", circle="close", company="Globex", source="work")
    tag = Tag.objects.create(owner=alice, name="mentor")
    dana.tags.add(tag)
    Contact.objects.filter(pk=dana.pk).update(next_checkin_on=dt.date(2000, 1, 1))
    for params in (
        {"circle": "inner"},
        {"tag": tag.pk},
        {"status": "overdue"},
        {"company": "acme"},
        {"source": "event"},
    ):
        assert names(alice_client.get(URL, params)) == ["Dana"], params


def test_it_sorts_by_strength(alice_client, alice):
    contact(alice, "Weak")
    strong = contact(alice, "Strong")
    Contact.objects.filter(pk=strong.pk).update(strength=90)
    assert names(alice_client.get(URL, {"sort": "strength"})) == ["Strong", "Weak"]


def test_it_ignores_a_tag_of_another_user(alice_client, alice, bob):
    contact(alice, "Dana")
    foreign = Tag.objects.create(owner=bob, name="x")
    response = alice_client.get(URL, {"tag": foreign.pk})
    assert names(response) == ["Dana"]  # an invalid filter shows the unfiltered list


def test_htmx_gets_only_the_rows(alice_client, alice):
    contact(alice, "Dana")
    response = alice_client.get(URL, {"q": "Dana"}, headers={"HX-Request": "true"})
    assert "<html" not in response.content.decode()
    assert "Dana" in response.content.decode()


@pytest.mark.parametrize("params", [{"sort": "strength"}, {"q": "Person", "sort": "strength"}])
def test_it_uses_the_same_few_queries_at_10_and_at_1000_contacts(alice_client, alice, params):
    tag = Tag.objects.create(owner=alice, name="t")
    tag.contacts.add(*add(alice, 10))
    alice_client.get(URL)  # warm the session
    few = queries_of(lambda: alice_client.get(URL, params))
    tag.contacts.add(*add(alice, 990, "Persona"))
    assert queries_of(lambda: alice_client.get(URL, params)) == few
    # user, count (none with a search: the rows carry it), rows, their tags, the tag filter
    assert few <= 6


def test_bulk_tags_moves_and_archives(alice_client, alice):
    dana, erin = contact(alice, "Dana"), contact(alice, "Erin")
    ids = [dana.pk, erin.pk]
    alice_client.post(reverse("contacts:bulk"), {"action": "tag", "ids": ids, "tag_name": "hiring"})
    assert set(Tag.objects.get(name="hiring").contacts.all()) == {dana, erin}
    alice_client.post(reverse("contacts:bulk"), {"action": "circle", "ids": ids, "circle": "inner"})
    assert fresh(dana).circle == "inner"
    assert fresh(dana).next_checkin_on is not None
    alice_client.post(reverse("contacts:bulk"), {"action": "archive", "ids": [erin.pk]})
    assert fresh(erin).archived


def test_bulk_refuses_another_users_contact_and_changes_nothing(alice_client, alice, bob):
    dana, theirs = contact(alice, "Dana"), contact(bob, "Theirs")
    response = alice_client.post(
        reverse("contacts:bulk"), {"action": "archive", "ids": [dana.pk, theirs.pk]}, follow=True
    )
    assert "not in your network" in response.content.decode()
    assert not fresh(dana).archived
    assert not fresh(theirs).archived


def test_bulk_says_what_is_missing(alice_client, alice):
    dana = contact(alice, "Dana")
    response = alice_client.post(
        reverse("contacts:bulk"), {"action": "tag", "ids": [dana.pk]}, follow=True
    )
    assert "Name the tag to add." in response.content.decode()


def test_the_dashboard_counts_contacts_by_circle_in_bounded_queries(
    alice_client, alice, django_assert_max_num_queries
):
    add(alice, 40)
    # 6, 2 for what a coach left: notes and suggestions (coaching.today), and 1 for the
    # people waiting in the review inbox (capture).
    with django_assert_max_num_queries(9):
        response = alice_client.get(reverse("today"))
    assert dict(response.context["circles"])["Active"] == 40
    assert response.context["total"] == 40


def test_rows_escape_names_companies_and_tags(alice_client, alice):
    dana = contact(alice, "<i>Dana</i>", company="A&B <Co>")
    dana.tags.add(Tag.objects.create(owner=alice, name='"quoted"'))
    body = alice_client.get(reverse("contacts:list")).content.decode()
    assert "&lt;i&gt;Dana&lt;/i&gt;" in body
    assert "A&amp;B &lt;Co&gt;" in body
    assert "&quot;quoted&quot;" in body
    assert "<i>Dana" not in body


def test_a_bulk_action_on_one_contact_says_contact_in_the_singular(alice_client, alice):
    dana = contact(alice, "Dana")
    response = alice_client.post(
        reverse("contacts:bulk"), {"action": "archive", "ids": [dana.pk]}, follow=True
    )
    assert "1 contact updated." in response.content.decode()
