import datetime as dt

import pytest
from django.urls import reverse

from contacts.models import Interaction
from tests.contacts.factories import contact, fresh

pytestmark = pytest.mark.django_db
URL = reverse("contacts:log")


def form(*contacts, **fields):
    return {
        "contacts": [c.pk for c in contacts],
        "occurred_on": dt.date.today().isoformat(),
        "kind": "meeting",
        "channel": "in_person",
        "initiated_by": "me",
        "quality": "4",
        **fields,
    }


def test_it_logs_a_coffee_and_moves_the_next_checkin(alice_client, alice):
    dana = contact(alice, "Dana", circle="inner")
    response = alice_client.post(URL, form(dana, notes="Coffee"))
    assert response.url == reverse("contacts:detail", args=[dana.pk])
    assert Interaction.objects.get().notes == "Coffee"
    assert fresh(dana).next_checkin_on == dt.date.today() + dt.timedelta(days=14)


def test_it_logs_a_group_coffee_for_each_contact(alice_client, alice):
    dana, erin = contact(alice, "Dana"), contact(alice, "Erin")
    alice_client.post(URL, form(dana, erin))
    assert fresh(dana).last_interaction_on == fresh(erin).last_interaction_on == dt.date.today()


def test_htmx_gets_a_redirect_header(alice_client, alice):
    dana = contact(alice, "Dana")
    response = alice_client.post(URL, form(dana, next="/contacts/"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/contacts/"


def test_it_never_redirects_off_site(alice_client, alice):
    dana = contact(alice, "Dana")
    response = alice_client.post(URL, form(dana, next="//evil.example/"))
    assert response.url == reverse("contacts:detail", args=[dana.pk])


def test_the_form_preselects_the_contact_and_renders_only_chosen_contacts(alice_client, alice):
    dana = contact(alice, "Dana")
    contact(alice, "Someone Else")
    body = alice_client.get(
        URL, {"contact": dana.pk}, headers={"HX-Request": "true"}
    ).content.decode()
    assert f'value="{dana.pk}"' in body
    assert "checked" in body
    assert "Someone Else" not in body


def test_the_picker_finds_contacts_by_name(alice_client, alice, bob):
    contact(alice, "Dana")
    contact(bob, "Danaé")
    body = alice_client.get(reverse("contacts:picker"), {"q": "dan"}).content.decode()
    assert "Dana" in body
    assert "Danaé" not in body


def test_the_pickers_results_are_options_not_inputs(alice_client, alice):
    # A result is not sent with the form, so a new search cannot drop someone chosen.
    dana = contact(alice, "Dana")
    body = alice_client.get(reverse("contacts:picker"), {"q": "dan"}).content.decode()
    assert f'data-value="{dana.pk}"' in body
    assert 'role="option"' in body
    assert "<input" not in body


def test_the_picker_offers_nothing_for_an_empty_search(alice_client, alice):
    contact(alice, "Dana")
    body = alice_client.get(reverse("contacts:picker"), {"q": " "}).content.decode()
    assert "Dana" not in body


def test_the_form_draws_the_chosen_contacts_as_chips(alice_client, alice):
    dana = contact(alice, "Dana")
    body = alice_client.get(URL, {"contact": dana.pk}, headers={"HX-Request": "true"})
    body = body.content.decode()
    assert f'name="contacts" value="{dana.pk}"' in body
    assert 'aria-label="Remove Dana"' in body
    assert 'role="combobox"' in body


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"contacts": []}, "Pick at least one contact"),
        ({"quality": "6"}, "Quality is from 1 to 5."),
        ({"quality": "0"}, "Quality is from 1 to 5."),
        ({"duration_minutes": "-5"}, "The duration cannot be negative."),
        ({"occurred_on": "2999-01-01"}, "An interaction cannot be in the future."),
        ({"occurred_on": "31/31/2020"}, "Enter the date as YYYY-MM-DD."),
        ({"occurred_on": "2026-02-30"}, "February 2026 has no day 30: it has 28 days."),
        ({"quality": ""}, "Rate the interaction from 1 to 5."),
        ({"outcome_value": "100"}, "Pick the outcome this value belongs to."),
    ],
)
def test_it_explains_bad_input_and_saves_nothing(alice_client, alice, change, message):
    dana = contact(alice, "Dana")
    response = alice_client.post(URL, {**form(dana), **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Interaction.objects.exists()


def test_a_form_sent_back_with_errors_still_shows_the_chosen_contacts(alice_client, alice):
    dana, erin = contact(alice, "Dana"), contact(alice, "<b>Erin</b>")
    contact(alice, "Someone Else")
    body = alice_client.post(URL, form(dana, erin, quality="9")).content.decode()
    assert "Quality is from 1 to 5." in body
    assert f'value="{dana.pk}"' in body
    assert "&lt;b&gt;Erin&lt;/b&gt;" in body
    assert "Someone Else" not in body


def test_it_logs_one_interaction_with_three_contacts(alice_client, alice):
    people = [contact(alice, name) for name in ("Feno", "Rosyn", "Tamsin")]
    alice_client.post(URL, form(*people, notes="Group coffee"))
    interaction = Interaction.objects.get()
    assert set(interaction.contacts.all()) == set(people)


def test_it_refuses_another_users_contact_among_its_own(alice_client, alice, bob):
    dana, theirs = contact(alice, "Dana"), contact(bob, "Theirs")
    body = alice_client.post(URL, form(dana, theirs)).content.decode()
    assert "One of the chosen contacts is not in your network." in body
    assert "Theirs" not in body
    assert 'aria-label="Remove Dana"' in body
    assert not Interaction.objects.exists()


def test_it_refuses_another_users_contact(alice_client, alice, bob):
    theirs = contact(bob, "Theirs")
    response = alice_client.post(URL, form(theirs))
    assert "not in your network" in response.content.decode()
    assert not Interaction.objects.exists()


def test_editing_and_deleting_an_interaction_updates_the_checkin(alice_client, alice):
    dana = contact(alice, "Dana", circle="inner")
    alice_client.post(URL, form(dana, occurred_on="2026-01-01"))
    first = Interaction.objects.get()
    alice_client.post(URL, form(dana))
    second = Interaction.objects.exclude(pk=first.pk).get()
    alice_client.post(
        reverse("contacts:interaction_edit", args=[second.pk]), form(dana, occurred_on="2025-12-01")
    )
    assert fresh(dana).last_interaction_on == dt.date(2026, 1, 1)
    alice_client.post(reverse("contacts:interaction_delete", args=[first.pk]))
    assert fresh(dana).last_interaction_on == dt.date(2025, 12, 1)


def test_the_interaction_list_filters_by_kind(alice_client, alice):
    dana = contact(alice, "Dana")
    alice_client.post(URL, form(dana, kind="call", notes="A call"))
    alice_client.post(URL, form(dana, kind="email", notes="An e-mail"))
    body = alice_client.get(reverse("contacts:interactions"), {"kind": "call"}).content.decode()
    assert "A call" in body
    assert "An e-mail" not in body


def test_the_edit_page_draws_the_interactions_contacts_and_saves(alice_client, alice):
    dana, erin = contact(alice, "Dana"), contact(alice, "Erin")
    alice_client.post(URL, form(dana, erin, notes="Coffee"))
    interaction = Interaction.objects.get()
    url = reverse("contacts:interaction_edit", args=[interaction.pk])
    body = alice_client.get(url).content.decode()
    assert f'value="{dana.pk}"' in body
    assert f'value="{erin.pk}"' in body
    assert '<details class="mb-3" open>' in body
    assert 'name="follow_up_in"' not in body  # the quick log plans a follow-up; an edit cannot
    response = alice_client.post(url, form(dana, notes="Coffee, and a walk"))
    assert response.status_code == 302
    assert Interaction.objects.get().notes == "Coffee, and a walk"
    assert list(Interaction.objects.get().contacts.all()) == [dana]


def test_the_quality_field_draws_1_to_5(alice_client):
    body = alice_client.get(URL).content.decode()
    assert 'name="quality" value="3" min="1" max="5"' in body
