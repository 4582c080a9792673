"""The iCalendar feed: check-ins due in the next 60 days and open follow-ups, as all-day
events a calendar app subscribes to behind a secret, revocable address.

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

from accounts.models import Profile
from contacts.models import Contact
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
    """The feed for `user`, in three queries; `absolute` turns a path into a full URL."""
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
        .filter(next_checkin_on__lte=horizon)
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
    return cal.to_ical()
