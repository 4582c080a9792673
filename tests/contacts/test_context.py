"""A contact's context (professional, personal or both) and a user's focus: a person who keeps
family out of their networking keeps it out of Today, the digest, the calendar feed, the KPIs
and the plan's numbers, and still finds everyone in the contact list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Profile
from contacts.models import Contact, Context
from content.models import Piece
from followups.agenda import agenda_for, agendas_for
from followups.calendar import calendar_for
from followups.digest import digest_message
from followups.models import DigestDelivery
from goals.metrics import Spec, for_all_users, for_user
from goals.models import GoalPlan, Objective
from goals.progress import plan_numbers
from tests.contacts.factories import TODAY, contact, log, queries_of
from tests.followups.test_agenda import due, followup
from tests.imports.conftest import run_import

pytestmark = pytest.mark.django_db

JUNE = (dt.date(2026, 6, 1), dt.date(2026, 7, 1))


def focus(user, context: str) -> None:
    Profile.objects.filter(user=user).update(focus=context)
    user.refresh_from_db()
    user.profile.refresh_from_db()


# --- Saying it ---------------------------------------------------------------------------


def test_a_new_contact_is_professional_unless_said_otherwise(alice_client, alice):
    url = reverse("contacts:create")
    alice_client.post(url, {"first_name": "Pat", "circle": "active"})
    alice_client.post(url, {"first_name": "Mum", "circle": "inner", "context": "personal"})
    contexts = dict(Contact.objects.filter(owner=alice).values_list("first_name", "context"))
    assert contexts == {"Pat": Context.PROFESSIONAL, "Mum": Context.PERSONAL}
    page = alice_client.get(
        reverse("contacts:detail", args=[Contact.objects.get(first_name="Mum").pk])
    )
    assert '<span class="badge text-bg-light border" data-testid="context"' in page.content.decode()
    assert ">Personal</span>" in page.content.decode()


def test_an_edit_that_leaves_the_context_out_keeps_it(alice_client, alice):
    mum = contact(alice, "Mum", context=Context.PERSONAL)
    alice_client.post(
        reverse("contacts:edit", args=[mum.pk]), {"first_name": "Mum", "circle": "inner"}
    )
    mum.refresh_from_db()
    assert mum.context == Context.PERSONAL


def test_the_list_narrows_to_a_context_in_the_same_queries(alice_client, alice):
    contact(alice, "Pat")
    contact(alice, "Mum", context=Context.PERSONAL)
    contact(alice, "Sam", context=Context.BOTH)
    url = reverse("contacts:list")
    body = alice_client.get(url, {"context": "personal"}).content.decode()
    assert "Mum" in body
    assert "Pat" not in body
    assert "Sam" not in body
    few = queries_of(lambda: alice_client.get(url, {"context": "professional"}))
    Contact.objects.bulk_create(Contact(owner=alice, first_name=f"P{i}") for i in range(300))
    assert queries_of(lambda: alice_client.get(url, {"context": "professional"})) == few


def test_the_list_refuses_a_context_that_does_not_exist(alice_client, alice):
    contact(alice, "Pat")
    body = alice_client.get(reverse("contacts:list"), {"context": "family"}).content.decode()
    assert "Pat" in body  # an unknown filter shows everyone rather than an error page


def test_a_bulk_action_sets_the_context_of_the_ticked_only(alice_client, alice, bob):
    mum, dad, pat = (contact(alice, n) for n in ("Mum", "Dad", "Pat"))
    theirs = contact(bob, "Theirs")
    response = alice_client.post(
        reverse("contacts:bulk"),
        {"action": "context", "context": "personal", "ids": [mum.pk, dad.pk]},
    )
    assert response.status_code == 302
    contexts = dict(Contact.objects.values_list("first_name", "context"))
    assert contexts == {
        "Mum": "personal",
        "Dad": "personal",
        "Pat": "professional",
        "Theirs": "professional",
    }
    # Another user's id is refused whole: nothing changes.
    alice_client.post(
        reverse("contacts:bulk"),
        {"action": "context", "context": "both", "ids": [pat.pk, theirs.pk]},
    )
    assert set(Contact.objects.filter(context="both")) == set()


def test_a_bulk_context_without_a_context_says_so(alice_client, alice):
    mum = contact(alice, "Mum")
    response = alice_client.post(
        reverse("contacts:bulk"), {"action": "context", "ids": [mum.pk]}, follow=True
    )
    assert "Pick the context to give them" in response.content.decode()
    mum.refresh_from_db()
    assert mum.context == Context.PROFESSIONAL


CSV = (
    b"Name,Email,Context\n"
    b"Mum Smith,mum@example.com,Personal\n"
    b"Pat Lee,pat@example.com,\n"
    b"Sam Roe,sam@example.com,both\n"
    b"Kim Poe,kim@example.com,family\n"
)
MAPPING = {"0": "full_name", "1": "email", "2": "context"}


def test_an_import_gives_new_people_the_chosen_context_unless_a_column_says(alice):
    job = run_import(alice, "people.csv", CSV, mapping=MAPPING, context=Context.PERSONAL)
    assert job.created == 4
    contexts = dict(Contact.objects.filter(owner=alice).values_list("first_name", "context"))
    assert contexts == {
        "Mum": "personal",
        "Pat": "personal",  # the job's choice
        "Sam": "both",
        "Kim": "personal",  # a word it does not know: the job's choice, and kept in the notes
    }
    assert "Context: family" in Contact.objects.get(first_name="Kim").notes


def test_the_upload_form_asks_for_the_context(alice_client):
    body = alice_client.get(reverse("imports:home")).content.decode()
    assert "These people are" in body
    assert '<option value="professional" selected>' in body


# --- The focus ---------------------------------------------------------------------------


def test_settings_keep_the_focus(alice_client, alice):
    response = alice_client.post(
        reverse("accounts:settings"),
        {"name": "Alice", "timezone": "UTC", "digest_hour": "7", "focus": "professional"},
    )
    assert response.status_code == 302
    alice.profile.refresh_from_db()
    assert alice.profile.focus == "professional"
    body = alice_client.get(reverse("accounts:settings")).content.decode()
    assert '<option value="professional" selected>' in body


def test_a_focused_agenda_leaves_the_other_context_out(alice):
    due(alice, "Pat", days_overdue=2)
    due(alice, "Mum", days_overdue=5, context=Context.PERSONAL)
    due(alice, "Sam", days_overdue=1, context=Context.BOTH)
    mum = Contact.objects.get(first_name="Mum")
    followup(alice, mum, about="Birthday present")
    followup(alice, about="Renew the domain")  # names nobody: stays
    everyone = agenda_for(alice, today=TODAY)
    assert {i.contact.first_name for i in everyone.checkins} == {"Pat", "Mum", "Sam"}
    focus(alice, Context.PROFESSIONAL)
    work = agenda_for(alice, today=TODAY)
    assert [i.contact.first_name for i in work.checkins] == ["Pat", "Sam"]
    assert [f.followup.about for f in work.followups] == ["Renew the domain"]
    assert sum(work.circles.values()) == 2
    focus(alice, Context.PERSONAL)
    home = agenda_for(alice, today=TODAY)
    assert sorted(i.contact.first_name for i in home.checkins) == ["Mum", "Sam"]
    assert sorted(f.followup.about for f in home.followups) == [
        "Birthday present",
        "Renew the domain",
    ]


def test_a_batch_of_agendas_keeps_each_users_focus(alice, bob):
    due(alice, "Mum", context=Context.PERSONAL)
    due(bob, "Dad", context=Context.PERSONAL)
    found = agendas_for(
        [alice.pk, bob.pk], today=TODAY, focus={alice.pk: "professional", bob.pk: ""}
    )
    assert found[alice.pk].checkins == []
    assert [i.contact.first_name for i in found[bob.pk].checkins] == ["Dad"]


def test_the_today_page_says_what_it_counts(alice_client, alice):
    due(alice, "Mum", context=Context.PERSONAL)
    assert 'data-testid="focus"' not in alice_client.get(reverse("today")).content.decode()
    focus(alice, Context.PROFESSIONAL)
    body = alice_client.get(reverse("today")).content.decode()
    assert "Counting your professional contacts and those in both." in body
    assert "Mum" not in body
    assert (
        "Counting your professional contacts"
        in alice_client.get(reverse("kpis:page")).content.decode()
    )


def test_the_digest_and_the_calendar_feed_keep_to_the_focus(alice):
    due(alice, "Pat", days_overdue=1)
    due(alice, "Mum", days_overdue=1, context=Context.PERSONAL)
    focus(alice, Context.PROFESSIONAL)
    delivery = DigestDelivery.objects.create(user=alice, local_date=TODAY)
    delivery = DigestDelivery.objects.select_related("user__profile").get(pk=delivery.pk)
    message, items = digest_message(delivery)
    assert items == 1
    assert "Pat" in message.body
    assert "Mum" not in message.body
    feed = calendar_for(
        alice, today=TODAY, absolute=lambda path: "https://crm.example" + path
    ).decode()
    assert "Check in with Pat" in feed
    assert "Mum" not in feed


def test_focused_numbers_count_only_the_focus_for_one_user_and_for_all(alice, bob):
    pat, mum = contact(alice, "Pat"), contact(alice, "Mum", context=Context.PERSONAL)
    sam = contact(alice, "Sam", context=Context.BOTH)
    on = dt.date(2026, 6, 10)
    for person in (pat, mum, mum, sam):
        log(alice, person, on=on, today=on, kind="call")
    log(bob, contact(bob, "Dad", context=Context.PERSONAL), on=on, today=on, kind="call")
    Piece.objects.create(owner=alice, title="Post", published_on=on)
    specs = {"talks": Spec("interactions_by_kind"), "shared": Spec("content_shared")}
    assert for_user(alice, *JUNE, specs)["talks"] == 4
    assert for_user(alice, *JUNE, specs, focus="professional") == {"talks": 2, "shared": 1}
    assert for_user(alice, *JUNE, specs, focus="personal")["talks"] == 3
    focus(alice, Context.PROFESSIONAL)
    for users in (None, [alice, bob]):
        found = for_all_users(*JUNE, specs, users)
        assert found[alice.pk] == {"talks": 2, "shared": 1}
        assert found[bob.pk] == {"talks": 1, "shared": 0}  # no focus: everyone


def test_the_plans_progress_keeps_to_the_owners_focus(alice):
    pat, mum = contact(alice, "Pat"), contact(alice, "Mum", context=Context.PERSONAL)
    log(alice, pat, kind="call")
    log(alice, mum, kind="call")
    plan = GoalPlan.objects.create(owner=alice, started_on=TODAY - dt.timedelta(days=3))
    Objective.objects.create(plan=plan, title="Talk", metric="interactions_by_kind", target=4)
    assert plan_numbers(plan, today=TODAY).objectives[0].value == 2
    progress = plan_numbers(plan, today=TODAY, focus="professional").objectives[0]
    assert progress.value == 1
