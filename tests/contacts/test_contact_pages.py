import datetime as dt

import pytest
from django.urls import reverse

from contacts.models import Contact, ContactEmail, ContactPhone, Interaction, Tag
from tests.contacts.factories import contact, fresh, log, queries_of

pytestmark = pytest.mark.django_db

FORM = {
    "first_name": "Dana",
    "last_name": "Reyes",
    "company": "Acme",
    "circle": "close",
    "circle_pinned": "on",
    "emails": "Dana@Acme.example\ndana@home.example",
    "phones": "+1 555 0100",
    "tag_names": "fintech, Alumni",
    "birthday": "04-23",
    "linkedin_url": "https://www.linkedin.com/in/dana-example",
}


def test_it_creates_a_contact_with_emails_phones_tags_and_birthday(alice_client, alice):
    response = alice_client.post(reverse("contacts:create"), FORM)
    dana = Contact.objects.get(owner=alice)
    assert response.url == reverse("contacts:detail", args=[dana.pk])
    assert [(e.address, e.is_primary) for e in dana.emails.all()] == [
        ("dana@acme.example", True),
        ("dana@home.example", False),
    ]
    assert sorted(t.name for t in dana.tags.all()) == ["Alumni", "fintech"]
    assert (dana.birthday_year, dana.birthday_month, dana.birthday_day) == (None, 4, 23)
    assert dana.next_checkin_on is not None


def test_it_reuses_tags_whatever_their_case(alice_client, alice):
    alice_client.post(reverse("contacts:create"), FORM)
    alice_client.post(
        reverse("contacts:create"),
        {**FORM, "first_name": "Erin", "emails": "", "linkedin_url": "", "tag_names": "FINTECH"},
    )
    assert alice.tags.count() == 2


def test_it_warns_of_a_duplicate_email_and_saves_on_confirmation(alice_client, alice):
    alice_client.post(reverse("contacts:create"), FORM)
    again = alice_client.post(
        reverse("contacts:create"), {**FORM, "first_name": "D.", "linkedin_url": ""}
    )
    body = again.content.decode()
    assert body.count("You may already have this person:") == 1
    assert (
        f'href="{reverse("contacts:detail", args=[Contact.objects.get().pk])}">Dana Reyes<' in body
    )
    assert "Dana Reyes</a>\n  has the same e-mail address" in body
    assert Contact.objects.count() == 1
    confirmed = alice_client.post(
        reverse("contacts:create"),
        {**FORM, "first_name": "D.", "linkedin_url": "", "confirm_duplicate": "on"},
    )
    assert confirmed.status_code == 302
    assert Contact.objects.count() == 2


