"""Emitting events: one delivery row per enabled endpoint that asked for the event, written in
the caller's transaction and queued once it commits (so a change that rolls back tells nobody,
and a change that commits is never lost: the sweep queues what the broker lost).

What a payload carries (documented in README, "Webhooks"): ids, names, dates, kinds and links
back to the app. Never notes of any kind (a contact's notes and private notes, an interaction's
notes), never e-mail addresses or phone numbers; a private interaction emits nothing at all,
and the weekly KPIs are the numbers the KPI page shows, which never count private ones."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from webhooks.models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint
from webhooks.targets import target_check

MAX_ENDPOINTS = 10
PING_EVERY = dt.timedelta(seconds=10)
# A follow-up that fell due while the sweep was away is still told about this long after.
DUE_WINDOW = dt.timedelta(days=2)


def _link(name: str, *args: Any) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def body_write(*, delivery: WebhookDelivery, data: dict[str, Any]) -> str:
    envelope = {
        "id": str(delivery.uid),
        "event": delivery.event,
        "created_at": timezone.now(),
        "data": data,
    }
    return json.dumps(envelope, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS)


# The deliveries written in this thread and not yet queued: a transaction that emits many
# events (an import, the bench) queues them together once it commits, in batches.
_unqueued = threading.local()


def _deliveries_write(rows: list[WebhookDelivery]) -> None:
    """Inserts the rows (a second row with a taken dedupe key is dropped) and queues the sends
    of those written once the transaction commits."""
    if not rows:
        return
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    if not hasattr(_unqueued, "uids"):
        _unqueued.uids = []
    _unqueued.uids.extend(row.uid for row in rows)
    transaction.on_commit(_enqueue_unqueued)


def _enqueue_unqueued() -> None:
    """The first callback after a commit queues every delivery written so far; the others find
    nothing left. (Rows of a transaction that rolled back are not found: no send.)"""
    from webhooks.delivery import enqueue_sends

    uids, _unqueued.uids = getattr(_unqueued, "uids", []), []
    if not uids:
        return
    ids = WebhookDelivery.objects.filter(uid__in=uids, status=DeliveryStatus.PENDING)
    enqueue_sends(list(ids.order_by("pk").values_list("pk", flat=True)))


def _listening(owner_ids: Iterable[int], event: str) -> list[WebhookEndpoint]:
    """The enabled endpoints of these owners that asked for `event`: one query (the event
    list is filtered here, JSON containment differing between the databases)."""
    endpoints = WebhookEndpoint.objects.filter(owner_id__in=list(owner_ids), enabled=True)
    return [e for e in endpoints.only("pk", "owner_id", "events") if event in e.events]


def _row(
    endpoint: WebhookEndpoint, event: str, data: dict[str, Any], key: str = ""
) -> WebhookDelivery:
    now = timezone.now()
    row = WebhookDelivery(
        endpoint=endpoint,
        event=event,
        dedupe_key=key,
        next_attempt_at=now,
        lease_until=now + lease(),
    )
    row.body = body_write(delivery=row, data=data)
    return row


def event_emit(*, owner_id: int, event: str, data: dict[str, Any], dedupe_key: str = "") -> int:
    """One delivery per endpoint of the owner listening to `event`; returns how many."""
    rows = [_row(e, event, data, dedupe_key) for e in _listening([owner_id], event)]
    _deliveries_write(rows)
    return len(rows)


# --- Payloads ---------------------------------------------------------------------------------


def _people(contacts: Iterable[Any]) -> list[dict[str, Any]]:
    return [{"id": c.pk, "name": c.name} for c in contacts]


def contact_data(contact: Any) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "name": contact.name,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "company": contact.company,
        "title": contact.title,
        "circle": contact.circle,
        "archived": contact.archived,
        "strength": contact.strength,
        "next_checkin_on": contact.next_checkin_on,
        "updated_at": contact.updated_at,
        "url": _link("contacts:detail", contact.pk),
    }


def interaction_data(interaction: Any, contacts: Sequence[Any]) -> dict[str, Any]:
    return {
        "id": interaction.pk,
        "occurred_on": interaction.occurred_on,
        "kind": interaction.kind,
        "channel": interaction.channel,
        "initiated_by": interaction.initiated_by,
        "quality": interaction.quality,
        "outcome": interaction.outcome,
        "contacts": _people(contacts),
        "url": _link("contacts:interaction_edit", interaction.pk),
    }


def followup_data(followup: Any, contacts: Sequence[Any]) -> dict[str, Any]:
    return {
        "id": followup.pk,
        "about": followup.about,
        "due_on": followup.due_on,
        "snoozed_until": followup.snoozed_until,
        "status": followup.status,
        "done_on": followup.done_on,
        "contacts": _people(contacts),
        "url": _link("followups:edit", followup.pk),
    }


# --- Where things happen (called by the apps' services) ---------------------------------------


def contact_saved_emit(*, contact: Any, created: bool) -> None:
    event = Event.CONTACT_CREATED if created else Event.CONTACT_CHANGED
    event_emit(owner_id=contact.owner_id, event=event, data=contact_data(contact))


def interaction_logged_emit(*, interaction: Any, contacts: Sequence[Any]) -> None:
    """A private interaction is in its owner's log and nowhere else: no event."""
    if interaction.private:
        return
    event_emit(
        owner_id=interaction.owner_id,
        event=Event.INTERACTION_LOGGED,
        data=interaction_data(interaction, contacts),
    )


