import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db.models import Count, Max, Q

from accounts.models import User
from communities.models import Community
from contacts.demo import GIVEN, GIVEN_END, demo_network
from contacts.management.commands.seed_demo import DEMO_PASSWORD
from contacts.models import Circle, Contact, ContactEmail, Interaction, Kind, Tag
from content.models import Piece
from events.models import Event
from followups.models import FollowUp, FollowUpStatus

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def demo():
    call_command("seed_demo")
    return User.objects.get(email="demo@example.com")


def snapshot():
    return {
        "contacts": list(
            Contact.objects.order_by("pk").values_list(
                "pk", "first_name", "circle", "strength", "next_checkin_on", "created_at"
            )
        ),
        "interactions": Interaction.objects.count(),
        "links": Interaction.contacts.through.objects.count(),
        "tags": Contact.tags.through.objects.count(),
        "emails": ContactEmail.objects.count(),
        "users": User.objects.count(),
    }


def test_it_creates_the_demo_accounts(capsys):
    call_command("seed_demo")
    demo = User.objects.get(email="demo@example.com")
    assert demo.check_password(DEMO_PASSWORD)
    assert demo.profile.timezone == "UTC"
    assert User.objects.get(email="coach@example.com").groups.filter(name="Coaches").exists()
    assert User.objects.get(email="admin@example.com").is_superuser
    assert "demo@example.com / networkcrm-demo" in capsys.readouterr().out


def test_it_gives_the_demo_user_150_contacts_in_every_circle(demo):
    contacts = Contact.objects.filter(owner=demo)
    assert contacts.count() == 150
    assert contacts.filter(archived=True).count() == 1  # as the README says: the list shows 149
    assert set(contacts.values_list("circle", flat=True)) == set(Circle.values)
    # Mostly professional, with a few friends and family and old friends who are both: the
    # focus in Settings has something to leave out.
    contexts = dict(
        contacts.order_by()
        .values_list("context")
        .annotate(n=Count("pk"))
        .values_list("context", "n")
    )
    assert contexts["professional"] > 100
    assert contexts["personal"] == 5
    assert contexts.get("both", 0) >= 1


def test_it_changes_nothing_when_run_again(demo):
    before = snapshot()
    call_command("seed_demo")
    assert snapshot() == before
    assert Group.objects.filter(name="Coaches").count() == 1


def test_it_invents_the_names():
    given = {start + end for start in GIVEN for end in GIVEN_END}
    network = demo_network(today=TODAY)
    assert all(c.fields["first_name"] in given for c in network.contacts)
    assert len({c.key for c in network.contacts}) == 150


def test_it_builds_the_same_network_for_the_same_day():
    first, second = demo_network(today=TODAY), demo_network(today=TODAY)
    assert [c.fields for c in first.contacts] == [c.fields for c in second.contacts]
    assert [i.fields for i in first.interactions] == [i.fields for i in second.interactions]


def test_it_logs_a_year_of_interactions_each_with_a_contact(demo):
    interactions = Interaction.objects.filter(owner=demo)
    assert interactions.count() > 500
    assert not interactions.filter(contacts=None).exists()
    assert interactions.filter(occurred_on__lt=TODAY - dt.timedelta(days=364)).count() == 0
    assert interactions.filter(occurred_on__gt=TODAY).count() == 0
    assert interactions.filter(occurred_on__lt=TODAY - dt.timedelta(days=300)).exists()
    assert interactions.annotate(n=Count("contacts")).filter(n__gt=1).exists()


def test_it_mixes_kinds_channels_initiators_and_outcomes(demo):
    interactions = Interaction.objects.filter(owner=demo)
    assert set(interactions.values_list("kind", flat=True)) == set(Kind.values)
    assert interactions.values("channel").distinct().count() >= 6
    assert set(interactions.values_list("initiated_by", flat=True)) == {"me", "them"}
    assert set(interactions.values_list("quality", flat=True)) == {1, 2, 3, 4, 5}
    assert interactions.filter(duration_minutes__isnull=False).exists()
    assert interactions.filter(outcome_value__gt=0).exists()


def test_it_sees_closer_circles_more_often(demo):
    per_contact = dict(
        Contact.objects.filter(owner=demo)
        .values_list("circle")
        .annotate(n=Count("interactions") * 1.0 / Count("pk", distinct=True))
        .values_list("circle", "n")
    )
    order = [Circle.INNER, Circle.CLOSE, Circle.ACTIVE, Circle.EXTENDED, Circle.ACQUAINTANCE]
    rates = [per_contact[circle] for circle in order]
    assert rates == sorted(rates, reverse=True)
    assert rates[0] >= 17  # every one to three weeks


