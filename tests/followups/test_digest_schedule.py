"""When the digest is due, and how sweeps claim it: at the user's hour, once per local day,
whatever the number of sweeps running at once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from accounts.models import Profile
from accounts.services import profile_update, user_sign_up
from followups.digest import digest_sweep, digest_time_after
from followups.models import DeliveryStatus, DigestDelivery
from tests.conftest import PASSWORD

UTC = dt.UTC


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def profile(zone: str, hour: int = 7) -> Profile:
    return Profile(timezone=zone, digest_hour=hour)


@pytest.mark.parametrize(
    ("zone", "after", "expected"),
    [
        # UTC-8: 07:00 in Los Angeles in winter is 15:00 UTC.
        ("America/Los_Angeles", at(2026, 1, 15, 12), at(2026, 1, 15, 15)),
        # UTC+5:45: 07:00 in Kathmandu is 01:15 UTC.
        ("Asia/Kathmandu", at(2026, 1, 15, 0), at(2026, 1, 15, 1, 15)),
        ("Asia/Kathmandu", at(2026, 1, 15, 1, 15), at(2026, 1, 16, 1, 15)),  # strictly after
        # UTC+13: 07:00 in Tongatapu is 18:00 UTC the day before.
        ("Pacific/Tongatapu", at(2026, 1, 15, 12), at(2026, 1, 15, 18)),
    ],
)
def test_it_finds_seven_oclock_local_in_any_zone(zone, after, expected):
    assert digest_time_after(profile(zone), after) == expected


def test_it_keeps_the_local_hour_across_the_spring_dst_change():
    # Los Angeles springs forward on Sunday 8 March 2026: 07:00 is PDT (UTC-7) that day.
    la = profile("America/Los_Angeles")
    assert digest_time_after(la, at(2026, 3, 7, 16)) == at(2026, 3, 8, 14)
    assert digest_time_after(la, at(2026, 3, 7, 14)) == at(2026, 3, 7, 15)


def test_it_keeps_the_local_hour_across_the_autumn_dst_change():
    # Los Angeles falls back on Sunday 1 November 2026: 07:00 is PST (UTC-8) that day.
    la = profile("America/Los_Angeles")
    assert digest_time_after(la, at(2026, 10, 31, 15)) == at(2026, 11, 1, 15)


def test_an_hour_the_clock_skips_is_sent_right_after_the_jump():
    # 02:00 does not exist in Los Angeles on 8 March 2026; the digest goes at 03:00 PDT.
    la = profile("America/Los_Angeles", hour=2)
    assert digest_time_after(la, at(2026, 3, 8, 8)) == at(2026, 3, 8, 10)


def users(count: int, zone: str = "UTC", hour: int = 7) -> list:
    made = [
        user_sign_up(email=f"u{n}@example.com", password=PASSWORD, timezone=zone)
        for n in range(count)
    ]
    Profile.objects.filter(user__in=made).update(digest_hour=hour)
    return made


@pytest.mark.django_db
def test_a_sweep_before_the_hour_claims_nobody_and_at_the_hour_everyone_once():
    users(3, zone="Asia/Kathmandu")
    sent: list[int] = []
    with time_machine.travel(at(2026, 6, 1, 1, 14), tick=False):
        digest_sweep(enqueue=sent.extend)  # schedules them for 01:15 UTC
        assert digest_sweep(enqueue=sent.extend).claimed == 0
    for minute in (15, 16, 17):
        with time_machine.travel(at(2026, 6, 1, 1, minute), tick=False):
            digest_sweep(enqueue=sent.extend)
    deliveries = DigestDelivery.objects.all()
    assert deliveries.count() == 3
    assert {d.local_date for d in deliveries} == {dt.date(2026, 6, 1)}
    assert all(d.status == DeliveryStatus.PENDING for d in deliveries)


@pytest.mark.django_db
def test_it_goes_once_per_local_day_over_several_days():
    (user,) = users(1, zone="Pacific/Tongatapu")
    start = at(2026, 5, 31, 12)  # 01:00 on 1 June in Tongatapu
    for hour in range(0, 24 * 4, 1):
        with time_machine.travel(start + dt.timedelta(hours=hour), tick=False):
            digest_sweep(enqueue=lambda ids: None)
    days = sorted(DigestDelivery.objects.filter(user=user).values_list("local_date", flat=True))
    assert days == [dt.date(2026, 6, d) for d in (1, 2, 3, 4)]


@pytest.mark.django_db
def test_changing_the_hour_after_todays_digest_sends_nothing_more_today():
    (user,) = users(1)
    with time_machine.travel(at(2026, 6, 1, 6), tick=False):
        digest_sweep(enqueue=lambda ids: None)
    with time_machine.travel(at(2026, 6, 1, 7, 1), tick=False):
        digest_sweep(enqueue=lambda ids: None)
        profile_update(user=user, name="", timezone="UTC", digest_hour=9)
    with time_machine.travel(at(2026, 6, 1, 9, 1), tick=False):
        digest_sweep(enqueue=lambda ids: None)
    assert DigestDelivery.objects.filter(user=user).count() == 1
    assert Profile.objects.get(user=user).next_digest_at == at(2026, 6, 2, 9)


@pytest.mark.django_db
def test_a_sweep_hours_late_skips_the_stale_day_but_keeps_the_schedule():
    users(1)
    with time_machine.travel(at(2026, 6, 1, 6), tick=False):
        digest_sweep(enqueue=lambda ids: None)
    with time_machine.travel(at(2026, 6, 1, 20), tick=False):  # beat was down all day
        result = digest_sweep(enqueue=lambda ids: None)
    assert (result.claimed, result.skipped) == (0, 1)
    assert Profile.objects.get().next_digest_at == at(2026, 6, 2, 7)


@pytest.mark.django_db
def test_turning_the_digest_off_unschedules_it():
    (user,) = users(1)
    digest_sweep(enqueue=lambda ids: None)
    profile_update(user=user, name="", timezone="UTC", digest_hour=7, digest_enabled=False)
    digest_sweep(enqueue=lambda ids: None)
    assert Profile.objects.get(user=user).next_digest_at is None


@pytest.mark.django_db
def test_a_delivery_whose_lease_ran_out_is_queued_again_with_the_same_row(
    settings, django_capture_on_commit_callbacks
):
    users(1)
    queued: list[int] = []
    with time_machine.travel(at(2026, 6, 1, 6), tick=False):
        digest_sweep(enqueue=queued.extend)
    with (
        time_machine.travel(at(2026, 6, 1, 7), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        digest_sweep(enqueue=queued.extend)
    (delivery,) = DigestDelivery.objects.all()
    DigestDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENDING)
    later = at(2026, 6, 1, 7) + dt.timedelta(seconds=settings.DIGEST_LEASE_SECONDS + 1)
    with (
        time_machine.travel(later, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert digest_sweep(enqueue=queued.extend).requeued == 1
    assert queued == [delivery.pk, delivery.pk]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING


@pytest.mark.django_db(transaction=True)
def test_four_sweeps_at_once_claim_each_of_2000_users_exactly_once(postgresql):
    users_made = users(20)
    # 2,000 profiles in one statement: sign-up 2,000 times would only slow the test.
    from accounts.models import User

    extra = User.objects.bulk_create(User(email=f"bulk{n}@example.com") for n in range(1980))
    Profile.objects.bulk_create(Profile(user=u, digest_hour=7) for u in extra)
    assert len(users_made) + len(extra) == 2000
    Profile.objects.update(next_digest_at=at(2026, 6, 1, 7))
    queued: list[int] = []
    lock = threading.Lock()

    def enqueue(ids: list[int]) -> None:
        with lock:
            queued.extend(ids)

    def sweep() -> None:
        try:
            with time_machine.travel(at(2026, 6, 1, 7, 0, 30), tick=False):
                digest_sweep(enqueue=enqueue, batch=100)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert DigestDelivery.objects.count() == 2000
    assert len(queued) == 2000
    assert len(set(queued)) == 2000


# --- The first digest after choosing an hour ----------------------------------------------

NOON_IN_PARIS = at(2026, 6, 15, 10, 30)  # 12:30 in Paris (UTC+2 in summer)


def choose_hour(user, hour: int, *, enabled: bool = True) -> Profile:
    with time_machine.travel(NOON_IN_PARIS, tick=False):
        return profile_update(
            user=user, name="", timezone="Europe/Paris", digest_hour=hour, digest_enabled=enabled
        )


@pytest.mark.django_db
def test_an_hour_still_ahead_today_sends_the_first_digest_today(alice):
    assert choose_hour(alice, 18).next_digest_at == at(2026, 6, 15, 16)


@pytest.mark.django_db
def test_the_current_hour_makes_the_first_digest_due_at_once(alice):
    assert choose_hour(alice, 12).next_digest_at == at(2026, 6, 15, 10)
    with time_machine.travel(NOON_IN_PARIS + dt.timedelta(minutes=1), tick=False):
        assert digest_sweep(enqueue=lambda ids: None).claimed == 1
    (delivery,) = DigestDelivery.objects.filter(user=alice)
    assert delivery.local_date == dt.date(2026, 6, 15)
    assert Profile.objects.get(user=alice).next_digest_at == at(2026, 6, 16, 10)


@pytest.mark.django_db
def test_an_hour_already_passed_sends_the_first_digest_tomorrow(alice):
    assert choose_hour(alice, 9).next_digest_at == at(2026, 6, 16, 7)


@pytest.mark.django_db
def test_a_digest_turned_off_has_no_first_time(alice):
    assert choose_hour(alice, 18, enabled=False).next_digest_at is None


@pytest.mark.django_db
def test_a_new_user_at_their_hour_gets_the_first_digest_at_once():
    with time_machine.travel(at(2026, 6, 1, 7, 20), tick=False):
        users(1)  # UTC, 07:00
        assert digest_sweep(enqueue=lambda ids: None).claimed == 1
