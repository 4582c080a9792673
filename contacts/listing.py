"""HTML for the two long lists people open most: the contact list's rows and a contact's
timeline.

Fifty rows of template variables, each resolved, localised and escaped on its own, cost more
than everything else on those pages. Drawn here with one format call per row and every text
from the user escaped once, the pages stay fast (bench/README.md has the figures). The markup
is what a template would give; the tests read it like any page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

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


def short_date(day: dt.date | None, empty: str = "") -> str:
    return f"{day:%b} {day.day}, {day.year}" if day else empty


def contact_rows(contacts: Sequence[Contact], today: dt.date) -> SafeString:
    """The list's rows as HTML; every text that comes from the user is escaped here."""
    circles = {value: escape(label) for value, label in Circle.choices}
    statuses = {value: escape(label) for value, label in CheckinStatus.choices}
    # Tag names in one plain query: cheaper than a prefetch that builds a queryset per row.
    tags: dict[int, str] = defaultdict(str)
    links = Contact.tags.through.objects.filter(contact__in=[c.pk for c in contacts])
    for contact_id, name in links.order_by("tag__name").values_list("contact_id", "tag__name"):
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


def timeline(interactions: Sequence[Interaction], contact: Contact) -> SafeString:
    """A contact's interactions as list items, each naming the others who were there."""
    kinds, channels = dict(Kind.choices), dict(Channel.choices)
    outcomes = dict(Outcome.choices)
    others: dict[int, list[str]] = defaultdict(list)
    links = (
        Interaction.contacts.through.objects.filter(interaction__in=[i.pk for i in interactions])
        .exclude(contact=contact)
        .order_by("contact__first_name", "contact__last_name")
        .values_list(
            "interaction_id", "contact__display_name", "contact__first_name", "contact__last_name"
        )
    )
    for interaction_id, display, first, last in links:
        others[interaction_id].append(display or f"{first} {last}".strip())
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
