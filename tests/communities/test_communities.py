"""Communities: the pages, the form's words for bad input, where an interaction happened,
what the community page works out (time given, met and not followed up), and bob getting a
404 for every one of alice's communities."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from communities.models import Community
from contacts.models import Contact, Interaction, Kind
from followups.models import FollowUpStatus
from tests.contacts.factories import TODAY, contact, log, queries_of
from tests.followups.test_agenda import followup

pytestmark = pytest.mark.django_db
LIST = reverse("communities:list")
CREATE = reverse("communities:create")
LOG = reverse("contacts:log")


@pytest.fixture(autouse=True)
def on_today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


def community(owner, name="Fintech founders", **fields) -> Community:
    return Community.objects.create(owner=owner, name=name, **fields)


def form(**fields) -> dict:
    return {
        "name": "Fintech founders",
        "platform": "slack",
        "url": "https://fintech.example.com/join",
        "role": "contributor",
        "minutes_per_week": "60",
        "notes": "",
        **fields,
    }


# --- The form ---------------------------------------------------------------------------


def test_it_creates_a_community_with_members(alice_client, alice):
    dana, eli = contact(alice, "Dana"), contact(alice, "Eli")
    response = alice_client.post(CREATE, form(members=[dana.pk, eli.pk]))
    made = Community.objects.get()
    assert response.url == reverse("communities:detail", args=[made.pk])
    assert (made.owner, made.platform, made.role, made.minutes_per_week) == (
        alice,
        "slack",
        "contributor",
        60,
    )
    assert set(made.members.all()) == {dana, eli}


def test_editing_keeps_the_members_shown_and_changes_them(alice_client, alice):
    dana, eli = contact(alice, "Dana"), contact(alice, "Eli")
    made = community(alice)
    made.members.set([dana])
    edit = reverse("communities:edit", args=[made.pk])
    body = alice_client.get(edit).content.decode()
    assert f'value="{dana.pk}"' in body
    assert "Dana" in body
    assert f'value="{eli.pk}"' not in body  # only the chosen are drawn
    alice_client.post(edit, form(name="Fintech founders", members=[eli.pk]))
    assert list(made.members.all()) == [eli]


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"name": "   "}, "Give the community a name."),
        ({"name": "x" * 121}, "Keep the name to 120 characters."),
        (
            {"url": "ftp://files.example.com"},
            "Enter a web address starting with http:// or https://.",
        ),
        ({"url": "javascript:alert(1)"}, "Enter a web address starting with http:// or https://."),
        ({"minutes_per_week": "-5"}, "The time cannot be negative."),
        ({"platform": "myspace"}, "Select a valid choice."),
    ],
)
def test_bad_input_gets_words_and_saves_nothing(alice_client, fields, words):
    response = alice_client.post(CREATE, form(**fields))
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not Community.objects.exists()


def test_a_second_community_of_the_same_name_is_refused_in_words(alice_client, alice, bob):
    community(alice, "Fintech Founders")
    community(bob, "fintech founders")  # someone else's of the same name is no matter
    response = alice_client.post(CREATE, form(name="fintech FOUNDERS"))
    assert "You already have a community with this name." in response.content.decode()
    assert Community.objects.filter(owner=alice).count() == 1


def test_a_typed_address_without_scheme_is_taken_as_https(alice_client, alice):
    alice_client.post(CREATE, form(url="fintech.example.com"))
    assert Community.objects.get().url == "https://fintech.example.com"


def test_deleting_keeps_the_interactions_without_the_place(alice_client, alice):
    dana = contact(alice, "Dana")
    made = community(alice)
    said = log(alice, dana, community=made)
    assert alice_client.get(reverse("communities:delete", args=[made.pk])).status_code == 200
    assert Community.objects.exists()  # a GET only asks
    alice_client.post(reverse("communities:delete", args=[made.pk]))
    assert not Community.objects.exists()
    assert Interaction.objects.get(pk=said.pk).community is None


# --- Where an interaction happened ------------------------------------------------------


def test_logging_there_adds_its_people_as_members(alice_client, alice):
    dana, eli, old = contact(alice, "Dana"), contact(alice, "Eli"), contact(alice, "Old")
    made = community(alice)
    made.members.set([old, dana])
    response = alice_client.post(
        LOG,
        {
            "contacts": [dana.pk, eli.pk],
            "occurred_on": "2026-06-15",
            "kind": "meeting",
            "channel": "in_person",
            "initiated_by": "me",
            "quality": "4",
            "community": made.pk,
        },
    )
    assert response.status_code == 302
    assert Interaction.objects.get().community == made
    assert set(made.members.all()) == {old, dana, eli}


def test_the_quick_log_offers_the_users_communities_and_presets_one(alice_client, alice, bob):
    mine, theirs = community(alice, "Mine"), community(bob, "Theirs")
    body = alice_client.get(LOG, {"community": mine.pk}).content.decode()
    assert "Where (a community)" in body
    assert f'<option value="{mine.pk}" selected>Mine</option>' in body
    assert "Theirs" not in body
    assert alice_client.get(LOG, {"community": theirs.pk}).status_code == 404


def test_the_quick_log_does_not_offer_a_place_to_someone_without_communities(alice_client):
    assert "Where (a community)" not in alice_client.get(LOG).content.decode()


def test_another_users_community_is_refused_in_words(alice_client, alice, bob):
    dana = contact(alice, "Dana")
    theirs = community(bob, "Theirs")
    response = alice_client.post(
        LOG,
        {
            "contacts": [dana.pk],
            "occurred_on": "2026-06-15",
            "kind": "meeting",
            "channel": "in_person",
            "initiated_by": "me",
            "quality": "4",
            "community": theirs.pk,
        },
    )
    assert "Pick one of your communities." in response.content.decode()
    assert not Interaction.objects.exists()
    assert not theirs.members.exists()


def test_the_service_refuses_another_users_community(alice, bob):
    with pytest.raises(PermissionError):
        log(alice, contact(alice, "Dana"), community=community(bob))


def test_members_from_another_network_are_refused(alice_client, bob):
    theirs = contact(bob, "Theirs")
    response = alice_client.post(CREATE, form(members=[theirs.pk]))
    assert "One of the chosen contacts is not in your network." in response.content.decode()
    assert not Community.objects.exists()


# --- Tenancy: another user's community is a 404, whatever the method ---------------------


@pytest.mark.parametrize("name", ["communities:detail", "communities:edit", "communities:delete"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_users_community_is_a_404(bob_client, alice, name, method):
    made = community(alice)
    response = getattr(bob_client, method)(reverse(name, args=[made.pk]), form(name="Taken"))
    assert response.status_code == 404
    made.refresh_from_db()
    assert made.name == "Fintech founders"


def test_the_list_shows_only_the_users_communities(alice_client, bob):
    community(bob, "Their secret circle")
    body = alice_client.get(LIST).content.decode()
    assert "Their secret circle" not in body
    assert 'data-testid="empty"' in body


# --- The community page -----------------------------------------------------------------


def test_time_given_counts_this_weeks_minutes_not_private_ones(alice_client, alice):
    dana = contact(alice, "Dana")
    made = community(alice, minutes_per_week=90)
    log(alice, dana, community=made, duration_minutes=30)  # Monday 15 June: this week
    log(alice, dana, community=made, duration_minutes=20, private=True)
    log(alice, dana, community=made, on=TODAY - dt.timedelta(days=7), duration_minutes=45)
    log(alice, dana, duration_minutes=500)  # elsewhere
    response = alice_client.get(reverse("communities:detail", args=[made.pk]))
    assert response.context["this_week"] == 30
    assert response.context["weeks"][:2] == [(TODAY, 30), (TODAY - dt.timedelta(days=7), 45)]
    body = response.content.decode()
    assert "<strong>30</strong> of 90 min planned this week" in body
    listed = alice_client.get(LIST).content.decode()
    assert "this week 30 of 90 min planned" in listed


def test_met_there_and_not_followed_up(alice_client, alice):
    made = community(alice)
    waiting, since, quiet, never = (contact(alice, n) for n in ("Wai", "Sin", "Qui", "Nev"))
    earlier = TODAY - dt.timedelta(days=10)
    for person in (waiting, since, quiet):
        log(alice, person, community=made, on=earlier, today=earlier)
    made.members.add(never)  # known from it, never logged there: nothing to follow up
    log(alice, since, kind=Kind.CALL)  # talked since, elsewhere
    followup(alice, waiting, status=FollowUpStatus.OPEN)
    response = alice_client.get(reverse("communities:detail", args=[made.pk]))
    assert [c.first_name for c in response.context["not_followed"]] == ["Qui"]
    assert response.context["not_followed_count"] == 1
    members = [c.first_name for c in response.context["page"].object_list]
    assert sorted(members) == ["Nev", "Qui", "Sin", "Wai"]


def test_a_private_interaction_there_is_listed_for_its_owner_but_counts_nowhere(
    alice_client, alice
):
    dana = contact(alice, "Dana")
    made = community(alice)
    log(alice, dana, community=made, private=True, on=TODAY - dt.timedelta(days=3))
    response = alice_client.get(reverse("communities:detail", args=[made.pk]))
    assert len(response.context["logged"]) == 1
    assert response.context["not_followed"] == []  # met there only privately: not counted


def test_logged_here_names_everyone_there_latest_first(alice_client, alice):
    made = community(alice)
    dana, eve, finn = (contact(alice, n) for n in ("Dana", "Eve", "Finn"))
    for days in range(12):
        log(alice, finn, community=made, on=TODAY - dt.timedelta(days=20 + days))
    log(alice, dana, eve, community=made, on=TODAY - dt.timedelta(days=2), kind=Kind.MEETING)
    log(alice, dana, community=made, on=TODAY - dt.timedelta(days=1), kind=Kind.CALL)
    log(alice, eve, on=TODAY)  # elsewhere
    response = alice_client.get(reverse("communities:detail", args=[made.pk]))
    logged = response.context["logged"]
    assert len(logged) == 10
    assert [(i.kind, sorted(c.first_name for c in i.people)) for i in logged[:3]] == [
        (Kind.CALL, ["Dana"]),
        (Kind.MEETING, ["Dana", "Eve"]),
        (logged[2].kind, ["Finn"]),
    ]
    assert [i.occurred_on for i in logged] == sorted((i.occurred_on for i in logged), reverse=True)
    assert "Meeting with" in response.content.decode()


def many_members(owner, made: Community, n: int) -> None:
    people = Contact.objects.bulk_create(
        [Contact(owner=owner, first_name=f"P{i}", strength=i % 100) for i in range(n)]
    )
    made.members.add(*people)
    for person in people[:: max(1, n // 10)]:
        log(owner, person, community=made, duration_minutes=10)


def test_the_pages_take_as_many_queries_for_1000_members_as_for_10(alice_client, alice):
    small, big = community(alice, "Small"), community(alice, "Big")
    many_members(alice, small, 10)
    pages = [LIST, reverse("communities:detail", args=[small.pk])]
    few = [queries_of(lambda p=p: alice_client.get(p)) for p in pages]
    many_members(alice, big, 1000)
    for n in range(20):
        community(alice, f"More {n}")
    pages[1] = reverse("communities:detail", args=[big.pk])
    assert [queries_of(lambda p=p: alice_client.get(p)) for p in pages] == few
