"""`python -m bench`: its flags and its table, without the slow run."""

import pytest

from bench import run
from bench.ab import parse_args as ab_args
from bench.ab import ratio_table
from bench.run import LABELS, Target, page_table, parse_args, speed_probe, target_note


def test_it_runs_the_digest_step_for_10000_users_by_default():
    args = parse_args([])
    assert (args.skip_digest, args.digest_users) == (False, 10_000)


def test_it_takes_the_digest_flags():
    args = parse_args(["--only", "postgres", "--skip-digest", "--digest-users", "500"])
    assert (args.only, args.skip_digest, args.digest_users) == ("postgres", True, 500)


@pytest.mark.parametrize("argv", [["--digest-users", "0"], ["--requests", "10"]])
def test_it_refuses_sizes_that_measure_nothing(argv, capsys):
    with pytest.raises(SystemExit):
        parse_args(argv)
    assert "must be at least" in capsys.readouterr().err


def test_it_labels_the_plan_page():
    assert LABELS["plan"] == "plan page (10 objectives)"


def test_it_says_whether_the_plan_page_meets_its_target():
    assert target_note("plan", 12.5) == "target ≤ 30 ms: met"
    assert target_note("plan", 30.01) == "target ≤ 30 ms: MISSED"
    assert target_note("plan", None) == ""


@pytest.mark.parametrize(
    ("page", "target"), [("list", 15), ("search", 15), ("contact", 10), ("log", 25)]
)
def test_it_holds_the_contact_pages_to_the_issues_targets(page, target):
    assert target_note(page, target) == f"target ≤ {target} ms: met"
    assert target_note(page, target + 0.01) == f"target ≤ {target} ms: MISSED"
    assert target_note("today", 500.0) == ""


def test_the_speed_probe_times_a_python_loop(monkeypatch):
    monkeypatch.setattr(run, "PROBE_ADDITIONS", 200_000)
    monkeypatch.setattr(run, "PROBE_RUNS", 3)
    reading = speed_probe()
    assert isinstance(reading, float)
    assert 0 < reading < 10_000


def test_the_ab_comparison_takes_a_revision_and_known_pages(capsys):
    args = ab_args(["HEAD~1", "--pages", "plan, contact", "--rounds", "12"])
    assert (args.rev, args.pages, args.rounds, args.only) == (
        "HEAD~1",
        ["plan", "contact"],
        12,
        "postgres",
    )
    assert ab_args(["main"]).pages == ["list", "search", "contact", "plan", "log"]
    for argv in (["main", "--pages", "plan,nope"], ["main", "--rounds", "3"]):
        with pytest.raises(SystemExit):
            ab_args(argv)
    assert "unknown page(s): nope" in capsys.readouterr().err


def test_the_ab_table_gives_this_checkouts_share_of_the_revisions_time():
    header, rule, plan = ratio_table({"plan": (40.0, 30.0)}, "9ecfd98abcdef0123")
    assert header.split() == ["page", "9ecfd98abcde", "this", "this/rev"]
    assert set(rule) == {"-"}
    assert plan.split()[-3:] == ["40.00", "30.00", "0.75"]


def test_it_prints_one_row_per_page_with_its_queries_and_target():
    target = Target("postgres", "postgres://bench")
    target.result["pages"] = {
        "today": {"median_ms": 20.0, "p95_ms": 25.0, "requests": 60, "queries": 9},
        "plan": {"median_ms": 18.4, "p95_ms": 22.1, "requests": 60, "queries": 12},
    }
    header, rule, today, plan = page_table([target])
    assert header.split()[-3:] == ["reqs", "SQL", "target"]
    assert set(rule) == {"-"}
    assert today.split()[-4:] == ["20.0", "25.0", "60", "9"]
    assert plan.startswith("postgres  plan page (10 objectives)")
    assert plan.endswith("18.4     22.1    60      12  target ≤ 30 ms: met")


def test_it_reports_a_page_that_is_not_built_yet():
    target = Target("sqlite", "sqlite:///x")
    target.result["pages"] = {"plan": {"status": "missing", "queries": "missing"}}
    (_, _, row) = page_table([target])
    assert row.split()[-2:] == ["missing", "missing"]
