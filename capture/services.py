"""Writing what the sources bring: an interaction with the contacts on a captured message or
meeting (through contacts.services, so check-ins, strength and KPIs move as for any other),
the people who are not contacts yet into the review inbox, and the user's undo."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest, Least
from django.utils import timezone

from accounts.models import local_zone
from capture.models import (
    CapturedItem,
    CapturedPerson,
    CaptureSettings,
    Direction,
    IgnoreRule,
    ReviewEntry,
    ReviewStatus,
    RuleKind,
    new_token,
)
from contacts.models import Contact, ContactEmail, Initiator, Interaction
from contacts.services import contact_save, interaction_delete, interaction_log, interaction_update

SUMMARY_LENGTH = 200
SNIPPET_LENGTH = 300
EXTERNAL_ID_LENGTH = 500
# "Re:", "Fwd:", "AW:", "WG:", "TR:", "RV:", "[list]"… in front of a subject, any number of them.
_REPLY_PREFIX = re.compile(
    r"^\s*((re|fw|fwd|aw|wg|tr|rv|sv|vs)\s*(\[\d+\])?\s*:|\[[^\]]*\])\s*", re.I
)


# --- Small helpers the sources share ------------------------------------------------------


def settings_for(user: Any) -> CaptureSettings:
    """The user's capture settings, made on first use (read from the user when they came with
    it, as from `forward_owner`)."""
    try:
        return user.capture_settings
    except CaptureSettings.DoesNotExist:
        found, _ = CaptureSettings.objects.get_or_create(user=user)
        return found


def normal_email(address: str) -> str:
    return address.strip().strip("<>").strip().lower()


def external_id_for(message_id: str) -> str:
    """A Message-ID as the key of its captured item: without the angle brackets and spaces,
    hashed when it is too long to index (some are kilobytes)."""
    key = message_id.strip().strip("<>").strip()
    if len(key) > EXTERNAL_ID_LENGTH:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


def subject_normalised(subject: str) -> str:
    text = subject or ""
    while True:
        shorter = _REPLY_PREFIX.sub("", text, count=1)
        if shorter == text:
            break
        text = shorter
    return " ".join(text.lower().split())


def thread_key_for(*, user: Any, subject: str, occurred_at: dt.datetime) -> str:
    """A thread's messages of one day (in the user's zone) share this key."""
    day = timezone.localtime(occurred_at, local_zone(user)).date()
    return f"{day.isoformat()} {subject_normalised(subject)}"[:300]


def _occurred_on(user: Any, occurred_at: dt.datetime) -> dt.date:
    return timezone.localtime(occurred_at, local_zone(user)).date()


def _initiator(direction: str) -> str:
    return Initiator.THEM if direction == Direction.IN else Initiator.ME


class Rules:
    """A user's ignore rules, read once."""

    def __init__(self, user: Any) -> None:
        self.domains: set[str] = set()
        self.addresses: set[str] = set()
        self.calendars: set[str] = set()
        for kind, value in IgnoreRule.objects.filter(user=user).values_list("kind", "value"):
            {
                RuleKind.DOMAIN: self.domains,
                RuleKind.ADDRESS: self.addresses,
                RuleKind.CALENDAR: self.calendars,
            }[RuleKind(kind)].add(value)

    def ignores(self, email: str) -> bool:
        if email in self.addresses:
            return True
        domain = email.rpartition("@")[2]
        return any(domain == d or domain.endswith("." + d) for d in self.domains)


def _wanted(people: Iterable[tuple[str, str]], *, user: Any, rules: Rules) -> dict[str, str]:
    """The other parties by lower-case address, without the user, duplicates and the ignored."""
    own = normal_email(getattr(user, "email", "") or "")
    wanted: dict[str, str] = {}
    for address, name in people:
        email = normal_email(address or "")
        if "@" not in email or email == own or rules.ignores(email):
            continue
        if not wanted.get(email):
            wanted[email] = (name or "").strip()[:200]
    return wanted


