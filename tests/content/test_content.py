"""The content log: the form's words for bad input, a social interaction for each person who
engaged (and none left behind when unmarked or deleted), which topics and platforms bring
conversations, and bob getting a 404 for every one of alice's pieces."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from contacts.models import Contact, Interaction, Kind
from content.models import Piece, Topic
from tests.contacts.factories import contact, fresh, log, queries_of

pytestmark = pytest.mark.django_db
LIST = reverse("content:list")
CREATE = reverse("content:create")
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def on_today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


def form(**fields) -> dict:
    return {
        "title": "Why payments are hard",
        "kind": "article",
        "platform": "linkedin",
        "published_on": "2026-06-10",
        "url": "https://www.linkedin.com/pulse/payments",
        "topic_names": "payments, Product",
        "reactions": "40",
        "comments": "6",
        "shares": "2",
        "new_followers": "3",
        **fields,
    }


def test_it_logs_a_piece_and_a_social_interaction_for_each_who_engaged(alice_client, alice):
    dana, eli = contact(alice, "Dana"), contact(alice, "Eli")
    response = alice_client.post(CREATE, form(engaged=[dana.pk, eli.pk]))
    assert response.url == LIST
    piece = Piece.objects.get()
    assert (piece.owner, piece.engagement, piece.new_followers) == (alice, 48, 3)
    assert sorted(t.name for t in piece.topics.all()) == ["Product", "payments"]
    social = Interaction.objects.filter(piece=piece)
    assert sorted(i.sole_contact.first_name for i in social) == ["Dana", "Eli"]
    assert {(i.kind, i.channel, i.occurred_on) for i in social} == {
        (Kind.SOCIAL, "linkedin", dt.date(2026, 6, 10))
    }
    assert fresh(dana).last_interaction_on == dt.date(2026, 6, 10)


def test_updating_adds_and_removes_the_interactions_of_who_engaged(alice_client, alice):
    dana, eli = contact(alice, "Dana"), contact(alice, "Eli")
    alice_client.post(CREATE, form(engaged=[dana.pk]))
    piece = Piece.objects.get()
    edit = reverse("content:edit", args=[piece.pk])
    body = alice_client.get(edit).content.decode()
    assert 'value="payments, Product"' in body or 'value="Product, payments"' in body
    alice_client.post(edit, form(engaged=[eli.pk], reactions="90"))
    assert [i.sole_contact for i in Interaction.objects.filter(piece=piece)] == [eli]
    assert fresh(dana).last_interaction_on is None  # the piece's interaction went with it
    assert Piece.objects.get().reactions == 90
    assert Topic.objects.filter(owner=alice).count() == 2  # not made twice


def test_deleting_takes_its_interactions_with_it(alice_client, alice):
    dana = contact(alice, "Dana")
    log(alice, dana, on=dt.date(2026, 6, 1))
    alice_client.post(CREATE, form(engaged=[dana.pk]))
    piece = Piece.objects.get()
    alice_client.post(reverse("content:delete", args=[piece.pk]))
    assert not Piece.objects.exists()
    assert Interaction.objects.count() == 1
    assert fresh(dana).last_interaction_on == dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"title": " "}, "Give it a title, or its first words."),
        ({"published_on": ""}, "Say when you shared it."),
        ({"reactions": "-1"}, "A count cannot be below zero."),
        ({"shares": "-3"}, "A count cannot be below zero."),
        ({"url": "javascript:alert(1)"}, "Enter a web address starting with http:// or https://."),
        ({"topic_names": "x" * 51}, "Keep each topic to 50 characters."),
    ],
)
def test_bad_input_gets_words_and_saves_nothing(alice_client, alice, fields, words):
    dana = contact(alice, "Dana")
    response = alice_client.post(CREATE, form(engaged=[dana.pk], **fields))
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not Piece.objects.exists()
    assert not Interaction.objects.exists()


def test_another_users_contact_is_refused(alice_client, bob):
    response = alice_client.post(CREATE, form(engaged=[contact(bob, "Theirs").pk]))
    assert "One of the chosen contacts is not in your network." in response.content.decode()
    assert not Piece.objects.exists()


@pytest.mark.parametrize("name", ["content:edit", "content:delete"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_users_piece_is_a_404(bob_client, alice, name, method):
    piece = Piece.objects.create(owner=alice, title="Why payments are hard", published_on=TODAY)
    response = getattr(bob_client, method)(reverse(name, args=[piece.pk]), form(title="Taken"))
    assert response.status_code == 404
    assert Piece.objects.get().title == "Why payments are hard"


def test_what_brings_conversations_by_platform_and_topic(alice_client, alice, bob):
    people = [contact(alice, f"P{i}") for i in range(3)]
    alice_client.post(CREATE, form(engaged=[p.pk for p in people[:2]]))
    alice_client.post(
        CREATE,
        form(
            title="A thread",
            platform="x",
            topic_names="payments",
            reactions="4",
            comments="0",
            shares="0",
            engaged=[people[2].pk],
        ),
    )
    # bob's pieces count nowhere in alice's tables.
    Piece.objects.create(owner=bob, title="Theirs", published_on=TODAY, reactions=999)
    response = alice_client.get(LIST)
    platforms = {r["name"]: r for r in response.context["platforms"]}
    assert platforms["LinkedIn"]["pieces"] == 1
    assert platforms["LinkedIn"]["engagement"] == 48
    assert platforms["LinkedIn"]["conversations"] == 2
    assert platforms["X"]["per_piece"] == 4.0
    topics = {r["name"]: r for r in response.context["topics"]}
    assert topics["payments"]["pieces"] == 2
    assert topics["payments"]["engagement"] == 52
    assert topics["payments"]["conversations"] == 3
    assert topics["Product"]["conversations"] == 2
    assert "999" not in response.content.decode()


def test_the_list_takes_as_many_queries_for_100_pieces_as_for_3(alice_client, alice):
    people = Contact.objects.bulk_create(Contact(owner=alice, first_name=f"P{i}") for i in range(5))
    for n in range(3):
        alice_client.post(CREATE, form(title=f"Piece {n}", engaged=[p.pk for p in people]))
    few = queries_of(lambda: alice_client.get(LIST))
    for n in range(97):
        alice_client.post(
            CREATE, form(title=f"More {n}", topic_names=f"t{n}", engaged=[people[0].pk])
        )
    assert queries_of(lambda: alice_client.get(LIST)) == few
