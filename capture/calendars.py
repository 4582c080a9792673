"""Calendar subscriptions: an iCalendar feed read into the meetings it holds over a window.

`feed_meetings` parses the bytes of a feed (fetched by `capture.fetch`, or uploaded once) and
expands its recurring events with `recurring-ical-events`, exceptions and EXDATEs included, into
one `Meeting` per occurrence. Each occurrence is named by its UID and recurrence id, so a moved
occurrence keeps its name and a meeting is never logged twice. Times are made aware: a time with
a TZID is read in that zone, a floating time in the user's zone, and everything is returned in
UTC. All-day events (holidays, days out of office) are not meetings and are left out.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

import icalendar
import recurring_ical_events

from contacts.models import Channel

# Hosts of the video-call services whose links show a meeting was a call, not in person.
VIDEO_HOSTS = (
    "zoom.us",
    "zoom.com",
    "meet.google.com",
    "teams.microsoft.com",
    "teams.live.com",
    "webex.com",
    "whereby.com",
    "meet.jit.si",
    "gotomeeting.com",
    "bluejeans.com",
    "chime.aws",
    "facetime.apple.com",
    "skype.com",
)
_URL = re.compile(r"https?://([^/\s:?#]+)", re.IGNORECASE)
# A feed of more occurrences than this over the window is cut: a runaway RRULE must not
# hold a worker.
MAX_OCCURRENCES = 5000


class CalendarError(Exception):
    """The feed cannot be read as a calendar; the message says why in words."""


@dataclass(frozen=True)
class Meeting:
    uid: str
    recurrence_id: str  # "" for a single event; the occurrence's original start otherwise
    start: dt.datetime  # aware, UTC
    end: dt.datetime  # aware, UTC
    summary: str
    attendees: tuple[tuple[str, str], ...]  # (email, name): organiser and attendees
    declined: frozenset[str]  # e-mails of those who declined
    location: str
    channel: str
    cancelled: bool

    @property
    def external_id(self) -> str:
        return f"{self.uid}#{self.recurrence_id}"


def feed_meetings(
    data: bytes, *, start: dt.datetime, end: dt.datetime, zone: str = "UTC"
) -> list[Meeting]:
    """The meetings of the feed `data` that start within [start, end), cancelled ones
    included (flagged), sorted by start. Raises `CalendarError` for what is not a calendar."""
    calendar = parse_calendar(data)
    local = zoneinfo.ZoneInfo(zone)
    try:
        occurrences = recurring_ical_events.of(calendar).between(start, end)
    except Exception as error:  # the library raises many kinds for a broken rule or date
        raise CalendarError(
            f"The calendar has an event whose dates or repeat rule cannot be read ({error})."
        ) from error
    # The library gives every occurrence a RECURRENCE-ID, single events too; a single event's
    # name must not change when it is moved, so only repeating ones keep theirs.
    repeating = {
        str(event.get("UID", "")).strip()
        for event in calendar.walk("VEVENT")
        if any(name in event for name in ("RRULE", "RDATE", "RECURRENCE-ID"))
    }
    meetings = []
    for index, event in enumerate(occurrences):
        if index >= MAX_OCCURRENCES:
            break
        meeting = _meeting(event, local, repeating)
        if meeting is not None:
            meetings.append(meeting)
    meetings.sort(key=lambda m: (m.start, m.external_id))
    return meetings


def parse_calendar(data: bytes) -> icalendar.Calendar:
    head = data.lstrip()[:200].lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<")):
        raise CalendarError(
            "The address answers with a web page, not a calendar: copy the calendar's secret "
            "iCal address (it usually ends in .ics), not the address of the page that shows it."
        )
    if not head.startswith(b"begin:vcalendar"):
        raise CalendarError(
            "This is not an iCalendar file: it does not start with BEGIN:VCALENDAR."
        )
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except Exception as error:  # icalendar raises ValueError and others for broken files
        raise CalendarError(f"The calendar file is broken and cannot be read ({error}).") from error
    if isinstance(calendar, list):  # several calendars in one file: take the first
        calendar = calendar[0]
    return calendar


def _meeting(
    event: icalendar.cal.Component, local: zoneinfo.ZoneInfo, repeating: set[str]
) -> Meeting | None:
    if event.name != "VEVENT" or "DTSTART" not in event:
        return None
    start = event["DTSTART"].dt
    if not isinstance(start, dt.datetime):
        return None  # an all-day event
    end_prop = event.get("DTEND")
    end = end_prop.dt if end_prop is not None else None
    if not isinstance(end, dt.datetime):
        duration = event.get("DURATION")
        end = start + (duration.dt if duration is not None else dt.timedelta(0))
    uid = str(event.get("UID", "")).strip()
    if not uid:
        return None  # without a UID it cannot be told apart from itself next time
    recurrence = event.get("RECURRENCE-ID")
    recurrence_id = (
        _stamp(recurrence.dt, local) if recurrence is not None and uid in repeating else ""
    )
    location = str(event.get("LOCATION", "") or "").strip()
    links = " ".join(
        str(event.get(name, "") or "")
        for name in ("LOCATION", "URL", "DESCRIPTION", "X-GOOGLE-CONFERENCE")
    )
    attendees, declined = _people(event)
    return Meeting(
        uid=uid,
        recurrence_id=recurrence_id,
        start=_aware(start, local),
        end=_aware(end, local),
        summary=str(event.get("SUMMARY", "") or "").strip(),
        attendees=attendees,
        declined=declined,
        location=location,
        channel=meeting_channel(location, links),
        cancelled=str(event.get("STATUS", "")).upper() == "CANCELLED",
    )


def meeting_channel(location: str, text: str) -> str:
    """Video when any link points at a video-call service, phone for a tel: location, in
    person otherwise."""
    for host in _URL.findall(text):
        host = host.lower()
        if any(host == known or host.endswith("." + known) for known in VIDEO_HOSTS):
            return Channel.VIDEO
    if location.lower().startswith("tel:"):
        return Channel.PHONE
    return Channel.IN_PERSON


def _people(
    event: icalendar.cal.Component,
) -> tuple[tuple[tuple[str, str], ...], frozenset[str]]:
    found: dict[str, str] = {}
    declined: set[str] = set()
    for prop in _props(event.get("ORGANIZER")) + _props(event.get("ATTENDEE")):
        email = _mailto(prop)
        if not email:
            continue
        params = getattr(prop, "params", {})
        if str(params.get("CUTYPE", "INDIVIDUAL")).upper() in {"ROOM", "RESOURCE"}:
            continue
        if str(params.get("PARTSTAT", "")).upper() == "DECLINED":
            declined.add(email)
        name = str(params.get("CN", "") or "").strip().strip('"')
        if email not in found or (name and not found[email]):
            found[email] = name
    return tuple(found.items()), frozenset(declined)


def _props(value: object) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _mailto(prop: object) -> str:
    text = str(prop).strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    text = text.strip().lower()
    return text if "@" in text and " " not in text else ""


def _aware(moment: dt.datetime, local: zoneinfo.ZoneInfo) -> dt.datetime:
    if moment.tzinfo is None:  # a floating time: the user's own clock
        moment = moment.replace(tzinfo=local)
    return moment.astimezone(dt.UTC)


def _stamp(moment: dt.date | dt.datetime, local: zoneinfo.ZoneInfo) -> str:
    if isinstance(moment, dt.datetime):
        return _aware(moment, local).strftime("%Y%m%dT%H%M%SZ")
    return moment.strftime("%Y%m%d")


def others(people: Iterable[tuple[str, str]], own: Iterable[str]) -> list[tuple[str, str]]:
    """`people` less the user's own addresses."""
    mine = {address.lower() for address in own}
    return [(email, name) for email, name in people if email.lower() not in mine]
