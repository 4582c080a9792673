"""An iCalendar feed read into meetings: recurrence, exceptions, EXDATE, cancellation, time
zones, attendees, channel; and fetched over real HTTP with a conditional GET."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from capture.calendars import CalendarError, feed_meetings
from capture.fetch import FetchError, feed_fetch
from contacts.models import Channel

ICS = Path(__file__).parent / "ics"
WINDOW = {
    "start": dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
    "end": dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
}


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def weekly() -> list:
    return feed_meetings((ICS / "weekly.ics").read_bytes(), **WINDOW)


def single(zone: str = "UTC") -> dict:
    meetings = feed_meetings((ICS / "single.ics").read_bytes(), **WINDOW, zone=zone)
    return {m.uid: m for m in meetings}


def test_it_expands_a_weekly_meeting_less_its_exdate():
    starts = [m.start for m in weekly()]
    # 2 Nov (CET), 9 Nov excluded, 16 Nov moved to the 17th, 23 Nov cancelled, 30 Nov.
    assert starts == [
        utc(2026, 11, 2, 9),
        utc(2026, 11, 17, 13),
        utc(2026, 11, 23, 9),
        utc(2026, 11, 30, 9),
    ]


def test_each_occurrence_is_named_by_uid_and_its_original_start():
    ids = [m.external_id for m in weekly()]
    assert ids == [
        "weekly@test#20261102T090000Z",
        "weekly@test#20261116T090000Z",  # moved: it keeps the name of the slot it came from
        "weekly@test#20261123T090000Z",
        "weekly@test#20261130T090000Z",
    ]


def test_a_cancelled_occurrence_is_flagged():
    assert [m.cancelled for m in weekly()] == [False, False, True, False]
    assert single()["gone@test"].cancelled


def test_a_single_event_is_named_by_its_uid_alone():
    assert single()["lunch@test"].external_id == "lunch@test#"


def test_a_time_with_a_zone_is_read_in_that_zone():
    lunch = single()["lunch@test"]
    assert (lunch.start, lunch.end) == (utc(2026, 12, 1, 17), utc(2026, 12, 1, 18))


def test_a_floating_time_is_read_on_the_users_clock():
    assert single("Europe/Paris")["floating@test"].start == utc(2026, 12, 3, 8)
    assert single("America/New_York")["floating@test"].start == utc(2026, 12, 3, 14)


def test_an_all_day_event_is_not_a_meeting():
    assert "holiday@test" not in single()


def test_it_reads_organiser_and_attendees_without_rooms():
    lunch = single()["lunch@test"]
    assert lunch.attendees == (
        ("eve@example.org", "Eve Example"),
        ("alice@example.com", "Alice"),
        ("frank@example.org", "Frank"),
    )
    assert lunch.declined == {"frank@example.org"}
    assert lunch.summary == "Lunch with Eve"
    assert lunch.location == "Cafe Central, 5th Avenue"


@pytest.mark.parametrize(
    ("uid", "channel"),
    [
        ("lunch@test", Channel.IN_PERSON),
        ("call@test", Channel.PHONE),
        ("floating@test", Channel.VIDEO),  # a zoom link in the description
    ],
)
def test_the_channel_comes_from_the_location_or_video_link(uid, channel):
    assert single()[uid].channel == channel


def test_a_video_link_in_the_location_is_a_video_call():
    assert weekly()[0].channel == Channel.VIDEO


def test_a_web_page_is_said_in_words():
    with pytest.raises(CalendarError, match="web page, not a calendar"):
        feed_meetings(b"<!DOCTYPE html><html><body>Sign in</body></html>", **WINDOW)


def test_a_broken_file_is_said_in_words():
    with pytest.raises(CalendarError, match="not an iCalendar file"):
        feed_meetings(b"\x00\x01garbage", **WINDOW)
    broken = (
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:notadate\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with pytest.raises(CalendarError, match="cannot be read"):
        feed_meetings(broken, **WINDOW)


# --- Over HTTP -------------------------------------------------------------------------------


def test_it_fetches_and_then_gets_a_304_with_the_etag(feed_server):
    url = feed_server.serve("/cal.ics", (ICS / "weekly.ics").read_bytes())
    first = feed_fetch(url)
    assert not first.not_modified
    assert first.body.startswith(b"BEGIN:VCALENDAR")
    second = feed_fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified
    assert feed_server.statuses("/cal.ics") == [200, 304]


def test_it_uses_last_modified_when_there_is_no_etag(feed_server):
    url = feed_server.serve("/cal.ics", (ICS / "weekly.ics").read_bytes(), use_etag=False)
    first = feed_fetch(url)
    assert first.etag == ""
    assert first.last_modified
    assert feed_fetch(url, last_modified=first.last_modified).not_modified


def test_webcal_addresses_are_fetched_over_https():
    from capture.fetch import feed_url_normalise

    assert feed_url_normalise(" webcal://cal.example.org/x.ics") == "https://cal.example.org/x.ics"


@pytest.mark.parametrize("status", [404, 410])
def test_a_feed_gone_is_said_in_words(feed_server, status):
    url = feed_server.serve("/gone.ics", status=status)
    with pytest.raises(FetchError, match="no longer exists") as raised:
        feed_fetch(url)
    assert raised.value.gone


def test_a_feed_that_answers_html_is_said_in_words(feed_server):
    url = feed_server.serve("/page", "<html>Log in</html>", content_type="text/html")
    with pytest.raises(FetchError, match="web page, not a calendar"):
        feed_fetch(url)


def test_a_redirect_is_followed(feed_server):
    target = feed_server.serve("/new.ics", (ICS / "single.ics").read_bytes())
    url = feed_server.serve("/old.ics", redirect_to=target)
    assert feed_fetch(url).body.startswith(b"BEGIN:VCALENDAR")


def test_an_address_on_the_servers_own_network_is_refused(feed_server, settings):
    url = feed_server.serve("/cal.ics", (ICS / "single.ics").read_bytes())
    settings.CAPTURE_ALLOW_PRIVATE_HOSTS = False
    with pytest.raises(FetchError, match="server's own network"):
        feed_fetch(url)
    assert feed_server.statuses("/cal.ics") == []


def test_an_unknown_host_is_said_in_words():
    with pytest.raises(FetchError, match="could not be found"):
        feed_fetch("https://calendar.invalid/x.ics")


def test_another_scheme_is_refused():
    with pytest.raises(FetchError, match="must start with https://"):
        feed_fetch("file:///etc/passwd")
