"""Writes that span contacts and interactions. Each keeps the derived columns
(`last_interaction_on`, `next_checkin_on`, `strength`) true with set-based updates."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import models, transaction
from django.db.models import Case, F, Func, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Lower
from django.db.models.lookups import GreaterThan
from django.utils.formats import date_format

from contacts.models import (
    DEFAULT_CADENCE_DAYS,
    Contact,
    ContactEmail,
    ContactPhone,
    Interaction,
    Kind,
    Tag,
    sole_contacts_sync,
)
from contacts.strength import strength_refresh
from webhooks.services import contact_saved_emit, interaction_logged_emit


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


def _last_interaction() -> dict[str, Any]:
    """UPDATE values: the last interaction from the log that counts (no note, nothing private)."""
    last = (
        Interaction.objects.filter(contacts=OuterRef("pk"))
        .counted()
        .order_by()
        .values("contacts")
        .annotate(last=models.Max("occurred_on"))
        .values("last")
    )
    return {"last_interaction_on": Subquery(last)}


def latest_interaction() -> dict[str, Any]:
    """UPDATE values: the latest interaction that is not a note (`Contact.latest_interaction`)."""
    latest = (
        Interaction.objects.filter(contacts=OuterRef("pk"))
        .exclude(kind=Kind.NOTE)
        .order_by("-occurred_on", "-pk")
        .values("pk")[:1]
    )
    return {"latest_interaction": Subquery(latest)}


def _next_checkin() -> dict[str, Any]:
    """UPDATE values: the next check-in = last interaction (or the day the contact was added)
    + cadence, no earlier than the end of a snooze; none for an archived contact."""
    cadence = effective_cadence()
    start = Coalesce(F("last_interaction_on"), Cast("created_at", models.DateField()))
    due = AddDays(start, cadence)
    return {
        "next_checkin_on": Case(
            When(Q(archived=True), then=Value(None)),
            # A snoozed check-in is due no earlier than the end of its snooze.
            When(
                GreaterThan(F("checkin_snoozed_until"), due),
                then=F("checkin_snoozed_until"),
            ),
            default=due,
            output_field=models.DateField(),
        )
    }


def checkins_refresh(*, contacts: models.QuerySet[Contact]) -> int:
    """Two UPDATE statements, whatever the number of contacts: the last interaction from
    the log, then the next check-in."""
    ids = contacts.values("pk")
    Contact.objects.filter(pk__in=ids).update(**_last_interaction(), **latest_interaction())
    return Contact.objects.filter(pk__in=ids).update(**_next_checkin())


# Inside `refresh_deferred`, the contacts whose interactions were written, refreshed at its end.
_deferred: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar(
    "contacts_refresh_deferred", default=None
)


@contextlib.contextmanager
def refresh_deferred(*, today: dt.date) -> Iterator[None]:
    """For a writer of many interactions in one transaction (a mailbox sync's batch): the
    strength and next check-in of their contacts are refreshed once at the end, set-based,
    rather than after each interaction. Nothing is refreshed if the block raises (its
    transaction is rolled back anyway). Nested, the outermost one refreshes."""
    if _deferred.get() is not None:
        yield
        return
    pending: set[int] = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    _refresh(pending, today=today)


def _refresh(contact_ids: Iterable[int], *, today: dt.date) -> None:
    ids = sorted(set(contact_ids))
    if not ids:
        return
    pending = _deferred.get()
    if pending is not None:
        pending.update(ids)
        return
    # Strength first, with the last interaction from the same activity: it may move an unpinned
    # contact's circle, and with it the cadence of the next check-in.
    strength_refresh(contact_ids=ids, today=today)
    Contact.objects.filter(pk__in=ids).update(**latest_interaction(), **_next_checkin())


def interactions_written_refresh(*, contact_ids: Iterable[int], today: dt.date) -> None:
    """After counted interactions are written in bulk (an event's people): their snoozed
    check-ins end, then strength, the last interaction and the next check-in follow, each
    one statement for all of them."""
    ids = sorted(set(contact_ids))
    Contact.objects.filter(pk__in=ids).exclude(checkin_snoozed_until=None).update(
        checkin_snoozed_until=None
    )
    _refresh(ids, today=today)


def interactions_removed_refresh(*, contact_ids: Iterable[int], today: dt.date) -> None:
    """After interactions are deleted in bulk elsewhere: strength, the last interaction and
    the next check-in of their people follow, set-based."""
    _refresh(contact_ids, today=today)


def _check_contacts(
    *, owner_id: int, contacts: Sequence[Contact], objective: Any = None, community: Any = None
) -> None:
    """Forms validate this in words; the services refuse it outright for any other caller."""
    if not contacts:
        raise ValueError("An interaction needs at least one contact.")
    if any(contact.owner_id != owner_id for contact in contacts):
        raise PermissionError("Every contact must belong to the owner.")
    if objective is not None and objective.plan.owner_id != owner_id:
        raise PermissionError("The objective must be one of the owner's.")
    if community is not None and community.owner_id != owner_id:
        raise PermissionError("The community must be one of the owner's.")


@transaction.atomic
def interaction_log(
    *, owner: Any, contacts: Sequence[Contact], today: dt.date, **fields: Any
) -> Interaction:
    """Logs one interaction with one or more of the owner's contacts."""
    _check_contacts(
        owner_id=owner.pk,
        contacts=contacts,
        objective=fields.get("objective"),
        community=fields.get("community"),
    )
    interaction = Interaction.objects.create(owner=owner, sole_contact=_sole(contacts), **fields)
    _links_write(interaction, contacts)
    _members_add(interaction, contacts)
    # A new conversation settles any snoozed check-in: the cadence starts again from it. A
    # private one leaves the check-in as it was (it counts in no number).
    if not interaction.private:
        Contact.objects.filter(pk__in=[c.pk for c in contacts]).exclude(
            checkin_snoozed_until=None
        ).update(checkin_snoozed_until=None)
    _refresh((c.pk for c in contacts), today=today)
    interaction_logged_emit(interaction=interaction, contacts=contacts)
    return interaction


@transaction.atomic
def interaction_update(
    *, interaction: Interaction, contacts: Sequence[Contact], today: dt.date, **fields: Any
) -> Interaction:
    _check_contacts(
        owner_id=interaction.owner_id,
        contacts=contacts,
        objective=fields.get("objective"),
        community=fields.get("community"),
    )
    before = set(interaction.contacts.values_list("pk", flat=True))
    for name, value in fields.items():
        setattr(interaction, name, value)
    interaction.sole_contact = _sole(contacts)
    interaction.save()
    _links_write(interaction, contacts, before=before)
    _members_add(interaction, contacts)
    _refresh(before | {c.pk for c in contacts}, today=today)
    return interaction


def _members_add(interaction: Interaction, contacts: Sequence[Contact]) -> None:
    """The people of an interaction in a community are people you know from it: one INSERT,
    whoever was a member already."""
    if interaction.community_id is None:
        return
    Member = Interaction._meta.get_field("community").related_model.members.through
    Member.objects.bulk_create(
        [Member(community_id=interaction.community_id, contact_id=c.pk) for c in contacts],
        ignore_conflicts=True,
    )


def _sole(contacts: Sequence[Contact]) -> Contact | None:
    """`Interaction.sole_contact` for these contacts."""
    distinct = {c.pk: c for c in contacts}
    return next(iter(distinct.values())) if len(distinct) == 1 else None


def _links_write(
    interaction: Interaction, contacts: Sequence[Contact], *, before: set[int] | None = None
) -> None:
    """The interaction's links, written straight to the table: the caller has set its
    `sole_contact`, so the related manager's signal (and the queries it costs) is not needed."""
    Link = Interaction.contacts.through
    wanted = {c.pk for c in contacts}
    if before and (gone := before - wanted):
        Link.objects.filter(interaction=interaction, contact__in=gone).delete()
    Link.objects.bulk_create(
        [Link(interaction=interaction, contact_id=pk) for pk in sorted(wanted - (before or set()))]
    )


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
    return named_for(Tag, owner=owner, names=names)


def named_for(model: type[models.Model], *, owner: Any, names: Iterable[str]) -> list[Any]:
    """The owner's rows of a model with a `name` unique per owner in any case (tags, topics)
    with these names, creating the missing ones: three statements however many names."""
    wanted = {name.strip().lower(): name.strip() for name in names if name.strip()}
    if not wanted:
        return []
    mine = model.objects.filter(owner=owner).annotate(lower=Lower("name"))
    existing = set(mine.filter(lower__in=wanted).values_list("lower", flat=True))
    model.objects.bulk_create(
        [model(owner=owner, name=wanted[key]) for key in wanted if key not in existing],
        ignore_conflicts=True,  # a concurrent request may have created the same one
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
    created = contact._state.adding
    contact.save()
    _replace_rows(ContactEmail, contact, "address", emails)
    _replace_rows(ContactPhone, contact, "number", phones)
    contact.tags.set(tags_for(owner=contact.owner, names=tag_names))
    _refresh([contact.pk], today=today)
    contact.refresh_from_db()
    contact_saved_emit(contact=contact, created=created)
    return contact


@transaction.atomic
def contacts_bulk_update(
    *, owner: Any, contacts: models.QuerySet[Contact], action: str, today: dt.date, **values: Any
) -> int:
    """Tags, moves, sets the context of or (un)archives many contacts at once, in a few
    statements."""
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
    elif action == "context":
        selected.update(context=values["context"])
    elif action in ("archive", "unarchive"):
        selected.update(archived=action == "archive")
        checkins_refresh(contacts=selected)
    else:
        raise ValueError(f"Unknown bulk action {action!r}.")
    return len(ids)


# Text fields a merge fills when the survivor's is empty, or keeps beside it in the notes.
MERGE_TEXT_FIELDS = (
    "last_name",
    "display_name",
    "company",
    "title",
    "industry",
    "location",
    "linkedin_url",
    "x_url",
    "website_url",
    "other_url",
)


def _move_m2m(
    through: type[models.Model], field: str, *, survivor: Contact, duplicate: Contact
) -> int:
    """Moves the duplicate's rows of a many-to-many table to the survivor, dropping those the
    survivor already has. One UPDATE; the leftovers go with the duplicate."""
    theirs = through.objects.filter(contact=survivor).values(field)
    return (
        through.objects.filter(contact=duplicate)
        .exclude(**{f"{field}__in": theirs})
        .update(contact=survivor)
    )


def _merged_notes(survivor: Contact, duplicate: Contact) -> list[str]:
    """What the duplicate says that the survivor does not, as labelled lines."""
    lines = []
    origin = f"from {duplicate.name}, merged"
    if (duplicate.first_name, duplicate.last_name) != (survivor.first_name, survivor.last_name):
        lines.append(
            f"Also known as ({origin}): {duplicate.first_name} {duplicate.last_name}".strip()
        )
    for name in MERGE_TEXT_FIELDS:
        theirs, ours = getattr(duplicate, name), getattr(survivor, name)
        if theirs and ours and theirs.strip().lower() != ours.strip().lower():
            label = str(Contact._meta.get_field(name).verbose_name)
            lines.append(f"{label.capitalize()} ({origin}): {theirs}")
    if duplicate.met_on and survivor.met_on and duplicate.met_on != survivor.met_on:
        lines.append(f"Met on ({origin}): {date_format(duplicate.met_on)}")
    if duplicate.source and survivor.source and duplicate.source != survivor.source:
        lines.append(f"How we met ({origin}): {duplicate.get_source_display()}")
    theirs_bday = (duplicate.birthday_month, duplicate.birthday_day)
    ours_bday = (survivor.birthday_month, survivor.birthday_day)
    if duplicate.birthday and survivor.birthday_month and theirs_bday != ours_bday:
        shown = "DATE_FORMAT" if duplicate.birthday_year else "MONTH_DAY_FORMAT"
        lines.append(f"Birthday ({origin}): {date_format(duplicate.birthday, shown)}")
    return lines


@transaction.atomic
def contacts_merge(*, survivor: Contact, duplicate: Contact, today: dt.date) -> Contact:
    """Merges `duplicate` into `survivor` and deletes it. Interactions, follow-ups, tags,
    introductions (both ways), objective targets and priorities move to the survivor; its
    empty fields are filled from the duplicate; where both have a value and they differ, the
    survivor keeps its own and the duplicate's is written into the notes with a label; e-mails
    and phones it lacks are added. Nothing the duplicate held is lost."""
    if survivor.pk == duplicate.pk:
        raise ValueError("A contact cannot be merged with itself.")
    if survivor.owner_id != duplicate.owner_id:
        raise PermissionError("Both contacts must belong to the same owner.")
    # Both rows locked, in id order (no deadlock with a merge the other way round).
    locked = Contact.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk])
    rows = {c.pk: c for c in locked.order_by("pk")}
    survivor, duplicate = rows[survivor.pk], rows[duplicate.pk]

    from followups.models import FollowUp
    from goals.models import Objective, Priority

    _move_m2m(Interaction.contacts.through, "interaction", survivor=survivor, duplicate=duplicate)
    _move_m2m(FollowUp.contacts.through, "followup", survivor=survivor, duplicate=duplicate)
    _move_m2m(Contact.tags.through, "tag", survivor=survivor, duplicate=duplicate)
    _move_m2m(Objective.targets.through, "objective", survivor=survivor, duplicate=duplicate)
    Priority.objects.filter(contact=duplicate).update(contact=survivor)
    # Introductions: whom the duplicate introduced, and who introduced the duplicate.
    Contact.objects.filter(introduced_by=duplicate).exclude(pk=survivor.pk).update(
        introduced_by=survivor
    )
    notes = _merged_notes(survivor, duplicate)
    if survivor.introduced_by_id == duplicate.pk:
        survivor.introduced_by = None
    introducer = duplicate.introduced_by_id
    if introducer and introducer != survivor.pk:
        if survivor.introduced_by_id is None:
            survivor.introduced_by_id = introducer
        elif survivor.introduced_by_id != introducer:
            notes.append(
                f"Also introduced by ({duplicate.name}, merged): {duplicate.introduced_by}"
            )

    for name in MERGE_TEXT_FIELDS:
        if not getattr(survivor, name) and getattr(duplicate, name):
            setattr(survivor, name, getattr(duplicate, name))
    if not survivor.source:
        survivor.source = duplicate.source
    if survivor.met_on is None:
        survivor.met_on = duplicate.met_on
    if survivor.cadence_days is None:
        survivor.cadence_days = duplicate.cadence_days
    if not survivor.birthday_month and duplicate.birthday_month:
        survivor.birthday_year = duplicate.birthday_year
        survivor.birthday_month = duplicate.birthday_month
        survivor.birthday_day = duplicate.birthday_day
    elif (survivor.birthday_month, survivor.birthday_day) == (
        duplicate.birthday_month,
        duplicate.birthday_day,
    ) and not survivor.birthday_year:
        survivor.birthday_year = duplicate.birthday_year
    if survivor.checkin_snoozed_until is None:
        survivor.checkin_snoozed_until = duplicate.checkin_snoozed_until
    if duplicate.notes.strip() and duplicate.notes.strip() not in survivor.notes:
        notes.append(f"Notes of {duplicate.name} (merged):\n{duplicate.notes.strip()}")
    if notes:
        survivor.notes = "\n".join(filter(None, [survivor.notes.strip(), *notes]))
    private = duplicate.private_notes.strip()
    if private and private not in survivor.private_notes:
        survivor.private_notes = "\n".join(
            filter(
                None, [survivor.private_notes.strip(), f"From {duplicate.name} (merged):", private]
            )
        )

    # E-mails and phones the survivor lacks join it; its primary stays primary.
    ours = {a.lower() for a in survivor.emails.values_list("address", flat=True)}
    has_primary = survivor.emails.filter(is_primary=True).exists()
    for email in duplicate.emails.order_by("-is_primary", "pk"):
        if email.address.lower() not in ours:
            ContactEmail.objects.filter(pk=email.pk).update(
                contact=survivor, is_primary=not has_primary
            )
            ours.add(email.address.lower())
            has_primary = True
    digits = {
        "".join(filter(str.isdigit, n)) for n in survivor.phones.values_list("number", flat=True)
    }
    has_primary = survivor.phones.filter(is_primary=True).exists()
    for phone in duplicate.phones.order_by("-is_primary", "pk"):
        key = "".join(filter(str.isdigit, phone.number))
        if key not in digits:
            ContactPhone.objects.filter(pk=phone.pk).update(
                contact=survivor, is_primary=not has_primary
            )
            digits.add(key)
            has_primary = True

    # The earlier "added on" date: tenure and the first check-in count from it.
    first_added = min(survivor.created_at, duplicate.created_at)
    survivor.save()
    duplicate.delete()
    # Their interactions now name the survivor (or, where both were there, it alone).
    sole_contacts_sync(Interaction.objects.filter(contacts=survivor))
    Contact.objects.filter(pk=survivor.pk).update(created_at=first_added)
    _refresh([survivor.pk], today=today)
    survivor.refresh_from_db()
    return survivor
