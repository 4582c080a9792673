"""The daily digest: who to check in with, e-mailed once a day at the user's local hour.

PostgreSQL is the source of truth and Redis only the doorbell:

1. ``Profile.next_digest_at`` (UTC) says when each user is next due. `digest_schedule` keeps it
   on the user's hour in their time zone, DST included.
2. `digest_sweep` (beat, every minute) locks the due profiles with ``FOR UPDATE SKIP LOCKED``,
   moves each one's ``next_digest_at`` to the next day, and writes one `DigestDelivery` per user
   and local date (unique) in the same transaction; the sends are queued on commit. Two sweeps
   at once take disjoint users; a sweep that dies takes its claims with it (rollback).
3. `digest_send` (a worker) claims its delivery with a conditional UPDATE (pending → sending,
   with a lease), sends with a Message-ID made from the delivery row, and marks it sent.
4. A delivery still pending or sending when its lease runs out — its message lost with Redis,
   its worker killed — is queued again by the sweep, and is sent with the **same** Message-ID.

The guarantee: nothing is lost; nothing is sent twice, except in the window between the SMTP
server accepting a message and the database recording it, where the resend carries the same
Message-ID (so mail clients show it once). Transient SMTP errors (4xx, connection failures) are
retried a few times at once, then by the sweep with a growing delay; a permanent refusal (5xx)
is recorded as failed with the server's reply, and never retried.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import time
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile, User
from followups.models import DeliveryKind, DeliveryStatus, DigestDelivery
from goals.models import GoalPlan
from networkcrm.mail import shared_connection, shared_connection_reset, templated_email

log = logging.getLogger(__name__)

SWEEP_BATCH = 500
# A sweep that runs this late (beat down for hours) skips the day rather than send stale news.
STALE_AFTER = dt.timedelta(hours=12)
# Attempts in all (in-task retries included) before a transient failure is recorded as failed.
MAX_ATTEMPTS = 8
# After the in-task retries, how long the sweep waits before trying again (doubling each time).
RETRY_BACKOFF = dt.timedelta(minutes=1)
LINK_SALT = "followups.digest.link"
UNSUBSCRIBE_SALT = "followups.digest.unsubscribe"


def lease() -> dt.timedelta:
    """How long a claimed delivery belongs to one worker before the sweep queues it again:
    longer than a send can take (the send task's time limit)."""
    return dt.timedelta(seconds=settings.DIGEST_LEASE_SECONDS)


# --- When ---------------------------------------------------------------------------------


def digest_time_after(profile: Profile, moment: dt.datetime) -> dt.datetime:
    """The first local ``digest_hour:00`` strictly after `moment`, in UTC.

    The hour is found on the user's local calendar, so it stays at 07:00 through DST changes;
    on the night a clock springs forward past the hour, it is sent at the first moment that
    exists after it.
    """
    zone = zoneinfo.ZoneInfo(profile.timezone)
    day = moment.astimezone(zone).date()
    for offset in range(3):
        local = dt.datetime.combine(day + dt.timedelta(days=offset), dt.time(profile.digest_hour))
        at = local.replace(tzinfo=zone).astimezone(dt.UTC)
        if at > moment:
            return at
    raise AssertionError("unreachable: a later day always has the hour")


def digest_schedule(profile: Profile, *, now: dt.datetime | None = None) -> Profile:
    """Sets when the user's next digest is due (after a change of hour, zone or choice)."""
    now = now or timezone.now()
    profile.next_digest_at = digest_time_after(profile, now) if profile.digest_enabled else None
    Profile.objects.filter(pk=profile.pk).update(next_digest_at=profile.next_digest_at)
    return profile


def digest_schedule_missing(*, now: dt.datetime | None = None) -> int:
    """Schedules every user who wants the digest and has no time set (new sign-ups, imports)."""
    now = now or timezone.now()
    missing = list(Profile.objects.filter(digest_enabled=True, next_digest_at__isnull=True))
    for profile in missing:
        profile.next_digest_at = digest_time_after(profile, now)
    Profile.objects.bulk_update(missing, ["next_digest_at"], batch_size=SWEEP_BATCH)
    return len(missing)


# --- Claiming -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    claimed: int = 0  # users whose digest became due and got a delivery row
    skipped: int = 0  # due so late that the day was skipped
    requeued: int = 0  # deliveries whose lease ran out, queued again


def digest_sweep(
    *,
    now: dt.datetime | None = None,
    batch: int = SWEEP_BATCH,
    enqueue: Callable[[list[int]], None] | None = None,
) -> SweepResult:
    """Claims due users and lost deliveries, and queues their sends once the claim is
    committed. Safe to run anywhere, any number of times at once: every claim is a row lock or
    a conditional UPDATE. `enqueue` receives the delivery ids to send (default: a send task
    each)."""
    now = now or timezone.now()
    enqueue = enqueue or enqueue_sends
    digest_schedule_missing(now=now)
    claimed = skipped = 0
    while True:
        made, late, more = _claim_due(now=now, batch=batch, enqueue=enqueue)
        claimed, skipped = claimed + made, skipped + late
        if not more:
            break
    requeued = _requeue_lost(now=now, enqueue=enqueue)
    return SweepResult(claimed, skipped, requeued)


@transaction.atomic
def _claim_due(
    *, now: dt.datetime, batch: int, enqueue: Callable[[list[int]], None]
) -> tuple[int, int, bool]:
    due = list(
        Profile.objects.select_for_update(skip_locked=True)
        .filter(digest_enabled=True, next_digest_at__lte=now)
        .order_by("next_digest_at")[:batch]
    )
    deliveries, late = [], 0
    for profile in due:
        scheduled = profile.next_digest_at
        profile.next_digest_at = digest_time_after(profile, now)
        if now - scheduled > STALE_AFTER:
            late += 1
            continue
        local_date = scheduled.astimezone(zoneinfo.ZoneInfo(profile.timezone)).date()
        deliveries.append(
            DigestDelivery(
                user_id=profile.user_id, local_date=local_date, lease_until=now + lease()
            )
        )
    Profile.objects.bulk_update(due, ["next_digest_at"])
    # One row per user and local date: a second claim of the same day inserts nothing.
    DigestDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    ids = list(
        DigestDelivery.objects.filter(
            kind=DeliveryKind.DAILY,
            status=DeliveryStatus.PENDING,
            attempts=0,
            user_id__in=[d.user_id for d in deliveries],
            local_date__in={d.local_date for d in deliveries},
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(partial(enqueue, ids))
    return len(deliveries), late, len(due) == batch


@transaction.atomic
def _requeue_lost(*, now: dt.datetime, enqueue: Callable[[list[int]], None]) -> int:
    """Deliveries claimed but not finished within their lease: queued again (same row, so the
    same Message-ID)."""
    lost = list(
        DigestDelivery.objects.select_for_update(skip_locked=True)
        .filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING], lease_until__lt=now)
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    DigestDelivery.objects.filter(pk__in=lost).update(
        status=DeliveryStatus.PENDING, lease_until=now + lease()
    )
    transaction.on_commit(partial(enqueue, lost))
    return len(lost)


def enqueue_sends(ids: Iterable[int]) -> None:
    """One send task per delivery (called once the claim is committed). If the broker is
    away, the rows are already claimed with a lease: the sweep queues them again later."""
    from followups.tasks import digest_send

    for pk in ids:
        digest_send.delay(pk)


# --- Sending ------------------------------------------------------------------------------


class Outcome:
    SENT = "sent"
    EMPTY = "empty"
    FAILED = "failed"
    RETRY_LATER = "retry later"
    NOT_MINE = "not mine"  # another worker holds it, or it is finished


def _claim(delivery_id: int, now: dt.datetime) -> bool:
    """pending → sending, with a lease, in one conditional UPDATE: only one worker wins."""
    return bool(
        DigestDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENDING, lease_until=now + lease(), attempts=F("attempts") + 1
        )
    )


def _finish(delivery_id: int, **fields: Any) -> None:
    DigestDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).update(**fields)


