import datetime as dt

import pytest

from contacts.models import CheckinStatus, Contact, Kind
from contacts.services import checkins_refresh, interaction_delete, interaction_update
from tests.contacts.factories import TODAY, contact, fresh, log, queries_of

pytestmark = pytest.mark.django_db


def test_it_sets_the_next_checkin_from_the_circle_cadence(alice):
    dana = contact(alice, circle="inner")
    log(alice, dana, on=dt.date(2026, 6, 1))
    assert fresh(dana).next_checkin_on == dt.date(2026, 6, 15)
    assert fresh(dana).last_interaction_on == dt.date(2026, 6, 1)


def test_a_contact_cadence_overrides_the_circle(alice):
    dana = contact(alice, circle="inner", cadence_days=3)
    log(alice, dana, on=dt.date(2026, 6, 1))
    assert fresh(dana).next_checkin_on == dt.date(2026, 6, 4)


def test_a_zero_cadence_or_acquaintance_means_no_checkin(alice):
    zero = contact(alice, "Zero", circle="inner", cadence_days=0)
    acquaintance = contact(alice, "Acq", circle="acquaintance")
    log(alice, zero, acquaintance)
    assert fresh(zero).next_checkin_on is None
    assert fresh(acquaintance).checkin_status(TODAY) == CheckinStatus.NO_CADENCE


@pytest.mark.parametrize("kind", [k for k in Kind.values if k != Kind.NOTE])
def test_any_kind_of_interaction_resets_every_contact_it_was_with(alice, kind):
    one, two = contact(alice, "One", circle="close"), contact(alice, "Two", circle="inner")
    log(alice, one, two, on=dt.date(2026, 6, 10), kind=kind)
    assert fresh(one).next_checkin_on == dt.date(2026, 7, 10)
    assert fresh(two).next_checkin_on == dt.date(2026, 6, 24)


def test_a_note_is_not_a_checkin(alice):
    dana = contact(alice, circle="inner")
    log(alice, dana, on=dt.date(2026, 6, 1))
    log(alice, dana, on=dt.date(2026, 6, 10), kind=Kind.NOTE)
    assert fresh(dana).last_interaction_on == dt.date(2026, 6, 1)


def test_editing_the_date_back_restores_the_previous_due_date(alice):
    dana = contact(alice, circle="inner")
    log(alice, dana, on=dt.date(2026, 5, 1))
    later = log(alice, dana, on=dt.date(2026, 6, 10))
    assert fresh(dana).next_checkin_on == dt.date(2026, 6, 24)
    interaction_update(
        interaction=later, contacts=[dana], today=TODAY, occurred_on=dt.date(2026, 4, 1)
    )
    assert fresh(dana).next_checkin_on == dt.date(2026, 5, 15)


def test_deleting_restores_the_previous_due_date(alice):
    dana = contact(alice, circle="inner")
    log(alice, dana, on=dt.date(2026, 5, 1))
    later = log(alice, dana, on=dt.date(2026, 6, 10))
    interaction_delete(interaction=later, today=TODAY)
    assert fresh(dana).next_checkin_on == dt.date(2026, 5, 15)


def test_moving_an_interaction_to_another_contact_updates_both(alice):
    one, two = contact(alice, "One", circle="inner"), contact(alice, "Two", circle="inner")
    shared = log(alice, one, on=dt.date(2026, 6, 10))
    interaction_update(interaction=shared, contacts=[two], today=TODAY)
    assert fresh(one).last_interaction_on is None
    assert fresh(two).last_interaction_on == dt.date(2026, 6, 10)


def test_a_never_contacted_contact_is_due_a_cadence_after_it_was_added(alice):
    dana = contact(alice, circle="close")
    checkins_refresh(contacts=Contact.objects.filter(pk=dana.pk))
    assert fresh(dana).next_checkin_on == dana.created_at.date() + dt.timedelta(days=30)


