"""The weekly summary on real parts: PostgreSQL, Redis, a real Celery worker process and an SMTP
server. One e-mail per user and week, however many sweeps run."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Profile
from accounts.services import user_sign_up
from followups.digest import digest_sweep
from followups.models import DeliveryKind, DeliveryStatus, DigestDelivery
from kpis.models import WeeklyKpi
from kpis.rollup import kpi_sweep, last_finished_week
from tests.conftest import PASSWORD

# The follow-ups tests' real parts, as fixtures of this module too.
from tests.followups.conftest import isolated_redis, smtp_sink, start, wait_for  # noqa: F401
from tests.followups.test_digest_delivery import enqueue_to, worker_env

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_each_user_gets_one_summary_per_week_from_a_real_worker(
    start,  # noqa: F811
    smtp_sink,  # noqa: F811
    isolated_redis,  # noqa: F811
):
    users = [
        user_sign_up(email=f"u{n}@example.com", password=PASSWORD, name=f"U{n}") for n in range(3)
    ]
    # UTC and a digest hour of 0: the summary of the week that ended is due at once.
    now = timezone.now()
    Profile.objects.update(digest_hour=0, next_rollup_at=now - dt.timedelta(minutes=1))
    start("worker", "--pool=solo", "--hostname=summary@%h", env=worker_env(smtp_sink))
    enqueue = enqueue_to(isolated_redis)
    assert kpi_sweep(enqueue=enqueue).queued == 3
    assert wait_for(lambda: len(smtp_sink.messages) >= 3)
    # Due again (a second beat, a sweep run by hand): the same week, nothing new to send.
    Profile.objects.update(next_rollup_at=now - dt.timedelta(minutes=1))
    kpi_sweep(enqueue=enqueue)
    digest_sweep(enqueue=enqueue)
    time.sleep(2)
    assert wait_for(lambda: DigestDelivery.objects.filter(status=DeliveryStatus.SENT).count() == 3)
    assert sorted(m["To"] for m in smtp_sink.messages) == sorted(u.email for u in users)
    ids = smtp_sink.message_ids()
    assert len(set(ids)) == 3
    assert all(i.startswith("<weekly-") for i in ids)
    week = last_finished_week(now.date())
    assert set(DigestDelivery.objects.values_list("kind", "local_date")) == {
        (DeliveryKind.WEEKLY, week)
    }
    assert WeeklyKpi.objects.filter(week_start=week).count() == 3
    body = smtp_sink.messages[0].get_payload(0).get_payload(decode=True).decode()
    assert "Interactions: 0" in body
    connection.close()
