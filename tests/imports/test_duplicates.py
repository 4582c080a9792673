"""Who a row already is: exact e-mail or profile URL merges, a similar name and company is
flagged for review. Looked up in memory, a fixed number of queries per batch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact, Interaction
from imports import services
from imports.dedupe import company_key, folded
from imports.models import RowStatus
from tests.contacts.factories import contact, log
from tests.imports.conftest import TODAY, create_job, run_import

pytestmark = pytest.mark.django_db

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def linkedin(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


def test_folding_ignores_case_accents_and_punctuation():
    assert folded("Zoë  Ångström-Lind") == "zoe angstrom lind"
    assert company_key("ACME, Inc.") == company_key("Acme") == "acme"


def test_a_profile_url_matches_whatever_its_spelling(alice):
    dana = contact(alice, "Dana", linkedin_url="https://www.linkedin.com/in/dana-reyes")
    job = run_import(alice, "c.csv", linkedin("Dana,R,http://linkedin.com/in/Dana-Reyes/,,,,"))
    assert job.rows.get().contact_id == dana.pk
    assert Contact.objects.filter(owner=alice).count() == 1


def test_an_email_matches_whatever_its_case(alice):
    dana = contact(alice, "Dana")
    dana.emails.create(address="dana@acme.example", is_primary=True)
    job = run_import(alice, "c.csv", linkedin("Dana,Reyes,,DANA@Acme.example,,,"))
    assert job.rows.get().contact_id == dana.pk


def test_a_merge_never_drops_a_value(alice):
    dana = contact(alice, "Dana", last_name="Reyes", company="Acme", title="CEO")
    dana.emails.create(address="dana@acme.example", is_primary=True)
    dana.phones.create(number="+1 555 0100", is_primary=True)
    content = (
        b"BEGIN:VCARD\nVERSION:3.0\nN:Reyes;Dana;;;\nFN:Dana Reyes\nORG:Globex\nTITLE:CEO\n"
        b"EMAIL:dana@acme.example\nEMAIL:dana@globex.example\nTEL:+1 (555) 0100\nTEL:+1 555 0199\n"
        b"CATEGORIES:board\nEND:VCARD\n"
    )
    job = run_import(alice, "dana.vcf", content)
    dana.refresh_from_db()
    assert dana.company == "Acme"
    assert "Company (from the vCard import): Globex" in dana.notes
    assert [(e.address, e.is_primary) for e in dana.emails.all()] == [
        ("dana@acme.example", True),
        ("dana@globex.example", False),
    ]
    assert [p.number for p in dana.phones.all()] == ["+1 555 0100", "+1 555 0199"]
    assert [t.name for t in dana.tags.all()] == ["board"]
    row = job.rows.get()
    assert row.status == RowStatus.UPDATED
    assert "e-mail dana@globex.example" in row.message


def test_a_contact_without_emails_gets_its_first_as_primary(alice):
    dana = contact(alice, "Dana", linkedin_url="https://www.linkedin.com/in/dana")
    run_import(alice, "c.csv", linkedin("Dana,,https://www.linkedin.com/in/dana,d@x.example,,,"))
    assert dana.emails.get().is_primary


def test_a_similar_name_at_a_similar_company_is_flagged_not_merged(alice):
    robert = contact(alice, "Robert", last_name="Smith", company="Acme Inc.")
    job = run_import(alice, "c.csv", linkedin("Rob,Smith,,,ACME,CTO,"))
    row = job.rows.get()
    assert row.status == RowStatus.CREATED
    assert row.duplicate_of_id == robert.pk
    assert "Possible duplicate of Robert Smith (Acme Inc.)" in row.message
    assert job.possible_duplicates == 1
    assert Contact.objects.filter(owner=alice).count() == 2


def test_the_same_name_at_another_company_is_not_flagged(alice):
    contact(alice, "Robert", last_name="Smith", company="Acme")
    job = run_import(alice, "c.csv", linkedin("Robert,Smith,,,Globex,CTO,"))
    assert job.rows.get().duplicate_of_id is None


def test_a_name_alone_is_not_enough(alice):
    contact(alice, "Robert", last_name="Smith")
    job = run_import(alice, "c.csv", linkedin("Robert,Smith,,,,,"))
    assert job.rows.get().duplicate_of_id is None


def test_another_users_contacts_are_never_matched(alice, bob):
    bobs = contact(bob, "Dana", linkedin_url="https://www.linkedin.com/in/dana")
    job = run_import(alice, "c.csv", linkedin("Dana,,https://www.linkedin.com/in/dana,,,,"))
    assert job.rows.get().status == RowStatus.CREATED
    assert job.rows.get().contact.owner == alice
    assert Contact.objects.filter(pk=bobs.pk, owner=bob).exists()


def test_imported_contacts_get_their_derived_columns(alice):
    dana = contact(alice, "Dana", circle="inner", linkedin_url="https://linkedin.com/in/dana")
    log(alice, dana, on=TODAY - dt.timedelta(days=3))
    before = Contact.objects.get(pk=dana.pk)
    run_import(alice, "c.csv", linkedin("Dana,,https://linkedin.com/in/dana,,,,01 Jan 2015"))
    dana.refresh_from_db()
    assert dana.met_on == dt.date(2015, 1, 1)
    assert dana.strength > before.strength  # ten years of tenure now count
    assert dana.next_checkin_on == TODAY - dt.timedelta(days=3) + dt.timedelta(days=14)
    assert Interaction.objects.count() == 1


def queries_to_import(owner, rows: int) -> int:
    content = linkedin(
        *(
            f"P{i},Q{i},https://www.linkedin.com/in/p{i},p{i}@x.example,C{i},T,01 Feb 2024"
            for i in range(rows)
        )
    )
    job = create_job(owner, "c.csv", content)
    with CaptureQueriesContext(connection) as queries:
        services.import_run(job_id=job.pk, today=TODAY, batch_size=500)
    return len(queries)


def test_the_query_count_does_not_grow_with_the_rows(alice, bob):
    for i in range(5):  # existing contacts, the first rows match them; the others are new
        contact(alice, f"P{i}", linkedin_url=f"https://www.linkedin.com/in/p{i}")
        contact(bob, f"P{i}", linkedin_url=f"https://www.linkedin.com/in/p{i}")
    # 30 rows: Django splits a bulk INSERT at SQLite's 999 parameters, and 30 contacts are
    # one statement on either database; a query per row would still show 20 more.
    few = queries_to_import(alice, 10)
    many = queries_to_import(bob, 30)
    assert few == many
