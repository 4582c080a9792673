"""The contact list's search, folded the same way on SQLite and PostgreSQL (contacts.search),
and every place that writes a contact's names keeping its search text true."""

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from contacts.models import Contact, ContactEmail, Tag
from contacts.search import normalise, search_text
from contacts.services import contacts_merge
from tests.contacts.factories import TODAY, contact
from tests.imports.conftest import media_root, run_import  # noqa: F401 (uploads to a tmp dir)

pytestmark = pytest.mark.django_db
URL = reverse("contacts:list")


def found(client, query: str) -> list[str]:
    response = client.get(URL, {"q": query})
    return sorted(c.first_name for c in response.context["page"].object_list)


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("Jörg", "Jorg"),
        ("Jorg", "Jörg"),
        ("JÖRG", "jörg"),
        ("Müller", "muller"),
        ("Müller", "MÜLLER"),
        ("Zoë", "zoe"),
        ("François", "FRANCOIS"),
        ("Ångström", "angstrom"),
        ("Straße", "strasse"),
        ("Søren", "soren"),
        ("Łukasz", "lukasz"),
        ("İlker", "ilker"),
        ("Ελένη", "ελένη"),
        ("Ελένη", "ΕΛΕΝΗ"),
        ("Οδυσσέας", "ΟΔΥΣΣΕΑΣ"),  # a final sigma
        ("Дмитрий", "дмитрий"),
        ("ДМИТРИЙ", "Дмитрий"),
        ("Ёлкин", "елкин"),
        ("陳大文", "大文"),
    ],
)
def test_it_finds_a_name_with_or_without_accents_in_either_case(alice_client, alice, name, query):
    contact(alice, name)
    contact(alice, "Other")
    assert found(alice_client, query) == [name]


@pytest.mark.parametrize("query", ["Dmitri", "Elena", "Jo rg"])
def test_it_does_not_match_across_scripts_or_words(alice_client, alice, query):
    contact(alice, "Дмитрий")
    contact(alice, "Ελένη")
    contact(alice, "Jörg")
    assert found(alice_client, query) == []


def test_it_finds_companies_titles_and_notes_folded(alice_client, alice):
    contact(alice, "Ana", company="Société Générale")
    contact(alice, "Bea", title="Directrice Générale")
    contact(alice, "Cleo", notes="Met at the CAFÉ in Zürich")
    assert found(alice_client, "societe") == ["Ana"]
    assert found(alice_client, "generale") == ["Ana", "Bea"]
    assert found(alice_client, "café in zurich") == ["Cleo"]


def test_it_finds_tags_and_emails_folded(alice_client, alice):
    dana = contact(alice, "Dana")
    dana.tags.add(Tag.objects.create(owner=alice, name="Café owners"))
    erin = contact(alice, "Erin")
    ContactEmail.objects.create(contact=erin, address="Erin.Muller@Example.com")
    finn = contact(alice, "Finn")
    ContactEmail.objects.create(contact=finn, address="finn@bücher.example")
    assert found(alice_client, "CAFE") == ["Dana"]
    assert found(alice_client, "müller@example") == ["Erin"]
    assert found(alice_client, "bücher") == ["Finn"]


def test_it_ignores_another_users_tags(alice_client, alice, bob):
    contact(alice, "Dana")
    theirs = contact(bob, "Theirs")
    theirs.tags.add(Tag.objects.create(owner=bob, name="Dana's friends"))
    assert found(alice_client, "friends") == []


def test_it_lists_and_counts_only_the_users_own_matches(alice_client, alice, bob):
    """The matches are read across the table's indexes (every owner's rows), so the page and
    its count must keep to the user's own."""
    contact(alice, "Dana", last_name="Glenn")
    contact(alice, "Erin", last_name="Glenn", archived=True)
    contact(bob, "Theirs", last_name="Glenn")
    by_mail = contact(bob, "Mailed")
    ContactEmail.objects.create(contact=by_mail, address="glenn@example.com")
    response = alice_client.get(URL, {"q": "glenn"})
    assert [c.first_name for c in response.context["page"].object_list] == ["Dana"]
    assert response.context["page"].paginator.count == 1
    assert "Theirs" not in response.content.decode()
    archived = alice_client.get(URL, {"q": "GLENN", "archived": "on"})
    assert [c.first_name for c in archived.context["page"].object_list] == ["Erin"]


# --- Every write keeps the search text true ------------------------------------------------

FORM = {"first_name": "Jörg", "last_name": "Müller", "circle": "close", "circle_pinned": "on"}


def test_the_form_writes_it_on_create_and_on_edit(alice_client, alice):
    alice_client.post(reverse("contacts:create"), FORM)
    jorg = Contact.objects.get(owner=alice)
    assert found(alice_client, "jorg muller") == ["Jörg"]
    alice_client.post(reverse("contacts:edit", args=[jorg.pk]), {**FORM, "last_name": "Šimić"})
    assert found(alice_client, "muller") == []
    assert found(alice_client, "simic") == ["Jörg"]


def test_a_plain_save_and_bulk_create_write_it(alice_client, alice):
    dana = contact(alice, "Dana")
    dana.first_name = "Dörte"
    dana.save()
    Contact.objects.bulk_create([Contact(owner=alice, first_name="Åke")])
    assert found(alice_client, "dorte") == ["Dörte"]
    assert found(alice_client, "ake") == ["Åke"]


def test_an_import_writes_it_for_new_and_updated_contacts(alice_client, alice):
    dana = contact(alice, "Dana", last_name="Reyes", company="Acme")
    run_import(alice, "linkedin_connections.csv")
    assert found(alice_client, "zoe angstrom") == ["Zoë"]
    assert found(alice_client, "head of sales") == ["Dana"]  # the title the import filled
    dana.refresh_from_db()
    assert dana.search_text == search_text(dana)


def test_a_merge_writes_it(alice_client, alice):
    survivor = contact(alice, "Dana")
    duplicate = contact(alice, "Dana", last_name="Østergård")
    contacts_merge(survivor=survivor, duplicate=duplicate, today=TODAY)
    assert found(alice_client, "ostergard") == ["Dana"]


def test_the_demo_seed_writes_it():
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC), tick=False):
        call_command("seed_demo")
    demo = Contact.objects.filter(owner=User.objects.get(email="demo@example.com"))
    assert demo.exists()
    assert all(c.search_text == search_text(c) for c in demo)


def test_the_migration_fills_rows_written_before_it(alice):
    dana = contact(alice, "Zoë", company="Nordic Fintech AB")
    Contact.objects.filter(pk=dana.pk).update(search_text="")
    importlib.import_module("contacts.migrations.0012_search_text_folded").fill(apps, None)
    dana.refresh_from_db()
    assert dana.search_text == search_text(dana)
    assert normalise("ZOË") in dana.search_text


def test_the_pickers_find_names_folded_and_those_named_as_typed_first(alice, bob):
    from contacts.scoping import contacts_matching

    muller = contact(alice, "Jörg", last_name="Müller", strength=10)
    noted = contact(alice, "Dana", notes="Met through Muller's team", strength=90)
    contact(bob, "Jörg", last_name="Müller")  # bob's
    # Typed without the accent, neither name holds it as typed: the stronger comes first.
    assert list(contacts_matching(alice, "muller")) == [noted, muller]
    assert list(contacts_matching(alice, "Müller")) == [muller, noted]  # as typed first
    assert list(contacts_matching(alice, "JORG")) == [muller]
    assert list(contacts_matching(alice, "  ")) == []
