"""HTML for the pages people open most: the contact list's rows, and a contact's page (its
header, the card about them, their introductions and their timeline).

Fifty rows of template variables, each resolved, localised and escaped on its own, cost more
than everything else on those pages. Drawn here with one format call per row and every text
from the user escaped once, the pages stay fast (bench/README.md has the figures). The markup
is what a template would give; the tests read it like any page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from django.db import connection
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

from contacts import strength
from contacts.models import (
    Channel,
    CheckinStatus,
    Circle,
    Contact,
    Initiator,
    Interaction,
    Kind,
    Outcome,
)

ROW = """<tr>
  <td><input class="form-check-input" type="checkbox" name="ids" value="{pk}" aria-label="Select {name}"></td>
  <td><a href="{detail}{pk}/">{name}</a>{tags}
    <div class="small text-body-secondary d-md-none">{circle}</div></td>
  <td>{company}<div class="small text-body-secondary">{title}</div></td>
  <td class="d-none d-md-table-cell">{circle}</td>
  <td>{strength}</td>
  <td class="d-none d-md-table-cell">{last}</td>
  <td><span class="badge status-{status}">{status_label}</span>
    <div class="small text-body-secondary">{next}</div></td>
  <td><a class="btn btn-sm btn-outline-primary" href="{log}?contact={pk}" hx-get="{log}?contact={pk}"
         hx-target="#quick-log-body" data-bs-toggle="modal" data-bs-target="#quick-log">Log</a></td>
</tr>
"""  # noqa: E501
# The columns the rows show (and what their status needs): notes and the search text stay behind.
LIST_FIELDS = (
    "first_name",
    "last_name",
    "display_name",
    "company",
    "title",
    "circle",
    "strength",
    "last_interaction_on",
    "next_checkin_on",
)
TAG = '<span class="badge text-bg-light border ms-1">{}</span>'


MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# The rows' tags, written out like DETAILS_SQL below: the ORM takes longer to build it than the
# database to run it.
ROW_TAGS_SQL = """
SELECT ct.contact_id, t.name FROM contacts_contact_tags ct JOIN contacts_tag t ON t.id = ct.tag_id
 WHERE ct.contact_id IN ({contacts}) ORDER BY t.name
