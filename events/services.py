"""Writing what happened at an event, reading an event from an .ics file."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from icalendar import Calendar

from contacts.models import Channel, Contact, ContactEmail, Context, Interaction, Kind, Source
from contacts.services import interactions_written_refresh
from events.models import Event, Status
from followups.models import FollowUp

LINKEDIN = "linkedin.com/"


@dataclass(frozen=True)
class NewPerson:
    name: str
    company: str = ""
    email: str = ""
    profile: str = ""


def duplicates_of(owner: Any, people: Sequence[NewPerson]) -> dict[int, Contact]:
    """For each new person (by position) someone the owner already has with the same e-mail
    address or profile URL: one query for all of them."""
    emails = {p.email.lower(): i for i, p in enumerate(people) if p.email}
    urls = {p.profile.lower(): i for i, p in enumerate(people) if p.profile}
    if not emails and not urls:
        return {}
    match = Q()
    for email in emails:
        match |= Q(emails__address__iexact=email)
    for field in ("linkedin_url", "website_url", "other_url"):
        for url in urls:
            match |= Q(**{f"{field}__iexact": url})
    found: dict[int, Contact] = {}
    for contact in (
        Contact.objects.owned_by(owner).filter(match).prefetch_related("emails").distinct()
    ):
        for email in contact.emails.all():
            if email.address.lower() in emails:
                found.setdefault(emails[email.address.lower()], contact)
        for url in (contact.linkedin_url, contact.website_url, contact.other_url):
            if url and url.lower() in urls:
                found.setdefault(urls[url.lower()], contact)
    return found


def _new_contact(owner: Any, person: NewPerson, met_on: dt.date, context: str) -> Contact:
    first, _, last = person.name.strip().partition(" ")
    profile = {}
    if person.profile:
        field = "linkedin_url" if LINKEDIN in person.profile.lower() else "website_url"
        profile[field] = person.profile
    return Contact(
        owner=owner,
        first_name=first[:100],
        last_name=last.strip()[:100],
        company=person.company[:200],
        source=Source.EVENT,
        met_on=met_on,
        context=context,
        **profile,
    )


@transaction.atomic
def event_met_log(
    *,
    event: Event,
    contacts: Sequence[Contact],
    new_people: Sequence[NewPerson],
    quality: int,
    notes: str,
    follow_up_on: dt.date | None,
    follow_up_about: str,
    today: dt.date,
    context: str = Context.PROFESSIONAL,
) -> list[Contact]:
    """Everyone met at the event: the new people become contacts (met there), each person gets
    one interaction (kind and channel *event*, in the event's community, for its objective),
    and a follow-up each if asked; the new people get the `context` given. A fixed number of
    statements however many people: every kind of row is written in one bulk INSERT, and the
    derived columns in set-based UPDATEs."""
    owner = event.owner
    if any(c.owner_id != owner.pk for c in contacts):
        raise PermissionError("Every contact must belong to the event's owner.")
    met_on = event.local_start.date()
    made = Contact.objects.bulk_create(
        [_new_contact(owner, p, met_on, context) for p in new_people]
    )
    ContactEmail.objects.bulk_create(
        ContactEmail(contact=c, address=p.email, is_primary=True)
        for c, p in zip(made, new_people, strict=True)
        if p.email
    )
    people = list({c.pk: c for c in [*contacts, *made]}.values())
    if not people:
        raise ValueError("Nobody to log.")
    interactions = Interaction.objects.bulk_create(
        Interaction(
            owner=owner,
            sole_contact=person,
            occurred_on=met_on,
            kind=Kind.EVENT,
            channel=Channel.EVENT,
            quality=quality,
            notes=notes,
            community_id=event.community_id,
            objective_id=event.objective_id,
            event=event,
        )
        for person in people
    )
    Link = Interaction.contacts.through
    Link.objects.bulk_create(
        Link(interaction=i, contact=p) for i, p in zip(interactions, people, strict=True)
    )
    if event.community_id:
        Member = Event._meta.get_field("community").related_model.members.through
        Member.objects.bulk_create(
            [Member(community_id=event.community_id, contact_id=p.pk) for p in people],
            ignore_conflicts=True,
        )
    if follow_up_on is not None:
        followups = FollowUp.objects.bulk_create(
            FollowUp(owner=owner, about=follow_up_about, due_on=follow_up_on) for _ in people
        )
        Person = FollowUp.contacts.through
        Person.objects.bulk_create(
            Person(followup=f, contact=p) for f, p in zip(followups, people, strict=True)
        )
    interactions_written_refresh(contact_ids=[p.pk for p in people], today=today)
    Event.objects.filter(pk=event.pk).update(status=Status.WENT, logged_at=timezone.now())
    return made


class IcsProblem(ValueError):
    """An .ics file that does not give an event, said in words."""


def ics_read(data: bytes, *, default_zone: str) -> dict[str, Any]:
    """The first event of an iCalendar file as the event form's initial values."""
    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError):
        raise IcsProblem("This file is not an iCalendar (.ics) file.") from None
    found = next(iter(calendar.walk("VEVENT")), None)
    if found is None:
        raise IcsProblem("This file holds no event.")
    start = found.decoded("dtstart", None)
    initial: dict[str, Any] = {
        "name": str(found.get("summary", "")).strip()[:200],
        "place": str(found.get("location", "")).strip()[:300],
        "notes": str(found.get("description", "")).strip(),
        "timezone": default_zone,
    }
    url = str(found.get("url", "")).strip()
    if url.startswith(("http://", "https://")):
        initial["url"] = url[:500]
    if isinstance(start, dt.datetime):
        if start.tzinfo is not None:
            zone = getattr(start.tzinfo, "key", None)
            if zone is None:  # a fixed offset or UTC: shown in the user's own zone
                start = start.astimezone(zoneinfo.ZoneInfo(default_zone))
            else:
                initial["timezone"] = zone
        initial["day"], initial["time"] = start.date(), start.time().replace(second=0)
    elif isinstance(start, dt.date):
        initial["day"] = start
    return initial