def message_id(delivery: DigestDelivery) -> str:
    domain = settings.DIGEST_MESSAGE_ID_DOMAIN
    return f"<{delivery.kind}-{delivery.pk}-{delivery.local_date:%Y%m%d}@{domain}>"


def digest_send(delivery_id: int, *, retries: int = 2, pause: float | None = None) -> str:
    """Sends one claimed delivery. Returns what happened (an `Outcome` value)."""
    now = timezone.now()
    if not _claim(delivery_id, now):
        return Outcome.NOT_MINE
    delivery = DigestDelivery.objects.select_related("user__profile").get(pk=delivery_id)
    if not delivery.user.is_active:
        _finish(delivery_id, status=DeliveryStatus.EMPTY, error="The user is not active.")
        return Outcome.EMPTY
    message, items = MESSAGES[delivery.kind](delivery)
    if message is None:
        _finish(delivery_id, status=DeliveryStatus.EMPTY, items=0)
        return Outcome.EMPTY
    pause = settings.DIGEST_RETRY_PAUSE_SECONDS if pause is None else pause
    error = ""
    for attempt in range(retries + 1):
        try:
            message.connection = shared_connection()
            message.send()
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as refused:
            shared_connection_reset()
            code, reply = _reply(refused)
            error = f"{code} {reply}"
            if 500 <= code < 600:
                _finish(delivery_id, status=DeliveryStatus.FAILED, error=error, items=items)
                log.warning("Digest %s refused for good: %s", delivery_id, error)
                return Outcome.FAILED
        except (smtplib.SMTPException, OSError) as trouble:
            shared_connection_reset()
            error = f"{type(trouble).__name__}: {trouble}"
        else:
            _finish(
                delivery_id,
                status=DeliveryStatus.SENT,
                sent_at=timezone.now(),
                message_id=message.extra_headers["Message-ID"],
                items=items,
                error="",
            )
            return Outcome.SENT
        if attempt < retries:
            time.sleep(pause * 2**attempt)
    return _retry_later(delivery_id, error=error, items=items)


