"""The iCalendar feed: check-ins due in the next 60 days and open follow-ups, as all-day
events a calendar app subscribes to behind a secret, revocable address; and the events you
are going to or considering, at their time.

Each event's UID names the contact or follow-up, so a calendar app moves an event when its
date changes instead of adding another. Anything already overdue is shown on today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from icalendar import Calendar, Event

from accounts.models import Profile, focus_of
from contacts.models import Contact, in_context
from events.models import Event as EventRow
from events.models import Status
from followups.models import FollowUp, FollowUpStatus

HORIZON_DAYS = 60
PRODID = "-//NetworkCRM//Check-ins and follow-ups//EN"


def profile_for_token(token: str) -> Profile | None:
    """The profile whose feed this secret opens; None for a blank, unknown or revoked one."""
    if not token:
        return None
    return Profile.objects.select_related("user").filter(calendar_token=token).first()


def _when(day: dt.date, today: dt.date) -> dt.date:
    return max(day, today)


def _event(uid: str, day: dt.date, summary: str, description: str, url: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a reminder, not time taken
    return event


def _short(day: dt.date) -> str:
    return date_format(day)


def calendar_for(user: Any, *, today: dt.date, absolute: Callable[[str], str]) -> bytes:
    """The feed for `user`, in four queries; `absolute` turns a path into a full URL."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "NetworkCRM")
    cal.add("x-wr-caldesc", "Check-ins and follow-ups from NetworkCRM")
    # How often to fetch the feed again (RFC 7986, and the older name some apps read).
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", dt.timedelta(hours=1))

    horizon = today + dt.timedelta(days=HORIZON_DAYS)
    contacts = (
        Contact.objects.owned_by(user)
        .active()
        .filter(in_context(focus_of(user)), next_checkin_on__lte=horizon)
        .only("first_name", "last_name", "display_name", "company", "circle", "next_checkin_on")
        .order_by("next_checkin_on", "pk")
    )
    for contact in contacts:
        if (due := contact.next_checkin_on) is None:  # not so: the filter says <= horizon
            continue
        late = f" (overdue since {_short(due)})" if due < today else ""
        company = f" at {contact.company}" if contact.company else ""
        cal.add_component(
            _event(
                uid=f"checkin-{contact.pk}@networkcrm",
                day=_when(due, today),
                summary=f"Check in with {contact.name}{late}",
                description=f"{contact.name}{company}, {contact.get_circle_display().lower()}"
                " circle. Log it or snooze it on your Today page.",
                url=absolute(reverse("contacts:detail", args=[contact.pk])),
            )
        )

    followups = (
        FollowUp.objects.filter(
            owner=user, status__in=[FollowUpStatus.OPEN, FollowUpStatus.SNOOZED]
        )
        .prefetch_related(
            Prefetch(
                "contacts", queryset=Contact.objects.only("first_name", "last_name", "display_name")
            )
        )
        .order_by("due_on", "pk")
    )
    for followup in followups:
        due = followup.effective_due_on
        names = ", ".join(c.name for c in followup.contacts.all()) or "(no contact)"
        late = f" (overdue since {_short(due)})" if due < today else ""
        cal.add_component(
            _event(
                uid=f"followup-{followup.pk}@networkcrm",
                day=_when(due, today),
                summary=f"Follow up with {names}: {followup.about}{late}",
                description=f"Follow up with {names} about {followup.about}, by "
                f"{_short(followup.due_on)}.",
                url=absolute(reverse("followups:edit", args=[followup.pk])),
            )
        )
    # Events you are going to or considering, from a week back to the horizon, at their time.
    midnight = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
    for event in (
        EventRow.objects.owned_by(user)
        .filter(
            status__in=[Status.GOING, Status.CONSIDERING],
            starts_at__gte=midnight - dt.timedelta(days=7),
            starts_at__lte=midnight + dt.timedelta(days=HORIZON_DAYS),
        )
        .order_by("starts_at", "pk")
    ):
        cal.add_component(_event_at(event, absolute(reverse("events:detail", args=[event.pk]))))
    return cal.to_ical()


def _event_at(event: EventRow, url: str) -> Event:
    """An event as a timed entry (two hours, at its place) or, without a time, all day."""
    entry = Event()
    entry.add("uid", f"event-{event.pk}@networkcrm")
    entry.add("dtstamp", timezone.now())
    start = event.local_start
    if start.time() == dt.time():
        entry.add("dtstart", start.date())
        entry.add("dtend", start.date() + dt.timedelta(days=1))
    else:
        entry.add("dtstart", start)
        entry.add("dtend", start + dt.timedelta(hours=2))
    considering = " (considering)" if event.status == Status.CONSIDERING else ""
    entry.add("summary", f"{event.name}{considering}")
    if event.place:
        entry.add("location", event.place)
    entry.add("description", "Who else is going and who to meet: on the event's page.")
    entry.add("url", url)
    return entry