def followup_done_emit(*, followup: Any, contacts: Sequence[Any]) -> None:
    event_emit(
        owner_id=followup.owner_id,
        event=Event.FOLLOWUP_DONE,
        data=followup_data(followup, contacts),
        dedupe_key=f"followup.done:{followup.pk}",
    )


def weekly_kpis_emit(*, week_start: dt.date, user_ids: Sequence[int]) -> int:
    """The week's KPIs are written for these users: one delivery per listening endpoint and
    week (a week rolled up again tells nobody twice). Three queries however many users."""
    from kpis.models import WeeklyKpi

    endpoints = _listening(user_ids, Event.KPIS_WEEKLY_READY)
    if not endpoints:
        return 0
    weeks = {
        k.user_id: k
        for k in WeeklyKpi.objects.filter(
            user_id__in={e.owner_id for e in endpoints}, week_start=week_start
        )
    }
    rows = []
    for endpoint in endpoints:
        kpi = weeks.get(endpoint.owner_id)
        if kpi is None:
            continue
        data = {
            "week_start": week_start,
            "values": kpi.values,
            "snapshots": kpi.snapshots,
            "objectives": [
                {k: o.get(k) for k in ("id", "title", "value", "target", "status")}
                for o in kpi.objectives
            ],
            "url": _link("kpis:page"),
        }
        rows.append(_row(endpoint, Event.KPIS_WEEKLY_READY, data, f"kpis:{week_start}"))
    _deliveries_write(rows)
    return len(rows)