def known_contacts(*, user: Any, emails: Iterable[str]) -> dict[str, Contact]:
    """The user's contact for each of these addresses that has one, by lower-case address: one
    query, on the index of addresses. The contact form and the importers store addresses in
    lower case, so each address is looked up in lower case and as written (which finds a row
    stored with capitals when the message writes it the same way); a LOWER() comparison would
    read every stored address instead. Of two contacts with one address, the one not archived,
    then the older."""
    written = {e.strip() for e in emails if e and e.strip()}
    wanted = sorted(written | {e.lower() for e in written})
    if not wanted:
        return {}
    rows = (
        ContactEmail.objects.filter(contact__owner=user, address__in=wanted)
        .select_related("contact")
        .order_by("contact__archived", "contact_id")
    )
    found: dict[str, Contact] = {}
    for row in rows:
        found.setdefault(row.address.lower(), row.contact)
    return found


def _distinct(contacts: Iterable[Contact]) -> list[Contact]:
    return list({c.pk: c for c in contacts}.values())


def _review_record(*, user: Any, source: str, people: dict[str, str], seen: dt.datetime) -> None:
    """The people who are not contacts into the review inbox: new ones as entries, the ones
    already there seen once more. A fixed number of statements however many people."""
    if not people:
        return
    existing = dict(
        ReviewEntry.objects.filter(user=user, email__in=people).values_list("email", "status")
    )
    ReviewEntry.objects.bulk_create(
        [
            ReviewEntry(
                user=user, email=email, name=name, source=source, first_seen=seen, last_seen=seen
            )
            for email, name in people.items()
            if email not in existing
        ],
        ignore_conflicts=True,  # a concurrent capture may have made the same entry
    )
    if existing:
        again = ReviewEntry.objects.filter(user=user, email__in=existing)
        again.update(
            times=F("times") + 1,
            first_seen=Least("first_seen", Value(seen)),
            last_seen=Greatest("last_seen", Value(seen)),
        )
        # Added once, but no contact has the address any more: ask again.
        if ReviewStatus.ADDED in existing.values():
            again.filter(status=ReviewStatus.ADDED).update(
                status=ReviewStatus.PENDING, contact=None
            )


def _notes(summary: str, snippet: str) -> str:
    return "\n\n".join(part for part in (summary, snippet) if part)


def _interaction_new(
    item: CapturedItem, contacts: Sequence[Contact], today: dt.date
) -> Interaction:
    return interaction_log(
        owner=item.user,
        contacts=contacts,
        today=today,
        occurred_on=_occurred_on(item.user, item.occurred_at),
        kind=item.kind,
        channel=item.channel,
        initiated_by=_initiator(item.direction),
        notes=_notes(item.summary, item.snippet),
    )


def _interaction_join(
    interaction: Interaction, contacts: Sequence[Contact], today: dt.date
) -> Interaction:
    """Adds these contacts to an interaction of the same thread and day."""
    current = list(interaction.contacts.all())
    if {c.pk for c in contacts} - {c.pk for c in current}:
        interaction_update(
            interaction=interaction, contacts=_distinct([*current, *contacts]), today=today
        )
    return interaction


def _thread_mate(item: CapturedItem) -> Interaction | None:
    if not item.thread_key:
        return None
    mate = (
        CapturedItem.objects.live()
        .filter(user_id=item.user_id, thread_key=item.thread_key, interaction__isnull=False)
        .exclude(pk=item.pk)
        .select_related("interaction")
        .order_by("pk")
        .first()
    )
    return mate.interaction if mate else None


# --- Logging what a source brought ------------------------------------------------------


