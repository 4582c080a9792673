"""vCard 2.1, 3.0 and 4.0 as Apple Contacts, Google Contacts and Outlook write them."""

from __future__ import annotations

import pytest

from contacts.models import Contact
from imports.models import RowStatus
from tests.imports.conftest import run_import

pytestmark = pytest.mark.django_db


def emails(contact: Contact) -> list[tuple[str, str, bool]]:
    return [(e.address, e.label, e.is_primary) for e in contact.emails.all()]


def phones(contact: Contact) -> list[tuple[str, str, bool]]:
    return [(p.number, p.label, p.is_primary) for p in contact.phones.all()]


def test_apple_cards_keep_every_email_and_phone_with_its_type(alice):
    job = run_import(alice, "apple_contacts.vcf")
    assert job.created == 2
    zoe = Contact.objects.get(owner=alice, last_name="Ångström")
    assert zoe.first_name == "Zoë"
    assert emails(zoe) == [
        ("zoe@nordic.example", "work", True),
        ("zoe@home.example", "home", False),
    ]
    assert phones(zoe) == [("+46 70 123 45 67", "mobile", True), ("+46 8 123 456", "work", False)]


def test_apple_cards_give_org_title_address_social_profile_and_note(alice):
    run_import(alice, "apple_contacts.vcf")
    zoe = Contact.objects.get(owner=alice, last_name="Ångström")
    assert (zoe.company, zoe.title) == ("Nordic Fintech AB", "Engineer")
    assert zoe.location == "Stockholm, Sweden"
    assert zoe.linkedin_url == "https://www.linkedin.com/in/zoe-angstrom"
    assert "Met at Money20/20, wants an intro to our CFO.\nFollow up in May." in zoe.notes
    assert "Department: Payments" in zoe.notes


def test_apples_year_1604_means_a_birthday_without_a_year(alice):
    run_import(alice, "apple_contacts.vcf")
    zoe = Contact.objects.get(owner=alice, last_name="Ångström")
    assert (zoe.birthday_year, zoe.birthday_month, zoe.birthday_day) == (None, 4, 23)


def test_a_birthday_with_a_year(alice):
    run_import(alice, "apple_contacts.vcf")
    chinedu = Contact.objects.get(owner=alice, first_name="Chinedu")
    assert (chinedu.birthday_year, chinedu.birthday_month, chinedu.birthday_day) == (1980, 11, 2)


def test_folded_lines_are_joined(alice):
    run_import(alice, "apple_contacts.vcf")
    chinedu = Contact.objects.get(owner=alice, first_name="Chinedu")
    assert chinedu.title.endswith("early-stage companies across West Africa")
    assert sorted(t.name for t in chinedu.tags.all()) == ["Africa", "Investors"]
    assert chinedu.website_url == "https://lagos.example"


def test_photos_are_skipped_and_the_report_says_so(alice):
    job = run_import(alice, "apple_contacts.vcf")
    assert "photo was not imported" in job.rows.get(line=1).message
    assert any("photos are not imported" in notice for notice in job.notices)


def test_google_cards_with_a_yearless_birthday_and_web_addresses(alice):
    run_import(alice, "google_contacts.vcf")
    mei = Contact.objects.get(owner=alice)
    assert (mei.birthday_year, mei.birthday_month, mei.birthday_day) == (None, 4, 23)
    assert mei.x_url == "https://twitter.com/meitanaka"
    assert mei.website_url == "https://mei.example"
    assert [e[0] for e in emails(mei)] == ["mei@sakura.example", "mei.t@home.example"]


def test_vcard4_pref_orders_the_emails_and_tel_uris_are_numbers(alice):
    run_import(alice, "vcard4.vcf")
    priya = Contact.objects.get(owner=alice)
    assert emails(priya) == [
        ("priya@home.example", "home", True),
        ("priya@work.example", "work", False),
    ]
    assert phones(priya) == [("+91-98765-43210", "mobile", True)]
    assert (priya.birthday_year, priya.birthday_month, priya.birthday_day) == (None, 4, 23)


def test_outlook_quoted_printable_in_its_charset(alice):
    run_import(alice, "outlook_qp.vcf")
    francois = Contact.objects.get(owner=alice)
    assert (francois.first_name, francois.last_name) == ("François", "Lefèvre")
    assert francois.company == "Café Crème SA"
    assert "Première rencontre au salon.\nUne phrase assez longue pour être coupée en deux." in (
        francois.notes
    )
    assert emails(francois) == [("francois@cafe.example", "", True)]
    assert phones(francois) == [("+33 1 23 45 67 89", "work", True)]


def test_a_broken_card_is_reported_with_its_line_and_the_rest_imported(alice):
    job = run_import(alice, "broken_middle.vcf")
    assert job.created == 2
    assert set(Contact.objects.filter(owner=alice).values_list("last_name", flat=True)) == {
        "One",
        "Two",
    }
    errors = dict(job.rows.filter(status=RowStatus.ERROR).values_list("line", "message"))
    assert sorted(errors) == [6, 11]
    assert "line 8" in errors[6]
    assert "no END:VCARD" in errors[11]


def test_text_outside_any_card_is_reported(alice):
    content = b"hello\nBEGIN:VCARD\nVERSION:3.0\nFN:Dana Reyes\nEND:VCARD\n"
    job = run_import(alice, "cards.vcf", content, chosen="vcard")
    assert job.created == 1
    assert "outside any vCard" in job.rows.get(line=1).message


def test_a_card_without_a_name_is_an_error(alice):
    content = b"BEGIN:VCARD\nVERSION:3.0\nEMAIL:x@example.com\nEND:VCARD\n"
    job = run_import(alice, "cards.vcf", content)
    assert job.rows.get().status == RowStatus.ERROR
    assert "no name" in job.rows.get().message
