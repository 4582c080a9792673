"""The daily digest: who to check in with, e-mailed once a day at the user's local hour.

PostgreSQL is the source of truth and Redis only the doorbell:

1. ``Profile.next_digest_at`` (UTC) says when each user is next due. `digest_schedule` keeps it
   on the user's hour in their time zone, DST included.
2. `digest_sweep` (beat, every minute) locks the due profiles with ``FOR UPDATE SKIP LOCKED``,
   moves each one's ``next_digest_at`` to the next day, and writes one `DigestDelivery` per user
   and local date (unique) in the same transaction; the sends are queued on commit. Two sweeps
   at once take disjoint users; a sweep that dies takes its claims with it (rollback).
3. The sends are queued in batches (`SEND_BATCH` deliveries a task). `digest_send_batch` (a
   worker) claims those still pending (pending → sending, with a lease: the rows locked, so
   only one worker wins each), writes all their messages from shared queries (the agendas of
   all their users at once), then sends each with a Message-ID made from its delivery row over
   the process's SMTP connection and records it (sent, failed, or back to pending) before the
   next. One delivery's refusal or broken message never holds up the others.
4. A delivery still pending or sending when its lease runs out — its message lost with Redis,
   its worker killed mid-batch — is queued again by the sweep, and is sent with the **same**
   Message-ID. The send task's time limit is well under the lease, so a batch never sends a
   delivery whose lease has run out (and stops at half the lease should it be set shorter).

The guarantee: nothing is lost; nothing is sent twice, except in the window between the SMTP
server accepting a message and the database recording it, where the resend carries the same
Message-ID (so mail clients show it once). Transient SMTP errors (4xx, connection failures) are
retried a few times at once — once a batch: after that its other deliveries get one try each,
or none when the server cannot be reached — then by the sweep with a growing delay; a
permanent refusal (5xx) is recorded as failed with the server's reply, and never retried.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import time
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F, Q
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.text import Truncator

from accounts.models import Profile, User
from followups.models import DeliveryKind, DeliveryStatus, DigestDelivery
from networkcrm.mail import shared_connection, shared_connection_reset, templated_email

log = logging.getLogger(__name__)

SWEEP_BATCH = 500
# Deliveries per send task: their messages are written from shared queries (one per kind of
# row for all of them) and go out over the process's SMTP connection, each still sent and
# recorded on its own. Small enough that a batch ends within the send task's time limit even
# when the mail server takes a second per message.
SEND_BATCH = 100
# A sweep that runs this late (beat down for hours) skips the day rather than send stale news.
STALE_AFTER = dt.timedelta(hours=12)
# Attempts in all (in-task retries included) before a transient failure is recorded as failed.
MAX_ATTEMPTS = 8
# After the in-task retries, how long the sweep waits before trying again (doubling each time).
RETRY_BACKOFF = dt.timedelta(minutes=1)
# A test digest from Settings: at most one this often per user.
TEST_DIGEST_EVERY = dt.timedelta(minutes=5)
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


def digest_first_time(profile: Profile, now: dt.datetime) -> dt.datetime:
    """When a newly chosen hour (a sign-up, a change in Settings) first comes: today if it is
    still ahead, at once if it is the current hour, else tomorrow. The first ``digest_hour:00``
    after an hour ago is exactly that: due now when this hour is the one chosen."""
    return digest_time_after(profile, now - dt.timedelta(hours=1))


def digest_schedule(profile: Profile, *, now: dt.datetime | None = None) -> Profile:
    """Sets when the user's next digest is due (after a change of hour, zone or choice)."""
    now = now or timezone.now()
    profile.next_digest_at = digest_time_after(profile, now) if profile.digest_enabled else None
    Profile.objects.filter(pk=profile.pk).update(next_digest_at=profile.next_digest_at)
    return profile