def followups_due_emit(*, now: dt.datetime | None = None) -> int:
    """ "Follow-up due", once per follow-up, endpoint and due date: the follow-ups of listening
    users that fall due (their date, or the date they were snoozed to) today where the user
    lives, or fell due in the last `DUE_WINDOW` (the sweep was away). Run by every sweep; the
    dedupe key makes it idempotent. A query for the endpoints, one for the follow-ups, one for
    their contacts, one INSERT."""
    from accounts.models import Profile
    from followups.models import FollowUp, FollowUpStatus

    now = now or timezone.now()
    endpoints = _listening(
        WebhookEndpoint.objects.filter(enabled=True).values_list("owner_id", flat=True).distinct(),
        Event.FOLLOWUP_DUE,
    )
    if not endpoints:
        return 0
    owners = {e.owner_id for e in endpoints}
    zones = dict(Profile.objects.filter(user_id__in=owners).values_list("user_id", "timezone"))
    todays = [timezone.localdate(now, _zone(z)) for z in zones.values()] or [now.date()]
    window = (min(todays) - DUE_WINDOW, max(todays))
    candidates = (
        FollowUp.objects.filter(
            owner_id__in=owners, status__in=[FollowUpStatus.OPEN, FollowUpStatus.SNOOZED]
        )
        .filter(
            Q(snoozed_until__isnull=True, due_on__range=window) | Q(snoozed_until__range=window)
        )
        .prefetch_related("contacts")
        .order_by("pk")
    )
    by_owner: dict[int, list[WebhookEndpoint]] = {}
    for endpoint in endpoints:
        by_owner.setdefault(endpoint.owner_id, []).append(endpoint)
    rows = []
    for followup in candidates:
        today = timezone.localdate(now, _zone(zones.get(followup.owner_id, settings.TIME_ZONE)))
        due = followup.snoozed_until or followup.due_on
        if not (today - DUE_WINDOW <= due <= today):
            continue
        data = followup_data(followup, list(followup.contacts.all()))
        for endpoint in by_owner[followup.owner_id]:
            key = f"followup.due:{followup.pk}:{due}"
            rows.append(_row(endpoint, Event.FOLLOWUP_DUE, data, key))
    # Most were told about by an earlier sweep: only the new keys are inserted (and queued).
    taken = set(
        WebhookDelivery.objects.filter(
            endpoint__in=[e.pk for e in endpoints], dedupe_key__in={r.dedupe_key for r in rows}
        ).values_list("endpoint_id", "dedupe_key")
    )
    fresh = [r for r in rows if (r.endpoint_id, r.dedupe_key) not in taken]
    _deliveries_write(fresh)
    return len(fresh)


def _zone(name: str) -> dt.tzinfo:
    import zoneinfo

    return zoneinfo.ZoneInfo(name)


# --- Endpoints --------------------------------------------------------------------------------


class TooManyEndpoints(Exception):
    pass


@transaction.atomic
def endpoint_save(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Saves an endpoint (its form has checked the target); at most `MAX_ENDPOINTS` a user."""
    if endpoint.pk is None:
        from accounts.models import User

        User.objects.select_for_update().filter(pk=endpoint.owner_id).first()
        if WebhookEndpoint.objects.filter(owner_id=endpoint.owner_id).count() >= MAX_ENDPOINTS:
            raise TooManyEndpoints(f"You can have at most {MAX_ENDPOINTS} webhook endpoints.")
    target_check(endpoint.url)
    endpoint.save()
    return endpoint


def endpoint_secret_renew(*, endpoint: WebhookEndpoint) -> str:
    from webhooks.models import new_secret

    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint.secret


class PingTooSoon(Exception):
    pass


@transaction.atomic
def endpoint_ping(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """The "send test" button: a `ping` through the same delivery path as any event (also to
    a disabled endpoint: it was asked for). One per `PING_EVERY` an endpoint: the button must
    not turn the server into a way to flood an address."""
    WebhookEndpoint.objects.select_for_update().filter(pk=endpoint.pk).first()  # clicks queue
    last = (
        endpoint.deliveries.filter(event=Event.PING)
        .order_by("-pk")
        .values_list("created_at", flat=True)
        .first()
    )
    if last is not None and timezone.now() - last < PING_EVERY:
        raise PingTooSoon("A test is on its way already: try again in a few seconds.")
    row = _row(
        endpoint,
        Event.PING,
        {"endpoint": endpoint.pk, "message": "A test from NetworkCRM: this endpoint works."},
    )
    _deliveries_write([row])
    return WebhookDelivery.objects.get(uid=row.uid)


def endpoint_export_items(owner: Any) -> Iterable[dict[str, Any]]:
    """The owner's endpoints for the account export: never their secrets."""
    for e in WebhookEndpoint.objects.filter(owner=owner).order_by("pk"):
        yield {
            "id": e.pk,
            "url": e.url,
            "description": e.description,
            "events": e.events,
            "enabled": e.enabled,
            "created_at": e.created_at,
        }
