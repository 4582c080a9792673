"""Sending on real parts: a local HTTP receiver that checks signatures, PostgreSQL, Redis and
real worker processes. One delivery id per event and endpoint, through errors, hangs and kills."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.followups.conftest import wait_for
from tests.webhooks.factories import endpoint
from webhooks.delivery import Outcome, deliveries_send, signature, webhooks_sweep
from webhooks.models import DeliveryStatus, Event, WebhookDelivery
from webhooks.services import endpoint_ping, event_emit

pytestmark = pytest.mark.django_db(transaction=True)


def emit(hook, n: int = 1) -> list[WebhookDelivery]:
    for number in range(n):
        event_emit(owner_id=hook.owner_id, event=Event.CONTACT_CREATED, data={"id": number})
    return list(WebhookDelivery.objects.filter(endpoint=hook).order_by("pk"))


def fresh(row: WebhookDelivery) -> WebhookDelivery:
    row.refresh_from_db()
    return row


# --- In this process ----------------------------------------------------------------------


def test_it_posts_the_body_signed_with_the_endpoints_secret(alice, receiver, queued):
    hook = endpoint(alice, receiver.url)
    (row,) = emit(hook)
    assert deliveries_send([row.pk]) == {row.pk: Outcome.DELIVERED}
    (got,) = receiver.requests
    assert got.signed_by(hook.secret)
    assert not got.signed_by("whsec_another")
    assert got.body == row.body.encode()
    assert got.delivery_id == str(row.uid)
    assert got.headers["NetworkCRM-Event"] == "contact.created"
    assert got.json()["id"] == str(row.uid)
    row = fresh(row)
    assert (row.status, row.attempts, row.response_code) == (DeliveryStatus.DELIVERED, 1, 200)
    assert row.response_excerpt == '{"ok": true}'
    assert row.duration_ms is not None


def test_the_signature_is_the_hmac_of_the_time_and_the_body():
    # Worked out by hand with another tool: HMAC-SHA256("k", "1700000000.{}").
    value = signature("k", 1700000000, b"{}")
    assert value.startswith("t=1700000000,v1=")
    assert len(value.split("v1=")[1]) == 64


def test_a_failed_attempt_waits_longer_each_time_then_fails(alice, receiver, settings, queued):
    settings.WEBHOOKS_MAX_ATTEMPTS = 3
    settings.WEBHOOKS_RETRY_SECONDS = 60
    receiver.script = [500, 502, 503]
    hook = endpoint(alice, receiver.url)
    (row,) = emit(hook)
    waits = []
    for _ in range(3):
        before = timezone.now()
        deliveries_send([row.pk])
        row = fresh(row)
        waits.append(round((row.next_attempt_at - before).total_seconds() / 60))
        WebhookDelivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert row.status == DeliveryStatus.FAILED
    assert row.attempts == 3
    assert row.response_code == 503
    assert row.error == "The endpoint answered 503."
    assert row.response_excerpt == "Something broke on our side."
    assert waits[:2] == [1, 2]
    assert len(set(receiver.delivery_ids())) == 1


def test_a_retry_is_not_sent_before_its_time(alice, receiver, queued):
    receiver.script = [500]
    (row,) = emit(endpoint(alice, receiver.url))
    deliveries_send([row.pk])
    assert deliveries_send([row.pk]) == {row.pk: Outcome.NOT_MINE}
    assert len(receiver.requests) == 1


def test_a_finished_delivery_is_never_sent_again(alice, receiver, queued):
    (row,) = emit(endpoint(alice, receiver.url))
    deliveries_send([row.pk])
    assert deliveries_send([row.pk]) == {row.pk: Outcome.NOT_MINE}
    assert len(receiver.requests) == 1


def test_a_target_that_moved_to_a_private_network_is_refused_at_send_time(
    alice, receiver, settings, queued
):
    (row,) = emit(endpoint(alice, receiver.url))
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False  # as if its DNS now pointed here
    assert deliveries_send([row.pk]) == {row.pk: Outcome.RETRY_LATER}
    assert receiver.requests == []
    assert "private or reserved network" in fresh(row).error


def test_a_redirect_is_not_followed(alice, receiver, queued):
    receiver.script = [302]
    (row,) = emit(endpoint(alice, receiver.url))
    assert deliveries_send([row.pk]) == {row.pk: Outcome.RETRY_LATER}
    assert fresh(row).response_code == 302
    assert len(receiver.requests) == 1


def test_a_batch_of_30_takes_about_as_many_queries_per_delivery_as_a_batch_of_3(
    alice, receiver, queued
):
    hook = endpoint(alice, receiver.url)

    def cost(n: int) -> int:
        rows = emit(hook, n)[-n:]
        with CaptureQueriesContext(connection) as captured:
            deliveries_send([r.pk for r in rows])
        return len(captured)

    few, many = cost(3), cost(30)
    # The claim is set-based; then one UPDATE per delivery records its answer.
    assert many - few <= 27 * 1 + 2


def test_the_sweep_queues_lost_deliveries_with_the_same_row(alice, queued):
    (row,) = emit(endpoint(alice))
    assert queued == [[row.pk]]  # once its event committed
    assert webhooks_sweep().requeued == 0  # its lease is still running
    later = timezone.now() + dt.timedelta(hours=1)
    assert webhooks_sweep(now=later).requeued == 1
    assert queued[-1] == [row.pk]


# --- With real workers ----------------------------------------------------------------------

WORKER_ENV = {
    "WEBHOOKS_ALLOW_PRIVATE_TARGETS": "true",
    "WEBHOOKS_RETRY_SECONDS": "1",
    "WEBHOOKS_READ_TIMEOUT": "1",
    "WEBHOOKS_CONNECT_TIMEOUT": "1",
}


def sweep_until(condition, seconds: float = 45.0) -> bool:
    """Beat's part, played here: a sweep every half second until `condition` holds."""

    def swept() -> bool:
        webhooks_sweep()
        return condition()

    return wait_for(swept, seconds)


