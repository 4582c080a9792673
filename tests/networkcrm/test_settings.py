"""Start-up configuration: each mistake stops the app with a sentence naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from networkcrm.env import Env

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-" + "x7Qz9-Lm2" * 7,
    "ALLOWED_HOSTS": "crm.example.com",
    "DATABASE_URL": "sqlite:///var/check-deploy.sqlite3",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    for name in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "HTTPS_ONLY"):
        base.pop(name, None)
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_refuses_a_malformed_database_url():
    result = manage("check", DEBUG="true", DATABASE_URL="postgres//nohost")
    assert result.returncode != 0
    assert "DATABASE_URL must be a database URL such as postgres://" in result.stderr
    assert "'postgres//nohost'" in result.stderr


def test_it_refuses_a_malformed_boolean():
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_it_starts_with_development_defaults():
    result = manage("check", DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_passes_the_deployment_checks_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("1", True), ("Yes", True), ("off", False), ("0", False), ("", False)],
)
def test_it_reads_booleans(value, expected):
    assert Env({"FLAG": value}).boolean("FLAG", False) is expected


def test_it_names_the_variable_and_form_of_a_bad_integer():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be a whole number, not 'abc'"):
        Env({"EMAIL_PORT": "abc"}).integer("EMAIL_PORT", 25)


def test_it_enforces_a_minimum():
    with pytest.raises(ImproperlyConfigured, match="HEARTBEAT_INTERVAL must be at least 1, not 0"):
        Env({"HEARTBEAT_INTERVAL": "0"}).integer("HEARTBEAT_INTERVAL", 60, minimum=1)


def test_it_splits_lists_on_commas():
    env = Env({"ALLOWED_HOSTS": " a.example , b.example,,"})
    assert env.strings("ALLOWED_HOSTS", []) == ["a.example", "b.example"]


def test_it_rejects_a_url_with_the_wrong_scheme():
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL must be a URL of the form redis://"):
        Env({"REDIS_URL": "http://x"}).url("REDIS_URL", "", schemes=("redis", "rediss"))


def test_it_parses_a_postgres_url():
    config = Env({"DATABASE_URL": "postgres://u:p@db:5432/crm"}).database("DATABASE_URL", "")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db", 5432, "crm")


def test_a_env_file_fills_in_what_the_environment_does_not_set(tmp_path, monkeypatch):
    from networkcrm.env import read_env_file

    monkeypatch.setenv("NCRM_SET", "from-environment")
    monkeypatch.delenv("NCRM_NEW", raising=False)
    monkeypatch.delenv("NCRM_QUOTED", raising=False)
    path = tmp_path / ".env"
    path.write_text('# comment\nNCRM_SET=from-file\nexport NCRM_NEW=1\nNCRM_QUOTED="a b"\n')
    read_env_file(path)
    assert os.environ["NCRM_SET"] == "from-environment"
    assert os.environ["NCRM_NEW"] == "1"
    assert os.environ["NCRM_QUOTED"] == "a b"


def test_a_malformed_env_file_line_is_named(tmp_path):
    from networkcrm.env import read_env_file

    path = tmp_path / ".env"
    path.write_text("DEBUG=true\nthis is not a setting\n")
    with pytest.raises(ImproperlyConfigured, match="Line 2 of .* must look like NAME=value"):
        read_env_file(path)


def test_a_missing_env_file_is_fine(tmp_path):
    from networkcrm.env import read_env_file

    before = dict(os.environ)
    read_env_file(tmp_path / "absent")
    assert dict(os.environ) == before
