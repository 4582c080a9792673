"""Capture's pages: settings (the forwarding address, the choices, the ignore rules, each
source's status), the review inbox, the captured items and their undo; bounded queries; and
bob getting a 404 for every one of alice's items, entries and rules, on every URL and method."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from capture.models import CapturedItem, CaptureSettings, IgnoreRule, ReviewEntry, ReviewStatus
from capture.services import settings_for
from contacts.models import Contact, Interaction
from tests.capture.helpers import NOW, mail, person
from tests.contacts.factories import queries_of

pytestmark = pytest.mark.django_db
SETTINGS = reverse("capture:settings")
REVIEW = reverse("capture:review")
ITEMS = reverse("capture:items")


@pytest.fixture(autouse=True)
def on_today(settings):
    settings.CAPTURE_DOMAIN = "crm.example.net"
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


def test_the_settings_page_shows_the_address_once_forwarding_is_on(alice_client, alice):
    page = alice_client.get(SETTINGS).content.decode()
    assert "log+" not in page
    response = alice_client.post(
        SETTINGS, {"forward_enabled": "on", "only_known": "", "keep_snippet": "on"}, follow=True
    )
    prefs = CaptureSettings.objects.get(user=alice)
    assert (prefs.forward_enabled, prefs.only_known, prefs.keep_snippet) == (True, False, True)
    assert f"log+{prefs.token}@crm.example.net" in response.content.decode()
    assert "Saved your capture settings." in response.content.decode()


def test_a_new_address_replaces_the_old_one(alice_client, alice):
    old = settings_for(alice).token
    response = alice_client.post(reverse("capture:forward_renew"))
    assert response.status_code == 302
    assert CaptureSettings.objects.get(user=alice).token != old


def test_the_settings_page_shows_a_sources_last_error_in_words(alice_client, alice):
    prefs = settings_for(alice)
    prefs.failed("The message has no sender address that could be read.", NOW)
    page = alice_client.get(SETTINGS).content.decode()
    assert "Last error" in page
    assert "The message has no sender address that could be read." in page
    assert "Nothing received yet." in page


def test_it_adds_and_removes_ignore_rules(alice_client, alice):
    response = alice_client.post(
        reverse("capture:rule_add"), {"kind": "domain", "value": "@News.Example.com"}
    )
    assert response.status_code == 302
    rule = IgnoreRule.objects.get(user=alice)
    assert (rule.kind, rule.value) == ("domain", "news.example.com")
    assert "news.example.com" in alice_client.get(SETTINGS).content.decode()
    alice_client.post(reverse("capture:rule_delete", args=[rule.pk]))
    assert IgnoreRule.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "value", "words"),
    [
        ("domain", "not a domain", "Enter a domain such as example.com."),
        ("address", "nobody", "Enter an e-mail address such as name@example.com."),
        ("sometimes", "x", "Select a valid choice."),
    ],
)
def test_a_bad_rule_is_refused_in_words(alice_client, kind, value, words):
    response = alice_client.post(reverse("capture:rule_add"), {"kind": kind, "value": value})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert IgnoreRule.objects.count() == 0


def test_a_rule_twice_is_refused_in_words(alice_client, alice):
    alice_client.post(reverse("capture:rule_add"), {"kind": "address", "value": "a@b.example"})
    response = alice_client.post(
        reverse("capture:rule_add"), {"kind": "address", "value": "A@B.example"}
    )
    assert "You already ignore this." in response.content.decode()
    assert IgnoreRule.objects.count() == 1


def test_the_review_inbox_counts_and_lists_the_people_waiting(alice_client, alice):
    mail(alice, people=[("gil@example.org", "Gil Grissom"), ("hank@lab.example", "")])
    mail(alice, "b@x", people=[("irene@board.example", "")])
    page = alice_client.get(REVIEW).content.decode()
    assert "3 people on your messages and meetings are not contacts" in page
    assert "Gil Grissom" in page
    assert "hank@lab.example" in page
    assert "3 people on your messages" in alice_client.get(SETTINGS).content.decode()


def test_add_from_the_review_inbox_makes_the_contact_with_its_interactions(alice_client, alice):
    mail(alice, people=[("gil@example.org", "Gil Grissom")])
    entry = ReviewEntry.objects.get()
    response = alice_client.post(
        reverse("capture:review_act", args=[entry.pk]), {"action": "add"}, follow=True
    )
    contact = Contact.objects.get(owner=alice)
    assert contact.name == "Gil Grissom"
    assert contact.interactions.count() == 1
    assert (
        "Added Gil Grissom as a contact, with 1 captured interaction." in response.content.decode()
    )
    assert "Nobody to review." in response.content.decode()


@pytest.mark.parametrize(("action", "rules"), [("ignore", 0), ("always", 1)])
def test_ignore_and_always_ignore_from_the_review_inbox(alice_client, alice, action, rules):
    mail(alice, people=[("gil@example.org", "")])
    entry = ReviewEntry.objects.get()
    alice_client.post(reverse("capture:review_act", args=[entry.pk]), {"action": action})
    entry.refresh_from_db()
    assert entry.status == ReviewStatus.IGNORED
    assert IgnoreRule.objects.filter(user=alice).count() == rules


def test_an_unknown_review_action_changes_nothing(alice_client, alice):
    mail(alice, people=[("gil@example.org", "")])
    entry = ReviewEntry.objects.get()
    response = alice_client.post(
        reverse("capture:review_act", args=[entry.pk]), {"action": "delete"}, follow=True
    )
    assert "Choose add, ignore or always ignore." in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == ReviewStatus.PENDING


def test_the_captured_page_lists_items_with_source_and_people(alice_client, alice):
    person(alice, "Dana", "dana@example.com", last_name="Scully")
    mail(alice, summary="Coffee next week?")
    mail(alice, "b@x", summary="Hello stranger", people=[("gil@example.org", "")])
    page = alice_client.get(ITEMS).content.decode()
    assert "Coffee next week?" in page
    assert "logged with Dana Scully" in page
    assert "not logged: nobody on it is a contact" in page
    assert "Forwarding address" in page
    assert "gil@example.org" in page


def test_undo_takes_a_captured_interaction_out_of_the_log(alice_client, alice):
    person(alice, "Dana", "dana@example.com")
    item = mail(alice)
    response = alice_client.post(reverse("capture:item_undo", args=[item.pk]), follow=True)
    assert Interaction.objects.count() == 0
    assert CapturedItem.objects.get().undone_at == NOW
    assert "is no longer logged" in response.content.decode()


def test_the_pages_need_a_login(client):
    for url in (SETTINGS, REVIEW, ITEMS):
        assert client.get(url).status_code == 302


def test_the_captured_page_reads_a_bounded_number_of_queries(alice_client, alice):
    dana = person(alice, "Dana", "dana@example.com")
    erin = person(alice, "Erin", "erin@example.com")

    def fill(count: int) -> None:
        for n in range(CapturedItem.objects.count(), count):
            mail(
                alice,
                f"{n}@x",
                people=[("dana@example.com", ""), ("erin@example.com", ""), (f"u{n}@x.test", "")],
            )

    fill(10)
    few = queries_of(lambda: alice_client.get(ITEMS))
    fill(150)  # more than the page shows
    assert queries_of(lambda: alice_client.get(ITEMS)) == few
    assert dana.interactions.count() == erin.interactions.count() == 150


def test_the_review_inbox_reads_a_bounded_number_of_queries(alice_client, alice):
    def fill(count: int) -> None:
        ReviewEntry.objects.bulk_create(
            ReviewEntry(
                user=alice, email=f"p{n}@x.test", source="forward", first_seen=NOW, last_seen=NOW
            )
            for n in range(ReviewEntry.objects.count(), count)
        )

    fill(10)
    few = queries_of(lambda: alice_client.get(REVIEW))
    fill(1000)
    assert queries_of(lambda: alice_client.get(REVIEW)) == few
    assert "1000 people" in alice_client.get(REVIEW).content.decode()


def test_the_settings_page_reads_a_bounded_number_of_queries(alice_client, alice):
    def fill(count: int) -> None:
        IgnoreRule.objects.bulk_create(
            IgnoreRule(user=alice, kind="address", value=f"p{n}@x.test")
            for n in range(IgnoreRule.objects.count(), count)
        )

    settings_for(alice)  # made on the first visit
    fill(10)
    few = queries_of(lambda: alice_client.get(SETTINGS))
    fill(1000)
    assert queries_of(lambda: alice_client.get(SETTINGS)) == few


# --- Tenancy: alice's items, entries and rules are a 404 for bob, on every URL and method ---


@pytest.fixture
def alices(alice):
    person(alice, "Dana", "dana@example.com")
    item = mail(alice, people=[("dana@example.com", ""), ("gil@example.org", "Gil")])
    rule = IgnoreRule.objects.create(user=alice, kind="domain", value="spam.example")
    return {"item": item, "entry": ReviewEntry.objects.get(user=alice), "rule": rule}


@pytest.mark.parametrize(
    ("name", "thing", "data"),
    [
        ("capture:item_undo", "item", {}),
        ("capture:review_act", "entry", {"action": "add"}),
        ("capture:review_act", "entry", {"action": "ignore"}),
        ("capture:review_act", "entry", {"action": "always"}),
        ("capture:rule_delete", "rule", {}),
    ],
)
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete", "head"])
def test_bob_gets_a_404_for_alices_things(bob_client, alices, name, thing, data, method):
    url = reverse(name, args=[alices[thing].pk])
    response = (
        getattr(bob_client, method)(url, data)
        if method == "post"
        else getattr(bob_client, method)(url)
    )
    assert response.status_code == 404
    assert Interaction.objects.count() == 1
    assert ReviewEntry.objects.get().status == ReviewStatus.PENDING
    assert IgnoreRule.objects.count() == 1
    assert CapturedItem.objects.get().undone_at is None
    assert Contact.objects.count() == 1  # alice's Dana; nobody added


def test_bob_sees_none_of_alices_things_on_his_pages(bob_client, alices):
    for url in (SETTINGS, REVIEW, ITEMS):
        page = bob_client.get(url).content.decode()
        assert "gil@example.org" not in page
        assert "spam.example" not in page
        assert "Coffee next week?" not in page


def test_today_points_to_the_review_inbox_while_someone_waits(alice_client, alice, bob):
    assert 'data-testid="review-pending"' not in alice_client.get("/").content.decode()
    mail(alice, people=[("gil@example.org", ""), ("hank@lab.example", "")])
    mail(bob, "b@x", people=[("irene@board.example", "")])
    page = alice_client.get("/").content.decode()
    assert "2 people on your captured messages</a> are not contacts yet" in page


@pytest.mark.parametrize("name", ["capture:item_undo", "capture:review_act", "capture:rule_delete"])
def test_the_actions_on_ones_own_things_are_post_only(alice_client, alices, name):
    thing = {"capture:item_undo": "item", "capture:review_act": "entry"}.get(name, "rule")
    assert alice_client.get(reverse(name, args=[alices[thing].pk])).status_code == 405
    assert CapturedItem.objects.get().undone_at is None
    assert IgnoreRule.objects.count() == 1
