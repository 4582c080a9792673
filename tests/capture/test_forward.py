"""forward_receive: a message sent to a forwarding address becomes a captured interaction,
once, and a message it cannot read is a recorded error in words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine

from capture.forward import forward_receive
from capture.inbound import UnreadableMessage
from capture.models import CapturedItem, CaptureSettings, ReviewEntry
from capture.services import settings_for
from contacts.models import Initiator, Interaction
from tests.capture.helpers import person

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"
NOW = dt.datetime(2026, 6, 18, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def on_today(settings):
    settings.CAPTURE_DOMAIN = "capture.test"
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def prefs(alice):
    found = settings_for(alice)
    found.forward_enabled = True
    found.save()
    return found


def receive(prefs, name):
    return forward_receive(prefs=prefs, raw=(SAMPLES / name).read_bytes(), now=NOW)


def test_it_logs_a_forward_with_the_contacts_on_it(alice, prefs):
    dana = person(alice, "Dana", "dana@example.com")
    item = receive(prefs, "gmail_forward.eml")
    assert list(item.interaction.contacts.all()) == [dana]
    assert item.interaction.initiated_by == Initiator.THEM
    assert item.interaction.occurred_on == dt.date(2026, 6, 15)
    assert item.source == "forward"
    assert list(ReviewEntry.objects.values_list("email", flat=True)) == ["erin@example.com"]
    prefs.refresh_from_db()
    assert prefs.last_success_at == NOW


def test_it_stores_no_body_unless_asked(alice, prefs):
    person(alice, "Dana", "dana@example.com")
    item = receive(prefs, "gmail_forward.eml")
    assert item.snippet == ""
    assert "coffee next week? Erin" not in item.interaction.notes


def test_it_keeps_a_short_snippet_when_asked(alice, prefs):
    prefs.keep_snippet = True
    prefs.save()
    person(alice, "Dana", "dana@example.com")
    item = receive(prefs, "gmail_forward.eml")
    assert item.snippet.startswith("Hi Alice, are you free for coffee next week?")
    assert len(item.snippet) <= 300


def test_the_same_forward_twice_logs_once(alice, prefs):
    person(alice, "Dana", "dana@example.com")
    receive(prefs, "gmail_forward.eml")
    receive(prefs, "gmail_forward.eml")
    assert Interaction.objects.count() == 1
    assert CapturedItem.objects.count() == 1


def test_a_sent_message_forwarded_says_the_user_reached_out(alice, prefs):
    frank = person(alice, "Frank", "frank@partner.example")
    item = receive(prefs, "outlook_forward.eml")
    assert list(item.interaction.contacts.all()) == [frank]
    assert item.interaction.initiated_by == Initiator.ME


def test_a_malformed_message_is_a_recorded_error_and_nothing_is_logged(alice, prefs):
    with pytest.raises(UnreadableMessage):
        receive(prefs, "malformed.eml")
    prefs = CaptureSettings.objects.get(pk=prefs.pk)
    assert prefs.last_error == "The message has no sender address that could be read."
    assert (prefs.last_error_at, prefs.failures, prefs.gave_up_at) == (NOW, 1, None)
    assert CapturedItem.objects.count() == 0
    assert ReviewEntry.objects.count() == 0
