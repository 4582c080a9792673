"""Everything out: contacts as CSV and vCard 4.0, the whole account as JSON.

Each export is a generator of text chunks that reads the database a chunk at a time, so a view
can stream it and a worker can write it to a file with the same code and bounded memory.
Re-importing our own vCard (or CSV) gives back the same contacts: the fields vCard has no
property for travel as X-NETWORKCRM-* properties, which the importer reads.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from contacts.models import Contact, Interaction
from imports.models import AccountExport, ExportStatus
from webhooks.services import endpoint_export_items

CHUNK = 1000
# Up to this many contacts and interactions, the account's JSON streams straight to the
# browser; above it, a worker builds a file to download (a few seconds of database reads).
STREAM_LIMIT = 5000

CSV_COLUMNS = [
    "First name",
    "Last name",
    "Display name",
    "E-mails",
    "Phones",
    "Company",
    "Title",
    "Industry",
    "Location",
    "LinkedIn",
    "X",
    "Website",
    "Other profile",
    "How we met",
    "Met on",
    "Circle",
    "Context",
    "Birthday",
    "Tags",
    "Notes",
    "Introduced by",
    "Last interaction",
    "Next check-in",
    "Strength",
    "Archived",
]


def _contacts(owner: Any) -> Iterator[Contact]:
    return (
        Contact.objects.filter(owner=owner)
        .select_related("introduced_by")
        .prefetch_related("emails", "phones", "tags")
        .order_by("pk")
        .iterator(chunk_size=CHUNK)
    )


def birthday_text(contact: Contact, *, vcard: bool = False) -> str:
    if not (contact.birthday_month and contact.birthday_day):
        return ""
    if vcard:
        md = f"{contact.birthday_month:02d}{contact.birthday_day:02d}"
        return f"{contact.birthday_year:04d}{md}" if contact.birthday_year else f"--{md}"
    md = f"{contact.birthday_month:02d}-{contact.birthday_day:02d}"
    return f"{contact.birthday_year:04d}-{md}" if contact.birthday_year else f"--{md}"


class _Line:
    """A file-like object that hands back what the csv writer wrote."""

    def __init__(self) -> None:
        self.value = ""

    def write(self, value: str) -> None:
        self.value = value


def spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if value[:1] in ("=", "@", "\t", "\r") or (
        value[:1] in ("+", "-") and any(ch.isalpha() or ch in "(|!" for ch in value)
    ):
        return "'" + value
    return value


def contacts_csv(owner: Any) -> Iterator[str]:
    line = _Line()
    writer = csv.writer(line)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + line.value  # a BOM, so Excel reads the file as UTF-8
    for c in _contacts(owner):
        values = [
            c.first_name,
            c.last_name,
            c.display_name,
            "; ".join(e.address for e in c.emails.all()),
            "; ".join(p.number for p in c.phones.all()),
            c.company,
            c.title,
            c.industry,
            c.location,
            c.linkedin_url,
            c.x_url,
            c.website_url,
            c.other_url,
            c.get_source_display() if c.source else "",
            c.met_on.isoformat() if c.met_on else "",
            c.get_circle_display(),
            c.get_context_display(),
            birthday_text(c),
            "; ".join(t.name for t in c.tags.all()),
            c.notes,
            c.introduced_by.name if c.introduced_by else "",
            c.last_interaction_on.isoformat() if c.last_interaction_on else "",
            c.next_checkin_on.isoformat() if c.next_checkin_on else "",
            str(c.strength),
            "yes" if c.archived else "",
        ]
        writer.writerow([spreadsheet_safe(v) for v in values])
        yield line.value


# --- vCard 4.0 ------------------------------------------------------------------------------

VCARD_PHONE_TYPES = {"mobile": "cell"}
URL_TYPES = {
    "linkedin_url": "linkedin",
    "x_url": "x",
    "website_url": "website",
    "other_url": "profile",
}


def escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Lines of at most 75 octets, continued on lines that start with a space (RFC 6350)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line + "\r\n"
    parts, start, limit = [], 0, 75
    while start < len(encoded):
        end = min(start + limit, len(encoded))
        while end < len(encoded) and (encoded[end] & 0xC0) == 0x80:
            end -= 1  # never split a character
        parts.append(encoded[start:end].decode())
        start, limit = end, 74
    return "\r\n ".join(parts) + "\r\n"


def _type(label: str, known: dict[str, str] | None = None) -> str:
    label = (known or {}).get(label, label)
    token = "".join(ch for ch in label.lower() if ch.isalnum() or ch == "-")
    return f";TYPE={token}" if token else ""


def contact_vcard(c: Contact) -> str:
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        f"FN:{escape(c.name)}",
        f"N:{escape(c.last_name)};{escape(c.first_name)};;;",
    ]
    for i, email in enumerate(c.emails.all()):
        pref = ";PREF=1" if i == 0 else ""
        lines.append(f"EMAIL{_type(email.label)}{pref}:{escape(email.address)}")
    for i, phone in enumerate(c.phones.all()):
        pref = ";PREF=1" if i == 0 else ""
        lines.append(
            f"TEL;VALUE=text{_type(phone.label, VCARD_PHONE_TYPES)}{pref}:{escape(phone.number)}"
        )
    if c.company:
        lines.append(f"ORG:{escape(c.company)}")
    if c.title:
        lines.append(f"TITLE:{escape(c.title)}")
    for name, kind in URL_TYPES.items():
        if url := getattr(c, name):
            lines.append(f"URL;TYPE={kind}:{url}")
    if birthday := birthday_text(c, vcard=True):
        lines.append(f"BDAY:{birthday}")
    if c.location:
        lines.append(f"ADR:;;;{escape(c.location)};;;")
    if tags := [escape(t.name) for t in c.tags.all()]:
        lines.append(f"CATEGORIES:{','.join(tags)}")
    if c.notes:
        lines.append(f"NOTE:{escape(c.notes)}")
    ours = {
        "INDUSTRY": c.industry,
        "SOURCE": c.source,
        "MET-ON": c.met_on.isoformat() if c.met_on else "",
        # Only a circle the user chose; strength places the others.
        "CIRCLE": c.circle if c.circle_pinned else "",
        "CADENCE": "" if c.cadence_days is None else str(c.cadence_days),
        "CONTEXT": c.context,
    }
    lines += [f"X-NETWORKCRM-{key}:{escape(value)}" for key, value in ours.items() if value]
    lines.append("END:VCARD")
    return "".join(fold(line) for line in lines)


def contacts_vcard(owner: Any) -> Iterator[str]:
    for contact in _contacts(owner):
        yield contact_vcard(contact)


# --- The whole account as JSON --------------------------------------------------------------

SKIP = {"owner", "owner_id", "user", "user_id", "search_text", "sole_contact_id"}


def row(obj: models.Model, **extra: Any) -> dict[str, Any]:
    """Every stored column of a row (its own names), plus what `extra` adds."""
    values = {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in SKIP and not isinstance(f, models.GeneratedField)
    }
    return {**values, **extra}


def _dump(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def _keyset(queryset: models.QuerySet[Any]) -> Iterator[list[Any]]:
    """The queryset in chunks by primary key: constant memory, no growing OFFSET."""
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def _ids_by(through: type[models.Model], left: str, right: str, ids: list[int]) -> dict[int, list]:
    found: dict[int, list[int]] = defaultdict(list)
    for a, b in through.objects.filter(**{f"{left}__in": ids}).values_list(left, right):
        found[a].append(b)
    return found


def _section(name: str, items: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield f',\n"{name}": ['
    first = True
    for item in items:
        yield ("\n" if first else ",\n") + _dump(item)
        first = False
    yield "\n]"


def _contact_items(owner: Any) -> Iterator[dict[str, Any]]:
    for c in _contacts(owner):
        yield row(
            c,
            emails=[row(e) for e in c.emails.all()],
            phones=[row(p) for p in c.phones.all()],
            tags=[t.name for t in c.tags.all()],
        )


def _interaction_items(owner: Any) -> Iterator[dict[str, Any]]:
    through = Interaction.contacts.through
    for chunk in _keyset(Interaction.objects.filter(owner=owner)):
        contacts = _ids_by(through, "interaction_id", "contact_id", [i.pk for i in chunk])
        for interaction in chunk:
            yield row(interaction, contacts=contacts[interaction.pk])


def _plan_items(owner: Any) -> Iterator[dict[str, Any]]:
    from goals.models import GoalPlan

    plans = GoalPlan.objects.filter(owner=owner).prefetch_related(
        "audience_tags",
        "objectives__targets",
        "objectives__audience_tags",
        "objectives__audience_communities",
        "priorities",
        "tactics",
    )
    for plan in plans.order_by("pk"):
        yield row(
            plan,
            audience_tags=[t.name for t in plan.audience_tags.all()],
            objectives=[
                row(
                    o,
                    targets=[c.pk for c in o.targets.all()],
                    audience_tags=[t.name for t in o.audience_tags.all()],
                    audience_communities=[c.pk for c in o.audience_communities.all()],
                )
                for o in plan.objectives.all()
            ],
            priorities=[row(p) for p in plan.priorities.all()],
            tactics=[row(t) for t in plan.tactics.all()],
        )


def _followup_items(owner: Any) -> Iterator[dict[str, Any]]:
    from followups.models import FollowUp

    through = FollowUp.contacts.through
    for chunk in _keyset(FollowUp.objects.filter(owner=owner)):
        contacts = _ids_by(through, "followup_id", "contact_id", [f.pk for f in chunk])
        for followup in chunk:
            yield row(followup, contacts=contacts[followup.pk])


def _community_items(owner: Any) -> Iterator[dict[str, Any]]:
    from communities.models import Community

    through = Community.members.through
    for chunk in _keyset(Community.objects.filter(owner=owner)):
        members = _ids_by(through, "community_id", "contact_id", [c.pk for c in chunk])
        for community in chunk:
            yield row(community, members=members[community.pk])


def _event_items(owner: Any) -> Iterator[dict[str, Any]]:
    from events.models import Event

    through = Event.going_with.through
    for chunk in _keyset(Event.objects.filter(owner=owner)):
        going = _ids_by(through, "event_id", "contact_id", [e.pk for e in chunk])
        for event in chunk:
            yield row(event, going_with=going[event.pk])


def _piece_items(owner: Any) -> Iterator[dict[str, Any]]:
    from content.models import Piece

    pieces = Piece.objects.filter(owner=owner).prefetch_related("topics")
    through = Piece.engaged.through
    for chunk in _keyset(pieces):
        engaged = _ids_by(through, "piece_id", "contact_id", [p.pk for p in chunk])
        for piece in chunk:
            yield row(piece, topics=[t.name for t in piece.topics.all()], engaged=engaged[piece.pk])


def _kpi_items(owner: Any) -> Iterator[dict[str, Any]]:
    from kpis.models import WeeklyKpi

    for chunk in _keyset(WeeklyKpi.objects.filter(user=owner)):
        yield from (row(item) for item in chunk)


# A mailbox's password and a calendar's secret address never leave the server, not even to
# their owner: the export is a file that travels. Nor do the working columns of a sync.
CAPTURE_SECRETS = {"password_sealed", "url_sealed", "upload", "lease_until"}


def _capture_source_items(model: type[models.Model], owner: Any) -> Iterator[dict[str, Any]]:
    names = {f.attname for f in model._meta.concrete_fields}
    rows = model.objects.filter(user=owner).defer(*(CAPTURE_SECRETS & names))
    for chunk in _keyset(rows):
        for source in chunk:
            yield {
                f.attname: getattr(source, f.attname)
                for f in source._meta.concrete_fields
                if f.attname not in SKIP | CAPTURE_SECRETS
            }


def _capture_settings_items(owner: Any) -> Iterator[dict[str, Any]]:
    from capture.models import CaptureSettings

    for prefs in CaptureSettings.objects.filter(user=owner):
        # The forwarding address's token is a secret that works as a key: not in a file.
        yield {k: v for k, v in row(prefs).items() if k != "token"}


def _captured_items(owner: Any) -> Iterator[dict[str, Any]]:
    from capture.models import CapturedItem, CapturedPerson

    for chunk in _keyset(CapturedItem.objects.filter(user=owner)):
        people: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for person in CapturedPerson.objects.filter(item__in=chunk).order_by("pk"):
            people[person.item_id].append({"email": person.email, "name": person.name})
        for item in chunk:
            yield row(item, people=people[item.pk])


def _review_items(owner: Any) -> Iterator[dict[str, Any]]:
    from capture.models import ReviewEntry

    for chunk in _keyset(ReviewEntry.objects.filter(user=owner)):
        yield from (row(entry) for entry in chunk)


def _ignore_rule_items(owner: Any) -> Iterator[dict[str, Any]]:
    from capture.models import IgnoreRule

    yield from (row(rule) for rule in IgnoreRule.objects.filter(user=owner).order_by("pk"))


def account_json(owner: Any) -> Iterator[str]:
    profile = getattr(owner, "profile", None)
    head = {
        "format": "networkcrm-account",
        "version": 1,
        "exported_at": timezone.now(),
        "user": {"email": owner.email, "name": owner.name, "date_joined": owner.date_joined},
        "profile": row(profile) if profile is not None else None,
    }
    yield _dump(head)[:-1]  # the object stays open for the sections
    from contacts.models import Tag

    yield from _section("tags", (row(t) for t in Tag.objects.filter(owner=owner).order_by("pk")))
    yield from _section("contacts", _contact_items(owner))
    yield from _section("interactions", _interaction_items(owner))
    yield from _section("goal_plans", _plan_items(owner))
    yield from _section("follow_ups", _followup_items(owner))
    yield from _section("communities", _community_items(owner))
    yield from _section("events", _event_items(owner))
    yield from _section("content", _piece_items(owner))
    yield from _section("weekly_kpis", _kpi_items(owner))
    yield from _section("webhook_endpoints", endpoint_export_items(owner))  # never the secrets
    from capture.models import CalendarFeed, Mailbox

    yield from _section("mailboxes", _capture_source_items(Mailbox, owner))
    yield from _section("calendar_feeds", _capture_source_items(CalendarFeed, owner))
    yield from _section("capture_settings", _capture_settings_items(owner))
    yield from _section("captured_items", _captured_items(owner))
    yield from _section("review_entries", _review_items(owner))
    yield from _section("ignore_rules", _ignore_rule_items(owner))
    yield "\n}\n"


def account_size(owner: Any) -> int:
    return (
        Contact.objects.filter(owner=owner).count()
        + Interaction.objects.filter(owner=owner).count()
    )


def export_filename(kind: str, today: dt.date) -> str:
    return f"networkcrm-{kind}-{today.isoformat()}"


@transaction.atomic
def account_export_start(*, owner: Any) -> AccountExport:
    """Queues a build of the account's JSON; an earlier export of the same owner goes."""
    from imports.tasks import account_export_build as task

    for old in AccountExport.objects.filter(owner=owner):
        account_export_delete(export=old)
    export = AccountExport.objects.create(owner=owner)
    task.delay_on_commit(export.pk)
    return export


def account_export_build(*, export_id: int) -> str:
    claimed = AccountExport.objects.filter(
        pk=export_id, status=ExportStatus.QUEUED, file=""
    ).exists()
    if not claimed:
        return "gone"
    export = AccountExport.objects.select_related("owner__profile").get(pk=export_id)
    with tempfile.TemporaryFile() as spool:
        writer = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        for chunk in account_json(export.owner):
            writer.write(chunk)
        writer.flush()
        size = spool.tell()
        spool.seek(0)
        writer.detach()
        export.file.save("account.json", File(spool), save=False)
    updated = AccountExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.DONE, file=export.file.name, size=size, finished_at=timezone.now()
    )
    if not updated:  # deleted while it was being built
        export.file.storage.delete(export.file.name)
        return "gone"
    return "done"


def account_export_delete(*, export: AccountExport) -> None:
    name, storage = export.file.name, export.file.storage
    export.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
