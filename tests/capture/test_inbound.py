"""Reading messages sent to a forwarding address (capture.inbound) and what they mean
(capture.forward.meaning_of), on samples as Gmail, Outlook and Apple Mail write forwards."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import pytest

from capture.forward import meaning_of, token_of
from capture.inbound import UnreadableMessage, read_message

SAMPLES = Path(__file__).parent / "samples"
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 6, 18, 10, tzinfo=dt.UTC)
OWN = {"alice@example.com"}


@pytest.fixture(autouse=True)
def domain(settings):
    settings.CAPTURE_DOMAIN = "capture.test"


def meaning(name: str):
    read = read_message((SAMPLES / name).read_bytes())
    return meaning_of(read.outer, read.original, own=OWN, zone=PARIS, now=NOW)


def emails(people) -> list[str]:
    return [address for address, _ in people]


def test_it_reads_a_gmail_forward_of_a_message_received():
    found = meaning("gmail_forward.eml")
    assert found.direction == "in"
    assert found.people == [("dana@example.com", "Dana Scully"), ("erin@example.com", "Erin Reed")]
    # "9:12 AM" without a zone is the user's time: Paris, summer.
    assert found.occurred_at == dt.datetime(2026, 6, 15, 7, 12, tzinfo=dt.UTC)
    assert found.summary == "Coffee next week?"
    assert found.external_id.startswith("forward:")
    assert found.text.startswith("Hi Alice, are you free")


def test_it_reads_an_outlook_forward_of_a_message_sent():
    found = meaning("outlook_forward.eml")
    assert found.direction == "out"
    assert emails(found.people) == ["frank@partner.example", "gil@example.org", "dana@example.com"]
    assert found.occurred_at == dt.datetime(2026, 6, 15, 14, 30, tzinfo=dt.UTC)
    assert found.summary == "Proposal for Q3"


def test_it_reads_an_apple_mail_forward():
    found = meaning("apple_forward.eml")
    assert found.direction == "in"
    assert emails(found.people) == ["gil@example.org", "hank@lab.example"]
    assert found.occurred_at == dt.datetime(2026, 6, 14, 16, 45, 10, tzinfo=dt.UTC)
    assert found.summary == "Re: Intro to the lab"


def test_it_reads_a_forward_as_attachment_with_the_originals_message_id():
    found = meaning("attached_forward.eml")
    assert found.direction == "in"
    assert emails(found.people) == ["irene@board.example", "jack@board.example"]
    assert found.occurred_at == dt.datetime(2026, 6, 16, 21, 20, tzinfo=dt.UTC)
    assert found.external_id == "original-board-notes-42@board.example"


def test_a_bcc_is_a_message_the_user_wrote():
    found = meaning("bcc_sent.eml")
    assert found.direction == "out"
    assert emails(found.people) == ["dana@example.com", "erin@example.com"]
    assert found.external_id == "bcc-sent-1@example.com"
    assert found.summary == "Thanks for the intro"


def test_the_same_inline_forward_twice_has_one_key():
    assert meaning("gmail_forward.eml").external_id == meaning("gmail_forward.eml").external_id
    assert meaning("gmail_forward.eml").external_id != meaning("apple_forward.eml").external_id


def test_a_malformed_message_is_refused_in_words():
    with pytest.raises(UnreadableMessage, match="no sender address"):
        meaning("malformed.eml")


def test_a_message_naming_nobody_else_is_refused_in_words():
    raw = b"From: alice@example.com\r\nTo: log+abcdefghij@capture.test\r\nSubject: x\r\n\r\nhi\r\n"
    read = read_message(raw)
    with pytest.raises(UnreadableMessage, match="Nobody else"):
        meaning_of(read.outer, read.original, own=OWN, zone=PARIS, now=NOW)


def test_an_empty_message_is_refused_in_words():
    with pytest.raises(UnreadableMessage, match="no headers"):
        read_message(b"")


def test_a_date_far_ahead_is_read_as_now():
    raw = (SAMPLES / "bcc_sent.eml").read_bytes().replace(b"2026", b"2031")
    read = read_message(raw)
    assert meaning_of(read.outer, None, own=OWN, zone=PARIS, now=NOW).occurred_at == NOW


def test_it_finds_the_token_of_a_forwarding_address_only():
    assert token_of("Log+ABCDEFGHIJ@Capture.Test") == "abcdefghij"
    assert token_of("log+abcdefghij@elsewhere.test") is None
    assert token_of("alice@capture.test") is None
    assert token_of("log+../../x@capture.test") is None


def test_a_big_message_is_read_from_its_first_megabyte():
    from email import policy
    from email.message import EmailMessage

    original = read_message((SAMPLES / "attached_forward.eml").read_bytes())
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = "Alice Example <alice@example.com>"
    message["To"] = "log+abcdefghij@capture.test"
    message["Subject"] = "Fwd: Board meeting notes"
    message.set_content("See attached.")
    attached = EmailMessage(policy=policy.SMTP)
    attached["From"] = "Irene Adler <irene@board.example>"
    attached["To"] = "Alice Example <alice@example.com>"
    attached["Subject"] = "Board meeting notes"
    attached["Message-ID"] = "<original-board-notes-42@board.example>"
    attached.set_content("Notes below.")
    attached.add_attachment(b"x" * (3 * 1024 * 1024), maintype="application", subtype="pdf")
    message.add_attachment(attached)
    raw = message.as_bytes()
    assert len(raw) > 4 * 1024 * 1024
    read = read_message(raw)
    assert read.original.sender == original.original.sender
    assert read.original.message_id == "<original-board-notes-42@board.example>"
