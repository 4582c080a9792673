"""Writes that span contacts and interactions. Each keeps the derived columns
(`last_interaction_on`, `next_checkin_on`, `strength`) true with set-based updates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models, transaction
from django.db.models import Case, F, Func, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Lower
from django.db.models.lookups import GreaterThan

from contacts.models import (
    DEFAULT_CADENCE_DAYS,
    Contact,
    ContactEmail,
    ContactPhone,
    Interaction,
    Kind,
    Tag,
)
from contacts.strength import strength_refresh


class AddDays(Func):
    """date + n days, for PostgreSQL and SQLite alike."""

    output_field = models.DateField()

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        return self.as_postgresql(compiler, connection, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" + ")

    def as_sqlite(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        return super().as_sql(
            compiler,
            connection,
            template="date(%(expressions)s || ' days')",
            arg_joiner=", '+' || ",
        )


def effective_cadence() -> Case:
    """The contact's own cadence (0 = none), else its circle's default; NULL when none.
    The SQL twin of `Contact.effective_cadence_days`."""
    return Case(
        When(cadence_days=0, then=Value(None)),
        When(cadence_days__isnull=False, then=F("cadence_days")),
        *[When(circle=circle, then=Value(days)) for circle, days in DEFAULT_CADENCE_DAYS.items()],
        output_field=IntegerField(),
    )


def checkins_refresh(*, contacts: models.QuerySet[Contact]) -> int:
    """Two UPDATE statements, whatever the number of contacts: the last interaction from
    the log, then the next check-in = last interaction (or the day the contact was added)
    + cadence."""
    last = (
        Interaction.objects.filter(contacts=OuterRef("pk"))
        .exclude(kind=Kind.NOTE)
        .order_by()
        .values("contacts")
        .annotate(last=models.Max("occurred_on"))
        .values("last")
    )
    ids = contacts.values("pk")
    Contact.objects.filter(pk__in=ids).update(last_interaction_on=Subquery(last))
    cadence = effective_cadence()
    start = Coalesce(F("last_interaction_on"), Cast("created_at", models.DateField()))
    due = AddDays(start, cadence)
    return Contact.objects.filter(pk__in=ids).update(
        next_checkin_on=Case(
            When(Q(archived=True), then=Value(None)),
            # A snoozed check-in is due no earlier than the end of its snooze.
            When(
                GreaterThan(F("checkin_snoozed_until"), due),
                then=F("checkin_snoozed_until"),
            ),
            default=due,
            output_field=models.DateField(),
        )
    )


def _refresh(contact_ids: Iterable[int], *, today: dt.date) -> None:
    ids = sorted(set(contact_ids))
    if not ids:
        return
    # Strength first: it may move an unpinned contact's circle, and with it the cadence.
    strength_refresh(contact_ids=ids, today=today)
    checkins_refresh(contacts=Contact.objects.filter(pk__in=ids))


def _check_contacts(*, owner_id: int, contacts: Sequence[Contact], objective: Any = None) -> None:
    """Forms validate this in words; the services refuse it outright for any other caller."""
    if not contacts:
        raise ValueError("An interaction needs at least one contact.")
    if any(contact.owner_id != owner_id for contact in contacts):
        raise PermissionError("Every contact must belong to the owner.")
    if objective is not None and objective.plan.owner_id != owner_id:
        raise PermissionError("The objective must be one of the owner's.")


@transaction.atomic
def interaction_log(
    *, owner: Any, contacts: Sequence[Contact], today: dt.date, **fields: Any
) -> Interaction:
    """Logs one interaction with one or more of the owner's contacts."""
    _check_contacts(owner_id=owner.pk, contacts=contacts, objective=fields.get("objective"))
    interaction = Interaction.objects.create(owner=owner, **fields)
    interaction.contacts.set(contacts)
    # A new conversation settles any snoozed check-in: the cadence starts again from it.
    Contact.objects.filter(pk__in=[c.pk for c in contacts]).exclude(
        checkin_snoozed_until=None
    ).update(checkin_snoozed_until=None)
    _refresh((c.pk for c in contacts), today=today)
    return interaction


@transaction.atomic
def interaction_update(
    *, interaction: Interaction, contacts: Sequence[Contact], today: dt.date, **fields: Any
) -> Interaction:
    _check_contacts(
        owner_id=interaction.owner_id, contacts=contacts, objective=fields.get("objective")
    )
    before = set(interaction.contacts.values_list("pk", flat=True))
    for name, value in fields.items():
        setattr(interaction, name, value)
    interaction.save()
    interaction.contacts.set(contacts)
    _refresh(before | {c.pk for c in contacts}, today=today)
    return interaction


@transaction.atomic
def interaction_delete(*, interaction: Interaction, today: dt.date) -> None:
    before = list(interaction.contacts.values_list("pk", flat=True))
    interaction.delete()
    _refresh(before, today=today)


def _replace_rows(
    model: type[models.Model], contact: Contact, field: str, values: list[str]
) -> None:
    model.objects.filter(contact=contact).delete()
    model.objects.bulk_create(
        model(contact=contact, **{field: value, "is_primary": index == 0})
        for index, value in enumerate(values)
    )


def tags_for(*, owner: Any, names: Iterable[str]) -> list[Tag]:
    """The owner's tags with these names (case-insensitive), creating the missing ones."""
    wanted = {name.strip().lower(): name.strip() for name in names if name.strip()}
    if not wanted:
        return []
    mine = Tag.objects.filter(owner=owner).annotate(lower=Lower("name"))
    existing = set(mine.filter(lower__in=wanted).values_list("lower", flat=True))
    Tag.objects.bulk_create(
        [Tag(owner=owner, name=wanted[key]) for key in wanted if key not in existing],
        ignore_conflicts=True,  # a concurrent request may have created the same tag
    )
    return list(mine.filter(lower__in=wanted))


@transaction.atomic
def contact_save(
    *,
    contact: Contact,
    emails: list[str],
    phones: list[str],
    tag_names: list[str],
    birthday: tuple[int | None, int | None, int | None],
    today: dt.date,
) -> Contact:
    """Saves a contact with its e-mails, phones and tags, and brings its derived columns
    (strength, circle if unpinned, next check-in) up to date."""
    contact.birthday_year, contact.birthday_month, contact.birthday_day = birthday
    contact.save()
    _replace_rows(ContactEmail, contact, "address", emails)
    _replace_rows(ContactPhone, contact, "number", phones)
    contact.tags.set(tags_for(owner=contact.owner, names=tag_names))
    _refresh([contact.pk], today=today)
    contact.refresh_from_db()
    return contact


@transaction.atomic
def contacts_bulk_update(
    *, owner: Any, contacts: models.QuerySet[Contact], action: str, today: dt.date, **values: Any
) -> int:
    """Tags, moves or (un)archives many contacts at once, in a few statements."""
    ids = list(contacts.filter(owner=owner).values_list("pk", flat=True))
    selected = Contact.objects.filter(pk__in=ids)
    if action == "tag":
        tag = tags_for(owner=owner, names=[values["tag_name"]])[0]
        through = Contact.tags.through
        through.objects.bulk_create(
            [through(contact_id=pk, tag_id=tag.pk) for pk in ids], ignore_conflicts=True
        )
    elif action == "circle":
        selected.update(circle=values["circle"], circle_pinned=True)
        checkins_refresh(contacts=selected)
    elif action in ("archive", "unarchive"):
        selected.update(archived=action == "archive")
        checkins_refresh(contacts=selected)
    else:
        raise ValueError(f"Unknown bulk action {action!r}.")
    return len(ids)