def test_archived_contacts_have_no_checkin(alice):
    dana = contact(alice, circle="inner", archived=True)
    log(alice, dana)
    assert fresh(dana).next_checkin_on is None


def test_it_refreshes_10_or_200_contacts_in_the_same_two_statements(alice):
    def refresh():
        checkins_refresh(contacts=Contact.objects.filter(owner=alice))

    Contact.objects.bulk_create(Contact(owner=alice, first_name=f"C{i}") for i in range(10))
    few = queries_of(refresh)
    Contact.objects.bulk_create(Contact(owner=alice, first_name=f"D{i}") for i in range(190))
    assert queries_of(refresh) == few <= 2


@pytest.mark.parametrize(
    ("next_on", "status"),
    [
        (TODAY - dt.timedelta(days=1), CheckinStatus.OVERDUE),
        (TODAY, CheckinStatus.DUE),
        (TODAY + dt.timedelta(days=7), CheckinStatus.DUE_SOON),
        (TODAY + dt.timedelta(days=8), CheckinStatus.ON_TRACK),
        (None, CheckinStatus.NO_CADENCE),
    ],
)
def test_status_and_status_filter_agree(alice, next_on, status):
    dana = contact(alice)
    Contact.objects.filter(pk=dana.pk).update(next_checkin_on=next_on)
    assert fresh(dana).checkin_status(TODAY) == status
    assert list(Contact.objects.in_status(status, TODAY)) == [dana]


# --- The latest interaction, quoted by Today and the digest ---------------------------------


def test_the_latest_interaction_follows_every_write(alice):
    dana, erin = contact(alice, "Dana", circle="inner"), contact(alice, "Erin")
    older = log(alice, dana, on=dt.date(2026, 6, 1), kind=Kind.CALL)
    newer = log(alice, dana, erin, on=dt.date(2026, 6, 5), kind=Kind.MEETING)
    assert fresh(dana).latest_interaction == newer
    assert fresh(erin).latest_interaction == newer
    # A note is writing about someone, not talking to them; a private one is still the owner's.
    log(alice, dana, on=dt.date(2026, 6, 9), kind=Kind.NOTE)
    assert fresh(dana).latest_interaction == newer
    private = log(alice, dana, on=dt.date(2026, 6, 7), private=True)
    assert fresh(dana).latest_interaction == private
    interaction_update(interaction=private, contacts=[erin], today=TODAY, kind=Kind.CALL)
    assert fresh(dana).latest_interaction == newer
    assert fresh(erin).latest_interaction == private
    interaction_delete(interaction=newer, today=TODAY)
    assert fresh(dana).latest_interaction == older
    interaction_delete(interaction=older, today=TODAY)
    assert fresh(dana).latest_interaction is None


def test_a_merge_keeps_the_latest_of_both(alice):
    from contacts.services import contacts_merge

    dana, twin = contact(alice, "Dana"), contact(alice, "Dana", last_name="Twin")
    log(alice, dana, on=dt.date(2026, 6, 1))
    newest = log(alice, twin, on=dt.date(2026, 6, 3))
    survivor = contacts_merge(survivor=dana, duplicate=twin, today=TODAY)
    assert fresh(survivor).latest_interaction == newest


def test_the_migration_and_a_bulk_refresh_point_every_contact_at_its_latest(alice):
    import importlib

    from django.apps import apps

    dana, erin = contact(alice, "Dana"), contact(alice, "Erin")
    first = log(alice, dana, on=dt.date(2026, 6, 1))
    second = log(alice, erin, on=dt.date(2026, 6, 2))
    Contact.objects.update(latest_interaction=None)
    importlib.import_module("contacts.migrations.0020_latest_interaction").fill(apps, None)
    assert (fresh(dana).latest_interaction, fresh(erin).latest_interaction) == (first, second)
    Contact.objects.update(latest_interaction=None)
    checkins_refresh(contacts=Contact.objects.filter(owner=alice))
    assert (fresh(dana).latest_interaction, fresh(erin).latest_interaction) == (first, second)
