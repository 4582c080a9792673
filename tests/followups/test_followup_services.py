"""followups.services: follow-ups and check-ins done, snoozed and skipped, each idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DataError

from accounts.models import Profile
from contacts.models import Interaction, Kind
from followups import services
from followups.models import FollowUp, FollowUpStatus
from tests.contacts.factories import TODAY, contact, fresh, log
from tests.followups.test_agenda import due, followup

pytestmark = pytest.mark.django_db
LATER = TODAY + dt.timedelta(days=7)


def test_it_creates_a_followup_with_its_contacts(alice):
    dana, erin = contact(alice, "Dana"), contact(alice, "Erin")
    made = services.followup_create(
        owner=alice, contacts=[dana, erin], about="  Send the deck ", due_on=LATER
    )
    assert (made.about, made.due_on, made.status) == ("Send the deck", LATER, "open")
    assert set(made.contacts.all()) == {dana, erin}


def test_it_refuses_another_users_contact(alice, bob):
    theirs = contact(bob, "Theirs")
    with pytest.raises(PermissionError):
        services.followup_create(owner=alice, contacts=[theirs], about="X", due_on=LATER)
    assert not FollowUp.objects.exists()


def test_it_refuses_a_followup_with_nobody(alice):
    with pytest.raises(ValueError, match="at least one contact"):
        services.followup_create(owner=alice, contacts=[], about="X", due_on=LATER)


def test_done_logs_a_message_that_resets_the_cadence(alice):
    dana = contact(alice, "Dana", circle="inner")
    pending = followup(alice, dana, about="Send the deck")
    result = services.followup_done(followup=pending, today=TODAY)
    assert result.changed
    talk = Interaction.objects.get()
    assert (talk.kind, talk.notes, talk.occurred_on) == (
        Kind.MESSAGE,
        "Followed up: Send the deck",
        TODAY,
    )
    assert fresh(dana).next_checkin_on == TODAY + dt.timedelta(days=14)
    pending.refresh_from_db()
    assert (pending.status, pending.done_on, pending.interaction) == ("done", TODAY, talk)


def test_done_twice_logs_one_interaction(alice):
    pending = followup(alice, contact(alice, "Dana"))
    services.followup_done(followup=pending, today=TODAY)
    again = services.followup_done(followup=pending, today=TODAY + dt.timedelta(days=1))
    assert not again.changed
    assert "already done" in again.message
    assert Interaction.objects.count() == 1
    assert fresh(pending).done_on == TODAY


def test_done_links_the_interaction_given_instead_of_logging_one(alice):
    dana = contact(alice, "Dana")
    talk = log(alice, dana, notes="Lunch")
    pending = followup(alice, dana)
    services.followup_done(followup=pending, today=TODAY, interaction=talk)
    assert Interaction.objects.get() == talk
    assert fresh(pending).interaction == talk


def test_done_without_a_log_logs_nothing(alice):
    pending = followup(alice, contact(alice, "Dana"))
    assert services.followup_done(followup=pending, today=TODAY, log=False).changed
    assert not Interaction.objects.exists()
    assert fresh(pending).status == "done"


def test_done_refuses_another_users_interaction(alice, bob):
    theirs = log(bob, contact(bob, "Theirs"))
    pending = followup(alice, contact(alice, "Dana"))
    with pytest.raises(PermissionError):
        services.followup_done(followup=pending, today=TODAY, interaction=theirs)
    assert fresh(pending).status == "open"


def test_a_followup_whose_contacts_were_deleted_is_done_without_a_log(alice):
    dana = contact(alice, "Dana")
    pending = followup(alice, dana)
    dana.delete()
    assert services.followup_done(followup=pending, today=TODAY).changed
    assert not Interaction.objects.exists()


def test_snooze_hides_it_until_the_day(alice):
    pending = followup(alice, contact(alice, "Dana"))
    result = services.followup_snooze(followup=pending, until=LATER)
    assert result.changed
    assert (pending.status, pending.snoozed_until, pending.effective_due_on) == (
        "snoozed",
        LATER,
        LATER,
    )


def test_snoozing_twice_to_the_same_day_changes_nothing(alice):
    pending = followup(alice, contact(alice, "Dana"))
    services.followup_snooze(followup=pending, until=LATER)
    assert not services.followup_snooze(followup=pending, until=LATER).changed


def test_a_done_followup_snoozed_later_stays_done(alice):
    pending = followup(alice, contact(alice, "Dana"))
    services.followup_done(followup=pending, today=TODAY)
    result = services.followup_snooze(followup=pending, until=LATER)
    assert not result.changed
    assert "already done" in result.message
    assert (fresh(pending).status, fresh(pending).snoozed_until) == ("done", None)


def test_skip_closes_it_without_logging(alice):
    pending = followup(alice, contact(alice, "Dana"))
    assert services.followup_skip(followup=pending).changed
    assert fresh(pending).status == FollowUpStatus.SKIPPED
    assert not Interaction.objects.exists()


def test_a_skipped_followup_cannot_be_done(alice):
    pending = followup(alice, contact(alice, "Dana"))
    services.followup_skip(followup=pending)
    result = services.followup_done(followup=pending, today=TODAY)
    assert not result.changed
    assert "skipped" in result.message
    assert not Interaction.objects.exists()


def test_checkin_done_logs_a_check_in_and_moves_the_next_one(alice):
    dana = due(alice, "Dana", days_overdue=3, circle="inner")
    result = services.checkin_done(contact=dana, today=TODAY)
    assert result.changed
    assert Interaction.objects.latest("pk").notes == "Checked in"
    assert fresh(dana).next_checkin_on == TODAY + dt.timedelta(days=14)
    assert str(TODAY + dt.timedelta(days=14)) not in result.message  # said in words
    assert "Next check-in" in result.message


def test_checkin_done_twice_logs_once(alice):
    dana = due(alice, "Dana", circle="inner")
    services.checkin_done(contact=dana, today=TODAY)
    again = services.checkin_done(contact=dana, today=TODAY)
    assert not again.changed
    assert Interaction.objects.filter(notes="Checked in").count() == 1


def test_checkin_done_on_a_contact_without_cadence_changes_nothing(alice):
    someone = contact(alice, "Someone", circle="acquaintance")
    assert not services.checkin_done(contact=someone, today=TODAY).changed
    assert not Interaction.objects.exists()


def test_checkin_snooze_moves_the_due_date_to_the_end_of_the_snooze(alice):
    dana = due(alice, "Dana", days_overdue=3, circle="inner")
    assert dana.next_checkin_on == TODAY - dt.timedelta(days=3)
    assert services.checkin_snooze(contact=dana, until=LATER, today=TODAY).changed
    dana = fresh(dana)
    assert (dana.checkin_snoozed_until, dana.next_checkin_on) == (LATER, LATER)


def test_a_snoozed_checkin_snoozed_again_changes_nothing(alice):
    dana = due(alice, "Dana", days_overdue=3)
    services.checkin_snooze(contact=dana, until=LATER, today=TODAY)
    again = services.checkin_snooze(contact=dana, until=LATER + dt.timedelta(days=1), today=TODAY)
    assert not again.changed
    assert fresh(dana).next_checkin_on == LATER


def test_logging_an_interaction_ends_the_snooze(alice):
    dana = due(alice, "Dana", days_overdue=3, circle="inner")
    services.checkin_snooze(contact=dana, until=TODAY + dt.timedelta(days=60), today=TODAY)
    log(alice, dana)
    assert fresh(dana).next_checkin_on == TODAY + dt.timedelta(days=14)


def test_a_snooze_ends_after_today(alice):
    dana = due(alice, "Dana")
    with pytest.raises(ValueError, match="after today"):
        services.checkin_snooze(contact=dana, until=TODAY, today=TODAY)


def test_the_quick_log_and_its_followup_are_saved_together(alice):
    dana = contact(alice, "Dana")
    talk, made = services.interaction_log_with_followup(
        owner=alice,
        contacts=[dana],
        today=TODAY,
        follow_up_on=LATER,
        follow_up_about="Intro to Sam",
        occurred_on=TODAY,
    )
    assert (made.about, made.due_on, list(made.contacts.all())) == ("Intro to Sam", LATER, [dana])
    assert talk.contacts.get() == dana


def test_a_followup_that_fails_undoes_the_quick_log(alice, postgresql):
    with pytest.raises(DataError):
        services.interaction_log_with_followup(
            owner=alice,
            contacts=[contact(alice, "Dana")],
            today=TODAY,
            follow_up_on=LATER,
            follow_up_about="x" * 201,  # longer than the column
            occurred_on=TODAY,
        )
    assert not Interaction.objects.exists()


def test_a_new_calendar_address_replaces_the_old_one(alice):
    first = services.calendar_token_renew(user=alice)
    second = services.calendar_token_renew(user=alice)
    assert first != second
    assert len(second) >= 40
    assert Profile.objects.get(user=alice).calendar_token == second


def test_turning_the_calendar_off_clears_the_address(alice):
    services.calendar_token_renew(user=alice)
    services.calendar_token_clear(user=alice)
    assert Profile.objects.get(user=alice).calendar_token == ""
