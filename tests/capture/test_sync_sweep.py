"""The sweep that claims due mailboxes and feeds (row locks with SKIP LOCKED), and a real Celery
worker on Redis that syncs a mailbox on the dovecot the test started."""

from __future__ import annotations

import datetime as dt

import pytest

from capture import tasks
from capture.models import CalendarFeed, CapturedItem, Mailbox
from capture.sources import feed_save, mailbox_save
from capture.sync import sync_sweep
from contacts.models import Interaction
from networkcrm.celery import app
from tests.capture.fixtures_sync import mail
from tests.capture.helpers import person
from tests.followups.conftest import isolated_redis, start, wait_for  # noqa: F401 (fixtures)
from tests.kpis.test_rollup_concurrency import at_once

NOW = dt.datetime(2026, 12, 5, 12, tzinfo=dt.UTC)


def mailbox(user, n: int = 0, **fields) -> Mailbox:
    return mailbox_save(
        user=user,
        mailbox=None,
        fields={"host": f"imap{n}.example.com", "username": user.email, **fields},
        password="pw",
    )


def queued():
    found: list[tuple[str, list[int]]] = []

    def enqueue(model, pks):
        found.append((model.__name__, list(pks)))

    return found, enqueue


@pytest.mark.django_db
def test_it_queues_the_due_sources_and_moves_them_on(
    alice, settings, django_capture_on_commit_callbacks
):
    settings.CAPTURE_MAILBOX_INTERVAL_MINUTES = 15
    due = mailbox(alice, 1)
    Mailbox.objects.filter(pk=due.pk).update(next_sync_at=NOW - dt.timedelta(minutes=1))
    later = mailbox(alice, 2)
    Mailbox.objects.filter(pk=later.pk).update(next_sync_at=NOW + dt.timedelta(minutes=1))
    off = mailbox(alice, 3, enabled=False)
    stopped = mailbox(alice, 4)
    Mailbox.objects.filter(pk__in=[off.pk, stopped.pk]).update(next_sync_at=NOW)
    Mailbox.objects.filter(pk=stopped.pk).update(gave_up_at=NOW)
    feed = feed_save(user=alice, feed=None, fields={"name": "Work"}, url="https://c.example.com/x")
    CalendarFeed.objects.filter(pk=feed.pk).update(next_sync_at=NOW)
    found, enqueue = queued()
    with django_capture_on_commit_callbacks(execute=True):
        result = sync_sweep(now=NOW, enqueue=enqueue)
    assert (result.mailboxes, result.feeds) == ([due.pk], [feed.pk])
    assert found == [("Mailbox", [due.pk]), ("CalendarFeed", [feed.pk])]
    due.refresh_from_db()
    assert due.next_sync_at == NOW + dt.timedelta(minutes=15)
    assert sync_sweep(now=NOW, enqueue=enqueue).mailboxes == []


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_take_disjoint_sources(postgresql, alice):
    for n in range(30):
        mailbox(alice, n)
    Mailbox.objects.update(next_sync_at=NOW)
    results = []
    at_once(
        *[lambda: results.append(sync_sweep(now=NOW, enqueue=lambda m, p: None)) for _ in range(3)]
    )
    taken = [pk for result in results for pk in result.mailboxes]
    assert sorted(taken) == sorted(Mailbox.objects.values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_worker_syncs_a_due_mailbox(postgresql, alice, dovecot, start, isolated_redis):  # noqa: F811
    person(alice, "Dana", "dana@example.com")
    dovecot.folder_create("Sent")
    dovecot.append(
        "Sent",
        mail(
            message_id="w1@example.org",
            sender="alice@example.com",
            to="Dana <dana@example.com>",
            subject="Coffee?",
            date=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
        ),
    )
    box = mailbox_save(
        user=alice,
        mailbox=None,
        fields={"host": dovecot.host, "port": dovecot.port, "tls": False, "username": dovecot.user},
        password=dovecot.password,
    )
    start(
        "worker", "--concurrency=2", "--pool=prefork", env={"CAPTURE_ALLOW_PRIVATE_HOSTS": "true"}
    )

    def enqueue(model, pks):  # the sweep's own queueing, to the worker's Redis
        with app.connection_for_write(isolated_redis) as broker:
            for pk in pks:
                tasks.mailbox_sync.apply_async((pk,), connection=broker)

    assert sync_sweep(enqueue=enqueue).mailboxes == [box.pk]
    assert wait_for(lambda: Interaction.objects.filter(owner=alice).exists())
    assert wait_for(
        lambda: Mailbox.objects.filter(pk=box.pk, last_success_at__isnull=False).exists()
    )
    assert CapturedItem.objects.get().external_id == "w1@example.org"