@pytest.mark.celery_worker
def test_500_twice_then_200_is_one_delivery_in_three_attempts_with_one_id(
    alice, receiver, start, isolated_redis, route_to
):
    route_to(isolated_redis)
    receiver.script = [500, 500, 200]
    hook = endpoint(alice, receiver.url)
    start("worker", "--pool=solo", "--hostname=hooks-retry@%h", env=WORKER_ENV)
    (row,) = emit(hook)
    assert sweep_until(lambda: fresh(row).status == DeliveryStatus.DELIVERED)
    assert fresh(row).attempts == 3
    assert receiver.delivery_ids() == [str(row.uid)] * 3
    assert all(r.signed_by(hook.secret) for r in receiver.requests)
    gaps = [b.at - a.at for a, b in zip(receiver.requests, receiver.requests[1:], strict=False)]
    assert gaps[1] > gaps[0] * 1.2  # the second wait is longer (1 s, then 2 s)


@pytest.mark.celery_worker
def test_a_receiver_that_hangs_times_out_and_is_tried_again(
    alice, receiver, start, isolated_redis, route_to
):
    route_to(isolated_redis)
    receiver.script = [("hang", 3)]
    hook = endpoint(alice, receiver.url)
    start("worker", "--pool=solo", "--hostname=hooks-hang@%h", env=WORKER_ENV)
    (row,) = emit(hook)
    assert wait_for(lambda: fresh(row).attempts == 1 and fresh(row).status == "pending")
    assert fresh(row).error == "The endpoint did not answer in time."
    assert sweep_until(lambda: fresh(row).status == DeliveryStatus.DELIVERED)
    assert fresh(row).attempts == 2
    assert receiver.delivery_ids() == [str(row.uid)] * 2


@pytest.mark.celery_worker
def test_a_worker_killed_mid_send_is_replaced_and_the_delivery_still_made_with_its_id(
    alice, receiver, start, isolated_redis, route_to, settings
):
    route_to(isolated_redis)
    settings.WEBHOOKS_LEASE_SECONDS = 4
    env = {**WORKER_ENV, "WEBHOOKS_READ_TIMEOUT": "30", "WEBHOOKS_LEASE_SECONDS": "4"}
    receiver.script = [("hang", 20)]  # the receiver takes its time: the worker dies waiting
    hook = endpoint(alice, receiver.url)
    first = start("worker", "--pool=solo", "--hostname=hooks-killed@%h", env=env)
    (row,) = emit(hook)
    assert wait_for(lambda: len(receiver.requests) == 1)
    assert fresh(row).status == DeliveryStatus.SENDING
    os.kill(first.pid, signal.SIGKILL)
    first.wait(10)
    start("worker", "--pool=solo", "--hostname=hooks-second@%h", env=env)
    assert sweep_until(lambda: fresh(row).status == DeliveryStatus.DELIVERED)
    assert fresh(row).attempts == 2
    assert receiver.delivery_ids() == [str(row.uid)] * 2


@pytest.mark.celery_worker
def test_the_test_button_goes_through_the_worker(alice, receiver, start, isolated_redis, route_to):
    route_to(isolated_redis)
    hook = endpoint(alice, receiver.url)
    start("worker", "--pool=solo", "--hostname=hooks-ping@%h", env=WORKER_ENV)
    row = endpoint_ping(endpoint=hook)
    assert wait_for(lambda: fresh(row).status == DeliveryStatus.DELIVERED)
    (got,) = receiver.requests
    assert got.json()["event"] == "ping"
    assert got.signed_by(hook.secret)
    time.sleep(0.5)
    assert len(receiver.requests) == 1


def test_the_sweep_removes_finished_deliveries_after_the_keep_days(alice, queued, settings):
    settings.WEBHOOKS_KEEP_DAYS = 30
    old, pending, recent = emit(endpoint(alice), 3)
    long_ago = timezone.now() - dt.timedelta(days=31)
    WebhookDelivery.objects.filter(pk__in=[old.pk, pending.pk]).update(created_at=long_ago)
    WebhookDelivery.objects.filter(pk__in=[old.pk, recent.pk]).update(status="delivered")
    assert webhooks_sweep().removed == 1
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {pending.pk, recent.pk}