"""


def short_date(day: dt.date | None, empty: str = "") -> str:
    return f"{MONTHS[day.month]} {day.day}, {day.year}" if day else empty


def contact_rows(contacts: Sequence[Contact], today: dt.date) -> SafeString:
    """The list's rows as HTML; every text that comes from the user is escaped here."""
    circles = {value: escape(label) for value, label in Circle.choices}
    statuses = {value: escape(label) for value, label in CheckinStatus.choices}
    # Tag names in one plain query: cheaper than a prefetch that builds a queryset per row.
    tags: dict[int, str] = defaultdict(str)
    if contacts:
        with connection.cursor() as cursor:
            cursor.execute(
                ROW_TAGS_SQL.format(contacts=", ".join(["%s"] * len(contacts))),
                [c.pk for c in contacts],
            )
            for contact_id, name in cursor.fetchall():
                tags[contact_id] += TAG.format(escape(name))
    detail = reverse("contacts:detail", args=[0]).removesuffix("0/")
    log = reverse("contacts:log")
    rows = []
    for contact in contacts:
        status = contact.checkin_status(today)
        rows.append(
            ROW.format(
                pk=contact.pk,
                detail=detail,
                name=escape(contact.name),
                tags=tags[contact.pk],
                circle=circles[contact.circle],
                company=escape(contact.company),
                title=escape(contact.title),
                strength=int(contact.strength),
                last=short_date(contact.last_interaction_on, "never"),
                status=status.value,
                status_label=statuses[status],
                next=short_date(contact.next_checkin_on),
                log=log,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 — user text above goes through escape()


ENTRY = """<li class="list-group-item">
  <div class="d-flex justify-content-between flex-wrap">
    <strong>{kind} · {channel}</strong>
    <span class="text-body-secondary small">{day}</span>
  </div>
  <div class="small text-body-secondary">{facts}</div>{notes}
  <div class="small mt-1"><a href="{base}{pk}/edit/">Edit</a> · <a href="{base}{pk}/delete/">Delete</a></div>
</li>
"""  # noqa: E501


def timeline(interactions: Sequence[Interaction], others: dict[int, list[str]]) -> SafeString:
    """A contact's interactions as list items, each naming the others who were there (by
    interaction id, from `details_of`)."""
    kinds, channels = dict(Kind.choices), dict(Channel.choices)
    outcomes = dict(Outcome.choices)
    base = reverse("contacts:interaction_edit", args=[0]).removesuffix("0/edit/")
    items = []
    for interaction in interactions:
        facts = [
            "they reached out" if interaction.initiated_by == Initiator.THEM else "you reached out",
            f"quality {interaction.quality}/5",
        ]
        if interaction.duration_minutes:
            facts.append(f"{interaction.duration_minutes} min")
        if interaction.outcome:
            outcome = f"outcome: {outcomes[interaction.outcome].lower()}"
            if interaction.outcome_value:
                outcome += f" ({interaction.outcome_value})"
            facts.append(escape(outcome))
        if interaction.private:
            facts.append('<span class="badge text-bg-warning">private</span>')
        if names := others.get(interaction.pk):
            facts.append("with " + escape(", ".join(names)))
        notes = ""
        if interaction.notes:
            notes = '\n  <div class="mt-1">{}</div>'.format(
                escape(interaction.notes.replace("\r\n", "\n")).replace("\n", "<br>")
            )
        items.append(
            ENTRY.format(
                pk=interaction.pk,
                base=base,
                kind=escape(kinds[interaction.kind]),
                channel=escape(channels[interaction.channel]),
                day=interaction.occurred_on.isoformat(),
                facts=" · ".join(facts),
                notes=notes,
            )
        )
    return mark_safe("".join(items))  # noqa: S308 — user text above goes through escape()


@dataclass
class Details:
    """What a contact's page shows besides the contact's own columns and interactions."""

    emails: list[tuple[str, bool]] = field(default_factory=list)  # (address, is primary)
    phones: list[str] = field(default_factory=list)
    tags: list[tuple[int, str]] = field(default_factory=list)  # (tag id, name)
    introduced_by: tuple[int, str] | None = None  # (contact id, name)
    introduced: list[tuple[int, str]] = field(default_factory=list)
    # The others who were at each of the interactions shown, by interaction id.
    others: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    activity: strength.Activity = field(default_factory=strength.Activity)


# One statement for the short lists around a contact. Written out: the ORM takes twenty times
# longer to build this UNION than the database takes to run it. Within a kind: primary first,
# tags by name, people by first and last name, then id (the models' orderings).
DETAILS_SQL = (
    strength.ACTIVITY_ROWS_SQL.strip()
    + """
UNION ALL
SELECT 'email', id, address, '', '', is_primary, NULL
  FROM contacts_contactemail WHERE contact_id = %s
UNION ALL
SELECT 'phone', id, number, '', '', is_primary, NULL
  FROM contacts_contactphone WHERE contact_id = %s
UNION ALL
SELECT 'tag', t.id, t.name, t.name, '', FALSE, NULL
  FROM contacts_tag t JOIN contacts_contact_tags ct ON ct.tag_id = t.id
 WHERE ct.contact_id = %s AND t.owner_id = %s
UNION ALL
SELECT 'introduced', id, display_name, first_name, last_name, FALSE, NULL
  FROM contacts_contact WHERE owner_id = %s AND introduced_by_id = %s
UNION ALL
SELECT 'introduced_by', id, display_name, first_name, last_name, FALSE, NULL
  FROM contacts_contact WHERE owner_id = %s AND id = %s
UNION ALL
SELECT 'with', ic.interaction_id, c.display_name, c.first_name, c.last_name, FALSE, NULL
  FROM contacts_interaction_contacts ic JOIN contacts_contact c ON c.id = ic.contact_id
 WHERE c.owner_id = %s AND ic.contact_id <> %s AND ic.interaction_id IN ({interactions})
ORDER BY 1, 6 DESC, 4, 5, 2
"""
)


def details_of(
    contact: Contact, *, owner_id: int, interaction_ids: Sequence[int], today: dt.date
) -> Details:
    """A contact's e-mails, phones, tags and introductions, who else was at the given
    interactions, and the activity its strength is scored from: one query, not one per kind."""
    sql = DETAILS_SQL.format(interactions=", ".join(["%s"] * len(interaction_ids)) or "NULL")
    params = strength.activity_params(contact.pk, today=today)
    params += [contact.pk, contact.pk, contact.pk, owner_id, owner_id, contact.pk]
    params += [owner_id, contact.introduced_by_id]  # = NULL: no row when nobody introduced them
    params += [owner_id, contact.pk, *interaction_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    details = Details()
    activity_rows = []
    for row in rows:
        kind, pk, text, first, last, primary, _ = row
        if kind == "activity":
            activity_rows.append(row)
        elif kind == "email":
            details.emails.append((text, bool(primary)))
        elif kind == "phone":
            details.phones.append(text)
        elif kind == "tag":
            details.tags.append((pk, text))
        else:
            name = text or f"{first} {last}".strip()
            if kind == "with":
                details.others[pk].append(name)
            elif kind == "introduced":
                details.introduced.append((pk, name))
            else:
                details.introduced_by = (pk, name)
    details.activity = strength.activity_from_rows(activity_rows)
    return details


HEADER = """<div class="d-flex flex-wrap justify-content-between align-items-start gap-2 mb-3">
  <div>
    <h1 class="h3 mb-1">{name}</h1>
    <div class="text-body-secondary">{role}</div>
    <div class="mt-2">
      <span class="badge text-bg-secondary">{circle} circle{kept}</span>
      <span class="badge status-{status}" data-testid="status">{status_label}</span>{next}{archived}
    </div>
  </div>
  <div class="d-flex gap-2">
    <a class="btn btn-primary" href="{log}?contact={pk}"
       hx-get="{log}?contact={pk}" hx-target="#quick-log-body"
       data-bs-toggle="modal" data-bs-target="#quick-log">Log an interaction</a>
    <a class="btn btn-outline-secondary" href="{detail}edit/">Edit</a>
    <a class="btn btn-outline-secondary" href="{merge}?contact={pk}">Merge with…</a>
    <a class="btn btn-outline-danger" href="{detail}delete/">Delete</a>
  </div>
</div>
"""
NEXT_CHECKIN = """
      <span class="small">next check-in <span data-testid="next-checkin">{}</span></span>"""
ARCHIVED = """
      <span class="badge text-bg-dark">Archived</span>"""
PROFILES = (
    ("linkedin_url", "LinkedIn"),
    ("x_url", "X"),
    ("website_url", "Website"),
    ("other_url", "Profile"),
)


def contact_header(contact: Contact, today: dt.date) -> SafeString:
    """The contact page's top: who, circle, check-in status, and what can be done."""
    status = contact.checkin_status(today)
    title, company = escape(contact.title), escape(contact.company)
    detail = reverse("contacts:detail", args=[contact.pk])
    html = HEADER.format(
        pk=contact.pk,
        name=escape(contact.name),
        role=f"{title} at {company}" if title and company else title or company,
        circle=escape(contact.get_circle_display()),
        kept=" (kept)" if contact.circle_pinned else "",
        status=status.value,
        status_label=escape(status.label),
        next=NEXT_CHECKIN.format(contact.next_checkin_on.isoformat())
        if contact.next_checkin_on
        else "",
        archived=ARCHIVED if contact.archived else "",
        log=reverse("contacts:log"),
        detail=detail,
        merge=reverse("contacts:merge"),
    )
    return mark_safe(html)  # noqa: S308 — user text above goes through escape()


def contact_about(contact: Contact, details: Details) -> SafeString:
    """The card of ways to reach them and facts about them, one line each."""
    lines = []
    for address, primary in details.emails:
        link = f'<a href="mailto:{escape(address)}">{escape(address)}</a>'
        lines.append(f"<div><strong>{link}</strong></div>" if primary else f"<div>{link}</div>")
    lines += [f"<div>{escape(number)}</div>" for number in details.phones]
    if contact.location:
        lines.append(f"<div>{escape(contact.location)}</div>")
    if contact.industry:
        lines.append(f"<div>Industry: {escape(contact.industry)}</div>")
    for name, label in PROFILES:
        if url := getattr(contact, name):
            lines.append(
                f'<div><a href="{escape(url)}" rel="noopener noreferrer">{label}</a></div>'
            )
    if contact.source:
        met = f" on {escape(date_format(contact.met_on))}" if contact.met_on else ""
        lines.append(f"<div>Met through {escape(contact.get_source_display().lower())}{met}</div>")
    if contact.birthday_month:
        year = f"{contact.birthday_year}-" if contact.birthday_year else ""
        day = f"{contact.birthday_day:02d}" if contact.birthday_day is not None else ""
        lines.append(f"<div>Birthday: {year}{contact.birthday_month:02d}-{day}</div>")
    lines.append(f"<div>Check in every {contact.effective_cadence_days or '—'} days</div>")
    tags = reverse("contacts:list")
    lines.append(
        "".join(
            f'<a class="badge text-bg-light border" href="{tags}?tag={pk}">{escape(name)}</a>'
            for pk, name in details.tags
        )
    )
    return mark_safe("\n".join(lines))  # noqa: S308 — user text above goes through escape()


def introductions(details: Details) -> SafeString:
    """Who introduced them, and whom they introduced."""
    detail = reverse("contacts:detail", args=[0]).removesuffix("0/")
    lines = []
    if details.introduced_by:
        pk, name = details.introduced_by
        lines.append(f'<div>Introduced by <a href="{detail}{pk}/">{escape(name)}</a></div>')
    for pk, name in details.introduced:
        lines.append(f'<div>Introduced you to <a href="{detail}{pk}/">{escape(name)}</a></div>')
    if not lines:
        lines.append('<div class="text-body-secondary">No introductions recorded.</div>')
    return mark_safe("\n".join(lines))  # noqa: S308 — user text above goes through escape()
