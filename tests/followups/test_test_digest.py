"""The test digest from Settings: a delivery of its own kind, sent by the digest's worker path,
marked as a test, rate-limited, and never taken for the day's digest."""

from __future__ import annotations

import datetime as dt
from email.header import decode_header, make_header

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Profile
from followups import digest
from followups.digest import Outcome, digest_send_batch, digest_sweep, message_id
from followups.models import DeliveryKind, DeliveryStatus, DigestDelivery
from tests.contacts.factories import contact

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 15, 10, 30, tzinfo=dt.UTC)  # 12:30 in Paris, alice's zone
URL = reverse("accounts:test_digest")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def queued(monkeypatch):
    ids: list[int] = []
    monkeypatch.setattr(digest, "enqueue_sends", ids.extend)
    return ids


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def text_part(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    raise AssertionError("no plain-text part")


def overdue(owner, name: str = "Dana"):
    made = contact(owner, name, circle="inner")
    made.next_checkin_on = dt.date(2026, 6, 12)
    made.save(update_fields=["next_checkin_on"])
    return made


def test_it_writes_a_test_delivery_and_queues_it_once_committed(
    alice, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = digest.test_digest_request(user=alice)
    assert (delivery.kind, delivery.status) == (DeliveryKind.TEST, DeliveryStatus.PENDING)
    assert delivery.local_date == dt.date(2026, 6, 15)
    assert queued == [delivery.pk]


def test_the_worker_sends_it_marked_as_a_test(alice, queued, smtp_sink):
    overdue(alice)
    delivery = digest.test_digest_request(user=alice)
    assert digest_send_batch([delivery.pk]) == {delivery.pk: Outcome.SENT}
    (message,) = smtp_sink.to(alice.email)
    assert subject(message).startswith("Test: ")
    assert message["Message-ID"] == message_id(delivery)
    body = text_part(message)
    assert "This is a test digest" in body
    assert "Dana" in body
    assert DigestDelivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT


def test_it_is_sent_even_with_the_digest_off_and_nothing_due(alice, queued, smtp_sink):
    Profile.objects.filter(user=alice).update(digest_enabled=False, digest_when_empty=False)
    delivery = digest.test_digest_request(user=alice)
    assert digest_send_batch([delivery.pk]) == {delivery.pk: Outcome.SENT}
    (message,) = smtp_sink.to(alice.email)
    assert "Nothing due today" in subject(message)


def test_it_does_not_count_as_the_days_digest(alice, queued, smtp_sink):
    overdue(alice)
    digest_send_batch([digest.test_digest_request(user=alice).pk])
    Profile.objects.filter(user=alice).update(next_digest_at=NOW - dt.timedelta(minutes=1))
    assert digest_sweep(enqueue=lambda ids: None).claimed == 1
    daily = DigestDelivery.objects.get(user=alice, kind=DeliveryKind.DAILY)
    assert digest_send_batch([daily.pk]) == {daily.pk: Outcome.SENT}
    subjects = [subject(m) for m in smtp_sink.to(alice.email)]
    assert len(subjects) == 2
    assert not subjects[1].startswith("Test: ")


def test_a_second_request_within_five_minutes_is_refused(alice, queued, frozen):
    digest.test_digest_request(user=alice)
    frozen.shift(dt.timedelta(minutes=3))
    with pytest.raises(digest.TestDigestTooSoon, match="another in 2 minutes"):
        digest.test_digest_request(user=alice)
    frozen.shift(dt.timedelta(minutes=2))
    digest.test_digest_request(user=alice)
    assert DigestDelivery.objects.filter(user=alice, kind=DeliveryKind.TEST).count() == 2


def test_the_settings_button_asks_for_one_and_says_so(alice_client, alice, queued):
    page = alice_client.get(reverse("accounts:settings")).content.decode()
    assert "Send me a test digest now" in page
    response = alice_client.post(URL, follow=True)
    assert "A test digest is on its way to alice@example.com" in response.content.decode()
    assert DigestDelivery.objects.filter(user=alice, kind=DeliveryKind.TEST).count() == 1


def test_the_settings_button_says_when_it_is_too_soon(alice_client, alice, queued):
    alice_client.post(URL)
    response = alice_client.post(URL, follow=True)
    assert "You can ask for another in 5 minutes" in response.content.decode()
    assert DigestDelivery.objects.filter(user=alice, kind=DeliveryKind.TEST).count() == 1


def test_it_is_post_only(alice_client):
    assert alice_client.get(URL).status_code == 405


def test_it_needs_a_login(client):
    assert client.post(URL).status_code == 302
    assert not DigestDelivery.objects.exists()


def test_bob_asks_for_his_own_only(client, alice, bob, queued):
    client.force_login(bob)
    client.post(URL)
    assert list(DigestDelivery.objects.values_list("user", flat=True)) == [bob.pk]


def html_of(message) -> str:
    return message.alternatives[0][0]


def test_its_footer_says_it_was_asked_for_not_that_the_digest_is_on(alice):
    message, _items = digest.test_digest_message(digest.test_digest_request(user=alice))
    for part in (message.body, html_of(message)):
        assert "because you asked for a test digest in your" in part
        assert "because the daily digest is on" not in part
        assert "The daily digest is on" in part
    assert "Stop the daily digest: http" in message.body


def test_with_the_digest_off_its_footer_says_none_comes_unless_turned_on(alice):
    Profile.objects.filter(user=alice).update(digest_enabled=False)
    asked = DigestDelivery.objects.get(pk=digest.test_digest_request(user=alice).pk)
    message, _items = digest.test_digest_message(asked)
    for part in (message.body, html_of(message)):
        assert "because you asked for a test digest in your" in part
        assert "The daily digest is off: no digest comes unless you turn it on there." in part
        assert "The daily digest is on" not in part
        assert "/followups/digest/unsubscribe/" not in part