def _retry_later(delivery_id: int, *, error: str, items: int) -> str:
    delivery = DigestDelivery.objects.get(pk=delivery_id)
    if delivery.attempts >= MAX_ATTEMPTS:
        _finish(delivery_id, status=DeliveryStatus.FAILED, error=error, items=items)
        return Outcome.FAILED
    # Back to the sweep, later each time: 2, 4, 8… minutes.
    wait = RETRY_BACKOFF * 2**delivery.attempts
    _finish(
        delivery_id,
        status=DeliveryStatus.PENDING,
        lease_until=timezone.now() + wait,
        error=error,
        items=items,
    )
    return Outcome.RETRY_LATER


def _reply(refused: smtplib.SMTPException) -> tuple[int, str]:
    """The server's code and words, from a refusal at any stage (the recipient's included)."""
    if isinstance(refused, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(refused.recipients.values()))
        return int(code), _text(reply)
    return refused.smtp_code, _text(refused.smtp_error)  # type: ignore[attr-defined]


def _text(value: Any) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


# --- The message --------------------------------------------------------------------------


def signed_link(action: str, kind: str, pk: int, user: User) -> str:
    """An expiring one-click link for an action on a check-in or follow-up of `user`."""
    token = signing.dumps({"a": action, "k": kind, "id": pk, "u": user.pk}, salt=LINK_SALT)
    return settings.SITE_URL + reverse("followups:digest_action", args=[token])


def unsubscribe_link(user: User) -> str:
    token = signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL + reverse("followups:digest_unsubscribe", args=[token])


def digest_message(delivery: DigestDelivery) -> tuple[Any, int]:
    """The e-mail for a delivery, or None when there is nothing to say and the user asked for
    silence on such days. Also returns how many check-ins and follow-ups it lists."""
    from followups.agenda import agenda_for

    user = delivery.user
    if not user.profile.digest_enabled:
        return None, 0
    agenda = agenda_for(user, today=delivery.local_date, limit=settings.DIGEST_MAX_ITEMS)
    items = len(agenda.checkins) + len(agenda.followups)
    if agenda.is_empty and not user.profile.digest_when_empty:
        return None, 0
    unsubscribe = unsubscribe_link(user)
    plan = GoalPlan.objects.active().filter(owner=user).only("reviewed_at").first()
    context = {
        "user": user,
        "agenda": agenda,
        "plan_review_due": plan is not None and plan.review_due(timezone.now()),
        "day": delivery.local_date,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe,
        "checkins": [
            (
                item,
                signed_link("done", "checkin", item.contact.pk, user),
                signed_link("snooze", "checkin", item.contact.pk, user),
            )
            for item in agenda.checkins
        ],
        "followups": [
            (
                item,
                signed_link("done", "followup", item.followup.pk, user),
                signed_link("snooze", "followup", item.followup.pk, user),
            )
            for item in agenda.followups
        ],
    }
    message = templated_email(
        "digest",
        context,
        to=[user.email],
        headers={
            "Message-ID": message_id(delivery),
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    return message, items


def link_read(token: str, *, max_age: dt.timedelta | None = None) -> dict[str, Any]:
    """The payload of a signed action link; raises signing.BadSignature (or its subclass
    SignatureExpired) when it was tampered with or is too old."""
    age = max_age or dt.timedelta(days=settings.DIGEST_LINK_DAYS)
    return signing.loads(token, salt=LINK_SALT, max_age=age)


def unsubscribe_read(token: str) -> dict[str, Any]:
    return signing.loads(token, salt=UNSUBSCRIBE_SALT)


def digest_turn_off(*, user_id: int) -> bool:
    """The unsubscribe: no more digests (the settings page turns it back on)."""
    return bool(
        Profile.objects.filter(Q(user_id=user_id), Q(digest_enabled=True)).update(
            digest_enabled=False, next_digest_at=None
        )
    )


# What each kind of delivery sends: a function from the delivery to (message or None, items).
# The weekly summary registers itself here.
MESSAGES: dict[str, Callable[[DigestDelivery], tuple[Any, int]]] = {
    DeliveryKind.DAILY: digest_message,
}
