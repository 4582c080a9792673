"""Merging two contacts for the same person: `contacts_merge` and the Merge with… pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from contacts.models import Contact, ContactEmail, Interaction
from contacts.services import contacts_merge
from followups.models import FollowUp
from goals.models import GoalPlan, Objective, Priority
from tests.contacts.factories import TODAY, contact, fresh, log

pytestmark = pytest.mark.django_db


def merge(survivor: Contact, duplicate: Contact) -> Contact:
    return contacts_merge(survivor=survivor, duplicate=duplicate, today=TODAY)


@pytest.fixture
def pair(alice):
    dana = contact(alice, "Dana", last_name="Reyes", company="Acme", circle="inner")
    twin = contact(alice, "Dana", last_name="R.", company="Globex", title="CTO")
    return dana, twin


def test_interactions_move_and_a_shared_one_is_not_doubled(alice, pair):
    dana, twin = pair
    theirs = log(alice, twin, on=TODAY - dt.timedelta(days=3))
    shared = log(alice, dana, twin, on=TODAY - dt.timedelta(days=10))
    merge(dana, twin)
    assert set(dana.interactions.values_list("pk", flat=True)) == {theirs.pk, shared.pk}
    assert list(shared.contacts.all()) == [dana]
    assert Interaction.objects.count() == 2


def test_the_derived_columns_follow_the_moved_interactions(alice, pair):
    dana, twin = pair
    log(alice, twin, on=TODAY - dt.timedelta(days=3))
    survivor = merge(dana, twin)
    assert survivor.last_interaction_on == TODAY - dt.timedelta(days=3)
    assert survivor.next_checkin_on == TODAY - dt.timedelta(days=3) + dt.timedelta(days=14)
    assert survivor.strength > 0


def test_followups_tags_targets_and_priorities_move(alice, pair):
    dana, twin = pair
    followup = FollowUp.objects.create(owner=alice, about="Send the deck", due_on=TODAY)
    followup.contacts.add(twin)
    both = FollowUp.objects.create(owner=alice, about="Intro", due_on=TODAY)
    both.contacts.add(dana, twin)
    tag = alice.tags.create(name="fintech")
    twin.tags.add(tag)
    plan = GoalPlan.objects.create(owner=alice, started_on=TODAY)
    objective = Objective.objects.create(plan=plan, title="Meet CTOs", metric="x", target=1)
    objective.targets.add(twin, dana)
    priority = Priority.objects.create(plan=plan, contact=twin)
    merge(dana, twin)
    assert list(followup.contacts.all()) == [dana]
    assert list(both.contacts.all()) == [dana]
    assert list(dana.tags.all()) == [tag]
    assert list(objective.targets.all()) == [dana]
    assert fresh(priority).contact == dana


def test_introductions_move_both_ways(alice, pair):
    dana, twin = pair
    introducer = contact(alice, "Ivy")
    introduced = contact(alice, "Kim", introduced_by=twin)
    Contact.objects.filter(pk=twin.pk).update(introduced_by=introducer)
    survivor = merge(dana, twin)
    assert survivor.introduced_by == introducer
    assert fresh(introduced).introduced_by == dana


def test_a_contact_the_duplicate_introduced_is_not_introduced_by_itself(alice, pair):
    dana, twin = pair
    Contact.objects.filter(pk=dana.pk).update(introduced_by=twin)
    survivor = merge(dana, twin)
    assert survivor.introduced_by is None


def test_empty_fields_are_filled_and_differing_values_kept_in_the_notes(alice, pair):
    dana, twin = pair
    Contact.objects.filter(pk=twin.pk).update(
        linkedin_url="https://linkedin.com/in/dana", notes="Loves sailing", private_notes="Salary"
    )
    survivor = merge(dana, twin)
    assert survivor.title == "CTO"  # empty: filled
    assert survivor.linkedin_url == "https://linkedin.com/in/dana"
    assert survivor.company == "Acme"  # both had one: the survivor's stays…
    assert "Company (from Dana R., merged): Globex" in survivor.notes  # …and the other's noted
    assert "Also known as (from Dana R., merged): Dana R." in survivor.notes
    assert "Loves sailing" in survivor.notes
    assert "Salary" in survivor.private_notes
    assert survivor.circle == "inner"


def test_emails_and_phones_are_all_kept_with_one_primary(alice, pair):
    dana, twin = pair
    ContactEmail.objects.create(contact=dana, address="dana@acme.example", is_primary=True)
    ContactEmail.objects.create(contact=twin, address="DANA@acme.example", is_primary=True)
    ContactEmail.objects.create(contact=twin, address="dana@globex.example")
    twin.phones.create(number="+1 555 0100", is_primary=True)
    survivor = merge(dana, twin)
    assert [(e.address, e.is_primary) for e in survivor.emails.all()] == [
        ("dana@acme.example", True),
        ("dana@globex.example", False),
    ]
    assert [(p.number, p.is_primary) for p in survivor.phones.all()] == [("+1 555 0100", True)]


def test_a_birthday_and_the_earlier_added_date_are_kept(alice, pair):
    dana, twin = pair
    Contact.objects.filter(pk=twin.pk).update(
        birthday_year=1985,
        birthday_month=4,
        birthday_day=23,
        created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )
    survivor = merge(dana, twin)
    assert (survivor.birthday_year, survivor.birthday_month, survivor.birthday_day) == (
        1985,
        4,
        23,
    )
    assert survivor.created_at.year == 2020


def test_the_duplicate_is_gone(alice, pair):
    dana, twin = pair
    merge(dana, twin)
    assert not Contact.objects.filter(pk=twin.pk).exists()


def test_it_refuses_itself_and_another_users_contact(alice, bob, pair):
    dana, _twin = pair
    with pytest.raises(ValueError, match="itself"):
        merge(dana, dana)
    with pytest.raises(PermissionError):
        merge(dana, contact(bob, "Bobs"))


# --- The pages -------------------------------------------------------------------------------


def test_the_contact_page_offers_merge_with(alice_client, pair):
    dana, _twin = pair
    page = alice_client.get(reverse("contacts:detail", args=[dana.pk])).content.decode()
    assert f"{reverse('contacts:merge')}?contact={dana.pk}" in page


def test_the_merge_page_finds_the_other_contact(alice_client, pair):
    dana, twin = pair
    page = alice_client.get(reverse("contacts:merge"), {"contact": dana.pk, "q": "Dana"})
    text = page.content.decode()
    assert f"with={twin.pk}" in text
    assert f"with={dana.pk}" not in text


def test_the_confirm_page_says_what_moves(alice_client, alice, pair):
    dana, twin = pair
    log(alice, twin)
    page = alice_client.get(reverse("contacts:merge"), {"contact": dana.pk, "with": twin.pk})
    assert "1 interaction, 0 follow-ups" in page.content.decode()


def test_posting_merges_into_the_chosen_one(alice_client, pair):
    dana, twin = pair
    response = alice_client.post(
        reverse("contacts:merge"), {"contact": dana.pk, "with": twin.pk, "keep": "with"}
    )
    assert response.url == reverse("contacts:detail", args=[twin.pk])
    assert not Contact.objects.filter(pk=dana.pk).exists()
    assert fresh(twin).company == "Globex"


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_users_contact_is_a_404_either_side(client, bob, pair, method):
    dana, twin = pair
    client.force_login(bob)
    bobs = contact(bob, "Bobs")
    for params in ({"contact": dana.pk}, {"contact": bobs.pk, "with": twin.pk}):
        response = getattr(client, method)(reverse("contacts:merge"), params)
        assert response.status_code == 404
    assert Contact.objects.filter(pk__in=[dana.pk, twin.pk]).count() == 2


def test_a_merge_needs_a_contact(alice_client):
    assert alice_client.get(reverse("contacts:merge")).status_code == 404
