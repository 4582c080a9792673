"""A source's status (SourceStatus on CaptureSettings, the forwarding address's row) and the
forwarding address's token."""

from __future__ import annotations

import datetime as dt

import pytest

from capture.services import forward_owner, forward_token_regenerate, settings_for

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC)


def test_it_gives_up_once_after_the_set_number_of_failures(alice, settings):
    settings.CAPTURE_MAX_FAILURES = 3
    source = settings_for(alice)
    answers = [source.failed("The host was not found.", NOW) for _ in range(5)]
    assert answers == [False, False, True, False, False]
    source.refresh_from_db()
    assert (source.failures, source.gave_up_at, source.last_error_at) == (5, NOW, NOW)
    assert source.last_error == "The host was not found."


def test_a_success_starts_counting_again(alice):
    source = settings_for(alice)
    source.failed("Wrong password.", NOW)
    source.succeeded(NOW + dt.timedelta(minutes=5))
    source.refresh_from_db()
    assert (source.failures, source.gave_up_at) == (0, None)
    assert source.last_success_at == NOW + dt.timedelta(minutes=5)
    assert source.last_error == "Wrong password."  # still shown, with its date


def test_the_address_is_found_only_while_forwarding_is_on(alice, settings):
    settings.CAPTURE_DOMAIN = "crm.example.net"
    prefs = settings_for(alice)
    assert prefs.address == f"log+{prefs.token}@crm.example.net"
    assert forward_owner(prefs.token) is None
    prefs.forward_enabled = True
    prefs.save()
    assert forward_owner(prefs.token.upper()) == prefs


def test_a_new_address_retires_the_old_one(alice):
    prefs = settings_for(alice)
    prefs.forward_enabled = True
    prefs.save()
    old = prefs.token
    new = forward_token_regenerate(user=alice).token
    assert new != old
    assert len(new) == 24
    assert forward_owner(old) is None
    assert forward_owner(new).user == alice


def test_tokens_are_not_shared(alice, bob):
    assert settings_for(alice).token != settings_for(bob).token


def test_giving_up_sends_one_email_in_words(alice, mailoutbox, settings):
    settings.SITE_URL = "https://crm.example.net"
    from capture.services import source_gave_up_notify

    source_gave_up_notify(
        user=alice, source_name="Mailbox imap.example.com", error="The password was refused."
    )
    [sent] = mailoutbox
    assert sent.to == ["alice@example.com"]
    assert sent.subject == "NetworkCRM stopped capturing from Mailbox imap.example.com"
    assert "The password was refused." in sent.body
    assert "https://crm.example.net/capture/" in sent.body
    assert "https://crm.example.net/capture/" in sent.alternatives[0][0]
