"""The coach's admin, attacked from every URL the admin itself declares.

The matrix is built from `admin.site`: every registered model's own URL patterns (changelist,
add, change, delete, history, extra views), the site's autocomplete for every relation of
every registered model, and "view on site". A coach gets 403 or 404 for everything about
people who are not their clients, about clients outside the scope, and after revocation; a
client never gets into the admin. Then every page a coach can reach for a client is rendered
and searched for the marker hidden in private notes and private interactions.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldError
from django.db import models
from django.urls import URLPattern, reverse

from accounts.models import CoachScope
from coaching.models import AccessLog, ClientContact, ClientInteraction, CoachNote, Suggestion
from coaching.services import assignment_end
from contacts.models import Contact, Interaction
from followups.models import FollowUp
from tests.coaching.conftest import MARKER, assign, network

pytestmark = pytest.mark.django_db

# What a coach may open for their own work: lists (scoped), their notes and suggestions.
COACH_PAGES = {
    "coaching_client_changelist",
    "coaching_client_request_access",
    "coaching_clientcontact_changelist",
    "coaching_clientinteraction_changelist",
    "coaching_coachnote_changelist",
    "coaching_coachnote_add",
    "coaching_suggestion_changelist",
    "coaching_suggestion_add",
}
OWNER_FIELDS = ("owner", "user", "client", "plan__owner", "job__owner", "contacts__owner")


def object_of(model: type[models.Model], person: Any) -> models.Model | None:
    """An object of `model` that belongs to `person`, if the model says whose it is."""
    for field in OWNER_FIELDS:
        try:
            found = model._base_manager.filter(**{field: person}).first()
        except FieldError:  # the model has no such path to a person
            continue
        if found is not None:
            return found
    if model._meta.model_name == "user":
        return person
    return model._base_manager.first()


def admin_urls(person: Any) -> list[tuple[str, str]]:
    """(name, url) of every model URL the admin declares, aimed at `person`'s objects."""
    urls = []
    for model, model_admin in admin.site._registry.items():
        target = object_of(model, person)
        for pattern in model_admin.get_urls():
            if not isinstance(pattern, URLPattern) or not pattern.name:
                continue
            keys = pattern.pattern.converters.keys()
            if "object_id" in keys:
                if target is None:
                    continue
                url = reverse(f"admin:{pattern.name}", kwargs={"object_id": target.pk})
            elif keys:
                continue
            else:
                url = reverse(f"admin:{pattern.name}")
            urls.append((pattern.name, url))
    return urls


def autocomplete_urls() -> list[str]:
    found = []
    for model in admin.site._registry:
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model is not None:
                found.append(
                    reverse("admin:autocomplete")
                    + f"?app_label={model._meta.app_label}&model_name={model._meta.model_name}"
                    f"&field_name={field.name}&term="
                )
    return found


@pytest.fixture
def world(coach, alice, bob):
    """alice: carol's client (scope given per test); bob: nobody's; both with full networks,
    follow-ups, notes and suggestions from another coach."""
    data = {"alice": network(alice), "bob": network(bob)}
    for person in (alice, bob):
        followup = FollowUp.objects.create(
            owner=person, about=f"{MARKER} follow-up", due_on=data["alice"]["plan"].started_on
        )
        followup.contacts.add(data["alice" if person == alice else "bob"]["secret"])
    return data


def assert_refused(browser: Any, url: str, method: str = "get") -> None:
    response = getattr(browser, method)(url)
    assert response.status_code in (403, 404), f"{method.upper()} {url}: {response.status_code}"


def assert_nothing_of(browser: Any, person: Any, names: set[str]) -> None:
    """Every admin URL about `person` is refused, except the coach's own pages, which must
    not mention them."""
    for name, url in admin_urls(person):
        if name in names:
            response = browser.get(url)
            assert response.status_code == 200, url
            assert person.email.encode() not in response.content, url
            assert MARKER.encode() not in response.content, url
            continue
        assert_refused(browser, url)
        if name.endswith(("_add", "_change", "_delete", "_changelist")):
            assert_refused(browser, url, "post")


def test_a_coach_reaches_nothing_of_a_non_client(world, coach_client, bob):
    assert_nothing_of(coach_client, bob, COACH_PAGES)


def test_a_coach_reaches_no_client_data_outside_the_scope(world, coach, coach_client, alice):
    assign(alice, coach, CoachScope.PLAN)
    for contact in Contact.objects.filter(owner=alice):
        assert_refused(
            coach_client, reverse("admin:coaching_clientcontact_change", args=[contact.pk])
        )
    for interaction in Interaction.objects.filter(owner=alice):
        url = reverse("admin:coaching_clientinteraction_change", args=[interaction.pk])
        assert_refused(coach_client, url)
    listing = coach_client.get(reverse("admin:coaching_clientcontact_changelist"))
    assert b"Nadia" not in listing.content
    listing = coach_client.get(
        reverse("admin:coaching_clientcontact_changelist") + f"?client={alice.pk}"
    )
    assert b"Nadia" not in listing.content


def test_after_revocation_a_coach_reaches_nothing_of_the_former_client(
    world, coach, coach_client, alice
):
    assignment = assign(alice, coach, CoachScope.INTERACTIONS)
    contact_url = reverse("admin:coaching_clientcontact_change", args=[world["alice"]["open"].pk])
    assert coach_client.get(contact_url).status_code == 200
    assignment_end(assignment=assignment)
    assert_refused(coach_client, contact_url)
    assert_refused(coach_client, reverse("admin:coaching_client_change", args=[assignment.pk]))
    assert_nothing_of(coach_client, alice, COACH_PAGES)