@transaction.atomic
def capture_log(
    *,
    user: Any,
    source: str,
    source_id: int | None,
    external_id: str,
    occurred_at: dt.datetime,
    people: Sequence[tuple[str, str]],
    kind: str,
    channel: str,
    direction: str,
    summary: str,
    snippet: str | None = None,
    thread_key: str | None = None,
    today: dt.date,
) -> CapturedItem | None:
    """Logs one captured message or meeting with the contacts on it; `people` are the other
    parties as (address, name). Returns the item when an interaction stands for it, None when
    nobody on it is a contact (the item is still kept, so adding someone from the review inbox
    can attach it).

    Idempotent by `external_id`: a second call logs nothing new, and one with another time or
    other people (a moved meeting) updates the same interaction. Ignored addresses land
    nowhere; people who are not contacts go to the review inbox unless the user only wants
    people already in their contacts. Safe under two concurrent calls for one `external_id`:
    the unique constraint lets one create the item, the other waits and finds it."""
    prefs = settings_for(user)
    wanted = _wanted(people, user=user, rules=Rules(user))
    # The addresses as the source wrote them too, for the contacts' index (known_contacts).
    written = [*wanted, *(a.strip() for a, _ in people if a and normal_email(a) in wanted)]
    snippet_kept = (snippet or "")[:SNIPPET_LENGTH].strip() if prefs.keep_snippet else ""
    # Claim the message: the unique constraint lets one capture create the item; another,
    # at the same time or later, fails to and handles it as the same message again. A new
    # message (the usual case) costs one INSERT, no look-up first.
    try:
        with transaction.atomic():
            item = CapturedItem.objects.create(
                user=user,
                external_id=external_id,
                source=source,
                source_id=source_id,
                thread_key=thread_key or "",
                occurred_at=occurred_at,
                summary=(summary or "")[:SUMMARY_LENGTH],
                snippet=snippet_kept,
                direction=direction,
                kind=kind,
                channel=channel,
            )
    except IntegrityError:
        item = CapturedItem.objects.get(user=user, external_id=external_id)
        moved = {
            "occurred_at": occurred_at,
            "summary": (summary or "")[:SUMMARY_LENGTH],
            "kind": kind,
            "channel": channel,
        }
        return _capture_again(
            item, wanted=wanted, written=written, moved=moved, prefs=prefs, today=today
        )

    CapturedPerson.objects.bulk_create(
        [CapturedPerson(item=item, email=email, name=name) for email, name in wanted.items()]
    )
    known = known_contacts(user=user, emails=written)
    if not prefs.only_known:
        unknown = {e: n for e, n in wanted.items() if e not in known}
        _review_record(user=user, source=source, people=unknown, seen=occurred_at)
    contacts = _distinct(known.values())
    if not contacts:
        return None
    mate = _thread_mate(item)
    item.interaction = (
        _interaction_join(mate, contacts, today)
        if mate
        else _interaction_new(item, contacts, today)
    )
    item.save(update_fields=["interaction"])
    return item


def _capture_again(
    item: CapturedItem,
    *,
    wanted: dict[str, str],
    written: list[str],
    moved: dict[str, Any],
    prefs: CaptureSettings,
    today: dt.date,
) -> CapturedItem | None:
    """The same message or meeting once more: nothing new, unless its time, title, kind,
    channel (`moved`) or people changed, which the same interaction follows."""
    item = (
        CapturedItem.objects.select_for_update(of=("self",))
        .select_related("interaction", "user")
        .get(pk=item.pk)
    )
    if item.undone_at is not None:
        return None
    before = dict(item.people.values_list("email", "name"))
    changed = [name for name, value in moved.items() if getattr(item, name) != value]
    if not changed and set(before) == set(wanted):
        return item if item.interaction_id else None
    user = item.user
    occurred_at = moved["occurred_at"]
    for name in changed:
        setattr(item, name, moved[name])
    if changed:
        item.save(update_fields=changed)
    item.people.exclude(email__in=wanted).delete()
    CapturedPerson.objects.bulk_create(
        [CapturedPerson(item=item, email=e, name=n) for e, n in wanted.items() if e not in before]
    )
    known = known_contacts(user=user, emails=written)
    if not prefs.only_known:
        fresh = {e: n for e, n in wanted.items() if e not in known and e not in before}
        _review_record(user=user, source=item.source, people=fresh, seen=occurred_at)
    contacts = _distinct(known.values())
    interaction = item.interaction
    if interaction is not None and contacts:
        interaction_update(
            interaction=interaction,
            contacts=contacts,
            today=today,
            occurred_on=_occurred_on(user, occurred_at),
            kind=item.kind,
            channel=item.channel,
        )
    elif interaction is not None:
        interaction_delete(interaction=interaction, today=today)
        item.interaction = None
        item.save(update_fields=["interaction"])
    elif contacts:
        item.interaction = _interaction_new(item, contacts, today)
        item.save(update_fields=["interaction"])
    return item if item.interaction_id else None


