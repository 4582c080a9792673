"""A mailbox synced from a real IMAP server (dovecot, started by the test) into interactions:
direction, review inbox, cursors, threads, duplicates with the forwarding address, errors and
giving up, two syncs at once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from capture.crypto import secret_open
from capture.models import CapturedItem, Direction, Mailbox, ReviewEntry, SourceKind
from capture.sources import mailbox_save
from capture.sync import _mailbox_read, mailbox_sync
from contacts.models import Channel, Initiator, Interaction, Kind
from tests.capture.fixtures_sync import mail
from tests.capture.helpers import mail as forwarded
from tests.capture.helpers import person
from tests.kpis.test_rollup_concurrency import at_once

NOW = dt.datetime(2026, 12, 5, 12, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def local_hosts(settings):
    settings.CAPTURE_ALLOW_PRIVATE_HOSTS = True


@pytest.fixture(autouse=True)
def sent_folder(request):
    if "dovecot" in request.fixturenames:
        request.getfixturevalue("dovecot").folder_create("Sent")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True):
        yield


def mailbox_for(user, server, **fields) -> Mailbox:
    return mailbox_save(
        user=user,
        mailbox=None,
        fields={
            "host": server.host,
            "port": server.port,
            "tls": False,
            "username": server.user,
            "inbox_folder": "INBOX",
            "sent_folder": "Sent",
            **fields,
        },
        password=server.password,
    )


def seed(server, n: int, *, folder: str = "INBOX", hours_ago: int = 2, **fields) -> None:
    defaults = (
        {"sender": "Alice <alice@example.com>", "to": "Dana Scully <dana@example.com>"}
        if folder == "Sent"
        else {"sender": "Dana Scully <dana@example.com>", "to": "Alice <alice@example.com>"}
    )
    server.append(
        folder,
        mail(
            message_id=fields.pop("message_id", f"m{n}@example.org"),
            subject=fields.pop("subject", f"Subject {n}"),
            date=NOW - dt.timedelta(hours=hours_ago),
            **{**defaults, **fields},
        ),
    )


def test_the_password_is_kept_encrypted(alice, dovecot):
    mailbox = mailbox_for(alice, dovecot)
    assert dovecot.password not in mailbox.password_sealed
    assert secret_open(mailbox.password_sealed) == dovecot.password


def test_a_sent_message_logs_an_email_the_user_started(alice, dovecot, clock):
    dana = person(alice, "Dana", "dana@example.com")
    seed(dovecot, 1, folder="Sent")
    mailbox = mailbox_for(alice, dovecot)
    assert mailbox_sync(mailbox.pk).logged == 1
    interaction = Interaction.objects.get()
    assert list(interaction.contacts.all()) == [dana]
    assert (interaction.kind, interaction.channel) == (Kind.EMAIL, Channel.EMAIL)
    assert interaction.initiated_by == Initiator.ME
    item = CapturedItem.objects.get()
    assert (item.source, item.source_id, item.direction) == (
        SourceKind.IMAP,
        mailbox.pk,
        Direction.OUT,
    )
    assert item.external_id == "m1@example.org"
    dana.refresh_from_db()  # strength and the next check-in follow, as for any interaction
    assert dana.strength > 0
    assert dana.next_checkin_on is not None


def test_a_received_message_logs_an_email_they_started(alice, dovecot, clock):
    person(alice, "Dana", "dana@example.com")
    seed(dovecot, 1)
    assert mailbox_sync(mailbox_for(alice, dovecot).pk).seen == 1
    assert Interaction.objects.get().initiated_by == Initiator.THEM


def test_people_who_are_not_contacts_go_to_the_review_inbox(alice, dovecot, clock):
    seed(dovecot, 1, folder="Sent", to="Eve <eve@example.org>, Alice <alice@example.com>")
    mailbox_sync(mailbox_for(alice, dovecot).pk)
    assert Interaction.objects.count() == 0
    assert list(ReviewEntry.objects.values_list("email", "name")) == [("eve@example.org", "Eve")]


def test_a_second_sync_logs_nothing_again_and_reads_only_new_messages(alice, dovecot, clock):
    person(alice, "Dana", "dana@example.com")
    seed(dovecot, 1)
    mailbox = mailbox_for(alice, dovecot)
    mailbox_sync(mailbox.pk)
    mailbox.refresh_from_db()
    assert mailbox.state["INBOX"]["last_uid"] == 1
    assert mailbox_sync(mailbox.pk).seen == 0
    seed(dovecot, 2, subject="Another thread")
    assert mailbox_sync(mailbox.pk).seen == 1
    assert Interaction.objects.count() == 2


def test_a_days_messages_of_one_thread_are_one_interaction(alice, dovecot, clock):
    person(alice, "Dana", "dana@example.com")
    seed(dovecot, 1, folder="Sent", subject="Lunch?", hours_ago=3)
    seed(dovecot, 2, subject="Re: Lunch?", hours_ago=2)
    mailbox_sync(mailbox_for(alice, dovecot).pk)
    assert CapturedItem.objects.count() == 2
    assert Interaction.objects.count() == 1


def test_a_message_already_forwarded_is_not_logged_again(alice, dovecot, clock):
    person(alice, "Dana", "dana@example.com")
    forwarded(alice, "m1@example.org")
    seed(dovecot, 1, folder="Sent")
    mailbox_sync(mailbox_for(alice, dovecot).pk)
    assert Interaction.objects.count() == 1
    assert CapturedItem.objects.get().source == SourceKind.FORWARD


def test_the_first_sync_reads_back_the_chosen_days_only(alice, dovecot, clock):
    person(alice, "Dana", "dana@example.com")
    seed(dovecot, 1, hours_ago=24 * 10, subject="Old")
    seed(dovecot, 2, hours_ago=24 * 2, subject="Recent")
    mailbox_sync(mailbox_for(alice, dovecot, lookback_days=7).pk)
    assert list(CapturedItem.objects.values_list("summary", flat=True)) == ["Recent"]


def test_automated_and_own_only_messages_are_left_out(alice, dovecot, clock):
    person(alice, "Dana", "dana@example.com")
    seed(dovecot, 1, folder="Sent", to="alice@example.com")  # a note to oneself
    dovecot.append(  # a newsletter from a contact's address
        "INBOX",
        mail(
            message_id="news@example.com",
            sender="dana@example.com",
            to="alice@example.com",
            subject="Our news",
            date=NOW - dt.timedelta(hours=1),
        ).replace(b"MIME-Version", b"List-Unsubscribe: <mailto:u@example.com>\r\nMIME-Version"),
    )
    mailbox_sync(mailbox_for(alice, dovecot).pk)
    assert CapturedItem.objects.count() == 0


def test_a_missing_folder_is_recorded_in_words(alice, dovecot, clock):
    mailbox = mailbox_for(alice, dovecot, sent_folder="Envoyés")
    assert mailbox_sync(mailbox.pk).outcome == "failed"
    mailbox.refresh_from_db()
    assert (
        mailbox.last_error
        == "The folder “Envoyés” does not exist on the mail server: check its name."
    )


def test_a_wrong_password_is_recorded_in_words_and_tried_later(alice, dovecot, clock):
    mailbox = mailbox_for(alice, dovecot)
    mailbox_save(user=alice, mailbox=mailbox, fields={}, password="wrong")
    result = mailbox_sync(mailbox.pk)
    mailbox.refresh_from_db()
    assert result.outcome == "failed"
    assert "refused the user name or password" in mailbox.last_error
    assert (mailbox.failures, mailbox.lease_until) == (1, None)
    assert mailbox.next_sync_at > NOW + dt.timedelta(minutes=15)


def test_it_gives_up_after_repeated_failures_and_mails_the_user_once(
    alice, dovecot, clock, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.CAPTURE_MAX_FAILURES = 3
    mailbox = mailbox_for(alice, dovecot)
    dovecot.stop()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            Mailbox.objects.filter(pk=mailbox.pk).update(lease_until=None)
            mailbox_sync(mailbox.pk)
    mailbox.refresh_from_db()
    assert mailbox.gave_up_at is not None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["alice@example.com"]
    assert "refused the connection" in mailoutbox[0].body


def test_saving_the_mailbox_again_resumes_it(alice, dovecot, clock, settings):
    settings.CAPTURE_MAX_FAILURES = 1
    mailbox = mailbox_for(alice, dovecot, username="nobody@example.com")
    mailbox_sync(mailbox.pk)
    mailbox.refresh_from_db()
    assert mailbox.gave_up_at is not None
    mailbox = mailbox_save(user=alice, mailbox=mailbox, fields={"username": dovecot.user})
    assert (mailbox.gave_up_at, mailbox.failures) == (None, 0)
    assert mailbox_sync(mailbox.pk).outcome == "done"


def test_a_sync_already_running_makes_the_second_do_nothing(alice, dovecot, clock):
    mailbox = mailbox_for(alice, dovecot)
    Mailbox.objects.filter(pk=mailbox.pk).update(lease_until=NOW + dt.timedelta(minutes=5))
    assert mailbox_sync(mailbox.pk).outcome == "busy"


@pytest.mark.django_db(transaction=True)
def test_two_syncs_at_once_log_each_message_once(postgresql, alice, dovecot):
    person(alice, "Dana", "dana@example.com")
    for n in range(12):
        seed(dovecot, n, folder="Sent", subject=f"Thread {n}")
    mailbox = mailbox_for(alice, dovecot)
    at_once(*[lambda: mailbox_sync(mailbox.pk) for _ in range(2)])
    assert CapturedItem.objects.count() == 12
    assert Interaction.objects.count() == 12


@pytest.mark.django_db(transaction=True)
def test_two_syncs_at_once_past_the_lease_still_log_each_message_once(postgresql, alice, dovecot):
    """As when a lease ran out while the first sync was still going: both read everything."""
    person(alice, "Dana", "dana@example.com")
    for n in range(12):
        seed(dovecot, n, folder="Sent", subject=f"Thread {n}")
    mailbox = mailbox_for(alice, dovecot)
    at_once(*[lambda: _mailbox_read(Mailbox.objects.get(pk=mailbox.pk), NOW) for _ in range(3)])
    assert CapturedItem.objects.count() == 12
    assert Interaction.objects.count() == 12
