from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from followups.models import Heartbeat
from followups.services import heartbeat_record

pytestmark = pytest.mark.django_db


def test_it_records_the_first_run():
    beat = heartbeat_record(name="heartbeat", hostname="w1")
    assert (beat.runs, beat.hostname) == (1, "w1")


def test_it_counts_every_run_in_one_row():
    for _ in range(3):
        heartbeat_record(name="heartbeat")
    assert Heartbeat.objects.get().runs == 3


def test_the_health_command_fails_before_any_heartbeat():
    with pytest.raises(CommandError, match="No heartbeat has been recorded yet"):
        call_command("check_heartbeat")


def test_the_health_command_fails_on_a_stale_heartbeat():
    with time_machine.travel(timezone.now() - timedelta(minutes=10)):
        heartbeat_record(name="heartbeat")
    with pytest.raises(CommandError, match="more than 180 s"):
        call_command("check_heartbeat")


def test_the_health_command_passes_on_a_fresh_heartbeat(capsys):
    heartbeat_record(name="heartbeat")
    call_command("check_heartbeat")
    assert "Heartbeat OK" in capsys.readouterr().out
