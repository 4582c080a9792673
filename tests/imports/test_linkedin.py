"""LinkedIn's Connections.csv, from the golden files in files/."""

from __future__ import annotations

import datetime as dt

import pytest

from contacts.models import Circle, Contact, Source
from imports.models import JobStatus, RowStatus
from tests.contacts.factories import contact
from tests.imports.conftest import counts, run_import

pytestmark = pytest.mark.django_db


def test_it_imports_every_connection_with_how_and_when_you_met(alice):
    job = run_import(alice, "linkedin_connections.csv")
    assert job.status == JobStatus.DONE
    assert counts(job) == {"created": 4, "updated": 0, "merged": 0, "skipped": 0, "errors": 0}
    assert (job.total_rows, job.rows_done) == (4, 4)
    dana = Contact.objects.get(owner=alice, first_name="Dana")
    assert (dana.last_name, dana.company, dana.title) == ("Reyes", "Acme", "Head of Sales")
    assert dana.linkedin_url == "https://www.linkedin.com/in/dana-reyes"
    assert (dana.source, dana.met_on) == (Source.LINKEDIN, dt.date(2024, 3, 12))
    assert [e.address for e in dana.emails.all()] == ["dana@acme.example"]
    assert dana.emails.get().is_primary


def test_rows_are_numbered_by_their_line_in_the_file(alice):
    job = run_import(alice, "linkedin_connections.csv")
    assert list(job.rows.values_list("line", flat=True)) == [5, 6, 7, 8]


def test_it_keeps_non_ascii_names_and_quoted_commas(alice):
    run_import(alice, "linkedin_connections.csv")
    zoe = Contact.objects.get(owner=alice, last_name="Ångström")
    assert (zoe.first_name, zoe.title) == ("Zoë", "Engineer, Payments")
    assert not zoe.emails.exists()  # many LinkedIn rows have no e-mail


def test_new_contacts_start_as_acquaintances_that_strength_may_move(alice):
    run_import(alice, "linkedin_connections.csv")
    ravi = Contact.objects.get(owner=alice, first_name="Ravi")
    assert (ravi.circle, ravi.circle_pinned) == (Circle.ACQUAINTANCE, False)
    assert ravi.strength > 0  # tenure: connected in 2019
    assert ravi.next_checkin_on is None


def test_a_chosen_circle_is_kept_and_gets_its_check_in(alice):
    run_import(alice, "linkedin_connections.csv", circle=Circle.ACTIVE)
    ravi = Contact.objects.get(owner=alice, first_name="Ravi")
    assert (ravi.circle, ravi.circle_pinned) == (Circle.ACTIVE, True)
    assert ravi.next_checkin_on is not None


def test_it_reads_semicolons_and_a_bom(alice):
    job = run_import(alice, "linkedin_semicolon_bom.csv")
    assert job.created == 2
    assert Contact.objects.filter(
        owner=alice, first_name="Jürgen", company="Beispiel GmbH"
    ).exists()


def test_it_reads_latin1_and_keeps_the_notice(alice):
    job = run_import(alice, "linkedin_latin1.csv")
    francois = Contact.objects.get(owner=alice)
    assert (francois.first_name, francois.last_name) == ("François", "Lefèvre")
    assert francois.company == "Café Crème SA"
    assert "Latin-1" in job.notices[0]


def test_each_bad_row_is_reported_with_its_line_and_the_rest_imported(alice):
    job = run_import(alice, "linkedin_bad_rows.csv")
    assert counts(job)["created"] == 2
    errors = dict(job.rows.filter(status=RowStatus.ERROR).values_list("line", "message"))
    assert sorted(errors) == [3, 4, 5, 6]
    assert "31 Foo 2024" in errors[3]
    assert "not-an-email" in errors[4]
    assert "no name" in errors[5]
    assert "9 values where the header has 7 columns" in errors[6]
    assert set(Contact.objects.filter(owner=alice).values_list("last_name", flat=True)) == {
        "One",
        "Two",
    }


def test_a_bad_row_keeps_its_text_for_the_report(alice):
    job = run_import(alice, "linkedin_bad_rows.csv")
    assert job.rows.get(line=4).raw.startswith("Bad,Email,https://")


def test_the_same_person_twice_in_the_file_is_merged(alice):
    job = run_import(alice, "linkedin_repeats.csv")
    assert Contact.objects.filter(owner=alice, last_name="Reyes").count() == 1
    assert Contact.objects.filter(owner=alice, last_name="Lee").count() == 1
    assert job.created == 2
    dana = Contact.objects.get(owner=alice, last_name="Reyes")
    assert [e.address for e in dana.emails.all()] == ["dana@acme.example"]
    second = job.rows.get(line=3)
    assert second.status == RowStatus.MERGED
    assert second.contact_id == dana.pk
    assert "The same person as line 2" in second.message


def test_a_merge_keeps_both_names_and_fills_the_empty_title(alice):
    run_import(alice, "linkedin_repeats.csv")
    sam = Contact.objects.get(owner=alice, last_name="Lee")
    assert sam.first_name == "Sam"
    assert sam.title == "Manager"
    assert "Also known as (from the LinkedIn connections import): Samuel Lee" in sam.notes


def test_a_connection_you_already_have_is_updated_not_duplicated(alice):
    dana = contact(alice, "Dana", last_name="Reyes", title="Sales lead")
    dana.emails.create(address="dana@acme.example", is_primary=True)
    job = run_import(alice, "linkedin_connections.csv")
    assert Contact.objects.filter(owner=alice, first_name="Dana").count() == 1
    assert (job.created, job.updated) == (3, 1)
    dana.refresh_from_db()
    # Empty fields filled; the title both had stays, the file's goes into the notes.
    assert dana.company == "Acme"
    assert dana.linkedin_url == "https://www.linkedin.com/in/dana-reyes"
    assert (dana.source, dana.met_on) == (Source.LINKEDIN, dt.date(2024, 3, 12))
    assert dana.title == "Sales lead"
    assert "Title (from the LinkedIn connections import): Head of Sales" in dana.notes
    row = job.rows.get(contact=dana)
    assert row.status == RowStatus.UPDATED
    assert "same e-mail dana@acme.example" in row.message


def test_importing_the_same_file_twice_creates_nobody_the_second_time(alice):
    run_import(alice, "linkedin_connections.csv")
    again = run_import(alice, "linkedin_connections.csv")
    assert counts(again) == {"created": 0, "updated": 0, "merged": 0, "skipped": 4, "errors": 0}
    assert Contact.objects.filter(owner=alice).count() == 4


def test_a_second_import_adds_nothing_to_the_notes_twice(alice):
    dana = contact(alice, "Dana", last_name="Reyes", title="Sales lead")
    dana.emails.create(address="dana@acme.example", is_primary=True)
    run_import(alice, "linkedin_connections.csv")
    run_import(alice, "linkedin_connections.csv")
    dana.refresh_from_db()
    assert dana.notes.count("Head of Sales") == 1