def _detach(item: CapturedItem, today: dt.date) -> None:
    """Takes an item out of its interaction: the interaction goes, unless other items of its
    thread still stand for it, which keep the contacts they bring."""
    interaction = item.interaction
    if interaction is None:
        return
    others = CapturedItem.objects.live().filter(interaction=interaction).exclude(pk=item.pk)
    remaining = CapturedPerson.objects.filter(item__in=others).values_list("email", flat=True)
    contacts = _distinct(known_contacts(user=item.user, emails=remaining).values())
    if others.exists() and contacts:
        interaction_update(interaction=interaction, contacts=contacts, today=today)
    else:
        interaction_delete(interaction=interaction, today=today)


def _undo(item: CapturedItem, *, today: dt.date, now: dt.datetime) -> CapturedItem:
    item = (
        CapturedItem.objects.select_for_update(of=("self",))
        .select_related("interaction", "user")
        .get(pk=item.pk)
    )
    if item.undone_at is not None:
        return item
    _detach(item, today)
    item.interaction = None
    item.undone_at = now
    item.save(update_fields=["interaction", "undone_at"])
    return item


@transaction.atomic
def capture_withdraw(*, user: Any, external_id: str, today: dt.date) -> CapturedItem | None:
    """A cancelled meeting: its interaction goes and its item is marked undone."""
    item = CapturedItem.objects.filter(user=user, external_id=external_id).first()
    if item is None:
        return None
    return _undo(item, today=today, now=timezone.now())


@transaction.atomic
def capture_undo(*, user: Any, item: CapturedItem, today: dt.date) -> CapturedItem:
    """The user's undo: the interaction goes (or loses what this item brought), and the same
    message or meeting arriving again logs nothing."""
    if item.user_id != user.pk:
        raise PermissionError("The item must be the user's.")
    return _undo(item, today=today, now=timezone.now())


# --- The review inbox ---------------------------------------------------------------------


def _names(entry: ReviewEntry) -> tuple[str, str]:
    name = entry.name.strip()
    if not name:
        return entry.email.partition("@")[0][:100], ""
    first, _, last = name.partition(" ")
    return first[:100], last.strip()[:100]


@transaction.atomic
def review_add(*, user: Any, entry: ReviewEntry, today: dt.date) -> Contact:
    """Makes the person a contact with the entry's address, and logs the captured items they
    were on with them: joining the interaction an item has, or starting one (one per thread
    and day) for an item that had nobody known."""
    if entry.user_id != user.pk:
        raise PermissionError("The entry must be the user's.")
    entry = ReviewEntry.objects.select_for_update().get(pk=entry.pk)
    existing = known_contacts(user=user, emails=[entry.email]).get(entry.email)
    if existing is not None:
        contact = existing
    else:
        first, last = _names(entry)
        contact = contact_save(
            contact=Contact(owner=user, first_name=first, last_name=last),
            emails=[entry.email],
            phones=[],
            tag_names=[],
            birthday=(None, None, None),
            today=today,
        )
    # One or two queries per item they were on: a person new to you was on few of them.
    started: dict[str, Interaction] = {}
    items = (
        CapturedItem.objects.live()
        .filter(user=user, people__email=entry.email)
        .select_related("interaction", "user")
        .order_by("occurred_at", "pk")
    )
    for item in items:
        if item.interaction is not None:
            _interaction_join(item.interaction, [contact], today)
            continue
        joined = started.get(item.thread_key) if item.thread_key else None
        item.interaction = joined or _interaction_new(item, [contact], today)
        if item.thread_key:
            started[item.thread_key] = item.interaction
        item.save(update_fields=["interaction"])
    entry.status = ReviewStatus.ADDED
    entry.contact = contact
    entry.save(update_fields=["status", "contact"])
    return contact


