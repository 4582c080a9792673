"""Google Contacts and Outlook CSV exports, and any other CSV through the column mapping."""

from __future__ import annotations

import pytest

from contacts.models import Contact
from imports.importers import suggest_mapping
from imports.models import JobStatus, RowStatus
from tests.imports.conftest import counts, create_job, run_import

pytestmark = pytest.mark.django_db


def test_google_contacts_csv(alice):
    job = run_import(alice, "google_contacts.csv")
    assert counts(job)["created"] == 2
    mei = Contact.objects.get(owner=alice, first_name="Mei")
    assert (mei.last_name, mei.company, mei.title) == ("Tanaka", "Sakura KK", "Designer")
    assert [e.address for e in mei.emails.all()] == ["mei@sakura.example", "mei.t@home.example"]
    # Google puts several values in one cell, separated by " ::: ".
    assert [p.number for p in mei.phones.all()] == ["+81 90 1234 5678", "+81 3 1234 5678"]
    assert [t.name for t in mei.tags.all()] == ["Design"]  # not "* myContacts"
    assert mei.location == "Tokyo, Japan"
    assert mei.linkedin_url == "https://www.linkedin.com/in/meitanaka"
    assert (mei.birthday_year, mei.birthday_month, mei.birthday_day) == (None, 4, 23)
    assert "Department: UX" in mei.notes


def test_outlook_csv_in_utf16(alice):
    job = run_import(alice, "outlook_utf16.csv")
    assert counts(job) == {"created": 2, "updated": 0, "merged": 0, "skipped": 0, "errors": 0}
    ana = Contact.objects.get(owner=alice, first_name="Ana")
    assert (ana.last_name, ana.company, ana.title) == ("García", "Iberia SL", "Directora")
    assert (ana.birthday_year, ana.birthday_month, ana.birthday_day) == (1985, 4, 23)
    assert [(p.number, p.label) for p in ana.phones.all()] == [
        ("+34 91 123 45 67", "home"),
        ("+34 600 123 456", "mobile"),
    ]
    assert sorted(t.name for t in ana.tags.all()) == ["Clients", "Spain"]
    # "Title" is Outlook's honorific; the note's line break survives, made plain.
    assert "Title: Dr." in ana.notes
    assert "Met at the Madrid fair,\nloves tapas" in ana.notes
    assert ana.website_url == "https://iberia.example"


def test_outlooks_empty_birthday_is_no_birthday(alice):
    run_import(alice, "outlook_utf16.csv")
    tom = Contact.objects.get(owner=alice, first_name="Tom")
    assert tom.birthday_month is None


def test_another_csv_waits_for_its_column_mapping(alice):
    job = create_job(alice, "generic.csv")
    assert job.status == JobStatus.MAPPING
    assert job.mapping == {
        "0": "full_name",
        "1": "email",
        "2": "company",
        "3": "phone",
        "4": "tags",
    }
    assert not Contact.objects.exists()


def test_it_imports_with_the_chosen_columns(alice):
    mapping = {"0": "full_name", "1": "email", "2": "company", "4": "tags"}
    job = run_import(alice, "generic.csv", mapping=mapping)
    assert job.status == JobStatus.DONE
    dana = Contact.objects.get(owner=alice, first_name="Dana", company="Acme")
    assert dana.last_name == "Reyes"
    assert sorted(t.name for t in dana.tags.all()) == ["alumni", "fintech"]
    assert not dana.phones.exists()  # the phone column was ignored
    # "Reyes, Dana" is the same name written the other way round, with no company: flagged.
    flagged = job.rows.get(line=3)
    assert flagged.status == RowStatus.CREATED
    assert flagged.duplicate_of_id == dana.pk


def test_the_mapping_suggestions_read_our_own_export_headers():
    columns = ["First name", "Last name", "E-mails", "Phones", "Company", "Title", "LinkedIn"]
    assert suggest_mapping(columns) == {
        "0": "first_name",
        "1": "last_name",
        "2": "email",
        "3": "phone",
        "4": "company",
        "5": "title",
        "6": "linkedin_url",
    }


def test_a_row_shorter_than_the_header_is_padded(alice):
    content = b"First Name,Last Name,URL,Company,Position,Connected On\nDana,Reyes\n"
    job = run_import(alice, "c.csv", content)
    assert job.created == 1


def test_an_unclosed_quote_is_reported_with_the_lines_it_swallowed(alice):
    content = (
        b"First Name,Last Name,URL,Company,Position,Connected On\n"
        b'Dana,"Reyes,,Acme,CEO,01 Feb 2024\n'
        b"Kim,Park,,Initech,CTO,01 Feb 2024\n"
    )
    job = run_import(alice, "c.csv", content)
    row = job.rows.get()
    assert (row.line, row.status) == (2, RowStatus.ERROR)
    assert "runs over lines 2–3" in row.message
    assert "closing quote" in row.message
    assert not Contact.objects.exists()


def test_a_long_value_is_cut_to_fit_and_kept_whole_in_the_notes(alice):
    title = "Head of " + "very " * 60 + "important things"
    content = (
        "First Name,Last Name,URL,Company,Position,Connected On\n"
        f'Dana,Reyes,,Acme,"{title}",01 Feb 2024\n'
    ).encode()
    run_import(alice, "c.csv", content)
    dana = Contact.objects.get(owner=alice)
    assert len(dana.title) == 200
    assert dana.title.endswith("…")
    assert title in dana.notes


def test_nul_characters_are_dropped(alice):
    content = b"First Name,Last Name,URL,Company,Position,Connected On\nDa\x00na,Reyes,,,,\n"
    run_import(alice, "c.csv", content, chosen="linkedin")
    assert Contact.objects.get(owner=alice).first_name == "Dana"
