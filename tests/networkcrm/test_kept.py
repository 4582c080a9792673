"""networkcrm.kept: a queryset compiled once, run raw with its arguments put back, must give
what the queryset gives, for every set of arguments, and refuse what it cannot keep."""

import datetime as dt

import pytest
from django.db.models import Count, F, Window

from contacts.models import Contact, Interaction
from networkcrm import kept as kept_module
from networkcrm.kept import first, kept, kept_update
from tests.contacts.factories import contact

pytestmark = pytest.mark.django_db


def named(owner_id, pk):
    return Contact.objects.filter(owner=owner_id, pk=pk)


def latest(contact_id):
    return (
        Interaction.objects.filter(contacts=contact_id, occurred_on__gte=dt.date(2026, 1, 1))
        .annotate(total=Window(Count("pk")))
        .order_by("-occurred_on", "-pk")[:2]
    )


def test_it_gives_the_querysets_rows_for_each_set_of_arguments(alice, bob):
    dana, erin = contact(alice, "Dana"), contact(alice, "Erin")
    assert first(kept("test.named", named, alice.pk, dana.pk)) == dana
    # The same kept SQL with other arguments: other rows, and none for another owner.
    assert first(kept("test.named", named, alice.pk, erin.pk)).first_name == "Erin"
    assert first(kept("test.named", named, bob.pk, dana.pk)) is None


def test_annotations_constants_and_conversions_come_back_as_from_the_queryset(alice):
    dana = contact(alice, "Dana")
    for day in (
        dt.date(2025, 12, 31),
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
        dt.date(2026, 4, 1),
    ):
        interaction = Interaction.objects.create(owner=alice, occurred_on=day, quality=4)
        interaction.contacts.add(dana)
    rows = list(kept("test.latest", latest, dana.pk))
    expected = list(latest(dana.pk))
    assert [(r.pk, r.occurred_on, r.total) for r in rows] == [
        (r.pk, r.occurred_on, r.total) for r in expected
    ]
    # The date constant stayed a parameter; the dates are dates, the window counts all three.
    assert rows[0].occurred_on == dt.date(2026, 4, 1)
    assert rows[0].total == 3
    assert isinstance(rows[0], Interaction)
    assert not rows[0]._state.adding


def test_it_compiles_once_per_key_and_database(alice, django_assert_num_queries):
    dana = contact(alice, "Dana")
    kept_module._COMPILED.pop(("default", "test.once"), None)
    calls = []

    def build(owner_id, pk):
        calls.append((owner_id, pk))
        return named(owner_id, pk)

    for _ in range(3):
        with django_assert_num_queries(1):
            assert first(kept("test.once", build, alice.pk, dana.pk)) == dana
    assert len(calls) == 1  # with stand-ins, not the real arguments
    assert calls[0][0] in kept_module.STAND_INS


def test_it_refuses_what_it_cannot_keep(alice):
    with pytest.raises(ValueError, match="does not use argument"):
        kept("test.unused", lambda owner_id: Contact.objects.all(), alice.pk)
    with pytest.raises(ValueError, match="select_related"):
        kept("test.related", lambda pk: Contact.objects.select_related("owner").filter(pk=pk), 1)


def test_kept_update_runs_the_querysets_update(alice, bob, django_assert_num_queries):
    dana, erin = contact(alice, "Dana", strength=10), contact(alice, "Erin", strength=20)
    other = contact(bob, "Olga", strength=30)

    def theirs(owner_id, *ids):
        return Contact.objects.filter(owner=owner_id, pk__in=ids)

    def bumped():
        return {"strength": F("strength") + 5, "display_name": "seen"}

    with django_assert_num_queries(1):
        assert kept_update("test.bump", theirs, bumped, alice.pk, dana.pk, erin.pk) == 2
    # Kept SQL, other arguments: another owner's contact is not matched by alice's id.
    assert kept_update("test.bump", theirs, bumped, alice.pk, other.pk, dana.pk) == 1
    rows = dict(Contact.objects.values_list("first_name", "strength"))
    assert rows == {"Dana": 20, "Erin": 25, "Olga": 30}
    assert Contact.objects.get(pk=erin.pk).display_name == "seen"
