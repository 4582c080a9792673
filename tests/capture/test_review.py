"""The review inbox's services and the ignore rules."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from capture.models import IgnoreRule, ReviewEntry, ReviewStatus, RuleKind
from capture.services import (
    ignore_rule_add,
    ignore_rule_remove,
    review_add,
    review_always_ignore,
    review_ignore,
    thread_key_for,
)
from contacts.models import Contact, Initiator, Interaction
from tests.capture.helpers import NOW, TODAY, mail, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def on_today():
    with time_machine.travel(NOW, tick=False):
        yield


def test_adding_makes_a_contact_and_logs_what_they_were_on(alice):
    mail(alice, "a@x", people=[("gil@example.org", "Gil Grissom")], direction="in")
    mail(alice, "b@x", people=[("gil@example.org", "")], occurred_at=NOW - dt.timedelta(days=3))
    entry = ReviewEntry.objects.get()
    contact = review_add(user=alice, entry=entry, today=TODAY)
    assert (contact.first_name, contact.last_name) == ("Gil", "Grissom")
    assert list(contact.emails.values_list("address", flat=True)) == ["gil@example.org"]
    logged = list(contact.interactions.order_by("occurred_on"))
    assert [i.occurred_on for i in logged] == [TODAY - dt.timedelta(days=3), TODAY]
    assert logged[1].initiated_by == Initiator.THEM
    assert contact.interactions.get(occurred_on=TODAY).captured_items.get().external_id == "a@x"
    entry.refresh_from_db()
    assert (entry.status, entry.contact) == (ReviewStatus.ADDED, contact)
    assert Contact.objects.get(pk=contact.pk).last_interaction_on == TODAY


def test_adding_joins_an_interaction_the_message_already_has(alice):
    dana = person(alice, "Dana", "dana@example.com")
    item = mail(alice, people=[("dana@example.com", ""), ("gil@example.org", "")])
    contact = review_add(user=alice, entry=ReviewEntry.objects.get(), today=TODAY)
    assert set(item.interaction.contacts.all()) == {dana, contact}
    assert Interaction.objects.count() == 1


def test_adding_logs_a_threads_messages_of_one_day_once(alice):
    key = thread_key_for(user=alice, subject="Intro", occurred_at=NOW)
    mail(alice, "a@x", people=[("gil@example.org", "")], thread_key=key)
    mail(alice, "b@x", people=[("gil@example.org", "")], thread_key=key)
    contact = review_add(user=alice, entry=ReviewEntry.objects.get(), today=TODAY)
    assert contact.interactions.count() == 1


def test_a_name_less_entry_becomes_a_contact_named_by_its_address(alice):
    mail(alice, people=[("gil.g@example.org", "")])
    contact = review_add(user=alice, entry=ReviewEntry.objects.get(), today=TODAY)
    assert contact.first_name == "gil.g"


def test_adding_refuses_another_users_entry(alice, bob):
    mail(alice, people=[("gil@example.org", "")])
    with pytest.raises(PermissionError):
        review_add(user=bob, entry=ReviewEntry.objects.get(), today=TODAY)
    assert Contact.objects.count() == 0


def test_ignore_puts_the_entry_away_and_it_stays_away(alice):
    mail(alice, "a@x", people=[("gil@example.org", "")])
    review_ignore(user=alice, entry=ReviewEntry.objects.get())
    mail(alice, "b@x", people=[("gil@example.org", "")])
    entry = ReviewEntry.objects.get()
    assert (entry.status, entry.times) == (ReviewStatus.IGNORED, 2)


def test_always_ignore_adds_a_rule_and_the_address_lands_nowhere_again(alice):
    mail(alice, "a@x", people=[("gil@example.org", "")])
    review_always_ignore(user=alice, entry=ReviewEntry.objects.get())
    assert IgnoreRule.objects.get().value == "gil@example.org"
    mail(alice, "b@x", people=[("gil@example.org", "")])
    assert ReviewEntry.objects.get().times == 1


def test_a_domain_rule_puts_away_the_waiting_entries_it_covers(alice):
    mail(alice, people=[("a@spam.test", ""), ("b@mail.spam.test", ""), ("c@ok.test", "")])
    ignore_rule_add(user=alice, kind=RuleKind.DOMAIN, value=" @Spam.Test ")
    assert IgnoreRule.objects.get().value == "spam.test"
    pending = ReviewEntry.objects.pending().values_list("email", flat=True)
    assert list(pending) == ["c@ok.test"]


def test_removing_a_rule_lets_the_address_through_again(alice):
    rule = ignore_rule_add(user=alice, kind=RuleKind.ADDRESS, value="gil@example.org")
    ignore_rule_remove(user=alice, rule=rule)
    mail(alice, people=[("gil@example.org", "")])
    assert ReviewEntry.objects.count() == 1


def test_removing_refuses_another_users_rule(alice, bob):
    rule = ignore_rule_add(user=alice, kind=RuleKind.ADDRESS, value="gil@example.org")
    with pytest.raises(PermissionError):
        ignore_rule_remove(user=bob, rule=rule)
    assert IgnoreRule.objects.count() == 1
