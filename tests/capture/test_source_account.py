"""Mailboxes and calendars in the account export (never their password or secret address) and
gone with the account."""

from __future__ import annotations

import json

import pytest

from accounts.services import account_delete
from capture.models import CalendarFeed, Mailbox
from capture.sources import feed_save, mailbox_save
from imports import exports

pytestmark = pytest.mark.django_db


@pytest.fixture
def sources(alice):
    mailbox = mailbox_save(
        user=alice,
        mailbox=None,
        fields={"host": "imap.example.com", "username": "alice@example.com"},
        password="app-password-77",
    )
    feed = feed_save(
        user=alice,
        feed=None,
        fields={"name": "Work"},
        url="https://calendar.example.com/private-token-42/basic.ics",
    )
    return mailbox, feed


def test_the_export_has_the_sources_without_their_secrets(alice, sources):
    text = "".join(exports.account_json(alice))
    data = json.loads(text)
    (mailbox,) = data["mailboxes"]
    (feed,) = data["calendar_feeds"]
    assert (mailbox["host"], mailbox["username"]) == ("imap.example.com", "alice@example.com")
    assert (feed["name"], feed["url_hint"]) == ("Work", "https://calendar.example.com/…")
    assert "password_sealed" not in mailbox
    assert "url_sealed" not in feed
    assert "upload" not in feed
    for secret in ("app-password-77", "private-token-42", sources[0].password_sealed):
        assert secret not in text


def test_another_users_sources_are_not_in_the_export(alice, bob, sources):
    data = json.loads("".join(exports.account_json(bob)))
    assert (data["mailboxes"], data["calendar_feeds"]) == ([], [])


def test_deleting_the_account_deletes_its_sources(alice, bob, sources):
    mailbox_save(
        user=bob, mailbox=None, fields={"host": "imap.example.com", "username": "b"}, password="x"
    )
    account_delete(user=alice)
    assert list(Mailbox.objects.values_list("user__email", flat=True)) == ["bob@example.com"]
    assert not CalendarFeed.objects.exists()
