"""The forwarding address's receiver as a real process (`manage.py capture_receive`), sent
real SMTP and LMTP by smtplib, on the test database."""

from __future__ import annotations

import os
import smtplib
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from capture.models import CapturedItem, CaptureSettings, ReviewEntry
from capture.services import forward_token_regenerate, settings_for
from tests.capture.helpers import person
from tests.followups.conftest import database_url, free_port, wait_for

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
SAMPLES = Path(__file__).parent / "samples"
DOMAIN = "capture.test"


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), 1):
            return True
    except OSError:
        return False


PIDS: dict[int, int] = {}


def peak_memory_mb(port: int) -> float:
    """The receiver's peak resident memory (Linux's VmHWM), in MB."""
    status = Path(f"/proc/{PIDS[port]}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


@pytest.fixture
def receiver(postgresql, settings, tmp_path) -> Iterator[Callable[..., int]]:
    """Starts the receiver on a free port; returns the port. Stopped (SIGTERM) at the end."""
    settings.CAPTURE_DOMAIN = DOMAIN
    started: list[tuple[subprocess.Popen, Path]] = []

    def run(*args: str) -> int:
        port = free_port()
        log = tmp_path / f"receiver-{port}.log"
        process = subprocess.Popen(
            [sys.executable, "manage.py", "capture_receive", "--port", str(port), *args],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": database_url(),
                "CAPTURE_DOMAIN": DOMAIN,
                "DEBUG": "true",
                "PYTHONUNBUFFERED": "1",
            },
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        started.append((process, log))
        PIDS[port] = process.pid
        assert wait_for(lambda: listening(port) or process.poll() is not None, 30)
        assert process.poll() is None, log.read_text()
        return port

    yield run
    for process, log in started:
        process.terminate()
        assert process.wait(timeout=15) == 0  # a clean stop on SIGTERM
        print(f"--- {log.name} ---\n{log.read_text()[-3000:]}")  # noqa: T201 (shown on failure)


@pytest.fixture
def address(alice) -> str:
    prefs = settings_for(alice)
    prefs.forward_enabled = True
    prefs.save()
    return prefs.address


def send(port: int, to: str, raw: bytes, *, lmtp: bool = False) -> None:
    client = smtplib.LMTP("127.0.0.1", port) if lmtp else smtplib.SMTP("127.0.0.1", port)
    with client:
        client.sendmail("alice@example.com", [to], raw)


def sample(name: str) -> bytes:
    """A sample as it travels: lines end in CRLF (smtplib sends bytes as they are)."""
    return (SAMPLES / name).read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def test_it_logs_forwards_from_gmail_outlook_and_apple_mail(receiver, alice, address):
    port = receiver()
    dana = person(alice, "Dana", "dana@example.com")
    gil = person(alice, "Gil", "gil@example.org")
    for name in ("gmail_forward.eml", "outlook_forward.eml", "apple_forward.eml"):
        send(port, address, sample(name))
    items = CapturedItem.objects.filter(user=alice).order_by("occurred_at")
    assert [i.summary for i in items] == [
        "Re: Intro to the lab",
        "Coffee next week?",
        "Proposal for Q3",
    ]
    assert [i.direction for i in items] == ["in", "in", "out"]
    assert set(dana.interactions.all()) == {items[1].interaction, items[2].interaction}
    assert set(gil.interactions.all()) == {items[0].interaction, items[2].interaction}
    assert set(ReviewEntry.objects.filter(user=alice).values_list("email", flat=True)) == {
        "erin@example.com",
        "frank@partner.example",
        "hank@lab.example",
    }


def test_an_unknown_or_revoked_address_is_refused_with_550_and_nothing_is_logged(
    receiver, alice, address
):
    port = receiver()
    person(alice, "Dana", "dana@example.com")
    forward_token_regenerate(user=alice)
    for to in (address, f"log+{'a' * 24}@{DOMAIN}", f"alice@{DOMAIN}"):
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            send(port, to, sample("gmail_forward.eml"))
        assert refused.value.recipients[to][0] == 550
    CaptureSettings.objects.filter(user=alice).update(forward_enabled=False)
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(port, settings_for(alice).address, sample("gmail_forward.eml"))
    assert CapturedItem.objects.count() == 0
    assert ReviewEntry.objects.count() == 0
    prefs = CaptureSettings.objects.get(user=alice)
    assert (prefs.last_error, prefs.failures) == ("", 0)


def test_a_malformed_message_is_refused_in_words_and_the_receiver_goes_on(receiver, alice, address):
    port = receiver()
    person(alice, "Dana", "dana@example.com")
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(port, address, sample("malformed.eml"))
    assert refused.value.smtp_code == 554
    assert b"no sender address" in refused.value.smtp_error
    prefs = CaptureSettings.objects.get(user=alice)
    assert prefs.last_error == "The message has no sender address that could be read."
    send(port, address, sample("gmail_forward.eml"))
    assert CapturedItem.objects.get().summary == "Coffee next week?"


def test_a_message_over_25_mb_is_refused_without_the_receiver_keeping_it(receiver, alice, address):
    port = receiver()
    body = (b"x" * 998 + b"\r\n") * (26 * 1024 * 1024 // 1000)
    raw = sample("bcc_sent.eml") + b"\r\n" + body
    with smtplib.SMTP("127.0.0.1", port) as client:
        client.ehlo()
        assert client.has_extn("size")
        # Announced: refused before any data.
        code, _ = client.mail("alice@example.com", [f"SIZE={len(raw)}"])
        assert code == 552
        client.rset()
        # Not announced: read to the end and refused, its lines dropped once over the limit.
        assert client.mail("alice@example.com")[0] == 250
        assert client.rcpt(address)[0] == 250
        assert client.data(raw)[0] == 552
    assert CapturedItem.objects.count() == 0
    # It held the lines up to the limit at most, never the whole message twice over.
    assert peak_memory_mb(port) < 150
    person(alice, "Dana", "dana@example.com")
    send(port, address, sample("bcc_sent.eml"))
    assert CapturedItem.objects.count() == 1


def test_it_speaks_lmtp_for_a_mail_servers_transport(receiver, alice, address):
    port = receiver("--lmtp")
    person(alice, "Dana", "dana@example.com")
    send(port, address, sample("bcc_sent.eml"), lmtp=True)
    assert CapturedItem.objects.get().direction == "out"


def test_two_users_addresses_reach_only_their_own_log(receiver, alice, bob, address):
    port = receiver()
    bob_prefs = settings_for(bob)
    bob_prefs.forward_enabled = True
    bob_prefs.save()
    person(alice, "Dana", "dana@example.com")
    send(port, bob_prefs.address, sample("bcc_sent.eml"))
    assert CapturedItem.objects.get().user == bob
    assert alice.interactions.count() == 0


def test_a_message_just_under_the_limit_is_logged_in_bounded_memory(receiver, alice, address):
    port = receiver()
    person(alice, "Dana", "dana@example.com")
    message = EmailMessage(policy=policy.SMTP)
    for header in ("From", "To", "Cc", "Subject", "Date", "Message-ID"):
        message[header] = read_sample_header(header)
    message.set_content("Dana, the deck is attached.")
    message.add_attachment(os.urandom(17 * 1024 * 1024), maintype="application", subtype="pdf")
    raw = message.as_bytes()
    assert 23 * 1024 * 1024 < len(raw) < 25 * 1024 * 1024
    send(port, address, raw)
    assert CapturedItem.objects.get().summary == "Thanks for the intro"
    assert peak_memory_mb(port) < 200


def read_sample_header(name: str) -> str:
    from email import message_from_bytes

    return str(message_from_bytes(sample("bcc_sent.eml"), policy=policy.default)[name])
