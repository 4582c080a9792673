"""`python -m bench`: its flags and its table, without the slow run."""

import pytest

from bench.run import LABELS, Target, page_table, parse_args, target_note


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
    assert target_note("list", 500.0) == ""


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
