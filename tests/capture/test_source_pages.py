"""The mailbox and calendar pages: add, edit, remove, errors in words, secrets never shown,
another user's source a 404, and a bounded number of queries."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from capture.crypto import secret_open
from capture.models import CalendarFeed, Mailbox
from capture.sources import feed_save, mailbox_save

pytestmark = pytest.mark.django_db

MAILBOX = {
    "host": "imap.example.com",
    "port": "993",
    "tls": "on",
    "username": "alice@example.com",
    "password": "app password 1",
    "sent_folder": "Sent",
    "inbox_folder": "INBOX",
    "lookback_days": "30",
    "enabled": "on",
}


def a_mailbox(user, **fields) -> Mailbox:
    return mailbox_save(
        user=user,
        mailbox=None,
        fields={"host": "imap.example.com", "username": user.email, **fields},
        password="secret-app-password",
    )


def a_feed(user, name="Work") -> CalendarFeed:
    return feed_save(
        user=user,
        feed=None,
        fields={"name": name},
        url="https://calendar.example.com/private-token-42/basic.ics",
    )


def test_it_adds_a_mailbox_with_its_password_sealed(alice_client, alice):
    response = alice_client.post(reverse("capture:mailbox_create"), MAILBOX)
    assert response.status_code == 302
    mailbox = Mailbox.objects.get(user=alice)
    assert (mailbox.host, mailbox.port, mailbox.tls) == ("imap.example.com", 993, True)
    assert secret_open(mailbox.password_sealed) == "app password 1"
    assert mailbox.next_sync_at is not None


def test_it_says_what_is_wrong_and_keeps_what_was_typed(alice_client):
    data = {**MAILBOX, "host": "https://imap.example.com:993", "port": "99999", "password": ""}
    response = alice_client.post(reverse("capture:mailbox_create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter only the server&#x27;s name" in page
    assert "A port is a number from 1 to 65535" in page
    assert "Enter the app password." in page
    assert 'value="alice@example.com"' in page
    assert Mailbox.objects.count() == 0


def test_a_lookback_out_of_range_is_refused_in_words(alice_client):
    response = alice_client.post(
        reverse("capture:mailbox_create"), {**MAILBOX, "lookback_days": "900"}
    )
    assert "Look back between 1 and 365 days." in response.content.decode()


def test_the_same_mailbox_twice_is_refused(alice_client, alice):
    a_mailbox(alice)
    response = alice_client.post(reverse("capture:mailbox_create"), MAILBOX)
    assert "You have already added this mailbox." in response.content.decode()


def test_editing_keeps_the_password_when_left_empty_and_never_shows_it(alice_client, alice):
    mailbox = a_mailbox(alice)
    page = alice_client.get(reverse("capture:mailbox_edit", args=[mailbox.pk])).content.decode()
    assert "secret-app-password" not in page
    assert mailbox.password_sealed not in page
    data = {**MAILBOX, "password": "", "lookback_days": "60"}
    alice_client.post(reverse("capture:mailbox_edit", args=[mailbox.pk]), data)
    mailbox.refresh_from_db()
    assert mailbox.lookback_days == 60
    assert secret_open(mailbox.password_sealed) == "secret-app-password"


def test_another_account_starts_the_cursors_again(alice_client, alice):
    mailbox = a_mailbox(alice)
    Mailbox.objects.filter(pk=mailbox.pk).update(state={"INBOX": {"uidvalidity": 1, "last_uid": 9}})
    alice_client.post(
        reverse("capture:mailbox_edit", args=[mailbox.pk]),
        {**MAILBOX, "username": "other@example.com"},
    )
    mailbox.refresh_from_db()
    assert mailbox.state == {}


def test_it_removes_a_mailbox(alice_client, alice):
    mailbox = a_mailbox(alice)
    alice_client.post(reverse("capture:mailbox_delete", args=[mailbox.pk]))
    assert not Mailbox.objects.exists()


def test_it_adds_a_calendar_and_never_shows_its_address_again(alice_client, alice):
    url = "webcal://calendar.example.com/private-token-42/basic.ics"
    response = alice_client.post(
        reverse("capture:feed_create"),
        {"name": "Work", "url": url, "lookback_days": "30", "enabled": "on"},
    )
    assert response.status_code == 302
    feed = CalendarFeed.objects.get(user=alice)
    assert secret_open(feed.url_sealed) == "https://calendar.example.com/private-token-42/basic.ics"
    for page in ("capture:sources", "capture:feed_edit"):
        args = [feed.pk] if page.endswith("edit") else []
        html = alice_client.get(reverse(page, args=args)).content.decode()
        assert "private-token-42" not in html
        assert "https://calendar.example.com/…" in html


def test_a_calendar_address_that_is_not_one_is_refused_in_words(alice_client):
    response = alice_client.post(
        reverse("capture:feed_create"),
        {"name": "Work", "url": "my calendar", "lookback_days": "30"},
    )
    assert (
        "Paste the whole address, starting with https:// or webcal://." in response.content.decode()
    )
    assert not CalendarFeed.objects.exists()


def test_editing_a_calendar_keeps_its_address_when_left_empty(alice_client, alice):
    feed = a_feed(alice)
    alice_client.post(
        reverse("capture:feed_edit", args=[feed.pk]),
        {"name": "Office", "url": "", "lookback_days": "30"},
    )
    feed.refresh_from_db()
    assert feed.name == "Office"
    assert secret_open(feed.url_sealed).endswith("/private-token-42/basic.ics")


def test_an_uploaded_ics_is_kept_for_the_next_sync(alice_client, alice):
    upload = SimpleUploadedFile(
        "cal.ics", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "text/calendar"
    )
    response = alice_client.post(
        reverse("capture:feed_create"),
        {"upload": "1", "name": "Export", "file": upload, "lookback_days": "90"},
    )
    assert response.status_code == 302
    feed = CalendarFeed.objects.get(user=alice)
    assert feed.uploaded
    assert bytes(feed.upload).startswith(b"BEGIN:VCALENDAR")


def test_an_uploaded_web_page_is_refused_in_words(alice_client):
    upload = SimpleUploadedFile("cal.ics", b"<!DOCTYPE html><html></html>", "text/html")
    response = alice_client.post(
        reverse("capture:feed_create"),
        {"upload": "1", "name": "Export", "file": upload, "lookback_days": "90"},
    )
    assert "web page, not a calendar" in response.content.decode()
    assert not CalendarFeed.objects.exists()


def test_the_list_shows_the_last_error_in_words(alice_client, alice):
    mailbox = a_mailbox(alice)
    mailbox.failed("The mail server refused the user name or password.", timezone.now())
    html = alice_client.get(reverse("capture:sources")).content.decode()
    assert "The mail server refused the user name or password." in html


@pytest.mark.parametrize(
    "name",
    ["capture:mailbox_edit", "capture:mailbox_delete", "capture:feed_edit", "capture:feed_delete"],
)
def test_another_users_source_is_a_404(client, alice, bob, name):
    source = a_mailbox(alice) if "mailbox" in name else a_feed(alice)
    client.force_login(bob)
    assert client.get(reverse(name, args=[source.pk])).status_code == 404
    assert client.post(reverse(name, args=[source.pk]), MAILBOX).status_code == 404
    assert (
        Mailbox.objects.filter(user=alice).count() + CalendarFeed.objects.filter(user=alice).count()
        == 1
    )


def test_another_users_sources_are_not_listed(client, alice, bob):
    a_mailbox(alice, host="imap.alice.example")
    a_feed(alice, name="Alice's work")
    client.force_login(bob)
    html = client.get(reverse("capture:sources")).content.decode()
    assert "imap.alice.example" not in html
    assert "Alice&#x27;s work" not in html
    assert "No mailbox yet." in html


def test_the_list_takes_the_same_queries_at_2_and_40_sources(alice_client, alice):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert alice_client.get(reverse("capture:sources")).status_code == 200
        return len(queries)

    a_mailbox(alice, host="imap0.example.com")
    a_feed(alice, name="Calendar 0")
    few = count()
    for n in range(1, 20):
        a_mailbox(alice, host=f"imap{n}.example.com")
        a_feed(alice, name=f"Calendar {n}")
    assert count() == few
