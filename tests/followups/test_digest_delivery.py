"""The daily digest on real parts: PostgreSQL, an SMTP server (aiosmtpd), Redis and real
worker processes. Exactly one e-mail per user and day, through crashes and lost messages."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading

import pytest
import redis
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Profile, User
from accounts.services import user_sign_up
from contacts.models import Contact
from followups import digest
from followups.digest import (
    SEND_BATCH,
    Outcome,
    digest_send,
    digest_send_batch,
    digest_sweep,
    enqueue_sends,
    message_id,
)
from followups.models import DeliveryStatus, DigestDelivery, FollowUp
from followups.tasks import digest_send as digest_send_task
from networkcrm.celery import app
from networkcrm.mail import shared_connection_reset
from tests.conftest import PASSWORD
from tests.followups.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = dt.date(2026, 6, 15)


def member(email: str = "alice@example.com", *, when_empty: bool = False) -> User:
    user = user_sign_up(email=email, password=PASSWORD, name=email.split("@")[0].title())
    Profile.objects.filter(user=user).update(digest_when_empty=when_empty)
    return user


def overdue(owner: User, name: str = "Dana") -> Contact:
    made = Contact.objects.create(owner=owner, first_name=name, circle="inner")
    Contact.objects.filter(pk=made.pk).update(next_checkin_on=TODAY - dt.timedelta(days=3))
    return made


def delivery(user: User, day: dt.date = TODAY) -> DigestDelivery:
    return DigestDelivery.objects.create(
        user=user, local_date=day, lease_until=timezone.now() + dt.timedelta(minutes=10)
    )


def enqueue_to(url: str):
    """The sweep's enqueue (a send task per batch of deliveries), on the test's Redis."""

    def enqueue(ids: list[int]) -> None:
        with app.connection_for_write(url) as broker:
            enqueue_sends(ids, connection=broker)

    return enqueue


# --- One send, in this process ------------------------------------------------------------


def test_it_sends_the_digest_with_its_message_id_and_unsubscribe_headers(smtp_sink):
    alice = member()
    overdue(alice, "Dana")
    sent = delivery(alice)
    assert digest_send(sent.pk) == Outcome.SENT
    (message,) = smtp_sink.messages
    assert message["Message-ID"] == message_id(sent)
    assert message["To"] == "alice@example.com"
    assert " ".join(message["List-Unsubscribe"].split()).startswith("<http")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if not part.is_multipart()
    }
    assert "Dana" in parts["text/plain"]
    assert "Dana" in parts["text/html"]
    sent.refresh_from_db()
    assert (sent.status, sent.message_id, sent.items) == (DeliveryStatus.SENT, message_id(sent), 1)


def test_a_finished_delivery_is_never_sent_again(smtp_sink):
    alice = member()
    overdue(alice)
    sent = delivery(alice)
    digest_send(sent.pk)
    assert digest_send(sent.pk) == Outcome.NOT_MINE
    assert len(smtp_sink.messages) == 1


def test_a_server_that_answers_451_twice_then_250_gets_one_message(smtp_sink, settings):
    settings.DIGEST_RETRY_PAUSE_SECONDS = 0
    smtp_sink.replies = ["451 4.3.0 Try again later", "451 4.3.0 Try again later"]
    alice = member()
    overdue(alice)
    sent = delivery(alice)
    assert digest_send(sent.pk) == Outcome.SENT
    assert len(smtp_sink.messages) == 1
    sent.refresh_from_db()
    assert (sent.status, sent.attempts) == (DeliveryStatus.SENT, 1)


def test_a_permanent_refusal_is_recorded_with_the_reply_and_not_retried(smtp_sink, settings):
    settings.DIGEST_RETRY_PAUSE_SECONDS = 0
    smtp_sink.replies = ["550 5.1.1 No such mailbox here"]
    alice = member()
    overdue(alice)
    sent = delivery(alice)
    assert digest_send(sent.pk) == Outcome.FAILED
    sent.refresh_from_db()
    assert sent.status == DeliveryStatus.FAILED
    assert sent.error == "550 5.1.1 No such mailbox here"
    later = timezone.now() + dt.timedelta(hours=1)
    assert digest_sweep(now=later, enqueue=lambda ids: None).requeued == 0
    assert smtp_sink.messages == []


def test_a_server_that_is_down_leaves_it_to_a_later_sweep(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    settings.DIGEST_RETRY_PAUSE_SECONDS = 0
    shared_connection_reset()
    alice = member()
    overdue(alice)
    sent = delivery(alice)
    assert digest_send(sent.pk) == Outcome.RETRY_LATER
    sent.refresh_from_db()
    assert sent.status == DeliveryStatus.PENDING
    assert sent.lease_until > timezone.now()
    assert "Connection refused" in sent.error or "Errno" in sent.error


def test_nothing_is_sent_on_a_day_with_nothing_due_unless_asked(smtp_sink):
    quiet, chatty = member("quiet@example.com"), member("chatty@example.com", when_empty=True)
    assert digest_send(delivery(quiet).pk) == Outcome.EMPTY
    assert digest_send(delivery(chatty).pk) == Outcome.SENT
    assert [m["To"] for m in smtp_sink.messages] == ["chatty@example.com"]
    assert (
        "Nobody is due today"
        in smtp_sink.messages[0].get_payload(0).get_payload(decode=True).decode()
    )


def test_a_follow_up_created_in_a_transaction_that_rolls_back_sends_nothing(smtp_sink):
    alice = member()
    dana = Contact.objects.create(owner=alice, first_name="Dana", cadence_days=0)

    def create_then_fail() -> None:
        with transaction.atomic():
            followup = FollowUp.objects.create(owner=alice, about="Send the deck", due_on=TODAY)
            followup.contacts.add(dana)
            raise RuntimeError("the request failed after creating it")

    with pytest.raises(RuntimeError):
        create_then_fail()
    assert digest_send(delivery(alice).pk) == Outcome.EMPTY
    assert smtp_sink.messages == []


# --- Batches, in this process --------------------------------------------------------------


def batch(count: int, day: dt.date = TODAY, *, first: int = 0) -> list[DigestDelivery]:
    """`count` users with a check-in due, and a delivery each."""
    made = []
    for n in range(first, first + count):
        user = member(f"u{n}@example.com")
        overdue(user, f"Dana{n}")
        made.append(delivery(user, day))
    return made


def test_a_batch_sends_each_delivery_with_its_own_message_id(smtp_sink):
    sends = batch(3)
    outcomes = digest_send_batch([d.pk for d in sends])
    assert outcomes == {d.pk: Outcome.SENT for d in sends}
    assert sorted(smtp_sink.message_ids()) == sorted(message_id(d) for d in sends)
    for sent in sends:
        (message,) = smtp_sink.to(sent.user.email)
        assert message["Message-ID"] == message_id(sent)
        sent.refresh_from_db()
        assert (sent.status, sent.attempts, sent.items) == (DeliveryStatus.SENT, 1, 1)


def test_a_batch_of_30_takes_one_more_query_per_delivery_than_a_batch_of_3(smtp_sink):
    few, many = batch(3), batch(30, first=3)
    with CaptureQueriesContext(connection) as three:
        digest_send_batch([d.pk for d in few])
    with CaptureQueriesContext(connection) as thirty:
        digest_send_batch([d.pk for d in many])
    assert len(smtp_sink.messages) == 33
    # the claim, the agendas and the plans are shared; each delivery is recorded on its own
    assert len(thirty) - len(three) == 27


def test_a_finished_delivery_in_a_batch_is_left_alone(smtp_sink):
    done, fresh = batch(2)
    digest_send(done.pk)
    assert digest_send_batch([done.pk, fresh.pk]) == {
        done.pk: Outcome.NOT_MINE,
        fresh.pk: Outcome.SENT,
    }
    assert len(smtp_sink.to(done.user.email)) == 1


def test_a_permanent_refusal_in_a_batch_does_not_stop_the_others(smtp_sink, settings):
    settings.DIGEST_RETRY_PAUSE_SECONDS = 0
    smtp_sink.replies = ["250 OK", "550 5.1.1 No such mailbox here"]
    first, refused, last = batch(3)
    outcomes = digest_send_batch([first.pk, refused.pk, last.pk])
    assert outcomes == {
        first.pk: Outcome.SENT,
        refused.pk: Outcome.FAILED,
        last.pk: Outcome.SENT,
    }
    refused.refresh_from_db()
    assert (refused.status, refused.error) == (
        DeliveryStatus.FAILED,
        "550 5.1.1 No such mailbox here",
    )
    assert {m["To"] for m in smtp_sink.messages} == {first.user.email, last.user.email}


def test_a_busy_server_gets_its_retries_once_per_batch_then_one_try_each(smtp_sink, settings):
    settings.DIGEST_RETRY_PAUSE_SECONDS = 0
    smtp_sink.replies = ["451 4.3.0 Try again later"] * 4
    first, second, third = batch(3)
    outcomes = digest_send_batch([first.pk, second.pk, third.pk])
    # the first: three tries, all 451; the second: one try, 451; the third: one try, 250
    assert outcomes == {
        first.pk: Outcome.RETRY_LATER,
        second.pk: Outcome.RETRY_LATER,
        third.pk: Outcome.SENT,
    }
    for later in (first, second):
        later.refresh_from_db()
        assert later.status == DeliveryStatus.PENDING
        assert later.lease_until > timezone.now()
        assert later.error == "451 4.3.0 Try again later"


def test_a_server_that_is_down_sends_the_rest_of_the_batch_back_untried(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    settings.DIGEST_RETRY_PAUSE_SECONDS = 0
    shared_connection_reset()
    sends = batch(3)
    outcomes = digest_send_batch([d.pk for d in sends])
    assert set(outcomes.values()) == {Outcome.RETRY_LATER}
    for later in sends:
        later.refresh_from_db()
        assert (later.status, later.attempts) == (DeliveryStatus.PENDING, 1)
        assert later.lease_until > timezone.now()
        assert "Connection refused" in later.error or "Errno" in later.error


def test_a_message_that_cannot_be_written_does_not_hold_up_the_batch(smtp_sink, monkeypatch):
    first, broken, last = batch(3)
    write = digest._digest_email

    def write_or_fail(delivery, agenda, **kwargs):
        if delivery.pk == broken.pk:
            raise ValueError("a template that cannot render")
        return write(delivery, agenda, **kwargs)

    monkeypatch.setattr(digest, "_digest_email", write_or_fail)
    outcomes = digest_send_batch([first.pk, broken.pk, last.pk])
    assert outcomes[first.pk] == outcomes[last.pk] == Outcome.SENT
    assert outcomes[broken.pk] == Outcome.RETRY_LATER
    broken.refresh_from_db()
    assert broken.status == DeliveryStatus.PENDING
    assert "could not be written" in broken.error


def test_a_batch_that_outlasts_half_its_lease_leaves_the_rest_claimed(smtp_sink, settings):
    settings.DIGEST_LEASE_SECONDS = 2
    smtp_sink.delay = 1.2  # each send takes more than half the lease
    first, second = batch(2)
    outcomes = digest_send_batch([first.pk, second.pk])
    assert outcomes == {first.pk: Outcome.SENT, second.pk: Outcome.RETRY_LATER}
    second.refresh_from_db()
    assert second.status == DeliveryStatus.SENDING  # the sweep's, when its lease runs out
    assert smtp_sink.to(second.user.email) == []


def test_the_sweep_queues_its_sends_in_batches(monkeypatch):
    from followups.tasks import digest_send_batch as task

    queued: list[list[int]] = []
    monkeypatch.setattr(task, "apply_async", lambda args, **kwargs: queued.append(args[0]))
    ids = list(range(1, 3 * SEND_BATCH - 9))
    enqueue_sends(ids)
    assert [len(some) for some in queued] == [SEND_BATCH, SEND_BATCH, SEND_BATCH - 10]
    assert [pk for some in queued for pk in some] == ids


# --- Real workers ---------------------------------------------------------------------------


def worker_env(sink, **extra: str) -> dict[str, str]:
    return {
        "EMAIL_HOST": sink.host,
        "EMAIL_PORT": str(sink.port),
        "EMAIL_USE_TLS": "false",
        "DIGEST_RETRY_PAUSE_SECONDS": "0",
        **extra,
    }


def test_2000_users_due_and_4_sweeps_at_once_give_exactly_2000_emails(
    start, smtp_sink, isolated_redis
):
    made = User.objects.bulk_create(User(email=f"u{n}@example.com") for n in range(2000))
    due = timezone.now() - dt.timedelta(minutes=1)
    Profile.objects.bulk_create(
        Profile(user=u, digest_when_empty=True, next_digest_at=due) for u in made
    )
    start("worker", "--concurrency=2", "--hostname=digest-a@%h", env=worker_env(smtp_sink))
    enqueue = enqueue_to(isolated_redis)

    def sweep() -> None:
        try:
            digest_sweep(enqueue=enqueue, batch=100)
        finally:
            connection.close()

    sweeps = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in sweeps:
        thread.start()
    for thread in sweeps:
        thread.join(120)
    assert wait_for(lambda: len(smtp_sink.messages) >= 2000, seconds=150)
    ids = smtp_sink.message_ids()
    assert len(ids) == 2000
    assert len(set(ids)) == 2000
    assert {m["To"] for m in smtp_sink.messages} == {u.email for u in made}
    # A worker records "sent" just after the server has taken the message: wait for the last.
    assert wait_for(
        lambda: DigestDelivery.objects.filter(status=DeliveryStatus.SENT).count() == 2000
    )
    assert DigestDelivery.objects.count() == 2000


def test_a_worker_killed_mid_send_is_replaced_and_the_user_still_gets_it(
    start, smtp_sink, isolated_redis, settings
):
    settings.DIGEST_LEASE_SECONDS = 4
    alice = member()
    overdue(alice)
    Profile.objects.filter(user=alice).update(next_digest_at=timezone.now())
    smtp_sink.delay = 3  # the server takes its time: the worker is killed while it waits
    env = worker_env(smtp_sink, DIGEST_LEASE_SECONDS="4")
    first = start("worker", "--pool=solo", "--hostname=digest-killed@%h", env=env)
    digest_sweep(enqueue=enqueue_to(isolated_redis))
    (sent,) = DigestDelivery.objects.all()
    assert wait_for(
        lambda: DigestDelivery.objects.filter(pk=sent.pk, status=DeliveryStatus.SENDING).exists()
    )
    os.kill(first.pid, signal.SIGKILL)
    first.wait(10)
    smtp_sink.delay = 0
    start("worker", "--pool=solo", "--hostname=digest-second@%h", env=env)
    assert wait_for(lambda: timezone.now() > DigestDelivery.objects.get(pk=sent.pk).lease_until)
    assert digest_sweep(enqueue=enqueue_to(isolated_redis)).requeued == 1
    assert wait_for(
        lambda: DigestDelivery.objects.filter(pk=sent.pk, status=DeliveryStatus.SENT).exists()
    )
    received = smtp_sink.to("alice@example.com")
    assert 1 <= len(received) <= 2
    assert {m["Message-ID"] for m in received} == {message_id(sent)}


def test_deliveries_lost_with_redis_are_sent_by_the_next_sweeps(
    start, smtp_sink, isolated_redis, settings
):
    settings.DIGEST_LEASE_SECONDS = 2
    made = [member(f"u{n}@example.com", when_empty=True) for n in range(5)]
    Profile.objects.filter(user__in=made).update(next_digest_at=timezone.now())
    assert digest_sweep(enqueue=enqueue_to(isolated_redis)).claimed == 5
    redis.Redis.from_url(isolated_redis).flushdb()  # the queued sends are gone
    start("worker", "--pool=solo", "--hostname=digest-after-flush@%h", env=worker_env(smtp_sink))
    assert wait_for(
        lambda: not DigestDelivery.objects.filter(lease_until__gte=timezone.now()).exists()
    )
    assert digest_sweep(enqueue=enqueue_to(isolated_redis)).requeued == 5
    assert wait_for(lambda: len(smtp_sink.messages) == 5)
    assert len(set(smtp_sink.message_ids())) == 5


def test_a_batch_killed_midway_leaves_the_rest_to_the_sweep(
    start, smtp_sink, isolated_redis, settings
):
    settings.DIGEST_LEASE_SECONDS = 6
    users = [member(f"u{n}@example.com") for n in range(4)]
    for user in users:
        overdue(user)
    Profile.objects.filter(user__in=users).update(next_digest_at=timezone.now())
    smtp_sink.delay = 1  # the server takes its time: the worker is killed between messages
    env = worker_env(smtp_sink, DIGEST_LEASE_SECONDS="6")
    first = start("worker", "--pool=solo", "--hostname=digest-batch-killed@%h", env=env)
    assert digest_sweep(enqueue=enqueue_to(isolated_redis)).claimed == 4
    assert wait_for(lambda: len(smtp_sink.messages) >= 1)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(10)
    assert DigestDelivery.objects.exclude(status=DeliveryStatus.SENT).exists()
    smtp_sink.delay = 0
    start("worker", "--pool=solo", "--hostname=digest-batch-second@%h", env=env)
    assert wait_for(
        lambda: (
            not DigestDelivery.objects.filter(lease_until__gte=timezone.now())
            .exclude(status=DeliveryStatus.SENT)
            .exists()
        )
    )
    assert digest_sweep(enqueue=enqueue_to(isolated_redis)).requeued >= 1
    assert wait_for(lambda: DigestDelivery.objects.filter(status=DeliveryStatus.SENT).count() == 4)
    for sent in DigestDelivery.objects.select_related("user"):
        received = smtp_sink.to(sent.user.email)
        # the one in flight when the worker died may arrive twice, with the same Message-ID
        assert 1 <= len(received) <= 2
        assert {m["Message-ID"] for m in received} == {message_id(sent)}


def test_a_single_send_queued_before_batches_still_goes_out(start, smtp_sink, isolated_redis):
    alice = member()
    overdue(alice)
    sent = delivery(alice)
    start("worker", "--pool=solo", "--hostname=digest-single@%h", env=worker_env(smtp_sink))
    with app.connection_for_write(isolated_redis) as broker:
        digest_send_task.apply_async((sent.pk,), connection=broker)
    assert wait_for(
        lambda: DigestDelivery.objects.filter(pk=sent.pk, status=DeliveryStatus.SENT).exists()
    )
    assert smtp_sink.message_ids() == [message_id(sent)]