def test_a_coach_cannot_edit_client_data_or_reach_other_models(world, coach, coach_client, alice):
    assign(alice, coach, CoachScope.INTERACTIONS)
    contact = world["alice"]["open"]
    for name in ("coaching_clientcontact_change", "coaching_clientcontact_delete"):
        url = reverse(f"admin:{name}", args=[contact.pk])
        response = coach_client.post(url, {"first_name": "Changed"})
        assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.first_name == "Nadia"
    assert_refused(coach_client, reverse("admin:coaching_clientcontact_add"))
    assert_refused(coach_client, reverse("admin:coaching_clientcontact_history", args=[contact.pk]))
    # Standard admins: the Coaches group holds no model permission.
    for name in ("contacts_contact", "accounts_user", "auth_group", "goals_goalplan"):
        assert_refused(coach_client, reverse(f"admin:{name}_changelist"))
    # Bulk actions: none on client data.
    response = coach_client.post(
        reverse("admin:coaching_clientcontact_changelist"),
        {"action": "delete_selected", "_selected_action": [contact.pk]},
    )
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert response.status_code in (200, 302, 403)


def test_autocomplete_and_view_on_site_give_a_coach_nothing(world, coach, coach_client, alice):
    assign(alice, coach, CoachScope.INTERACTIONS)
    for url in autocomplete_urls():
        assert_refused(coach_client, url + "Nadia")
    contact = world["alice"]["open"]
    content_type = ContentType.objects.get_for_model(Contact)
    assert_refused(coach_client, reverse("admin:view_on_site", args=[content_type.pk, contact.pk]))


def test_a_client_never_reaches_the_admin(world, alice_client, bob):
    for _name, url in admin_urls(bob) + [("autocomplete", u) for u in autocomplete_urls()]:
        response = alice_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
    assert alice_client.get(reverse("admin:login")).status_code == 403
    assert alice_client.get(reverse("admin:index")).status_code == 302


def test_an_operator_sees_everything(world, client, alice, bob, django_user_model):
    operator = django_user_model.objects.create_superuser(email="op@example.com", password="x")
    client.force_login(operator)
    for name, url in admin_urls(bob):
        # The coach's view of interactions leaves private ones out, for operators too.
        if name.endswith(("_changelist", "_change")) and "clientinteraction_change" not in name:
            assert client.get(url).status_code == 200, url
    assert (
        client.get(
            reverse("admin:contacts_contact_change", args=[world["bob"]["secret"].pk])
        ).status_code
        == 200
    )


# --- Private notes never shown -----------------------------------------------------------


def test_no_page_a_coach_can_reach_shows_private_notes(world, coach, coach_client, alice):
    assignment = assign(alice, coach, CoachScope.INTERACTIONS)
    CoachNote.objects.create(coach=coach, client=alice, text="keep going")
    Suggestion.objects.create(
        coach=coach,
        client=alice,
        kind="tactic",
        title="One coffee",
        platform="in_person",
        minutes_per_week=60,
    )
    mine = world["alice"]
    pages = [
        reverse("admin:index"),
        reverse("admin:coaching_client_changelist"),
        reverse("admin:coaching_client_change", args=[assignment.pk]),
        reverse("admin:coaching_clientcontact_changelist"),
        reverse("admin:coaching_clientcontact_changelist") + f"?client={alice.pk}",
        reverse("admin:coaching_clientcontact_changelist") + "?q=Omar",
        reverse("admin:coaching_clientinteraction_changelist"),
        reverse("admin:coaching_clientinteraction_changelist") + "?q=health",
        reverse("admin:coaching_coachnote_changelist"),
        reverse("admin:coaching_coachnote_add") + f"?client={alice.pk}",
        reverse("admin:coaching_suggestion_changelist"),
        reverse("admin:coaching_suggestion_add"),
    ]
    pages += [
        reverse("admin:coaching_clientcontact_change", args=[c.pk])
        for c in ClientContact.objects.filter(owner=alice)
    ]
    pages += [
        reverse("admin:coaching_clientinteraction_change", args=[i.pk])
        for i in ClientInteraction.objects.filter(owner=alice, private=False)
    ]
    pages += [
        reverse("admin:coaching_coachnote_change", args=[n.pk])
        for n in CoachNote.objects.filter(coach=coach)
    ]
    pages += [
        reverse("admin:coaching_suggestion_change", args=[s.pk])
        for s in Suggestion.objects.filter(coach=coach)
    ]
    for url in pages:
        response = coach_client.get(url, follow=True)
        assert response.status_code == 200, url
        assert MARKER.encode() not in response.content, url
    # The secret contact is visible (a contact in scope), its private notes are not; the
    # private interaction is nowhere, not even as a row.
    detail = coach_client.get(
        reverse("admin:coaching_clientcontact_change", args=[mine["secret"].pk])
    )
    assert b"Omar" in detail.content
    private = reverse("admin:coaching_clientinteraction_change", args=[mine["private"].pk])
    assert coach_client.get(private).status_code == 404
    listing = coach_client.get(reverse("admin:coaching_clientinteraction_changelist"))
    assert listing.context["cl"].result_count == 1
    # Searching for the marker finds nothing: no search reads private fields. (The search
    # box repeats the term, so these pages are counted, not read.)
    for name in ("clientcontact", "clientinteraction"):
        found = coach_client.get(reverse(f"admin:coaching_{name}_changelist") + f"?q={MARKER}")
        assert found.context["cl"].result_count == 0
    # And every page of client data was logged for alice.
    assert AccessLog.objects.filter(client=alice, coach=coach).count() >= len(pages) - 6