def test_it_leaves_some_contacts_overdue(demo):
    overdue = Contact.objects.filter(owner=demo, next_checkin_on__lt=TODAY)
    assert overdue.filter(circle=Circle.INNER).exists()
    assert overdue.count() >= 15
    assert Contact.objects.filter(owner=demo, next_checkin_on__gt=TODAY).count() >= 40


def test_it_fills_the_derived_columns(demo):
    contacts = Contact.objects.filter(owner=demo).annotate(
        last=Max("interactions__occurred_on", filter=~Q(interactions__kind=Kind.NOTE))
    )
    seen = contacts.filter(last__isnull=False)
    assert seen.exists()
    assert not seen.filter(strength=0).exists()
    assert all(c.last_interaction_on == c.last for c in seen)
    assert (
        not contacts.filter(archived=False)
        .exclude(circle=Circle.ACQUAINTANCE)
        .filter(next_checkin_on=None)
    )


def test_it_adds_emails_tags_and_introductions(demo):
    contacts = Contact.objects.filter(owner=demo)
    emails = ContactEmail.objects.filter(contact__owner=demo)
    assert (
        emails.filter(is_primary=True).count()
        == contacts.filter(emails__isnull=False).distinct().count()
    )
    assert {"fintech", "climate", "alumni", "hiring", "mentor"} <= set(
        Tag.objects.filter(owner=demo).values_list("name", flat=True)
    )
    assert contacts.filter(tags__isnull=False).distinct().count() >= 50
    introduced = contacts.filter(introduced_by__isnull=False)
    assert introduced.count() >= 5
    assert not introduced.exclude(introduced_by__owner=demo).exists()
    assert contacts.exclude(company="").values("company").distinct().count() >= 10
    assert not contacts.filter(met_on=None).exists()


def test_it_asks_for_users_when_given_a_size():
    with pytest.raises(CommandError, match="add --users"):
        call_command("seed_demo", contacts=10)


def test_it_gives_the_demo_user_followups_due_overdue_and_later(demo):
    followups = FollowUp.objects.filter(owner=demo, status=FollowUpStatus.OPEN)
    assert followups.filter(due_on=TODAY).count() >= 2
    assert followups.filter(due_on__lt=TODAY).exists()
    assert followups.filter(due_on__gt=TODAY).exists()
    assert all(f.contacts.get().owner == demo for f in followups)


def test_it_does_not_add_followups_again(demo):
    count = FollowUp.objects.count()
    call_command("seed_demo")
    assert FollowUp.objects.count() == count


def test_it_gives_the_demo_user_communities_with_people_and_conversations(demo):
    communities = Community.objects.filter(owner=demo).annotate(
        members_known=Count("members", distinct=True),
        logged=Count("interactions", distinct=True),
    )
    assert communities.count() == 3
    assert all(c.members_known >= 5 and c.logged >= 1 for c in communities)
    placed = Interaction.objects.exclude(community=None)
    assert all(
        set(i.contacts.values_list("pk", flat=True))
        <= set(i.community.members.values_list("pk", flat=True))
        for i in placed
    )
    call_command("seed_demo")
    assert Community.objects.filter(owner=demo).count() == 3  # not added again


def test_it_gives_the_demo_user_events_one_waiting_to_be_logged(demo):
    events = Event.objects.filter(owner=demo)
    assert sorted(e.status for e in events) == ["considering", "going", "went"]
    assert Interaction.objects.filter(event__owner=demo).count() == 3
    waiting = list(events.to_log(today=TODAY, zone=demo.profile.zone))
    assert [e.name for e in waiting] == ["Payments meetup"]
    call_command("seed_demo")
    assert events.count() == 3  # not added again


def test_it_gives_the_demo_user_a_content_history_with_engagement(demo):
    pieces = Piece.objects.filter(owner=demo)
    assert pieces.count() == 6
    assert all(p.engagement + p.new_followers > 0 for p in pieces)
    assert Interaction.objects.filter(piece__owner=demo, kind=Kind.SOCIAL).count() == 11
    call_command("seed_demo")
    assert pieces.count() == 6  # not added again