def review_ignore(*, user: Any, entry: ReviewEntry) -> ReviewEntry:
    """Out of the inbox this time; seen again, it stays out (counted, not asked about)."""
    if entry.user_id != user.pk:
        raise PermissionError("The entry must be the user's.")
    entry.status = ReviewStatus.IGNORED
    entry.save(update_fields=["status"])
    return entry


@transaction.atomic
def review_always_ignore(*, user: Any, entry: ReviewEntry) -> IgnoreRule:
    """Out of the inbox, and an ignore rule for the address: it lands nowhere from now on."""
    review_ignore(user=user, entry=entry)
    return ignore_rule_add(user=user, kind=RuleKind.ADDRESS, value=entry.email)


# --- Rules and the forwarding address ---------------------------------------------------------


def rule_value_normalised(kind: str, value: str) -> str:
    value = value.strip()
    if kind == RuleKind.DOMAIN:
        return value.lower().lstrip("@").lstrip(".")
    if kind == RuleKind.ADDRESS:
        return normal_email(value)
    return value


@transaction.atomic
def ignore_rule_add(*, user: Any, kind: str, value: str) -> IgnoreRule:
    """A rule, and the waiting review entries it covers put away."""
    value = rule_value_normalised(kind, value)
    rule, _ = IgnoreRule.objects.get_or_create(user=user, kind=kind, value=value)
    pending = ReviewEntry.objects.filter(user=user, status=ReviewStatus.PENDING)
    if kind == RuleKind.ADDRESS:
        pending.filter(email=value).update(status=ReviewStatus.IGNORED)
    elif kind == RuleKind.DOMAIN:
        covered = pending.filter(email__endswith="@" + value) | pending.filter(
            email__endswith="." + value
        )
        covered.update(status=ReviewStatus.IGNORED)
    return rule


def ignore_rule_remove(*, user: Any, rule: IgnoreRule) -> None:
    if rule.user_id != user.pk:
        raise PermissionError("The rule must be the user's.")
    rule.delete()


def forward_token_regenerate(*, user: Any) -> CaptureSettings:
    """A new forwarding address: the old one is refused from now on."""
    prefs = settings_for(user)
    prefs.token = new_token()
    prefs.save(update_fields=["token"])
    return prefs


def forward_owner(token: str) -> CaptureSettings | None:
    """The settings whose forwarding address is on and has this token, or None."""
    return (
        CaptureSettings.objects.select_related("user", "user__profile")
        .filter(token=token.strip().lower(), forward_enabled=True, user__is_active=True)
        .first()
    )


def source_gave_up_notify(*, user: Any, source_name: str, error: str) -> None:
    """The one e-mail after a source stopped retrying (`SourceStatus.failed` returned True):
    what stopped, the last error in words, and where to fix it. Call it on commit."""
    from django.conf import settings
    from django.urls import reverse

    from networkcrm.mail import templated_email

    templated_email(
        "capture-gave-up",
        {
            "user": user,
            "source_name": source_name,
            "error": error,
            "failures": settings.CAPTURE_MAX_FAILURES,
            "settings_url": settings.SITE_URL + reverse("capture:settings"),
        },
        to=[user.email],
    ).send()
