"""Calendar subscriptions synced from a real HTTP server into meetings: logged once ended,
moved, cancelled, removed, a 304, errors in words, an uploaded file read once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine

from capture.crypto import secret_open
from capture.models import CalendarFeed, CapturedItem, ReviewEntry, SourceKind
from capture.services import ignore_rule_add
from capture.sources import feed_save
from capture.sync import feed_sync
from contacts.models import Channel, Interaction, Kind
from tests.capture.helpers import person

ICS = Path(__file__).parent / "ics"
# After the whole weekly series (Nov 2026), within its 60-day look-back.
NOW = dt.datetime(2026, 12, 5, 12, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def weekly() -> str:
    return (ICS / "weekly.ics").read_bytes().decode()


def subscribe(user, url: str, **fields) -> CalendarFeed:
    return feed_save(
        user=user, feed=None, fields={"name": "Work", "lookback_days": 60, **fields}, url=url
    )


def sync(feed: CalendarFeed):
    return feed_sync(feed.pk)


def meeting_days() -> list[dt.date]:
    return sorted(Interaction.objects.values_list("occurred_on", flat=True))


def test_the_address_is_kept_encrypted_and_shown_only_as_its_host(alice, feed_server):
    feed = subscribe(alice, feed_server.url("/secret-token-123/basic.ics"))
    assert "secret-token-123" not in feed.url_sealed + feed.url_hint
    assert feed.url_hint == "http://127.0.0.1/…"
    assert secret_open(feed.url_sealed).endswith("/secret-token-123/basic.ics")


def test_each_ended_occurrence_logs_one_meeting_with_the_contacts(alice, feed_server, clock):
    dan = person(alice, "Dan", "dan@example.org")
    feed = subscribe(alice, feed_server.serve("/w.ics", weekly()))
    assert sync(feed).logged == 3
    # 2 Nov, the 16th moved to the 17th, 30 Nov; the 9th excluded, the 23rd cancelled.
    assert meeting_days() == [dt.date(2026, 11, 2), dt.date(2026, 11, 17), dt.date(2026, 11, 30)]
    interaction = Interaction.objects.order_by("occurred_on").first()
    assert list(interaction.contacts.all()) == [dan]
    assert (interaction.kind, interaction.channel) == (Kind.MEETING, Channel.VIDEO)
    item = CapturedItem.objects.order_by("occurred_at").first()
    assert (item.source, item.source_id) == (SourceKind.CALENDAR, feed.pk)
    assert item.external_id == "weekly@test#20261102T090000Z"


def test_nothing_is_logged_twice(alice, feed_server, clock):
    person(alice, "Dan", "dan@example.org")
    url = feed_server.serve("/w.ics", weekly(), use_etag=False)
    feed = subscribe(alice, url)
    sync(feed)
    # The file changes (so it is read again) without changing its meetings.
    feed_server.serve("/w.ics", weekly() + "\r\n", modified=NOW)
    CalendarFeed.objects.filter(pk=feed.pk).update(lease_until=None)
    sync(feed)
    assert Interaction.objects.count() == 3
    assert feed_server.statuses("/w.ics") == [200, 200]


def test_an_unchanged_feed_is_a_304_and_reads_nothing(alice, feed_server, clock):
    feed = subscribe(alice, feed_server.serve("/w.ics", weekly()))
    sync(feed)
    feed.refresh_from_db()
    assert feed.etag
    assert feed.last_modified
    assert sync(feed).outcome == "not modified"
    assert feed_server.statuses("/w.ics") == [200, 304]
    feed.refresh_from_db()
    assert feed.last_success_at == NOW


def test_a_meeting_not_ended_yet_waits(alice, feed_server, clock):
    person(alice, "Dan", "dan@example.org")
    feed = subscribe(alice, feed_server.serve("/w.ics", weekly()))
    clock.move_to(dt.datetime(2026, 11, 30, 9, 30, tzinfo=dt.UTC))  # during the last one
    sync(feed)
    assert dt.date(2026, 11, 30) not in meeting_days()
    clock.move_to(NOW)
    sync(feed)  # the feed has not changed, but a meeting seen has ended since: read in full
    assert dt.date(2026, 11, 30) in meeting_days()
    assert feed_server.statuses("/w.ics") == [200, 200]
    sync(feed)
    assert feed_server.statuses("/w.ics") == [200, 200, 304]


def test_a_moved_meeting_moves_its_interaction(alice, feed_server, clock):
    person(alice, "Dan", "dan@example.org")
    feed = subscribe(alice, feed_server.serve("/w.ics", weekly()))
    sync(feed)
    moved = weekly().replace(
        "RECURRENCE-ID;TZID=Europe/Paris:20261116T100000\r\nDTSTART;TZID=Europe/Paris:20261117T140000\r\n"
        "DTEND;TZID=Europe/Paris:20261117T150000",
        "RECURRENCE-ID;TZID=Europe/Paris:20261116T100000\r\nDTSTART;TZID=Europe/Paris:20261119T140000\r\n"
        "DTEND;TZID=Europe/Paris:20261119T150000",
    )
    assert moved != weekly()
    feed_server.serve("/w.ics", moved)
    sync(feed)
    assert meeting_days() == [dt.date(2026, 11, 2), dt.date(2026, 11, 19), dt.date(2026, 11, 30)]
    assert CapturedItem.objects.count() == 3


def test_a_cancelled_meeting_removes_its_interaction(alice, feed_server, clock):
    person(alice, "Dan", "dan@example.org")
    feed = subscribe(alice, feed_server.serve("/w.ics", weekly()))
    sync(feed)
    cancelled = (
        weekly()
        .replace(
            "DTEND;TZID=Europe/Paris:20261102T110000\r\n",
            "DTEND;TZID=Europe/Paris:20261102T110000\r\n",
        )
        .replace(
            "EXDATE;TZID=Europe/Paris:20261109T100000",
            "EXDATE;TZID=Europe/Paris:20261109T100000,20261130T100000",
        )
    )
    feed_server.serve("/w.ics", cancelled)
    sync(feed)
    assert meeting_days() == [dt.date(2026, 11, 2), dt.date(2026, 11, 17)]
    assert CapturedItem.objects.live().count() == 2


def test_a_meeting_deleted_from_the_feed_removes_its_interaction(alice, feed_server, clock):
    person(alice, "Gus", "gus@example.org")
    single = (ICS / "single.ics").read_bytes().decode()
    feed = subscribe(alice, feed_server.serve("/s.ics", single))
    sync(feed)
    assert Interaction.objects.count() == 2  # the call and the floating meeting
    start = single.index("BEGIN:VEVENT\r\nUID:call@test")
    end = single.index("END:VEVENT", start) + len("END:VEVENT\r\n")
    feed_server.serve("/s.ics", single[:start] + single[end:])
    sync(feed)
    assert Interaction.objects.count() == 1
    assert not CapturedItem.objects.live().filter(external_id="call@test#").exists()
    assert CapturedItem.objects.live().filter(external_id="floating@test#").exists()


def test_declined_attendees_and_the_user_are_left_out_and_strangers_reviewed(
    alice, feed_server, clock
):
    eve = person(alice, "Eve", "eve@example.org")
    feed = subscribe(alice, feed_server.serve("/s.ics", (ICS / "single.ics").read_bytes().decode()))
    sync(feed)
    lunch = Interaction.objects.get(occurred_on=dt.date(2026, 12, 1))
    assert list(lunch.contacts.all()) == [eve]
    assert lunch.channel == Channel.IN_PERSON
    assert set(ReviewEntry.objects.values_list("email", flat=True)) == {"gus@example.org"}


def test_a_calendar_meeting_the_user_declined_is_not_logged(alice, feed_server, clock):
    person(alice, "Eve", "eve@example.org")
    declined = (
        (ICS / "single.ics")
        .read_bytes()
        .decode()
        .replace("CN=Alice;PARTSTAT=ACCEPTED", "CN=Alice;PARTSTAT=DECLINED")
    )
    sync(subscribe(alice, feed_server.serve("/s.ics", declined)))
    assert not Interaction.objects.filter(occurred_on=dt.date(2026, 12, 1)).exists()


BROKEN = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ({"status": 410}, "no longer exists"),
        ({"body": "<html>Sign in</html>", "content_type": "text/html"}, "web page, not a calendar"),
        ({"body": BROKEN}, "cannot be read"),
    ],
)
def test_a_broken_feed_is_recorded_in_words_and_logs_nothing(
    alice, feed_server, clock, answer, words
):
    person(alice, "Dan", "dan@example.org")
    feed = subscribe(alice, feed_server.serve("/bad.ics", **answer))
    assert sync(feed).outcome == "failed"
    feed.refresh_from_db()
    assert words in feed.last_error
    assert (feed.failures, feed.lease_until, feed.etag) == (1, None, "")
    assert CapturedItem.objects.count() == 0


def test_a_feed_that_keeps_failing_gives_up_and_mails_once(
    alice, feed_server, clock, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.CAPTURE_MAX_FAILURES = 2
    feed = subscribe(alice, feed_server.serve("/gone.ics", status=404))
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            CalendarFeed.objects.filter(pk=feed.pk).update(lease_until=None)
            sync(feed)
    feed.refresh_from_db()
    assert feed.gave_up_at == NOW
    assert len(mailoutbox) == 1
    assert "Work" in mailoutbox[0].body
    assert "no longer exists" in mailoutbox[0].body


def test_an_ignored_calendar_logs_nothing(alice, feed_server, clock):
    person(alice, "Dan", "dan@example.org")
    ignore_rule_add(user=alice, kind="calendar", value="Work")
    sync(subscribe(alice, feed_server.serve("/w.ics", weekly())))
    assert CapturedItem.objects.count() == 0


def test_an_uploaded_file_is_read_once_then_dropped(alice, clock):
    person(alice, "Dan", "dan@example.org")
    feed = feed_save(
        user=alice,
        feed=None,
        fields={"name": "Export", "lookback_days": 60},
        upload=(ICS / "weekly.ics").read_bytes(),
    )
    assert sync(feed).logged == 3
    feed.refresh_from_db()
    assert (feed.upload, feed.enabled, feed.next_sync_at) == (None, False, None)
    assert sync(feed).outcome == "busy"  # off: nothing more to read
