import datetime as dt

import pytest

from contacts.models import Contact, Interaction
from tests.contacts.factories import contact, log, queries_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/contacts/"


def test_it_adds_a_contact_with_emails_phones_and_tags(api, alice):
    response = api.post(
        URL,
        {
            "first_name": "Dana",
            "last_name": "Diaz",
            "emails": ["dana@example.com"],
            "phones": ["+33 1 23 45 67 89"],
            "tags": ["fintech", "alumni"],
            "circle": "close",
            "birthday": "04-23",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Dana Diaz"
    assert body["emails"] == ["dana@example.com"]
    assert sorted(body["tags"]) == ["alumni", "fintech"]
    assert body["birthday"] == "04-23"
    assert body["effective_cadence_days"] == 30
    assert set(body["strength_parts"]) == {
        "recency",
        "frequency",
        "reciprocity",
        "quality",
        "tenure",
    }
    assert Contact.objects.get(pk=body["id"]).owner == alice


def test_it_refuses_a_contact_with_the_forms_words(api):
    response = api.post(URL, {"first_name": " ", "emails": ["not-an-address"]}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert errors["first_name"] == ["Give at least a first name."]
    assert errors["emails"] == ["not-an-address is not a valid e-mail address."]
    assert not Contact.objects.exists()


def test_it_says_why_a_birthday_is_not_a_day(api):
    response = api.post(URL, {"first_name": "Dana", "birthday": "2026-02-30"}, format="json")
    assert response.json()["errors"]["birthday"] == ["February 2026 has no day 30: it has 28 days."]


def test_it_warns_of_a_duplicate_unless_confirmed(api, alice):
    api.post(URL, {"first_name": "Dana", "emails": ["d@example.com"]}, format="json")
    again = api.post(URL, {"first_name": "Dana", "emails": ["d@example.com"]}, format="json")
    assert again.status_code == 400
    assert "You may already have this person" in again.json()["errors"]["non_field_errors"][0]
    confirmed = api.post(
        URL,
        {"first_name": "Dana", "emails": ["d@example.com"], "confirm_duplicate": True},
        format="json",
    )
    assert confirmed.status_code == 201


def test_it_changes_only_what_is_sent(api, alice):
    created = api.post(
        URL, {"first_name": "Dana", "tags": ["vc"], "company": "Acme"}, format="json"
    ).json()
    response = api.patch(f"{URL}{created['id']}/", {"title": "CTO"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["title"], body["company"], body["tags"]) == ("CTO", "Acme", ["vc"])


def test_it_refuses_another_users_contact_as_introducer(api, alice, bob):
    theirs = contact(bob, "Eve")
    response = api.post(URL, {"first_name": "Dana", "introduced_by": theirs.pk}, format="json")
    assert response.status_code == 400
    assert "introduced_by" in response.json()["errors"]


def test_it_filters_by_circle_tag_and_search(api, alice):
    api.post(URL, {"first_name": "Zoë", "circle": "inner", "tags": ["vc"]}, format="json")
    api.post(URL, {"first_name": "Bert", "circle": "close"}, format="json")
    names = lambda **q: [c["first_name"] for c in api.get(URL, q).json()["results"]]  # noqa: E731
    assert names(circle="inner") == ["Zoë"]
    assert names(q="zoe") == ["Zoë"]
    tag = api.get("/api/v1/tags/").json()["results"][0]
    assert names(tag=tag["id"]) == ["Zoë"]
    assert names(ordering="-first_name") == ["Zoë", "Bert"]


def test_a_contact_has_a_context_set_read_and_filtered(api, alice):
    made = api.post(URL, {"first_name": "Mum", "context": "personal"}, format="json").json()
    assert made["context"] == "personal"
    pat = api.post(URL, {"first_name": "Pat"}, format="json").json()
    assert pat["context"] == "professional"
    names = lambda **q: [c["first_name"] for c in api.get(URL, q).json()["results"]]  # noqa: E731
    assert names(context="personal") == ["Mum"]
    changed = api.patch(f"{URL}{pat['id']}/", {"context": "both"}, format="json").json()
    assert changed["context"] == "both"
    assert api.patch(f"{URL}{pat['id']}/", {"context": "family"}, format="json").status_code == 400


def test_it_refuses_a_bad_filter_in_words(api):
    response = api.get(URL, {"circle": "nope"})
    assert response.status_code == 400
    assert "circle" in response.json()["errors"]


def test_it_pages_with_a_cursor(api, alice):
    Contact.objects.bulk_create(Contact(owner=alice, first_name=f"P{i:03d}") for i in range(5))
    first = api.get(URL, {"page_size": 2}).json()
    second = api.get(first["next"]).json()
    assert [c["first_name"] for c in first["results"]] == ["P000", "P001"]
    assert [c["first_name"] for c in second["results"]] == ["P002", "P003"]


def test_it_lists_changed_since(api, alice, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC))
    contact(alice, "Old")
    time_machine.move_to(dt.datetime(2026, 6, 10, 12, tzinfo=dt.UTC))
    contact(alice, "New")
    found = api.get(URL, {"changed_since": "2026-06-05T00:00:00Z"}).json()["results"]
    assert [c["first_name"] for c in found] == ["New"]


def test_it_answers_304_when_nothing_changed(api, alice):
    contact(alice, "Dana")
    first = api.get(URL)
    etag = first["ETag"]
    assert etag
    assert "private" in first["Cache-Control"]
    assert "Authorization" in first["Vary"]
    assert api.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
    contact(alice, "Eve")
    assert api.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_it_deletes_a_contact_and_the_interactions_only_they_were_in(api, alice):
    dana, eve = contact(alice, "Dana"), contact(alice, "Eve")
    log(alice, dana)
    shared = log(alice, dana, eve)
    assert api.delete(f"{URL}{dana.pk}/").status_code == 204
    assert list(Interaction.objects.all()) == [shared]


def test_the_list_costs_the_same_queries_at_10_and_1000_contacts(api, alice):
    def add(count):
        made = Contact.objects.bulk_create(
            Contact(owner=alice, first_name=f"P{i:04d}") for i in range(count)
        )
        for c in made[:10]:
            c.emails.create(address=f"{c.first_name}@example.com")
            c.tags.add(*__import__("contacts.services").services.tags_for(owner=alice, names=["x"]))

    add(10)
    small = queries_of(lambda: api.get(URL, {"page_size": 100}))
    add(990)
    large = queries_of(lambda: api.get(URL, {"page_size": 100}))
    assert large <= small


def test_changed_since_includes_a_contact_with_a_new_interaction(api, alice, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC))
    dana = contact(alice, "Dana")
    contact(alice, "Eve")
    time_machine.move_to(dt.datetime(2026, 6, 10, 12, tzinfo=dt.UTC))
    log(alice, dana, on=dt.date(2026, 6, 10), today=dt.date(2026, 6, 10))
    found = api.get(URL, {"changed_since": "2026-06-05T00:00:00Z"}).json()["results"]
    assert [c["first_name"] for c in found] == ["Dana"]
