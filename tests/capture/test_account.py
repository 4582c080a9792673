"""Capture data in the account export (imports.exports.account_json) and in account deletion."""

from __future__ import annotations

import json

import pytest
import time_machine

from accounts.services import account_delete
from capture.models import CapturedItem, CapturedPerson, CaptureSettings, IgnoreRule, ReviewEntry
from capture.services import ignore_rule_add, settings_for
from imports import exports
from tests.capture.helpers import NOW, mail, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def on_today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def captured(alice):
    prefs = settings_for(alice)
    prefs.forward_enabled = True
    prefs.keep_snippet = True
    prefs.save()
    person(alice, "Dana", "dana@example.com")
    mail(alice, people=[("dana@example.com", "Dana"), ("gil@example.org", "Gil")], snippet="Hi")
    ignore_rule_add(user=alice, kind="domain", value="spam.example")
    return prefs


def test_the_account_json_holds_the_capture_data_but_not_the_address_token(alice, captured):
    text = "".join(exports.account_json(alice))
    data = json.loads(text)
    assert data["capture_settings"][0]["forward_enabled"] is True
    assert data["capture_settings"][0]["keep_snippet"] is True
    assert "token" not in data["capture_settings"][0]
    assert captured.token not in text
    [item] = data["captured_items"]
    assert (item["external_id"], item["summary"], item["snippet"]) == (
        "m1@example.com",
        "Coffee next week?",
        "Hi",
    )
    assert item["people"] == [
        {"email": "dana@example.com", "name": "Dana"},
        {"email": "gil@example.org", "name": "Gil"},
    ]
    assert item["interaction_id"] == alice.interactions.get().pk
    assert [(e["email"], e["status"]) for e in data["review_entries"]] == [
        ("gil@example.org", "pending")
    ]
    assert [(r["kind"], r["value"]) for r in data["ignore_rules"]] == [("domain", "spam.example")]


def test_the_account_json_holds_no_capture_data_of_another_user(alice, bob, captured):
    data = json.loads("".join(exports.account_json(bob)))
    assert data["captured_items"] == []
    assert data["review_entries"] == []
    assert data["ignore_rules"] == []
    assert data["capture_settings"] == []


def test_deleting_the_account_deletes_its_capture_data_only(alice, bob, captured):
    bob_prefs = settings_for(bob)
    mail(bob, "bob@x", people=[("gil@example.org", "")])
    account_delete(user=alice)
    assert list(CaptureSettings.objects.all()) == [bob_prefs]
    assert list(CapturedItem.objects.values_list("user_id", flat=True)) == [bob.pk]
    assert CapturedPerson.objects.count() == 1
    assert list(ReviewEntry.objects.values_list("user_id", flat=True)) == [bob.pk]
    assert IgnoreRule.objects.count() == 0