def digest_schedule_missing(*, now: dt.datetime | None = None) -> int:
    """Schedules every user who wants the digest and has no time set (new sign-ups, imports),
    for their first digest (`digest_first_time`)."""
    now = now or timezone.now()
    missing = list(Profile.objects.filter(digest_enabled=True, next_digest_at__isnull=True))
    for profile in missing:
        profile.next_digest_at = digest_first_time(profile, now)
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
    # Who moves to which next time: users due together share a few (one per time zone and
    # hour), so one UPDATE each rather than bulk_update's CASE over every row.
    next_times: dict[dt.datetime, list[int]] = {}
    for profile in due:
        scheduled = profile.next_digest_at
        next_at = digest_time_after(profile, now)
        next_times.setdefault(next_at, []).append(profile.pk)
        if now - scheduled > STALE_AFTER:
            late += 1
            continue
        local_date = scheduled.astimezone(zoneinfo.ZoneInfo(profile.timezone)).date()
        deliveries.append(
            DigestDelivery(
                user_id=profile.user_id, local_date=local_date, lease_until=now + lease()
            )
        )
    for next_at, pks in next_times.items():
        Profile.objects.filter(pk__in=pks).update(next_digest_at=next_at)
    # One row per user and local date: a second claim of the same day inserts nothing.
    DigestDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    ids = list(
        DigestDelivery.objects.filter(
            kind=DeliveryKind.DAILY,
            status=DeliveryStatus.PENDING,
            attempts=0,
            user_id__in=[d.user_id for d in deliveries],
            local_date__in={d.local_date for d in deliveries},
        )
        .order_by("local_date", "pk")  # a batch of one day writes its messages together
        .values_list("pk", flat=True)
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


def enqueue_sends(ids: Iterable[int], *, connection: Any = None) -> None:
    """One send task per `SEND_BATCH` deliveries (called once the claim is committed), on
    the default broker or on `connection`. If the broker is away, the rows are already
    claimed with a lease: the sweep queues them again later."""
    from followups.tasks import digest_send_batch

    ids = list(ids)
    for at in range(0, len(ids), SEND_BATCH):
        digest_send_batch.apply_async((ids[at : at + SEND_BATCH],), connection=connection)


class TestDigestTooSoon(Exception):
    """A test digest was asked for less than `TEST_DIGEST_EVERY` ago."""

    def __init__(self, wait: dt.timedelta) -> None:
        self.wait = wait
        minutes = max(1, -(-int(wait.total_seconds()) // 60))
        super().__init__(
            "A test digest is on its way already. You can ask for another in "
            f"{minutes} minute{'s' if minutes != 1 else ''}."
        )


@transaction.atomic
def test_digest_request(*, user: User) -> DigestDelivery:
    """Today's digest now, marked as a test: a delivery row of kind test, queued once committed
    and sent by the same worker as the daily one (so with its guarantees). It is not the day's
    digest: that one still comes at its hour. At most one per `TEST_DIGEST_EVERY`."""
    now = timezone.now()
    # The profile's row lock makes two clicks at once wait for each other, so the second
    # sees the first's delivery.
    profile = Profile.objects.select_for_update().get(user=user)
    last = (
        DigestDelivery.objects.filter(user=user, kind=DeliveryKind.TEST)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last is not None and now - last < TEST_DIGEST_EVERY:
        raise TestDigestTooSoon(TEST_DIGEST_EVERY - (now - last))
    delivery = DigestDelivery.objects.create(
        user=user,
        kind=DeliveryKind.TEST,
        local_date=now.astimezone(zoneinfo.ZoneInfo(profile.timezone)).date(),
        lease_until=now + lease(),
    )
    transaction.on_commit(partial(enqueue_sends, [delivery.pk]))
    return delivery


# --- Sending ------------------------------------------------------------------------------


class Outcome:
    SENT = "sent"
    EMPTY = "empty"
    FAILED = "failed"
    RETRY_LATER = "retry later"
    NOT_MINE = "not mine"  # another worker holds it, or it is finished


def _claim(delivery_ids: list[int], now: dt.datetime) -> list[DigestDelivery]:
    """pending → sending, with a lease, for each of the deliveries still pending, with their
    users and profiles. Each row is locked first (FOR UPDATE, in id order: a second claimer
    waits, then finds it sending), so only one worker wins each delivery."""
    with transaction.atomic():
        mine = list(
            DigestDelivery.objects.select_for_update(of=("self",))
            .select_related("user__profile")
            .filter(pk__in=delivery_ids, status=DeliveryStatus.PENDING)
            .order_by("pk")
        )
        DigestDelivery.objects.filter(pk__in=[d.pk for d in mine]).update(
            status=DeliveryStatus.SENDING, lease_until=now + lease(), attempts=F("attempts") + 1
        )
    return mine


def _finish(delivery_id: int, **fields: Any) -> None:
    DigestDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).update(**fields)


def message_id(delivery: DigestDelivery) -> str:
    domain = settings.DIGEST_MESSAGE_ID_DOMAIN
    return f"<{delivery.kind}-{delivery.pk}-{delivery.local_date:%Y%m%d}@{domain}>"


def digest_send(delivery_id: int, *, retries: int = 2, pause: float | None = None) -> str:
    """Sends one claimed delivery. Returns what happened (an `Outcome` value)."""
    return digest_send_batch([delivery_id], retries=retries, pause=pause)[delivery_id]


def digest_send_batch(
    delivery_ids: Iterable[int], *, retries: int = 2, pause: float | None = None
) -> dict[int, str]:
    """Sends a batch of deliveries: claims those still pending (one transaction for all), reads
    what they say for all of them at once (a query per kind of row, whatever their number),
    then sends and records each one in turn, exactly as it would be alone. A batch stopped
    anywhere leaves each of its deliveries claimed (sending: the sweep queues it again when
    its lease runs out) or finished. Returns what happened to each (an `Outcome` value)."""
    pause = settings.DIGEST_RETRY_PAUSE_SECONDS if pause is None else pause
    outcomes = dict.fromkeys(delivery_ids, Outcome.NOT_MINE)
    now = timezone.now()
    claimed = _claim(list(outcomes), now)
    # Every send starts within the lease's first half: with the task's time limit (well
    # under the lease) this never binds; with a lease set shorter than a batch can take, the
    # rest is left claimed to the sweep rather than sent when another worker may hold it.
    send_by = now + lease() / 2
    messages = _messages([d for d in claimed if d.user.is_active])
    trouble = ""  # the mail server could not be reached: the rest go back to the sweep
    for delivery in claimed:
        pk = delivery.pk
        if not delivery.user.is_active:
            _finish(pk, status=DeliveryStatus.EMPTY, error="The user is not active.")
            outcomes[pk] = Outcome.EMPTY
            continue
        if pk not in messages:
            reason = "The message could not be written; see the worker's log."
            outcomes[pk] = _retry_later(pk, error=reason, items=0)
            continue
        message, items = messages[pk]
        if message is None:
            _finish(pk, status=DeliveryStatus.EMPTY, items=0)
            outcomes[pk] = Outcome.EMPTY
        elif trouble:
            outcomes[pk] = _retry_later(pk, error=trouble, items=items)
        elif timezone.now() >= send_by:
            outcomes[pk] = Outcome.RETRY_LATER  # claimed, untouched: the sweep's, at its lease
        else:
            try:
                outcomes[pk], unreachable = _deliver(
                    pk, message, items=items, retries=retries, pause=pause
                )
            except SoftTimeLimitExceeded:
                raise  # this one and the rest stay claimed: the sweep queues them at the lease
            except Exception as unexpected:
                # Not the server's answer (a message that cannot be serialised, say): it goes
                # back to the sweep like a busy server's, and the batch carries on.
                log.exception("Digest %s could not be sent", pk)
                shared_connection_reset()
                reason = f"{type(unexpected).__name__}: {unexpected}"
                outcomes[pk] = _retry_later(pk, error=reason, items=items)
                continue
            if outcomes[pk] == Outcome.RETRY_LATER:
                # The server was given its in-task retries once: the rest of the batch gets
                # one try each, or none when the server did not answer at all.
                retries = 0
                trouble = unreachable
    return outcomes


def _messages(deliveries: list[DigestDelivery]) -> dict[int, tuple[Any, int]]:
    """(message or None, items) by delivery: a kind with a batch writer writes all of its
    deliveries at once; one that fails, and every other kind, is written one delivery at a
    time, so one user's trouble never holds up the others (it is logged and left out)."""
    written: dict[int, tuple[Any, int]] = {}
    by_kind: dict[str, list[DigestDelivery]] = {}
    for delivery in deliveries:
        by_kind.setdefault(delivery.kind, []).append(delivery)
    for kind, some in by_kind.items():
        if kind in BATCH_MESSAGES:
            try:
                written.update(BATCH_MESSAGES[kind](some))
                continue
            except SoftTimeLimitExceeded:
                raise
            except Exception:
                log.exception("Writing %s deliveries together failed; one at a time", len(some))
        for delivery in some:
            try:
                written[delivery.pk] = MESSAGES[kind](delivery)
            except SoftTimeLimitExceeded:
                raise
            except Exception:
                log.exception("Delivery %s could not be written", delivery.pk)
    return written


def _deliver(
    delivery_id: int, message: Any, *, items: int, retries: int, pause: float
) -> tuple[str, str]:
    """Sends a claimed delivery's message and records what happened: (outcome, the error
    when the server could not be reached at all)."""
    error = unreachable = ""
    for attempt in range(retries + 1):
        try:
            message.connection = shared_connection()
            message.send()
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as refused:
            shared_connection_reset()
            code, reply = _reply(refused)
            error, unreachable = f"{code} {reply}", ""
            if 500 <= code < 600:
                _finish(delivery_id, status=DeliveryStatus.FAILED, error=error, items=items)
                log.warning("Digest %s refused for good: %s", delivery_id, error)
                return Outcome.FAILED, ""
        except (smtplib.SMTPException, OSError) as trouble:
            shared_connection_reset()
            error = unreachable = f"{type(trouble).__name__}: {trouble}"
        else:
            _finish(
                delivery_id,
                status=DeliveryStatus.SENT,
                sent_at=timezone.now(),
                message_id=message.extra_headers["Message-ID"],
                items=items,
                error="",
            )
            return Outcome.SENT, ""
        if attempt < retries:
            time.sleep(pause * 2**attempt)
    return _retry_later(delivery_id, error=error, items=items), unreachable


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
    return _link("followups:digest_action", token)


def unsubscribe_link(user: User) -> str:
    token = signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)
    return _link("followups:digest_unsubscribe", token)


def _link(name: str, token: str) -> str:
    """SITE_URL + reverse(name, args=[token]), the route reversed once: a digest has a dozen
    links, and reverse() costs several times what signing one does."""
    before, after = _route(name, get_script_prefix())
    return f"{settings.SITE_URL}{before}{token}{after}"


@cache
def _route(name: str, script_prefix: str) -> tuple[str, str]:
    before, after = reverse(name, args=["TOKEN"]).split("TOKEN")
    return before, after


def digest_message(delivery: DigestDelivery) -> tuple[Any, int]:
    """The e-mail for a delivery, or None when there is nothing to say and the user asked for
    silence on such days. Also returns how many check-ins and follow-ups it lists."""
    return digest_messages([delivery])[delivery.pk]


def test_digest_message(delivery: DigestDelivery) -> tuple[Any, int]:
    """A test digest: the day's digest as it would be, marked as a test, sent even when the
    digest is off or there is nothing to say (it was asked for)."""
    return test_digest_messages([delivery])[delivery.pk]


def test_digest_messages(deliveries: list[DigestDelivery]) -> dict[int, tuple[Any, int]]:
    return digest_messages(deliveries, test=True)


def digest_messages(
    deliveries: list[DigestDelivery], *, test: bool = False
) -> dict[int, tuple[Any, int]]:
    """`digest_message` of many deliveries (with their users and profiles), by delivery, in
    the queries of one: the agendas of all their users at once, per day, then their plans."""
    from followups.agenda import agendas_for

    written: dict[int, tuple[Any, int]] = {}
    by_day: dict[dt.date, list[DigestDelivery]] = {}
    for delivery in deliveries:
        if test or delivery.user.profile.digest_enabled:
            by_day.setdefault(delivery.local_date, []).append(delivery)
        else:
            written[delivery.pk] = (None, 0)
    agendas = {}
    for day, some in by_day.items():
        found = agendas_for(
            [d.user_id for d in some],
            today=day,
            limit=settings.DIGEST_MAX_ITEMS,
            focus={d.user_id: d.user.profile.focus for d in some},
        )
        for delivery in some:
            agenda = found[delivery.user_id]
            if agenda.is_empty and not (test or delivery.user.profile.digest_when_empty):
                written[delivery.pk] = (None, 0)
            else:
                agendas[delivery] = agenda
    now = timezone.now()
    for delivery, agenda in agendas.items():
        written[delivery.pk] = (
            _digest_email(delivery, agenda, plan_review_due=agenda.plan_review_due(now), test=test),
            agenda.count,
        )
    return written


@dataclass(frozen=True)
class Person:
    """A contact named in the digest: its name, and its id for the link to its page."""

    pk: int
    name: str


@dataclass(frozen=True)
class CheckinLine:
    """A check-in as the digest shows it: plain values, each worked out once for both parts
    (the templates then only print them)."""

    contact_id: int
    name: str
    circle: str  # "inner"
    days_overdue: int
    last_kind: str  # of the last interaction that was not a note; "" when nothing is logged
    last_on: dt.date | None
    note: str  # its notes, cut at 140 characters
    serves: str  # the objective's title, or ""
    done_url: str
    snooze_url: str


@dataclass(frozen=True)
class FollowUpLine:
    about: str
    people: list[Person]
    days_late: int
    done_url: str
    snooze_url: str


def _checkin_line(item: Any, user: User) -> CheckinLine:
    last = item.last_interaction
    return CheckinLine(
        contact_id=item.contact.pk,
        name=item.contact.name,
        circle=item.contact.get_circle_display().lower(),
        days_overdue=item.days_overdue,
        last_kind=last.get_kind_display().lower() if last else "",
        last_on=last.occurred_on if last else None,
        note=Truncator(last.notes).chars(140) if last and last.notes else "",
        serves=item.objective.title if item.objective else "",
        done_url=signed_link("done", "checkin", item.contact.pk, user),
        snooze_url=signed_link("snooze", "checkin", item.contact.pk, user),
    )


def _followup_line(item: Any, user: User) -> FollowUpLine:
    return FollowUpLine(
        about=item.followup.about,
        people=[Person(c.pk, c.name) for c in item.followup.contacts.all()],
        days_late=item.days_overdue,
        done_url=signed_link("done", "followup", item.followup.pk, user),
        snooze_url=signed_link("snooze", "followup", item.followup.pk, user),
    )


def _digest_email(
    delivery: DigestDelivery, agenda: Any, *, plan_review_due: bool, test: bool = False
) -> Any:
    user = delivery.user
    unsubscribe = unsubscribe_link(user)
    context = {
        "test": test,
        "profile": user.profile,
        "user": user,
        "agenda": agenda,
        "plan_review_due": plan_review_due,
        "day": delivery.local_date,
        "site_url": settings.SITE_URL,
        "settings_url": settings.SITE_URL + reverse("accounts:settings"),
        "unsubscribe_url": unsubscribe,
        "checkins": [_checkin_line(item, user) for item in agenda.checkins],
        "followups": [_followup_line(item, user) for item in agenda.followups],
    }
    with timezone.override(user.profile.zone):  # its times in the recipient's zone
        return templated_email(
            "digest",
            context,
            to=[user.email],
            headers={
                "Message-ID": message_id(delivery),
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )


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


# --- Kinds of delivery ------------------------------------------------------------------------

# A function from a delivery to (message or None, items); and one from many deliveries to
# {id: (message or None, items)}, for a kind that can write them all at once.
MessageWriter = Callable[[DigestDelivery], tuple[Any, int]]
BatchWriter = Callable[[list[DigestDelivery]], dict[int, tuple[Any, int]]]

# What each kind of delivery sends. The daily digest is this module's own; an app that sends
# another kind through this engine calls `register_message` from its AppConfig.ready() (the
# weekly summary: kpis.apps).
MESSAGES: dict[str, MessageWriter] = {
    DeliveryKind.DAILY: digest_message,
    DeliveryKind.TEST: test_digest_message,
}
BATCH_MESSAGES: dict[str, BatchWriter] = {
    DeliveryKind.DAILY: digest_messages,
    DeliveryKind.TEST: test_digest_messages,
}


def register_message(kind: str, write: MessageWriter, *, batch: BatchWriter | None = None) -> None:
    """Tells the engine how to write the message of a delivery of `kind` (and, with `batch`,
    of many at once). A kind has one writer: registering another for it is a mistake."""
    if MESSAGES.get(kind, write) is not write:
        raise ImproperlyConfigured(f"Deliveries of kind {kind!r} already have a message writer.")
    MESSAGES[kind] = write
    if batch is not None:
        BATCH_MESSAGES[kind] = batch
