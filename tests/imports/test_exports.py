"""Contacts out as CSV and vCard 4.0, the whole account as JSON; and back in again."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
import vobject
from django.urls import reverse
from django.utils import timezone

from communities.models import Community
from contacts.models import Circle, Contact, Context, Source
from contacts.services import contact_save
from content.models import Piece, Topic
from events.models import Event
from followups.models import FollowUp
from goals.models import GoalPlan, Objective, Priority, Tactic
from imports import exports, services
from imports.models import AccountExport, ExportStatus
from kpis.models import WeeklyKpi
from tests.contacts.factories import log
from tests.imports.conftest import TODAY, create_job, run_import

pytestmark = pytest.mark.django_db

FIELDS = [
    "first_name",
    "last_name",
    "display_name",
    "company",
    "title",
    "industry",
    "location",
    "linkedin_url",
    "x_url",
    "website_url",
    "other_url",
    "source",
    "met_on",
    "birthday_year",
    "birthday_month",
    "birthday_day",
    "notes",
    "cadence_days",
    "context",
]


def saved(owner, emails=(), phones=(), tags=(), birthday=(None, None, None), **fields) -> Contact:
    return contact_save(
        contact=Contact(owner=owner, **fields),
        emails=list(emails),
        phones=list(phones),
        tag_names=list(tags),
        birthday=birthday,
        today=TODAY,
    )


@pytest.fixture
def network(alice):
    zoe = saved(
        alice,
        first_name="Zoë",
        last_name="Ångström",
        display_name="Zo",
        company="Nordic; Fintech, AB",
        title="Engineer",
        industry="Payments",
        location="Stockholm, Sweden",
        linkedin_url="https://www.linkedin.com/in/zoe",
        x_url="https://x.com/zoe",
        website_url="https://zoe.example",
        other_url="https://github.com/zoe",
        source=Source.CONFERENCE,
        met_on=dt.date(2023, 1, 3),
        circle=Circle.CLOSE,
        context=Context.BOTH,
        cadence_days=21,
        notes="Line one\nLine two, with a comma; and a semicolon \\ backslash. "
        + "long " * 30
        + "end.",
        emails=["zoe@nordic.example", "zoe@home.example"],
        phones=["+46 70 123 45 67", "+46 8 123 456"],
        tags=["fintech", "sweden"],
        birthday=(None, 4, 23),
    )
    dana = saved(alice, first_name="Dana", birthday=(1985, 2, 28))
    return [zoe, dana]


def snapshot(owner) -> list[dict]:
    found = []
    for c in Contact.objects.filter(owner=owner).order_by("first_name"):
        values = {name: getattr(c, name) for name in FIELDS}
        values["emails"] = [(e.address, e.is_primary) for e in c.emails.all()]
        values["phones"] = [p.number for p in c.phones.all()]
        values["tags"] = sorted(t.name for t in c.tags.all())
        values["circle"] = c.circle if c.circle_pinned else None
        found.append(values)
    return found


def test_reimporting_our_own_vcard_reproduces_the_contacts(alice, bob, network):
    before = snapshot(alice)
    card = "".join(exports.contacts_vcard(alice)).encode()
    job = run_import(bob, "networkcrm.vcf", card)
    assert (job.created, job.errors) == (2, 0)
    assert snapshot(bob) == before


def test_our_vcard_is_version_4_with_folded_lines_and_readable_by_vobject(alice, network):
    text = "".join(exports.contacts_vcard(alice))
    assert text.count("VERSION:4.0") == 2
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    cards = list(vobject.readComponents(text))
    assert cards[0].fn.value == "Zo"
    assert cards[0].bday.value == "--0423"
    assert cards[1].bday.value == "19850228"


def test_the_csv_has_a_row_per_contact_and_reimports(alice, bob, network):
    text = "".join(exports.contacts_csv(alice))
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["First name"] for r in rows] == ["Zoë", "Dana"]
    assert rows[0]["E-mails"] == "zoe@nordic.example; zoe@home.example"
    assert rows[0]["Birthday"] == "--04-23"
    assert rows[0]["How we met"] == "Conference"
    job = create_job(bob, "contacts.csv", text.encode())
    assert job.status == "mapping"  # our CSV goes through the mapping, all of it suggested
    services.import_map(job=job, mapping=job.mapping)
    services.import_run(job_id=job.pk, today=TODAY)
    zoe = Contact.objects.get(owner=bob, first_name="Zoë")
    assert [e.address for e in zoe.emails.all()] == ["zoe@nordic.example", "zoe@home.example"]
    assert (zoe.company, zoe.met_on, zoe.source, zoe.context) == (
        "Nordic; Fintech, AB",
        dt.date(2023, 1, 3),
        Source.CONFERENCE,
        Context.BOTH,
    )


def test_a_formula_in_a_cell_is_defused():
    assert exports.spreadsheet_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert exports.spreadsheet_safe("+1 555 0100") == "+1 555 0100"
    assert exports.spreadsheet_safe("-cmd|' /C calc'!A0") == "'-cmd|' /C calc'!A0"


@pytest.fixture
def account(alice, network):
    zoe, dana = network
    interaction = log(alice, zoe, dana, on=TODAY, notes="Coffee")
    plan = GoalPlan.objects.create(owner=alice, started_on=TODAY)
    objective = Objective.objects.create(plan=plan, title="Meet fintech", metric="x", target=3)
    objective.targets.add(zoe)
    Priority.objects.create(plan=plan, contact=dana, position=1)
    Tactic.objects.create(plan=plan, platform="linkedin", action="Post weekly")
    followup = FollowUp.objects.create(owner=alice, about="Send the deck", due_on=TODAY)
    followup.contacts.add(zoe)
    community = Community.objects.create(owner=alice, name="Nordic fintech", platform="slack")
    community.members.add(dana)
    meetup = Event.objects.create(
        owner=alice, name="Fintech night", starts_at=timezone.now(), status="going"
    )
    meetup.going_with.add(zoe)
    piece = Piece.objects.create(owner=alice, title="On payments", published_on=TODAY)
    piece.topics.add(Topic.objects.create(owner=alice, name="payments"))
    piece.engaged.add(dana)
    return {"interaction": interaction, "plan": plan, "followup": followup}


def test_the_account_json_holds_everything(alice, account, network):
    data = json.loads("".join(exports.account_json(alice)))
    assert data["format"] == "networkcrm-account"
    assert data["user"]["email"] == alice.email
    assert [c["first_name"] for c in data["contacts"]] == ["Zoë", "Dana"]
    assert data["contacts"][0]["private_notes"] == ""
    assert data["contacts"][0]["emails"][0]["address"] == "zoe@nordic.example"
    assert sorted(data["contacts"][0]["tags"]) == ["fintech", "sweden"]
    assert data["interactions"][0]["contacts"] == [c.pk for c in network]
    plan = data["goal_plans"][0]
    assert plan["objectives"][0]["targets"] == [network[0].pk]
    assert plan["priorities"][0]["contact_id"] == network[1].pk
    assert plan["tactics"][0]["action"] == "Post weekly"
    assert data["follow_ups"][0]["contacts"] == [network[0].pk]
    assert "weekly_kpis" in data
    assert [(c["name"], c["members"]) for c in data["communities"]] == [
        ("Nordic fintech", [network[1].pk])
    ]
    assert [(e["name"], e["going_with"]) for e in data["events"]] == [
        ("Fintech night", [network[0].pk])
    ]
    assert [(p["title"], p["topics"], p["engaged"]) for p in data["content"]] == [
        ("On payments", ["payments"], [network[1].pk])
    ]


def test_the_account_json_has_weekly_kpis_even_when_there_are_none(alice):
    data = json.loads("".join(exports.account_json(alice)))
    assert data["weekly_kpis"] == []


def test_the_account_json_carries_weekly_kpi_rows(alice):
    WeeklyKpi.objects.create(
        user=alice, week_start=dt.date(2026, 6, 8), timezone="UTC", computed_at=timezone.now()
    )
    data = json.loads("".join(exports.account_json(alice)))
    assert [row["week_start"] for row in data["weekly_kpis"]] == ["2026-06-08"]
    assert "user_id" not in data["weekly_kpis"][0]


def test_the_account_json_holds_nothing_of_another_user(alice, bob, account):
    saved(bob, first_name="Bobs friend")
    text = "".join(exports.account_json(bob))
    assert "Zoë" not in text
    assert "Bobs friend" in text


def test_a_small_account_downloads_at_once(alice_client, account):
    response = alice_client.post(reverse("imports:export_account"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="networkcrm-account-')
    data = json.loads(b"".join(response.streaming_content))
    assert len(data["contacts"]) == 2


def test_a_big_account_is_built_by_a_worker_and_offered(
    alice_client, alice, network, monkeypatch, queued
):
    monkeypatch.setattr(exports, "STREAM_LIMIT", 1)
    response = alice_client.post(reverse("imports:export_account"))
    assert response.status_code == 302
    export = AccountExport.objects.get(owner=alice)
    assert queued == [("imports.tasks.account_export_build", export.pk)]
    assert export.status == ExportStatus.QUEUED
    assert "being built" in alice_client.get(reverse("imports:home")).content.decode()

    assert exports.account_export_build(export_id=export.pk) == "done"
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
    assert export.size > 0
    page = alice_client.get(reverse("imports:home")).content.decode()
    assert reverse("imports:export_download", args=[export.pk]) in page
    download = alice_client.get(reverse("imports:export_download", args=[export.pk]))
    data = json.loads(b"".join(download.streaming_content))
    assert [c["first_name"] for c in data["contacts"]] == ["Zoë", "Dana"]


def test_a_new_export_replaces_the_old_one_and_its_file(
    alice, network, queued, django_capture_on_commit_callbacks
):
    first = exports.account_export_start(owner=alice)
    exports.account_export_build(export_id=first.pk)
    first.refresh_from_db()
    storage, name = first.file.storage, first.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        exports.account_export_start(owner=alice)
    assert AccountExport.objects.filter(owner=alice).count() == 1
    assert not storage.exists(name)


def test_the_contact_exports_download(alice_client, network):
    response = alice_client.get(reverse("imports:export_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "Zoë" in b"".join(response.streaming_content).decode()
    response = alice_client.get(reverse("imports:export_vcard"))
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert b"BEGIN:VCARD" in b"".join(response.streaming_content)
