"""`python -m bench.digest` without the slow run: its flags, the networks it builds, the sink
that counts Message-IDs, and the table it prints."""

import datetime as dt
import json
import smtplib
from email.message import EmailMessage

import pytest

from bench.digest import (
    CIRCLES,
    DEFAULT_REDIS,
    BenchError,
    bounded,
    busy_share,
    check_database_url,
    check_redis_url,
    digest_network,
    digest_table,
    parse_args,
    results_merge,
    smtp_sink,
    worker_env,
)

TODAY = dt.date(2026, 3, 2)
BENCH_DB = "postgres://postgres@127.0.0.1:5432/networkcrm_bench"


@pytest.fixture(autouse=True)
def no_bench_overrides(monkeypatch):
    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    monkeypatch.delenv("BENCH_REDIS_URL", raising=False)


def test_it_defaults_to_10000_users_on_the_bench_database_and_redis_9():
    args = parse_args([])
    assert (args.users, args.limit, args.json) == (10_000, 600, False)
    assert args.database == BENCH_DB
    assert args.redis == DEFAULT_REDIS == "redis://127.0.0.1:6379/8"


def test_it_takes_the_redis_database_from_bench_redis_url(monkeypatch):
    monkeypatch.setenv("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
    assert parse_args(["--users", "50", "--json"]).redis == "redis://127.0.0.1:6379/7"


@pytest.mark.parametrize(
    "argv",
    [
        ["--users", "0"],
        ["--limit", "0"],
        ["--database", "sqlite:///var/bench/bench.sqlite3"],
        ["--database", "postgres://postgres@127.0.0.1:5432/networkcrm"],
        ["--redis", "redis://127.0.0.1:6379/0"],
        ["--redis", "redis://127.0.0.1:6379"],
    ],
)
def test_it_refuses_what_it_must_not_write_to_or_cannot_measure(argv):
    with pytest.raises(SystemExit):
        parse_args(argv)


def test_it_accepts_a_bench_database_and_a_numbered_redis():
    check_database_url("postgresql://u:p@db:5432/crm_bench_2")
    check_redis_url("rediss://cache:6380/12")
    with pytest.raises(BenchError, match="other than 0"):
        check_redis_url("redis://127.0.0.1:6379/0")


def test_it_points_the_workers_at_the_sink_over_plain_smtp():
    env = worker_env({"DATABASE_URL": BENCH_DB, "EMAIL_HOST_PASSWORD": "secret"}, 2525)
    assert (env["EMAIL_HOST"], env["EMAIL_PORT"]) == ("127.0.0.1", "2525")
    assert (env["EMAIL_USE_TLS"], env["EMAIL_USE_SSL"], env["EMAIL_HOST_PASSWORD"]) == (
        "false",
        "false",
        "",
    )
    assert env["DATABASE_URL"] == BENCH_DB


def test_it_gives_every_user_6_contacts_with_2_or_3_overdue():
    for n in range(1, 200):
        user = digest_network(n, TODAY)
        assert [c.circle for c in user.contacts] == list(CIRCLES)
        overdue = [c for c in user.contacts if c.overdue]
        assert len(overdue) == 2 + n % 2
        assert all(c.last_seen <= TODAY for c in user.contacts)


def test_it_dates_the_last_interaction_past_the_cadence_only_for_the_overdue():
    cadence = {"inner": 14, "close": 30, "active": 90, "extended": 180}
    for n in range(1, 100):
        for contact in digest_network(n, TODAY).contacts:
            due = contact.last_seen + dt.timedelta(days=cadence[contact.circle])
            assert (due < TODAY) == contact.overdue


def test_it_gives_every_third_user_a_follow_up_and_the_same_network_each_time():
    users = [digest_network(n, TODAY) for n in range(1, 31)]
    assert sum(u.followup_due is not None for u in users) == 10
    assert all(u.followup_due <= TODAY for u in users if u.followup_due)
    assert digest_network(7, TODAY) == digest_network(7, TODAY)


def send(port: int, message_id: str, to: str) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "crm@example.com", to, "Digest"
    message["Message-ID"] = message_id
    message.set_content("Hello")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as server:
        server.send_message(message)


def test_the_sink_counts_messages_and_duplicate_message_ids():
    with smtp_sink(expected=3) as (sink, port):
        send(port, "<digest-1@x>", "a@example.com")
        send(port, "<digest-2@x>", "b@example.com")
        assert sink.reached_at is None
        send(port, "<digest-1@x>", "a@example.com")
        assert (sink.received, len(sink.ids), sink.duplicates) == (3, 2, 1)
        assert sink.recipients == {"a@example.com", "b@example.com"}
        assert sink.reached_at is not None


def test_it_calls_the_count_bounded_when_6_and_5000_contacts_agree():
    same = [
        {"case": "6 contacts", "queries": 10},
        {"case": "6 contacts, a follow-up", "queries": 11},
        {"case": "5,000 contacts", "queries": 10},
        {"case": "5,000 contacts, a follow-up", "queries": 11},
    ]
    assert bounded(same) is True
    assert bounded([*same[:2], {"case": "5,000 contacts", "queries": 14}]) is False
    assert bounded(same[:2]) is None


RESULT = {
    "users": 10_000,
    "worker": "1 prefork worker, --concurrency=2",
    "target_per_second": 200.0,
    "sweep": {"claimed": 10_000, "skipped": 0, "requeued": 0, "seconds": 6.2},
    "received": 10_000,
    "unique": 10_000,
    "duplicates": 0,
    "seconds": 40.0,
    "per_second": 250.0,
    "timed_out": False,
    "statuses": {"sent": 10_000},
    "cpus": 2,
    "workers_cpu_seconds": 150.0,
    "bench_cpu_seconds": 20.0,
    "machine_busy": 0.97,
    "queries": [
        {"case": "6 contacts", "queries": 10, "items": 3, "outcome": "sent"},
        {"case": "5,000 contacts", "queries": 10, "items": 25, "outcome": "sent"},
    ],
    "queries_bounded": True,
}


def test_it_prints_the_figures_as_a_table():
    lines = digest_table(RESULT)
    assert lines[0].split() == ["database", "digest", "sweep", "figure", "note"]
    rows = {line[10:46].strip(): line[46:].split() for line in lines[2:]}
    assert rows["users due"][0] == "10,000"
    assert rows["digests per second"] == ["250.0", "target", "≥", "200:", "met"]
    assert rows["duplicate Message-IDs"] == ["0"]
    assert rows["worker CPU ms per digest"][0] == "15.0"
    assert rows["ceiling of 2 processes"][0] == "133/s"
    assert rows["sweep + sink CPU ms per digest"][0] == "2.0"
    assert rows["machine CPU busy"][:3] == ["97%", "of", "2"]
    assert rows["deliveries by status"] == ["sent", "10,000"]
    assert rows["queries, 5,000 contacts"] == ["10", "25", "items,", "sent"]
    assert rows["same count for every network size"] == ["yes"]


def test_it_says_when_the_target_was_missed_or_the_run_timed_out():
    slow = digest_table({**RESULT, "per_second": 150.0})
    assert any(line.endswith("target ≥ 200: MISSED") for line in slow)
    partial = {**RESULT, "received": 4_000, "per_second": 400.0, "timed_out": True}
    partial["error"] = "only 4,000 of 10,000 digests reached the sink within 600 s"
    lines = digest_table(partial)
    assert any(line.endswith("MISSED") for line in lines)
    assert "only 4,000 of 10,000" in lines[-1]


def test_it_writes_its_figures_beside_the_page_figures(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"databases": {"postgres": {"pages": {"plan": {}}}}}))
    results_merge(RESULT, path)
    saved = json.loads(path.read_text())["databases"]["postgres"]
    assert saved["pages"] == {"plan": {}}
    assert saved["digest"]["per_second"] == 250.0


def test_it_takes_the_busy_share_of_the_machine_between_two_readings():
    assert busy_share((100, 1000), (250, 1200)) == 0.75
    assert busy_share(None, (250, 1200)) is None
    assert busy_share((100, 1000), (100, 1000)) is None
