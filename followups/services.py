from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Profile
from contacts.models import Channel, Contact, Interaction, Kind
from contacts.services import checkins_refresh, interaction_log
from followups.models import FollowUp, FollowUpStatus, Heartbeat
from webhooks.services import followup_done_emit

PENDING = (FollowUpStatus.OPEN, FollowUpStatus.SNOOZED)


def heartbeat_record(*, name: str, hostname: str = "") -> Heartbeat:
    """Records a run in one statement, so two workers beating at once both count."""
    now = timezone.now()
    updated = Heartbeat.objects.filter(name=name).update(
        last_run_at=now, runs=models.F("runs") + 1, hostname=hostname
    )
    if not updated:
        heartbeat, created = Heartbeat.objects.get_or_create(
            name=name, defaults={"last_run_at": now, "runs": 1, "hostname": hostname}
        )
        if not created:  # another worker created it between our UPDATE and INSERT
            return heartbeat_record(name=name, hostname=hostname)
    return Heartbeat.objects.get(name=name)


# --- Follow-ups and check-ins: what the Today page's buttons and the digest's links call. ---
#
# Each action is idempotent: it claims the row with a conditional UPDATE (or a row lock) and
# acts only if the row is still in a state the action applies to, so a double click, a link
# opened twice or a done follow-up snoozed from yesterday's e-mail changes nothing and says so.


@dataclass(frozen=True)
class ActionResult:
    changed: bool
    message: str  # what happened, in words, for a page or a confirmation
    interaction: Interaction | None = None


def _names(contacts: Sequence[Contact]) -> str:
    names = [c.name for c in contacts[:3]]
    return ", ".join(names) + ("…" if len(contacts) > 3 else "") or "nobody"


def _check_owner(owner_id: int, contacts: Sequence[Contact]) -> None:
    if not contacts:
        raise ValueError("A follow-up needs at least one contact.")
    if any(c.owner_id != owner_id for c in contacts):
        raise PermissionError("Every contact must belong to the owner.")


@transaction.atomic
def followup_create(
    *, owner: Any, contacts: Sequence[Contact], about: str, due_on: dt.date
) -> FollowUp:
    """Follow up with `contacts` about `about` by `due_on`; only the owner's own contacts."""
    _check_owner(owner.pk, contacts)
    followup = FollowUp.objects.create(owner=owner, about=about.strip(), due_on=due_on)
    followup.contacts.set(contacts)
    return followup


@transaction.atomic
def followup_update(
    *, followup: FollowUp, contacts: Sequence[Contact], about: str, due_on: dt.date
) -> FollowUp:
    _check_owner(followup.owner_id, contacts)
    followup.about, followup.due_on = about.strip(), due_on
    followup.save(update_fields=["about", "due_on", "updated_at"])
    followup.contacts.set(contacts)
    return followup


def _closed(followup: FollowUp) -> ActionResult:
    followup.refresh_from_db()
    if followup.status == FollowUpStatus.DONE:
        when = f" on {date_format(followup.done_on)}" if followup.done_on else ""
        return ActionResult(False, f"“{followup.about}” was already done{when}.")
    return ActionResult(False, f"“{followup.about}” was skipped; nothing changed.")


@transaction.atomic
def followup_done(
    *,
    followup: FollowUp,
    today: dt.date,
    interaction: Interaction | None = None,
    log: bool = True,
) -> ActionResult:
    """Marks it done. Links `interaction` when given (the conversation that settled it), else
    logs a minimal one with its contacts (unless `log` is False), which resets their cadence.
    Done twice is done once: one interaction."""
    if interaction is not None and interaction.owner_id != followup.owner_id:
        raise PermissionError("The interaction must be the owner's.")
    claimed = FollowUp.objects.filter(pk=followup.pk, status__in=PENDING).update(
        status=FollowUpStatus.DONE, done_on=today, snoozed_until=None, updated_at=timezone.now()
    )
    if not claimed:
        return _closed(followup)
    contacts = list(followup.contacts.all())
    if interaction is None and log and contacts:
        interaction = interaction_log(
            owner=followup.owner,
            contacts=contacts,
            today=today,
            occurred_on=today,
            kind=Kind.MESSAGE,
            channel=Channel.OTHER,
            notes=f"Followed up: {followup.about}",
        )
    if interaction is not None:
        FollowUp.objects.filter(pk=followup.pk).update(interaction=interaction)
    followup.refresh_from_db()
    followup_done_emit(followup=followup, contacts=contacts)
    return ActionResult(True, f"Done: “{followup.about}” with {_names(contacts)}.", interaction)


