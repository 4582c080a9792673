"""capture_log: what a source brings becomes an interaction with the contacts on it, once;
unknown people go to the review inbox, ignored ones nowhere; a thread's messages of one day are
one interaction; a moved meeting moves its interaction; undo and withdraw take it back."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from capture.models import (
    CapturedItem,
    CapturedPerson,
    Direction,
    IgnoreRule,
    ReviewEntry,
    ReviewStatus,
    RuleKind,
    SourceKind,
)
from capture.services import (
    capture_undo,
    capture_withdraw,
    external_id_for,
    settings_for,
    subject_normalised,
    thread_key_for,
)
from contacts.models import Channel, Initiator, Interaction, Kind
from tests.capture.helpers import NOW, TODAY, mail, person
from tests.contacts.factories import fresh

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def on_today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def dana(alice):
    return person(alice, "Dana", "dana@example.com")


def test_it_logs_an_email_with_a_known_contact_matched_in_any_case(alice, dana):
    item = mail(alice, people=[("Dana@Example.COM", "Dana")])
    assert item is not None
    assert item.interaction is not None
    interaction = item.interaction
    assert list(interaction.contacts.all()) == [dana]
    assert (interaction.kind, interaction.channel) == (Kind.EMAIL, Channel.EMAIL)
    assert interaction.initiated_by == Initiator.ME
    assert interaction.occurred_on == TODAY
    assert interaction.notes == "Coffee next week?"
    assert fresh(dana).last_interaction_on == TODAY
    assert fresh(dana).next_checkin_on is not None


def test_it_matches_an_address_stored_with_capitals_as_the_message_writes_it(alice):
    erin = person(alice, "Erin", "Erin.Reed@Example.com")
    item = mail(alice, people=[("Erin.Reed@Example.com", "")])
    assert list(item.interaction.contacts.all()) == [erin]
    assert ReviewEntry.objects.count() == 0


def test_an_ignored_address_is_not_logged_even_with_a_contact(alice, dana):
    IgnoreRule.objects.create(user=alice, kind=RuleKind.ADDRESS, value="dana@example.com")
    assert mail(alice, people=[("Dana@Example.com", "")]) is None
    assert Interaction.objects.count() == 0


def test_it_says_they_reached_out_for_a_message_received(alice, dana):
    item = mail(alice, direction=Direction.IN)
    assert item.interaction.initiated_by == Initiator.THEM


def test_it_dates_the_interaction_in_the_users_zone(alice, dana):
    # 23:30 UTC on the 14th is 01:30 on the 15th in Paris.
    item = mail(alice, occurred_at=dt.datetime(2026, 6, 14, 23, 30, tzinfo=dt.UTC))
    assert item.interaction.occurred_on == TODAY


def test_it_logs_the_same_message_once(alice, dana):
    first = mail(alice)
    second = mail(alice)
    assert second.pk == first.pk
    assert Interaction.objects.count() == 1
    assert CapturedItem.objects.count() == 1


def test_it_moves_the_interaction_of_a_moved_meeting(alice, dana):
    item = mail(alice, direction=Direction.MEETING, kind=Kind.MEETING, channel=Channel.VIDEO)
    moved = mail(alice, occurred_at=NOW + dt.timedelta(days=3))
    assert moved.interaction_id == item.interaction_id
    assert fresh(moved.interaction).occurred_on == TODAY + dt.timedelta(days=3)
    assert Interaction.objects.count() == 1


def test_a_meeting_moved_to_a_video_call_and_renamed_follows(alice, dana):
    first = mail(alice, "uid#", direction=Direction.MEETING, kind=Kind.MEETING, summary="Lunch")
    moved = mail(alice, "uid#", kind=Kind.MEETING, channel=Channel.VIDEO, summary="Video lunch")
    assert moved.interaction_id == first.interaction_id
    assert (moved.summary, moved.channel) == ("Video lunch", Channel.VIDEO)
    assert fresh(moved.interaction).channel == Channel.VIDEO
    assert CapturedItem.objects.get().summary == "Video lunch"


def test_it_follows_who_is_on_a_meeting_when_that_changes(alice, dana):
    erin = person(alice, "Erin", "erin@example.com")
    item = mail(alice, people=[("dana@example.com", ""), ("erin@example.com", "")])
    assert set(item.interaction.contacts.all()) == {dana, erin}
    again = mail(alice, people=[("erin@example.com", "")])
    assert list(again.interaction.contacts.all()) == [erin]
    assert list(again.people.values_list("email", flat=True)) == ["erin@example.com"]
    gone = mail(alice, people=[("frank@example.com", "")])
    assert gone is None
    assert Interaction.objects.count() == 0


def test_it_puts_unknown_people_in_the_review_inbox_and_logs_nothing(alice):
    assert mail(alice, people=[("Newbie@Example.org", "New Person")]) is None
    assert Interaction.objects.count() == 0
    entry = ReviewEntry.objects.get()
    assert (entry.user, entry.email, entry.name) == (alice, "newbie@example.org", "New Person")
    assert (entry.status, entry.times, entry.source) == (ReviewStatus.PENDING, 1, "forward")
    # The item is kept, so adding the person later can attach it.
    assert CapturedItem.objects.get().interaction is None


def test_it_counts_an_unknown_person_seen_again(alice):
    mail(alice, "a@x", people=[("new@example.org", "")], occurred_at=NOW - dt.timedelta(days=2))
    mail(alice, "b@x", people=[("new@example.org", "")], occurred_at=NOW - dt.timedelta(days=5))
    entry = ReviewEntry.objects.get()
    assert entry.times == 2
    assert entry.first_seen == NOW - dt.timedelta(days=5)
    assert entry.last_seen == NOW - dt.timedelta(days=2)


def test_it_logs_the_known_and_reviews_the_unknown_of_one_message(alice, dana):
    item = mail(alice, people=[("dana@example.com", ""), ("new@example.org", "")])
    assert list(item.interaction.contacts.all()) == [dana]
    assert list(ReviewEntry.objects.values_list("email", flat=True)) == ["new@example.org"]


def test_it_leaves_unknown_people_out_when_only_known_is_on(alice):
    prefs = settings_for(alice)
    prefs.only_known = True
    prefs.save()
    mail(alice, people=[("new@example.org", "")])
    assert ReviewEntry.objects.count() == 0


def test_ignored_addresses_and_domains_land_nowhere(alice, dana):
    IgnoreRule.objects.create(user=alice, kind=RuleKind.DOMAIN, value="example.com")
    IgnoreRule.objects.create(user=alice, kind=RuleKind.ADDRESS, value="noreply@shop.test")
    assert (
        mail(
            alice,
            people=[
                ("dana@example.com", ""),
                ("x@mail.example.com", ""),
                ("NoReply@shop.test", ""),
            ],
        )
        is None
    )
    assert Interaction.objects.count() == 0
    assert ReviewEntry.objects.count() == 0
    assert CapturedPerson.objects.count() == 0


def test_it_never_counts_the_user_as_one_of_the_people(alice):
    mail(alice, people=[("ALICE@example.com", "Alice"), ("new@example.org", "")])
    assert list(ReviewEntry.objects.values_list("email", flat=True)) == ["new@example.org"]


def test_it_keeps_no_text_unless_asked(alice, dana):
    item = mail(alice, "a@x", snippet="The whole body of the message")
    assert item.snippet == ""
    assert "body" not in item.interaction.notes
    prefs = settings_for(alice)
    prefs.keep_snippet = True
    prefs.save()
    kept = mail(alice, "b@x", snippet="x" * 5000)
    assert kept.snippet == "x" * 300
    assert kept.interaction.notes.endswith("x" * 300)


def test_a_threads_messages_of_one_day_are_one_interaction(alice, dana):
    erin = person(alice, "Erin", "erin@example.com")
    key = thread_key_for(user=alice, subject="Re: Coffee next week?", occurred_at=NOW)
    assert key == thread_key_for(user=alice, subject="Coffee  next week?", occurred_at=NOW)
    first = mail(alice, "a@x", thread_key=key)
    second = mail(alice, "b@x", thread_key=key, people=[("erin@example.com", "")])
    assert second.interaction_id == first.interaction_id
    assert set(second.interaction.contacts.all()) == {dana, erin}
    tomorrow = thread_key_for(user=alice, subject="Coffee", occurred_at=NOW + dt.timedelta(days=1))
    assert tomorrow != key
    assert Interaction.objects.count() == 1


def test_it_normalises_subjects_and_message_ids():
    assert subject_normalised("RE: Fwd: AW:  [team] Plans  for Q3") == "plans for q3"
    assert external_id_for(" <abc@host> ") == "abc@host"
    assert external_id_for("<" + "a" * 600 + ">").startswith("sha256:")


def test_withdraw_removes_a_cancelled_meetings_interaction(alice, dana):
    item = mail(alice, "uid-1#", direction=Direction.MEETING, kind=Kind.MEETING)
    withdrawn = capture_withdraw(user=alice, external_id="uid-1#", today=TODAY)
    assert withdrawn.pk == item.pk
    assert withdrawn.undone_at == NOW
    assert Interaction.objects.count() == 0
    assert fresh(dana).last_interaction_on is None
    assert capture_withdraw(user=alice, external_id="unknown#", today=TODAY) is None


def test_undo_takes_the_interaction_back_and_the_message_does_not_return(alice, dana):
    item = mail(alice)
    capture_undo(user=alice, item=item, today=TODAY)
    assert Interaction.objects.count() == 0
    assert mail(alice) is None
    assert Interaction.objects.count() == 0


def test_undo_of_one_message_of_a_thread_keeps_what_the_others_bring(alice, dana):
    erin = person(alice, "Erin", "erin@example.com")
    key = thread_key_for(user=alice, subject="Plans", occurred_at=NOW)
    first = mail(alice, "a@x", thread_key=key)
    second = mail(alice, "b@x", thread_key=key, people=[("erin@example.com", "")])
    capture_undo(user=alice, item=second, today=TODAY)
    assert list(fresh(first).interaction.contacts.all()) == [dana]
    assert erin.interactions.count() == 0


def test_undo_refuses_another_users_item(alice, bob, dana):
    item = mail(alice)
    with pytest.raises(PermissionError):
        capture_undo(user=bob, item=item, today=TODAY)
    assert Interaction.objects.count() == 1


def test_users_do_not_share_items_or_contacts(alice, bob, dana):
    mail(alice)
    assert mail(bob) is None  # dana is alice's contact, not bob's
    assert ReviewEntry.objects.get().user == bob
    assert CapturedItem.objects.filter(user=bob).get().source == SourceKind.FORWARD


def test_a_captured_interaction_is_marked_on_the_contact_page_and_the_log(
    alice, alice_client, dana
):
    from django.urls import reverse

    from tests.contacts.factories import log

    log(alice, dana, on=TODAY, today=TODAY, notes="Typed by hand")
    mail(alice)
    page = alice_client.get(reverse("contacts:detail", args=[dana.pk])).content.decode()
    assert page.count('data-testid="captured"') == 1
    listing = alice_client.get(reverse("contacts:interactions")).content.decode()
    assert listing.count('data-testid="captured"') == 1
