"""Sending webhooks, with the digest's guarantees (followups/digest.py):

1. A delivery row is written in the transaction of its event (webhooks.services), pending with
   a lease; its send is queued once that commits, in batches of `SEND_BATCH`.
2. `deliveries_send` (a worker) claims the batch's rows still pending and due (pending →
   sending, attempts + 1, a new lease; the rows locked, so only one worker wins each), then
   POSTs each in turn and records the answer before the next: delivered on a 2xx; anything
   else (another status, a timeout, a refused connection, a target now on a private network)
   goes back to pending with an exponential wait, until `WEBHOOKS_MAX_ATTEMPTS`, then failed.
3. `webhooks_sweep` (beat) queues again every pending or sending row whose lease ran out: its
   message lost with Redis, its worker killed mid-send, or its retry's wait over. It also
   emits "follow-up due" (webhooks.services.followups_due_emit).

Nothing is lost; nothing is sent twice, except when a worker dies between the receiver's
answer and the row's update, or a receiver answers after the read timeout: the resend carries
the same delivery id (header and body), for the receiver to recognise."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import requests
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from webhooks.models import DeliveryStatus, WebhookDelivery
from webhooks.services import followups_due_emit, lease
from webhooks.targets import TargetRefused, target_check

log = logging.getLogger(__name__)

SEND_BATCH = 100
SWEEP_BATCH = 1000
EXCERPT_BYTES = 500
USER_AGENT = "NetworkCRM-Webhooks/1"
SIGNATURE_HEADER = "NetworkCRM-Signature"
DELIVERY_HEADER = "NetworkCRM-Delivery"
EVENT_HEADER = "NetworkCRM-Event"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The header's value: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body>."""
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt: 1, 2, 4, 8… times the base."""
    return dt.timedelta(seconds=settings.WEBHOOKS_RETRY_SECONDS * 2 ** max(0, attempts - 1))


# --- Queueing -----------------------------------------------------------------------------


def enqueue_sends(ids: Iterable[int], *, connection: Any = None) -> None:
    """One send task per `SEND_BATCH` deliveries. If the broker is away, the rows keep their
    lease: the sweep queues them again."""
    from webhooks.tasks import deliveries_send

    ids = list(ids)
    for at in range(0, len(ids), SEND_BATCH):
        try:
            deliveries_send.apply_async((ids[at : at + SEND_BATCH],), connection=connection)
        except Exception:
            log.exception("Webhook sends could not be queued; the sweep will")
            return


@dataclass(frozen=True)
class SweepResult:
    requeued: int = 0
    due: int = 0
    removed: int = 0


def webhooks_sweep(
    *, now: dt.datetime | None = None, enqueue: Callable[[list[int]], None] | None = None
) -> SweepResult:
    now = now or timezone.now()
    enqueue = enqueue or enqueue_sends
    requeued = 0
    while True:
        found = _requeue_lost(now=now, enqueue=enqueue)
        requeued += found
        if found < SWEEP_BATCH:
            break
    return SweepResult(
        requeued=requeued, due=followups_due_emit(now=now), removed=_remove_old(now=now)
    )


def _remove_old(*, now: dt.datetime) -> int:
    """Finished deliveries older than WEBHOOKS_KEEP_DAYS go (up to `SWEEP_BATCH` a sweep): the
    log shows recent ones, and the table does not grow for ever."""
    cutoff = now - dt.timedelta(days=settings.WEBHOOKS_KEEP_DAYS)
    old = WebhookDelivery.objects.filter(
        status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.FAILED], created_at__lt=cutoff
    ).values_list("pk", flat=True)[:SWEEP_BATCH]
    removed, _ = WebhookDelivery.objects.filter(pk__in=list(old)).delete()
    return removed


@transaction.atomic
def _requeue_lost(*, now: dt.datetime, enqueue: Callable[[list[int]], None]) -> int:
    """Rows pending or sending past their lease: pending again, due now, a new lease, queued
    (same row, so the same delivery id)."""
    lost = list(
        WebhookDelivery.objects.select_for_update(skip_locked=True)
        .filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING], lease_until__lt=now)
        .order_by("lease_until")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    WebhookDelivery.objects.filter(pk__in=lost).update(
        status=DeliveryStatus.PENDING, next_attempt_at=now, lease_until=now + lease()
    )
    transaction.on_commit(partial(enqueue, lost))
    return len(lost)


# --- Sending ------------------------------------------------------------------------------


class Outcome:
    DELIVERED = "delivered"
    RETRY_LATER = "retry later"
    FAILED = "failed"
    NOT_MINE = "not mine"
    RELEASED = "released"


def _claim(ids: list[int], now: dt.datetime) -> list[WebhookDelivery]:
    with transaction.atomic():
        mine = list(
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .filter(pk__in=ids, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .order_by("pk")
        )
        WebhookDelivery.objects.filter(pk__in=[d.pk for d in mine]).update(
            status=DeliveryStatus.SENDING,
            lease_until=now + lease(),
            attempts=F("attempts") + 1,
            last_attempt_at=now,
        )
    for delivery in mine:
        delivery.attempts += 1
    return mine


def _finish(delivery: WebhookDelivery, **fields: Any) -> None:
    """Records an attempt, unless the row is no longer this worker's (its lease ran out and
    the sweep gave it to another)."""
    WebhookDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, attempts=delivery.attempts
    ).update(**fields)


_session: requests.Session | None = None


def session() -> requests.Session:
    """One HTTP session per worker process: connections to a receiver are kept alive."""
    global _session
    if _session is None:
        _session = requests.Session()
        _session.trust_env = False  # no proxies or .netrc from the worker's environment
        _session.headers["User-Agent"] = USER_AGENT
    return _session


def deliveries_send(ids: Iterable[int]) -> dict[int, str]:
    """Claims and sends a batch. Stops starting sends at half the lease (a receiver that
    hangs on every request): the rest go back to pending and are queued again at once."""
    outcomes = dict.fromkeys(ids, Outcome.NOT_MINE)
    now = timezone.now()
    claimed = _claim(list(outcomes), now)
    send_by = time.monotonic() + lease().total_seconds() / 2
    checked: dict[str, str] = {}  # URL → refusal ("" when allowed), once a batch
    released = []
    for delivery in claimed:
        if time.monotonic() >= send_by:
            released.append(delivery)
            continue
        try:
            outcomes[delivery.pk] = _send(delivery, checked)
        except SoftTimeLimitExceeded:
            raise  # this one and the rest stay claimed: the sweep queues them at the lease
        except Exception as unexpected:  # a bug must not hold up the batch
            log.exception("Webhook delivery %s failed unexpectedly", delivery.pk)
            outcomes[delivery.pk] = _retry_later(delivery, error=repr(unexpected)[:500])
    if released:
        pks = [d.pk for d in released]
        WebhookDelivery.objects.filter(pk__in=pks, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.PENDING, attempts=F("attempts") - 1, next_attempt_at=now
        )
        enqueue_sends(pks)
        outcomes.update(dict.fromkeys(pks, Outcome.RELEASED))
    return outcomes


def _send(delivery: WebhookDelivery, checked: dict[str, str]) -> str:
    endpoint = delivery.endpoint
    host = urlsplit(endpoint.url).hostname or ""
    if host not in checked:
        try:
            target_check(endpoint.url)
            checked[host] = ""
        except TargetRefused as refused:
            checked[host] = str(refused)
    if checked[host]:
        return _retry_later(delivery, error=checked[host])
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        DELIVERY_HEADER: str(delivery.uid),
        EVENT_HEADER: delivery.event,
        SIGNATURE_HEADER: signature(endpoint.secret, int(time.time()), body),
    }
    started = time.monotonic()
    timeouts = (settings.WEBHOOKS_CONNECT_TIMEOUT, settings.WEBHOOKS_READ_TIMEOUT)
    try:
        with session().post(
            endpoint.url,
            data=body,
            headers=headers,
            timeout=timeouts,
            allow_redirects=False,  # a redirect could lead anywhere, a private address too
            stream=True,
        ) as response:
            excerpt = response.raw.read(EXCERPT_BYTES, decode_content=True)
            code = response.status_code
    except requests.RequestException as trouble:
        return _retry_later(delivery, error=_trouble(trouble), started=started)
    text = excerpt.decode(errors="replace")[:EXCERPT_BYTES]
    if 200 <= code < 300:
        _finish(
            delivery,
            status=DeliveryStatus.DELIVERED,
            delivered_at=timezone.now(),
            response_code=code,
            response_excerpt=text,
            error="",
            duration_ms=_ms(started),
        )
        return Outcome.DELIVERED
    return _retry_later(
        delivery, error=f"The endpoint answered {code}.", code=code, excerpt=text, started=started
    )


def _trouble(trouble: requests.RequestException) -> str:
    if isinstance(trouble, requests.Timeout):
        return "The endpoint did not answer in time."
    if isinstance(trouble, requests.ConnectionError):
        return "The endpoint could not be reached."
    return f"{type(trouble).__name__}: {trouble}"[:500]


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _retry_later(
    delivery: WebhookDelivery,
    *,
    error: str,
    code: int | None = None,
    excerpt: str = "",
    started: float | None = None,
) -> str:
    fields: dict[str, Any] = {
        "error": error[:500],
        "response_code": code,
        "response_excerpt": excerpt,
        "duration_ms": _ms(started) if started is not None else None,
    }
    if delivery.attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
        _finish(delivery, status=DeliveryStatus.FAILED, **fields)
        return Outcome.FAILED
    at = timezone.now() + backoff(delivery.attempts)
    _finish(delivery, status=DeliveryStatus.PENDING, next_attempt_at=at, lease_until=at, **fields)
    return Outcome.RETRY_LATER