@transaction.atomic
def followup_snooze(*, followup: FollowUp, until: dt.date) -> ActionResult:
    """Not before `until`. A follow-up already done or skipped stays as it is."""
    claimed = (
        FollowUp.objects.filter(pk=followup.pk, status__in=PENDING)
        .exclude(status=FollowUpStatus.SNOOZED, snoozed_until=until)
        .update(status=FollowUpStatus.SNOOZED, snoozed_until=until, updated_at=timezone.now())
    )
    followup.refresh_from_db()
    if claimed:
        return ActionResult(True, f"Snoozed “{followup.about}” until {_day(until)}.")
    if followup.status == FollowUpStatus.SNOOZED:
        return ActionResult(False, f"“{followup.about}” is already snoozed until {_day(until)}.")
    return _closed(followup)


@transaction.atomic
def followup_skip(*, followup: FollowUp) -> ActionResult:
    """Drops it without logging anything."""
    claimed = FollowUp.objects.filter(pk=followup.pk, status__in=PENDING).update(
        status=FollowUpStatus.SKIPPED, snoozed_until=None, updated_at=timezone.now()
    )
    if not claimed:
        return _closed(followup)
    followup.refresh_from_db()
    return ActionResult(True, f"Skipped “{followup.about}”.")


def _day(day: dt.date | None) -> str:
    return date_format(day) if day else "no date"


def _lock_due(contact: Contact, today: dt.date) -> tuple[Contact, ActionResult | None]:
    """The contact, locked; and a no-change result when its check-in is not due today."""
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    if locked.next_checkin_on is None:
        return locked, ActionResult(False, f"{locked.name} has no regular check-in.")
    if locked.next_checkin_on > today:
        return locked, ActionResult(
            False, f"{locked.name} is not due: next check-in {_day(locked.next_checkin_on)}."
        )
    return locked, None


@transaction.atomic
def checkin_done(*, contact: Contact, today: dt.date) -> ActionResult:
    """Logs a minimal "Checked in" interaction, which moves the next check-in a cadence on.
    Only when it is due: twice is once."""
    locked, unchanged = _lock_due(contact, today)
    if unchanged:
        return unchanged
    interaction = interaction_log(
        owner=locked.owner,
        contacts=[locked],
        today=today,
        occurred_on=today,
        kind=Kind.MESSAGE,
        channel=Channel.OTHER,
        notes="Checked in",
    )
    contact.refresh_from_db()
    return ActionResult(
        True,
        f"Checked in with {contact.name}. Next check-in {_day(contact.next_checkin_on)}.",
        interaction,
    )


@transaction.atomic
def checkin_snooze(*, contact: Contact, until: dt.date, today: dt.date) -> ActionResult:
    """A due check-in waits until `until`; one that is not due stays as it is."""
    if until <= today:
        raise ValueError("A snooze ends after today.")
    locked, unchanged = _lock_due(contact, today)
    if unchanged:
        return unchanged
    Contact.objects.filter(pk=locked.pk).update(checkin_snoozed_until=until)
    checkins_refresh(contacts=Contact.objects.filter(pk=locked.pk))
    contact.refresh_from_db()
    return ActionResult(True, f"Snoozed {contact.name} until {_day(contact.next_checkin_on)}.")


@transaction.atomic
def interaction_log_with_followup(
    *,
    owner: Any,
    contacts: Sequence[Contact],
    today: dt.date,
    follow_up_on: dt.date | None,
    follow_up_about: str,
    **fields: Any,
) -> tuple[Interaction, FollowUp | None]:
    """The quick log: an interaction and, when asked, a follow-up with the same contacts."""
    interaction = interaction_log(owner=owner, contacts=contacts, today=today, **fields)
    followup = None
    if follow_up_on is not None:
        followup = followup_create(
            owner=owner, contacts=contacts, about=follow_up_about, due_on=follow_up_on
        )
    return interaction, followup


@transaction.atomic
def followup_log(
    *, followup: FollowUp, contacts: Sequence[Contact], today: dt.date, **fields: Any
) -> tuple[ActionResult, FollowUp | None]:
    """Logs the conversation that settles a follow-up, and marks it done with it."""
    interaction, next_one = interaction_log_with_followup(
        owner=followup.owner, contacts=contacts, today=today, **fields
    )
    result = followup_done(followup=followup, today=today, interaction=interaction)
    return result, next_one


def calendar_token_renew(*, user: Any) -> str:
    """A new secret address for the calendar feed; the old one stops working at once."""
    token = secrets.token_urlsafe(32)
    Profile.objects.update_or_create(user=user, defaults={"calendar_token": token})
    return token


def calendar_token_clear(*, user: Any) -> None:
    """Turns the calendar feed off."""
    Profile.objects.filter(user=user).update(calendar_token="")
