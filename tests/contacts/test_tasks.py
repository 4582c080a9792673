import datetime as dt

import pytest
import time_machine

from contacts.models import Contact
from contacts.tasks import strength_refresh_all
from tests.contacts.factories import contact, fresh, log

pytestmark = pytest.mark.django_db


def test_the_nightly_task_lets_strength_decay_and_moves_unpinned_circles():
    from accounts.services import user_sign_up

    owner = user_sign_up(email="night@example.com", password="x" * 12)
    kept = contact(owner, "Kept", circle="inner")
    drifting = contact(owner, "Drift", circle="inner", circle_pinned=False)
    log(owner, kept, drifting, on=dt.date(2026, 1, 1), today=dt.date(2026, 1, 1), quality=5)
    before = fresh(kept).strength
    with time_machine.travel(dt.datetime(2026, 9, 1, 3, 15, tzinfo=dt.UTC)):
        moved = strength_refresh_all()
    assert fresh(kept).strength < before
    assert fresh(kept).circle == "inner"
    assert moved == 1
    assert fresh(drifting).circle != "inner"
    # Its cadence followed the new circle.
    drift = fresh(drifting)
    assert drift.next_checkin_on == (
        None
        if drift.effective_cadence_days is None
        else dt.date(2026, 1, 1) + dt.timedelta(days=drift.effective_cadence_days)
    )


def test_running_it_twice_gives_the_same_numbers(alice):
    dana = contact(alice, "Dana")
    log(alice, dana, on=dt.date(2026, 1, 1), today=dt.date(2026, 1, 1))
    with time_machine.travel(dt.datetime(2026, 3, 1, 3, tzinfo=dt.UTC)):
        strength_refresh_all()
        first = list(Contact.objects.values_list("pk", "strength", "circle", "next_checkin_on"))
        strength_refresh_all()
    assert list(Contact.objects.values_list("pk", "strength", "circle", "next_checkin_on")) == first


def test_the_beat_schedule_runs_it_nightly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["strength-nightly"]
    assert entry["task"] == "contacts.tasks.strength_refresh_all"
    assert entry["schedule"].hour == {3}
