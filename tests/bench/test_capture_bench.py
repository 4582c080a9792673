"""bench.capture's messages: each one new (its own key), readable, in CRLF as it travels."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from bench.capture import MESSAGES, messages, parse_args
from capture.forward import meaning_of
from capture.inbound import read_message


@pytest.fixture(autouse=True)
def domain(settings):
    settings.CAPTURE_DOMAIN = "capture.bench"


def test_each_message_is_new_and_readable():
    made = messages(len(MESSAGES) * 2, "run1")
    keys = set()
    for raw in made:
        assert b"\r\n" in raw
        assert b"\n" not in raw.replace(b"\r\n", b"")
        read = read_message(raw)
        found = meaning_of(
            read.outer,
            read.original,
            own={"alice@example.com"},
            zone=zoneinfo.ZoneInfo("Europe/Paris"),
            now=dt.datetime(2026, 6, 18, tzinfo=dt.UTC),
        )
        assert found.people
        keys.add(found.external_id)
    assert len(keys) == len(made)


def test_it_refuses_a_database_not_named_for_benchmarks():
    with pytest.raises(SystemExit):
        parse_args(["--database", "postgres://postgres@127.0.0.1:5432/networkcrm"])
