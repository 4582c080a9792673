"""`Interaction.sole_contact` stays true to the links, whichever way they change.

The plan page's metrics read an audience from it (goals.metrics._with_audience), so a stale
value would count an interaction for the wrong people: every way links change is walked here.
"""

from __future__ import annotations

import datetime as dt

import pytest

from contacts.models import Interaction, sole_contacts_sync
from contacts.services import contacts_merge, interaction_update
from tests.contacts.factories import TODAY, contact, log

pytestmark = pytest.mark.django_db


def sole(interaction: Interaction) -> int | None:
    return Interaction.objects.values_list("sole_contact", flat=True).get(pk=interaction.pk)


def test_logging_with_one_contact_names_it_and_a_group_names_no_one(alice):
    dana, eli = contact(alice, "Dana"), contact(alice, "Eli")
    assert sole(log(alice, dana)) == dana.pk
    assert sole(log(alice, dana, eli)) is None


def test_editing_who_was_there_moves_it_both_ways(alice):
    dana, eli = contact(alice, "Dana"), contact(alice, "Eli")
    coffee = log(alice, dana)
    fields = {"occurred_on": TODAY, "kind": "meeting"}
    interaction_update(interaction=coffee, contacts=[dana, eli], today=TODAY, **fields)
    assert sole(coffee) is None
    interaction_update(interaction=coffee, contacts=[eli], today=TODAY, **fields)
    assert sole(coffee) == eli.pk


def test_links_changed_from_the_contact_side_are_followed_too(alice):
    """What the admin's widgets and any other caller of the related managers do."""
    dana, eli = contact(alice, "Dana"), contact(alice, "Eli")
    lunch, call = log(alice, dana), log(alice, dana)
    eli.interactions.add(lunch)
    assert sole(lunch) is None
    eli.interactions.remove(lunch)
    assert sole(lunch) == dana.pk
    eli.interactions.add(lunch, call)
    dana.interactions.clear()
    assert (sole(lunch), sole(call)) == (eli.pk, eli.pk)
    lunch.contacts.clear()
    assert sole(lunch) is None


def test_deleting_the_sole_contact_leaves_no_dangling_reference(alice):
    dana, eli = contact(alice, "Dana"), contact(alice, "Eli")
    group = log(alice, dana, eli)
    alone = log(alice, eli)
    eli.delete()
    assert sole(group) is None  # still a group as far as the column knows: the links answer
    assert not Interaction.objects.filter(pk=alone.pk, sole_contact__isnull=False).exists()


def test_a_merge_hands_the_duplicates_interactions_to_the_survivor(alice):
    dana, twin, eli = contact(alice, "Dana"), contact(alice, "Dana"), contact(alice, "Eli")
    theirs, both, group = log(alice, twin), log(alice, dana, twin), log(alice, twin, eli)
    contacts_merge(survivor=dana, duplicate=twin, today=TODAY)
    assert sole(theirs) == dana.pk
    assert sole(both) == dana.pk  # two links became one
    assert sole(group) is None


def test_the_sync_is_one_statement_for_any_number_of_interactions(
    alice, django_assert_max_num_queries
):
    dana, eli = contact(alice, "Dana"), contact(alice, "Eli")
    made = [log(alice, dana, on=TODAY - dt.timedelta(days=n)) for n in range(5)]
    made.append(log(alice, dana, eli))
    Interaction.objects.update(sole_contact=None)
    with django_assert_max_num_queries(1):
        sole_contacts_sync(Interaction.objects.filter(owner=alice))
    assert [sole(i) for i in made] == [dana.pk] * 5 + [None]