def test_it_warns_of_a_duplicate_profile_url(alice_client, alice):
    contact(alice, "Dana", linkedin_url=FORM["linkedin_url"])
    response = alice_client.post(reverse("contacts:create"), {**FORM, "emails": ""})
    assert "same e-mail address or profile URL" in response.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"emails": "not-an-email"}, "not-an-email is not a valid e-mail address."),
        ({"linkedin_url": "linkedin dana"}, "Enter a valid URL."),
        ({"birthday": "31-31"}, "There is no month 31: months go from 1 to 12."),
        ({"birthday": "April 23"}, "Write the birthday as YYYY-MM-DD"),
        ({"met_on": "yesterday"}, "Enter the date as YYYY-MM-DD."),
        ({"met_on": "2026-02-30"}, "February 2026 has no day 30: it has 28 days."),
        ({"birthday": "1990-02-29"}, "February 1990 has no day 29: it has 28 days."),
        ({"birthday": "02-30"}, "February has no day 30: it has 29 days."),
        ({"birthday": "13-01"}, "There is no month 13: months go from 1 to 12."),
        ({"first_name": ""}, "Give at least a first name."),
        ({"first_name": "\u200b"}, "Give at least a first name."),
        ({"first_name": "D" * 101}, "at most 100 characters (it has 101)"),
        ({"phones": "call me"}, "call me does not look like a phone number."),
        ({"cadence_days": "-3"}, "Ensure this value is greater than or equal to 0."),
    ],
)
def test_it_explains_bad_input_and_saves_nothing(alice_client, alice, change, message):
    response = alice_client.post(reverse("contacts:create"), {**FORM, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Contact.objects.exists()


def test_it_refuses_an_introducer_from_another_user(alice_client, alice, bob):
    theirs = contact(bob, "Theirs")
    response = alice_client.post(reverse("contacts:create"), {**FORM, "introduced_by": theirs.pk})
    assert "Select a valid choice" in response.content.decode()
    assert not Contact.objects.filter(owner=alice).exists()


def test_a_contact_cannot_introduce_themselves(alice_client, alice):
    dana = contact(alice, "Dana")
    response = alice_client.post(
        reverse("contacts:edit", args=[dana.pk]), {**FORM, "introduced_by": dana.pk}
    )
    assert response.status_code == 200
    assert fresh(dana).introduced_by is None


def test_the_contact_page_shows_status_strength_breakdown_timeline_and_introductions(
    alice_client, alice
):
    erin = contact(alice, "Erin")
    dana = contact(alice, "Dana", circle="inner", introduced_by=erin, private_notes="secret")
    frank = contact(alice, "Frank", introduced_by=dana)
    log(alice, dana, erin, on=dt.date.today(), notes="Coffee at the harbour")
    body = alice_client.get(reverse("contacts:detail", args=[dana.pk])).content.decode()
    assert "Coffee at the harbour" in body
    assert "Why " in body
    assert "recency" in body.lower()
    assert "Introduced by" in body
    assert "Erin" in body
    assert (
        f'Introduced you to <a href="{reverse("contacts:detail", args=[frank.pk])}">Frank</a>'
        in body
    )
    assert "On track" in body


def test_the_contact_page_runs_the_same_few_queries_at_10_and_at_1000_interactions(
    alice_client, alice
):
    dana = contact(alice, "Dana")
    url = reverse("contacts:detail", args=[dana.pk])

    def grow(count):
        # Each interaction with Dana and someone else; each someone introduced by Dana.
        others = Contact.objects.bulk_create(
            Contact(owner=alice, first_name=f"P{i}", introduced_by=dana) for i in range(count)
        )
        interactions = Interaction.objects.bulk_create(
            Interaction(owner=alice, occurred_on=dt.date(2026, 1, 1)) for _ in range(count)
        )
        through = Interaction.contacts.through
        through.objects.bulk_create(
            [through(interaction=i, contact=dana) for i in interactions]
            + [through(interaction=i, contact=o) for i, o in zip(interactions, others, strict=True)]
        )
        ContactEmail.objects.bulk_create(
            ContactEmail(contact=dana, address=f"d{count}-{i}@example.com") for i in range(count)
        )
        dana.tags.add(
            *Tag.objects.bulk_create(Tag(owner=alice, name=f"t{count}-{i}") for i in range(count))
        )

    grow(10)
    alice_client.get(url)  # warm the session
    few = queries_of(lambda: alice_client.get(url))
    grow(990)
    assert queries_of(lambda: alice_client.get(url)) == few
    # user, contact, e-mails, phones, tags, introductions, timeline, who else was there (the
    # group rows only), the strength's activity
    assert few <= 10


def test_the_contact_page_lists_emails_phones_profiles_and_tags(alice_client, alice):
    dana = contact(
        alice,
        "Dana",
        last_name="Reyes",
        title="CTO",
        company="Acme",
        location="Lisbon",
        industry="Fintech",
        linkedin_url="https://www.linkedin.com/in/dana-example",
        source="conference",
        met_on=dt.date(2024, 3, 5),
        birthday_month=4,
        birthday_day=3,
        cadence_days=21,
        circle_pinned=False,
    )
    ContactEmail.objects.create(contact=dana, address="home@dana.example")
    ContactEmail.objects.create(contact=dana, address="work@dana.example", is_primary=True)
    ContactPhone.objects.create(contact=dana, number="+1 555 0100")
    zeta, alumni = (
        Tag.objects.create(owner=alice, name="zeta"),
        Tag.objects.create(owner=alice, name="alumni"),
    )
    dana.tags.add(zeta, alumni)
    body = alice_client.get(reverse("contacts:detail", args=[dana.pk])).content.decode()
    assert '<h1 class="h3 mb-1">Dana Reyes</h1>' in body
    assert "CTO at Acme" in body
    assert "Active circle<" in body
    work = '<a href="mailto:work@dana.example">work@dana.example</a>'
    home = '<a href="mailto:home@dana.example">home@dana.example</a>'
    assert body.index(f"<strong>{work}</strong>") < body.index(f"<div>{home}</div>")
    assert "<div>+1 555 0100</div>" in body
    assert "<div>Industry: Fintech</div>" in body
    assert (
        'href="https://www.linkedin.com/in/dana-example" rel="noopener noreferrer">LinkedIn' in body
    )
    assert "How we met: Conference, on 5 Mar 2024" in body
    assert "Birthday: 3 April" in body
    assert "Check in every 21 days" in body
    tags = reverse("contacts:list")
    assert body.index(f'href="{tags}?tag={alumni.pk}">alumni<') < body.index(f"?tag={zeta.pk}")
    assert "No introductions recorded." in body


def test_the_contact_page_escapes_what_the_user_typed(alice_client, alice):
    dana = contact(
        alice,
        "<b>Dana</b>",
        title="<i>CTO</i>",
        company="A&B",
        location="<script>x</script>",
        industry='"quoted"',
        website_url='https://dana.example/?a=1&b="2"',
    )
    dana.tags.add(Tag.objects.create(owner=alice, name="<t>"))
    ContactPhone.objects.create(contact=dana, number="<555>")
    frank = contact(alice, "Frank", display_name="<u>Frank</u>", introduced_by=dana)
    body = alice_client.get(reverse("contacts:detail", args=[dana.pk])).content.decode()
    assert "&lt;b&gt;Dana&lt;/b&gt;" in body
    assert "&lt;i&gt;CTO&lt;/i&gt; at A&amp;B" in body
    assert "&lt;script&gt;x&lt;/script&gt;" in body
    assert "Industry: &quot;quoted&quot;" in body
    assert 'href="https://dana.example/?a=1&amp;b=&quot;2&quot;"' in body
    assert "&lt;t&gt;</a>" in body
    assert "&lt;555&gt;" in body
    assert (
        f'<a href="{reverse("contacts:detail", args=[frank.pk])}">&lt;u&gt;Frank&lt;/u&gt;</a>'
        in body
    )
    for raw in ("<b>Dana", "<i>CTO", "<script>x", "<t>", "<555>", "<u>Frank"):
        assert raw not in body


def test_the_contact_page_shows_introductions_both_ways(alice_client, alice):
    dana = contact(alice, "Dana")
    erin = contact(alice, "Erin", introduced_by=dana)
    dana.introduced_by = erin
    dana.save()
    body = alice_client.get(reverse("contacts:detail", args=[dana.pk])).content.decode()
    link = f'<a href="{reverse("contacts:detail", args=[erin.pk])}">Erin</a>'
    assert f"Introduced by {link}" in body
    assert f"Introduced you to {link}" in body


def test_the_contact_page_never_names_another_users_contacts(alice_client, alice, bob):
    dana = contact(alice, "Dana")
    # Rows no form would make: bob's contact and tag pointing at alice's contact.
    contact(bob, "Theirs", introduced_by=dana)
    dana.tags.add(Tag.objects.create(owner=bob, name="their-tag"))
    body = alice_client.get(reverse("contacts:detail", args=[dana.pk])).content.decode()
    assert "Theirs" not in body
    assert "their-tag" not in body


def test_the_timeline_names_the_others_who_were_there(alice_client, alice):
    dana, erin, finn = contact(alice, "Dana"), contact(alice, "Erin"), contact(alice, "Finn")
    log(alice, dana, finn, erin, on=dt.date(2026, 1, 2))
    log(alice, dana, on=dt.date(2026, 1, 1))
    body = alice_client.get(reverse("contacts:detail", args=[dana.pk])).content.decode()
    assert body.count("with Erin, Finn") == 1
    assert body.count(" · with ") == 1


def test_the_timeline_follows_people_added_to_and_removed_from_an_interaction(alice_client, alice):
    dana, erin = contact(alice, "Dana"), contact(alice, "Erin")
    coffee = log(alice, dana, on=dt.date(2026, 1, 2))
    url = reverse("contacts:detail", args=[dana.pk])
    coffee.contacts.add(erin)
    assert "with Erin" in alice_client.get(url).content.decode()
    coffee.contacts.remove(erin)
    assert " · with " not in alice_client.get(url).content.decode()


def test_deleting_asks_first_and_says_what_goes(alice_client, alice):
    dana, erin = contact(alice, "Dana"), contact(alice, "Erin")
    log(alice, dana)
    shared = log(alice, dana, erin)
    page = alice_client.get(reverse("contacts:delete", args=[dana.pk])).content.decode()
    assert "the 1 interaction logged with Dana alone" in page
    assert "The 1 interaction shared with other contacts stay with them." in page
    done = alice_client.post(reverse("contacts:delete", args=[dana.pk]), follow=True)
    assert "Dana and 1 interaction are deleted." in done.content.decode()
    assert not Contact.objects.filter(pk=dana.pk).exists()
    assert list(Interaction.objects.all()) == [shared]


def test_the_strength_help_page_explains_the_formula(alice_client):
    body = alice_client.get(reverse("contacts:strength_help")).content.decode()
    assert "Recency" in body
    assert "Reciprocity" in body


def test_a_long_timeline_shows_the_latest_and_links_to_the_rest(alice_client, alice):
    dana = contact(alice, "Dana")
    for day in range(1, 31):
        log(alice, dana, on=dt.date(2026, 1, day), today=dt.date(2026, 2, 1), notes=f"note {day}")
    body = alice_client.get(reverse("contacts:detail", args=[dana.pk])).content.decode()
    assert "Showing the latest 25 of 30." in body
    assert "note 30" in body
    assert "note 5<" not in body
    assert f"{reverse('contacts:interactions')}?contact={dana.pk}" in body


def test_the_timeline_escapes_what_the_user_typed_and_keeps_line_breaks(alice_client, alice):
    dana = contact(alice, "Dana")
    erin = contact(alice, "<b>Erin</b>")
    log(alice, dana, erin, on=dt.date.today(), notes="Line one\r\n<script>x</script>")
    body = alice_client.get(reverse("contacts:detail", args=[dana.pk])).content.decode()
    assert "Line one<br>&lt;script&gt;x&lt;/script&gt;" in body
    assert "with &lt;b&gt;Erin&lt;/b&gt;" in body
    assert "<script>x" not in body


def test_it_shows_the_name_limits_before_the_browser_cuts_a_name(alice_client):
    body = alice_client.get(reverse("contacts:create")).content.decode()
    assert 'maxlength="100"' in body
    assert "Up to 100 characters." in body
    assert "How you refer to them, if not first and last name. Up to 200 characters." in body


def test_it_says_check_in_every_day_in_the_singular_and_no_cadence_in_words(alice_client, alice):
    daily, none = contact(alice, "Daily", cadence_days=1), contact(alice, "None", cadence_days=0)
    body = alice_client.get(reverse("contacts:detail", args=[daily.pk])).content.decode()
    assert "Check in every 1 day<" in body
    body = alice_client.get(reverse("contacts:detail", args=[none.pk])).content.decode()
    assert "No regular check-ins" in body
    assert "every — days" not in body


def test_it_names_how_we_met_with_the_choice_label(alice_client, alice):
    dana = contact(alice, "Dana", source="linkedin")
    body = alice_client.get(reverse("contacts:detail", args=[dana.pk])).content.decode()
    assert "How we met: LinkedIn<" in body


def test_it_shows_strength_parts_that_add_up_to_the_strength(alice_client, alice):
    dana = contact(alice, "Dana", met_on=dt.date(2023, 1, 1))
    for days in (3, 40, 100):
        today = dt.date.today()
        log(alice, dana, on=today - dt.timedelta(days=days), today=today, quality=4)
    response = alice_client.get(reverse("contacts:detail", args=[dana.pk]))
    breakdown = response.context["breakdown"]
    assert sum(breakdown.points.values()) == breakdown.total
