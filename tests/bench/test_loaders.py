"""The bench users' bulk data (bench/loaders.py), built through `seed_demo --users`."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Q

from accounts.models import User
from bench import loaders
from contacts.demo import DEMO_PASSWORD
from contacts.models import Contact, Interaction
from tests.contacts.test_seed_demo import snapshot

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC), tick=False):
        yield


def test_it_creates_bench_users_of_the_requested_size(capsys):
    call_command("seed_demo", users=2, contacts=30, interactions=200)
    bench = User.objects.filter(email__startswith="bench-user-").order_by("email")
    assert [u.email for u in bench] == ["bench-user-1@example.com", "bench-user-2@example.com"]
    for user in bench:
        assert user.check_password(DEMO_PASSWORD)
        assert user.profile.timezone == "UTC"
        assert Contact.objects.filter(owner=user).count() == 30
        assert Interaction.objects.filter(owner=user).count() == 200
        assert not Interaction.objects.filter(owner=user, contacts=None).exists()
        assert not Interaction.objects.filter(owner=user).exclude(contacts__owner=user).exists()
    assert "bench-user-1@example.com" in capsys.readouterr().out


def test_it_fills_the_derived_columns_of_bench_users():
    call_command("seed_demo", users=1, contacts=40, interactions=400)
    contacts = Contact.objects.filter(owner__email="bench-user-1@example.com")
    seen = contacts.filter(interactions__isnull=False).distinct()
    assert seen.count() > 20
    assert not seen.filter(Q(strength=0) | Q(last_interaction_on=None)).exists()
    assert contacts.filter(next_checkin_on__lt=TODAY).exists()


def test_it_writes_bench_rows_with_bulk_create_where_there_is_no_copy(monkeypatch):
    monkeypatch.setattr(loaders, "copy_available", lambda cursor: False)
    call_command("seed_demo", users=1, contacts=10, interactions=50)
    user = User.objects.get(email="bench-user-1@example.com")
    assert Interaction.objects.filter(owner=user).count() == 50
    assert Interaction.contacts.through.objects.filter(interaction__owner=user).count() >= 50


def test_it_does_not_add_bench_users_twice():
    call_command("seed_demo", users=1, contacts=5, interactions=20)
    before = snapshot()
    call_command("seed_demo", users=1, contacts=5, interactions=20)
    assert snapshot() == before


def test_it_gives_bench_users_a_community_and_content_once():
    from communities.models import Community
    from content.models import Piece

    call_command("seed_demo", users=1, contacts=40, interactions=400)
    user = User.objects.get(email="bench-user-1@example.com")
    community = Community.objects.get(owner=user)
    assert community.members.count() == 40  # all of them, fewer than BENCH_MEMBERS
    assert Interaction.objects.filter(owner=user, community=community).count() == 400
    assert Piece.objects.filter(owner=user).count() == loaders.BENCH_PIECES
    assert Interaction.objects.filter(owner=user, piece__isnull=False).exists()
    assert Interaction.objects.filter(owner=user).count() == 400  # the profile's size holds
    call_command("seed_demo", users=1, contacts=40, interactions=400)
    assert Piece.objects.filter(owner=user).count() == loaders.BENCH_PIECES
