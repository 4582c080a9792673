"""followups.agenda: who is due, in what order, in how many queries.

The builders at the top (due contacts, follow-ups, a goal plan) serve the other follow-up
tests too."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import CheckinStatus, Contact, Interaction, Kind
from contacts.services import latest_interaction
from followups.agenda import agenda_for, agendas_for, birthday_dates
from followups.models import FollowUp, FollowUpStatus
from goals.models import GoalPlan, Objective, Priority
from tests.contacts.factories import TODAY, contact, log


def due(owner: Any, first_name: str = "Dana", days_overdue: int = 0, **fields: Any) -> Contact:
    """A contact whose check-in fell due `days_overdue` days before TODAY: their last
    conversation was a cadence before that."""
    person = contact(owner, first_name, **fields)
    cadence = person.effective_cadence_days or 0
    on = TODAY - dt.timedelta(days=days_overdue + cadence)
    log(owner, person, on=on, kind=Kind.CALL, notes=f"Call with {first_name}")
    person.refresh_from_db()
    return person


def many_due(owner: Any, count: int, objective: Objective | None = None) -> list[Contact]:
    """`count` due contacts, each with a last interaction, in a few statements."""
    people = Contact.objects.bulk_create(
        Contact(owner=owner, first_name=f"P{i:04d}", next_checkin_on=TODAY - dt.timedelta(days=i))
        for i in range(count)
    )
    talks = Interaction.objects.bulk_create(
        Interaction(
            owner=owner,
            occurred_on=TODAY - dt.timedelta(days=40),
            kind=Kind.CALL,
            notes=f"Call {i}",
            objective=objective,
        )
        for i in range(count)
    )
    Interaction.contacts.through.objects.bulk_create(
        Interaction.contacts.through(interaction=talk, contact=person)
        for talk, person in zip(talks, people, strict=True)
    )
    # Written around the services, so the pointer they keep is set as a bulk loader sets it.
    Contact.objects.filter(pk__in=[p.pk for p in people]).update(**latest_interaction())
    return people


def followup(owner: Any, *contacts: Contact, about: str = "Send the deck", **fields: Any):
    fields.setdefault("due_on", TODAY)
    made = FollowUp.objects.create(owner=owner, about=about, **fields)
    made.contacts.set(contacts)
    return made


def plan(owner: Any) -> GoalPlan:
    return GoalPlan.objects.create(owner=owner, started_on=TODAY - dt.timedelta(days=30))


def objective(goal_plan: GoalPlan, title: str = "Land a job", **fields: Any) -> Objective:
    fields.setdefault("metric", "interactions_by_kind")
    fields.setdefault("target", 4)
    return Objective.objects.create(plan=goal_plan, title=title, **fields)


def priority(goal_plan: GoalPlan, position: int, **fields: Any) -> Priority:
    return Priority.objects.create(plan=goal_plan, position=position, **fields)


pytestmark = pytest.mark.django_db


def names(agenda) -> list[str]:
    return [item.contact.first_name for item in agenda.checkins]


def test_it_lists_overdue_and_due_checkins(alice):
    due(alice, "Late", days_overdue=3)
    due(alice, "Now", days_overdue=0)
    agenda = agenda_for(alice, today=TODAY)
    assert [(i.contact.first_name, i.status, i.days_overdue) for i in agenda.checkins] == [
        ("Late", CheckinStatus.OVERDUE, 3),
        ("Now", CheckinStatus.DUE, 0),
    ]


def test_it_leaves_out_archived_contacts_and_later_checkins(alice):
    due(alice, "Archived", archived=True)
    due(alice, "Tomorrow", days_overdue=-1)
    assert agenda_for(alice, today=TODAY).checkins == []


def test_it_never_lists_another_users_contacts(alice, bob):
    due(bob, "Theirs")
    assert agenda_for(alice, today=TODAY).checkins == []


def test_it_orders_by_circle_first(alice):
    due(alice, "Active", days_overdue=30, circle="active")
    due(alice, "Inner", days_overdue=1, circle="inner")
    due(alice, "Close", days_overdue=9, circle="close")
    assert names(agenda_for(alice, today=TODAY)) == ["Inner", "Close", "Active"]


def test_it_orders_prioritised_contacts_before_the_rest_of_their_circle(alice):
    due(alice, "Waiting", days_overdue=20)
    second = due(alice, "Second", days_overdue=1)
    first = due(alice, "First", days_overdue=2)
    goals = plan(alice)
    priority(goals, 0, contact=first)
    priority(goals, 1, contact=second)
    agenda = agenda_for(alice, today=TODAY)
    assert names(agenda) == ["First", "Second", "Waiting"]
    assert [i.priority for i in agenda.checkins] == [1, 2, None]


def test_it_counts_an_objectives_priority_for_the_contacts_it_targets(alice):
    due(alice, "Waiting", days_overdue=20)
    targeted = due(alice, "Targeted", days_overdue=1)
    goals = plan(alice)
    job = objective(goals)
    job.targets.add(targeted)
    priority(goals, 0, objective=job)
    agenda = agenda_for(alice, today=TODAY)
    assert names(agenda) == ["Targeted", "Waiting"]
    assert (agenda.checkins[0].objective, agenda.checkins[0].priority) == (job, 1)


def test_it_ignores_the_not_now_list_and_ended_plans(alice):
    due(alice, "Waiting", days_overdue=20)
    later = due(alice, "Later", days_overdue=1)
    old = due(alice, "Old", days_overdue=2)
    ended = GoalPlan.objects.create(owner=alice, started_on=TODAY, ended_on=TODAY)
    priority(ended, 0, contact=old)
    priority(plan(alice), 0, contact=later, not_now=True)
    assert names(agenda_for(alice, today=TODAY)) == ["Waiting", "Old", "Later"]


def test_it_orders_the_longest_waiting_first_within_a_circle(alice):
    due(alice, "Two", days_overdue=2)
    due(alice, "Ten", days_overdue=10)
    assert names(agenda_for(alice, today=TODAY)) == ["Ten", "Two"]


def test_it_gives_the_last_interaction_that_is_not_a_note(alice):
    dana = contact(alice, "Dana", circle="inner")
    log(alice, dana, on=TODAY - dt.timedelta(days=30), notes="Coffee", kind="meeting")
    log(alice, dana, on=TODAY - dt.timedelta(days=20), notes="Just a note", kind="note")
    item = agenda_for(alice, today=TODAY).checkins[0]
    assert item.last_interaction.notes == "Coffee"
    assert item.days_overdue == 16


def test_it_gives_the_objective_the_last_interaction_served(alice):
    job = objective(plan(alice))
    dana = contact(alice, "Dana", circle="inner")
    log(alice, dana, on=TODAY - dt.timedelta(days=30), objective=job)
    assert agenda_for(alice, today=TODAY).checkins[0].objective == job


def test_it_lists_open_followups_due_by_today(alice):
    dana = contact(alice, "Dana")
    late = followup(alice, dana, about="Late", due_on=TODAY - dt.timedelta(days=4))
    now = followup(alice, dana, about="Now")
    followup(alice, dana, about="Later", due_on=TODAY + dt.timedelta(days=1))
    followup(alice, dana, about="Done", status=FollowUpStatus.DONE, done_on=TODAY)
    followup(alice, dana, about="Skipped", status=FollowUpStatus.SKIPPED)
    agenda = agenda_for(alice, today=TODAY)
    assert [(i.followup, i.days_overdue) for i in agenda.followups] == [(late, 4), (now, 0)]


def test_a_followup_whose_snooze_is_over_is_open_again(alice):
    dana = contact(alice, "Dana")
    over = followup(
        alice,
        dana,
        about="Over",
        status=FollowUpStatus.SNOOZED,
        snoozed_until=TODAY,
        due_on=TODAY - dt.timedelta(days=5),
    )
    followup(
        alice,
        dana,
        about="Sleeping",
        status=FollowUpStatus.SNOOZED,
        snoozed_until=TODAY + dt.timedelta(days=1),
        due_on=TODAY - dt.timedelta(days=5),
    )
    agenda = agenda_for(alice, today=TODAY)
    assert [(i.followup, i.days_overdue) for i in agenda.followups] == [(over, 0)]


def test_it_orders_followups_by_their_closest_contacts_circle(alice):
    inner, active = contact(alice, "In", circle="inner"), contact(alice, "Act", circle="active")
    old = followup(alice, active, about="Old", due_on=TODAY - dt.timedelta(days=9))
    close = followup(alice, active, inner, about="Close")
    assert [i.followup for i in agenda_for(alice, today=TODAY).followups] == [close, old]


def test_a_limit_cuts_each_list_and_counts_the_rest(alice):
    for name in "ABC":
        due(alice, name)
        followup(alice, contact(alice, f"F{name}", circle="acquaintance"), about=name)
    agenda = agenda_for(alice, today=TODAY, limit=2)
    assert (len(agenda.checkins), agenda.more_checkins) == (2, 1)
    assert (len(agenda.followups), agenda.more_followups) == (2, 1)
    assert agenda.count == 4


def test_it_counts_checkins_due_this_week_without_listing_them(alice):
    due(alice, "Soon", days_overdue=-7)
    due(alice, "Next week", days_overdue=-8)
    agenda = agenda_for(alice, today=TODAY)
    assert (agenda.checkins, agenda.due_soon) == ([], 1)


def test_it_is_empty_with_nothing_due_and_no_birthday(alice):
    due(alice, "Soon", days_overdue=-3)
    agenda = agenda_for(alice, today=TODAY)
    assert agenda.is_empty
    assert agenda.count == 0


def test_a_birthday_alone_is_something_to_say(alice):
    contact(alice, "Bea", birthday_month=TODAY.month, birthday_day=TODAY.day)
    agenda = agenda_for(alice, today=TODAY)
    assert not agenda.is_empty
    assert agenda.count == 0


def test_it_lists_birthdays_in_the_next_seven_days_with_their_date(alice):
    contact(alice, "Today", birthday_month=6, birthday_day=15)
    contact(alice, "Sunday", birthday_month=6, birthday_day=21)
    contact(alice, "Too late", birthday_month=6, birthday_day=22)
    contact(alice, "Gone", birthday_month=6, birthday_day=14)
    contact(alice, "Archived", birthday_month=6, birthday_day=16, archived=True)
    birthdays = agenda_for(alice, today=TODAY).birthdays
    assert [(c.first_name, day) for c, day in birthdays] == [
        ("Today", dt.date(2026, 6, 15)),
        ("Sunday", dt.date(2026, 6, 21)),
    ]


def test_birthdays_run_across_the_end_of_the_year(alice):
    contact(alice, "New year", birthday_month=1, birthday_day=2)
    contact(alice, "Eve", birthday_month=12, birthday_day=31)
    birthdays = agenda_for(alice, today=dt.date(2026, 12, 28)).birthdays
    assert [(c.first_name, day) for c, day in birthdays] == [
        ("Eve", dt.date(2026, 12, 31)),
        ("New year", dt.date(2027, 1, 2)),
    ]


def test_a_29_february_birthday_is_celebrated_on_the_28th_in_other_years(alice):
    contact(alice, "Leap", birthday_month=2, birthday_day=29)
    birthdays = agenda_for(alice, today=dt.date(2027, 2, 25)).birthdays
    assert [(c.first_name, day) for c, day in birthdays] == [("Leap", dt.date(2027, 2, 28))]


def test_a_29_february_birthday_stays_on_the_29th_in_a_leap_year():
    assert birthday_dates(dt.date(2028, 2, 25))[(2, 29)] == dt.date(2028, 2, 29)
    assert (2, 29) not in birthday_dates(dt.date(2028, 2, 22))


def count_queries(user) -> int:
    with CaptureQueriesContext(connection) as queries:
        agenda = agenda_for(user, today=TODAY)
    assert agenda.checkins
    assert agenda.followups
    assert agenda.birthdays
    assert all(item.last_interaction for item in agenda.checkins)
    return len(queries)


def network(owner, size: int) -> None:
    goals = plan(owner)
    job = objective(goals)
    people = many_due(owner, size, objective=job)
    job.targets.add(*people[::2])
    priority(goals, 0, objective=job)
    priority(goals, 1, contact=people[-1])
    for person in people[:size]:
        followup(owner, person)
    contact(owner, "Bea", birthday_month=TODAY.month, birthday_day=TODAY.day)


def test_it_takes_as_many_queries_for_300_due_contacts_as_for_5(alice, bob):
    network(alice, 5)
    network(bob, 300)
    few, many = count_queries(alice), count_queries(bob)
    assert few == many
    # the counts, follow-ups and their contacts, priorities, target links with the contacts an
    # interaction served a ranked objective for, the check-ins with the birthdays, their last
    # interactions, objectives
    assert many <= 8


def test_a_busy_agenda_lists_the_birthdays_too_and_a_due_birthday_in_both_lists(alice):
    many_due(alice, 30)
    due(alice, "Dana", days_overdue=40, circle="inner", birthday_month=6, birthday_day=17)
    contact(alice, "Bea", birthday_month=6, birthday_day=15)
    # Due, but left out by the limit; their birthday is still this week.
    late = due(alice, "Late", days_overdue=0, circle="extended", birthday_month=6, birthday_day=16)
    agenda = agenda_for(alice, today=TODAY, limit=10)
    assert [(c.first_name, day) for c, day in agenda.birthdays] == [
        ("Bea", dt.date(2026, 6, 15)),
        ("Late", dt.date(2026, 6, 16)),
        ("Dana", dt.date(2026, 6, 17)),
    ]
    assert names(agenda)[0] == "Dana"
    assert late.first_name not in names(agenda)
    assert (len(agenda.checkins), agenda.more_checkins) == (10, 22)


# --- Several users at once (the digest's batches) ---------------------------------------------


def summary(agenda) -> tuple:
    return (
        [(i.contact.pk, i.days_overdue, i.priority, i.objective) for i in agenda.checkins],
        [(i.followup.pk, i.days_overdue) for i in agenda.followups],
        [(c.pk, on) for c, on in agenda.birthdays],
        (agenda.due_soon, agenda.more_checkins, agenda.more_followups),
    )


def test_agendas_for_gives_each_user_their_own_agenda(alice, bob, carol):
    network(alice, 5)
    network(bob, 30)
    due(carol, "Theirs", days_overdue=2)
    alone = {user.pk: summary(agenda_for(user, today=TODAY, limit=10)) for user in (alice, bob)}
    alone[carol.pk] = summary(agenda_for(carol, today=TODAY, limit=10))
    together = agendas_for([alice.pk, bob.pk, carol.pk], today=TODAY, limit=10)
    assert {pk: summary(agenda) for pk, agenda in together.items()} == alone
    assert len(together[bob.pk].checkins) == 10
    assert together[bob.pk].more_checkins == 20


def test_agendas_for_a_user_with_nothing_due_is_empty(alice, bob):
    network(bob, 5)
    agendas = agendas_for([alice.pk, bob.pk], today=TODAY, limit=10)
    assert agendas[alice.pk].is_empty
    assert not agendas[bob.pk].is_empty


def test_agendas_for_20_users_take_as_many_queries_as_for_one(alice, django_user_model):
    network(alice, 5)
    others = [django_user_model.objects.create(email=f"u{n}@example.com") for n in range(19)]
    for user in others:
        network(user, 3)
    with CaptureQueriesContext(connection) as one:
        agendas_for([alice.pk], today=TODAY, limit=10)
    with CaptureQueriesContext(connection) as twenty:
        agendas = agendas_for([alice.pk, *(u.pk for u in others)], today=TODAY, limit=10)
    assert len(twenty) == len(one)
    assert all(agenda.checkins for agenda in agendas.values())
