"""`manage.py rotate_capture_keys`: every secret re-encrypted under the first key, so the old
key can go."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from capture.crypto import SecretUnreadable, secret_open
from capture.models import CalendarFeed, Mailbox
from capture.sources import feed_save, mailbox_save

pytestmark = pytest.mark.django_db
OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def sources(user):
    mailbox = mailbox_save(
        user=user,
        mailbox=None,
        fields={"host": "imap.example.com", "username": "a"},
        password="pw-1",
    )
    feed = feed_save(
        user=user, feed=None, fields={"name": "Work"}, url="https://c.example.com/t.ics"
    )
    return mailbox, feed


def test_after_rotating_the_old_key_can_go(alice, settings):
    settings.CAPTURE_ENCRYPTION_KEYS = [OLD]
    mailbox, feed = sources(alice)
    settings.CAPTURE_ENCRYPTION_KEYS = [NEW, OLD]
    out = io.StringIO()
    call_command("rotate_capture_keys", stdout=out)
    assert "Re-encrypted 2 secrets" in out.getvalue()
    settings.CAPTURE_ENCRYPTION_KEYS = [NEW]
    assert secret_open(Mailbox.objects.get().password_sealed) == "pw-1"
    assert secret_open(CalendarFeed.objects.get().url_sealed) == "https://c.example.com/t.ics"


def test_without_rotating_the_old_key_is_still_needed(alice, settings):
    settings.CAPTURE_ENCRYPTION_KEYS = [OLD]
    sources(alice)
    settings.CAPTURE_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(SecretUnreadable):
        secret_open(Mailbox.objects.get().password_sealed)


def test_a_secret_no_key_opens_is_reported(alice, settings):
    settings.CAPTURE_ENCRYPTION_KEYS = [OLD]
    sources(alice)
    settings.CAPTURE_ENCRYPTION_KEYS = [NEW]
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 secrets could not be opened"):
        call_command("rotate_capture_keys", stdout=io.StringIO(), stderr=err)
    assert "must enter it again" in err.getvalue()
