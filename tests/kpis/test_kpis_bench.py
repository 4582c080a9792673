"""`python -m bench.kpis`: its arguments and its table (the measuring itself runs in bench/)."""

from __future__ import annotations

import pytest

from bench.kpis import parse_args, table

BENCH = "postgres://postgres@127.0.0.1:5432/networkcrm_bench"


def test_it_only_writes_into_a_bench_database():
    with pytest.raises(SystemExit):
        parse_args(["--database", "postgres://postgres@127.0.0.1:5432/networkcrm"])
    with pytest.raises(SystemExit):
        parse_args(["--database", "sqlite:///var/bench/bench.sqlite3"])
    assert parse_args(["--database", BENCH]).users == 10_000


def test_it_refuses_sizes_that_measure_nothing():
    for args in (["--small", "0"], ["--small", "20", "--users", "10"], ["--requests", "10"]):
        with pytest.raises(SystemExit):
            parse_args(["--database", BENCH, *args])


def run(users: int, statements: int, seconds: float) -> dict:
    return {
        "users": users,
        "rolled_up": users,
        "rows": users,
        "summaries": users,
        "seconds": seconds,
        "sql_seconds": seconds / 2,
        "python_cpu_seconds": seconds / 2,
        "statements": statements,
        "slowest": [{"seconds": 0.5, "sql": "INSERT INTO goals_weeklykpi"}],
    }


def test_the_table_says_whether_the_statements_grew_and_the_targets_were_met():
    page = {"requests": 60, "median_ms": 21.0, "p95_ms": 25.0, "queries": 7, "median_cpu_ms": 15}
    result = {
        "rollups": [run(1_000, 20, 2.0), run(10_000, 20, 11.0)],
        "page": {"weeks": 52, "page": {**page, "queries_4_weeks": 7}, "csv": page},
    }
    lines = "\n".join(table(result))
    assert "statements the same at both sizes" in lines
    assert "yes" in lines
    assert "MISSED" not in lines
    result["rollups"][1] = run(10_000, 21, 25.0)
    lines = "\n".join(table(result))
    assert "NO" in lines
    assert "MISSED" in lines
