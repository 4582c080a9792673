import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.models import User
from contacts.management.commands.seed_demo import DEMO_PASSWORD
from contacts.models import Contact

pytestmark = pytest.mark.django_db


def test_it_creates_the_demo_accounts_and_network(capsys):
    call_command("seed_demo")
    demo = User.objects.get(email="demo@example.com")
    assert demo.check_password(DEMO_PASSWORD)
    assert demo.profile.timezone == "UTC"
    assert Contact.objects.filter(owner=demo).count() == 36
    assert User.objects.get(email="coach@example.com").groups.filter(name="Coaches").exists()
    assert User.objects.get(email="admin@example.com").is_superuser
    assert "demo@example.com / networkcrm-demo" in capsys.readouterr().out


def test_it_changes_nothing_when_run_again():
    call_command("seed_demo")
    before = list(Contact.objects.order_by("pk").values_list("pk", "first_name", "last_name"))
    call_command("seed_demo")
    assert (
        list(Contact.objects.order_by("pk").values_list("pk", "first_name", "last_name")) == before
    )
    assert User.objects.count() == 3
    assert Group.objects.filter(name="Coaches").count() == 1


def test_it_spreads_contacts_over_every_circle():
    call_command("seed_demo")
    circles = set(Contact.objects.values_list("circle", flat=True))
    assert circles == {"inner", "close", "active", "extended", "acquaintance"}
