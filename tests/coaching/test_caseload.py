"""The caseload and the client page: the client's own numbers, a fixed number of queries,
every look logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import CoachScope
from accounts.services import user_sign_up
from coaching.admin import ClientAdmin
from coaching.caseload import HEADLINES, caseload, numbers_for
from coaching.models import AccessLog
from contacts.models import Contact
from goals.metrics import Spec, for_user
from kpis.rollup import monday, rollup_backfill
from tests.coaching.conftest import assign, network
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CASELOAD = reverse("admin:coaching_client_changelist")


def clients(count: int, coach, zones=("Pacific/Auckland", "America/Los_Angeles", "UTC")):
    made = []
    for n in range(count):
        user = user_sign_up(
            email=f"client{n}@example.com",
            password=PASSWORD,
            name=f"Client {n}",
            timezone=zones[n % len(zones)],
        )
        network(user, today=user.profile.today())
        assign(user, coach, CoachScope.INTERACTIONS)
        made.append(user)
    rollup_backfill(weeks=2, users=made)
    return made


def test_this_weeks_numbers_are_the_catalogs_in_each_clients_week(coach):
    made = clients(3, coach)
    rows = list(caseload(coach))
    numbers = numbers_for(rows)
    for row in rows:
        zone = row.client.profile.zone
        today = timezone.localtime(timezone.now(), zone).date()
        specs = {key: Spec(key) for key in HEADLINES}
        expected = for_user(row.client, monday(today), today + dt.timedelta(days=1), specs)
        assert {h.key: h.value for h in numbers[row.client_id].this_week} == expected
        # The private interaction counts in no number, the client's own included.
        assert expected["interactions_by_kind"] == 1
    assert {row.client_id for row in rows} == {user.pk for user in made}


def test_overdue_is_counted_in_the_clients_today_and_sorts(coach, coach_client):
    first, second = clients(2, coach)
    today = timezone.localdate()
    Contact.objects.filter(owner=second).update(next_checkin_on=today - dt.timedelta(days=5))
    rows = list(caseload(coach, overdue=True))
    numbers = numbers_for(rows)
    # The page's grouped count and the sortable annotation agree.
    for row in rows:
        assert numbers[row.client_id].overdue == row.overdue
    assert numbers[first.pk].overdue == 0
    assert numbers[second.pk].overdue == 2
    column = ClientAdmin.list_display.index("overdue_now")
    response = coach_client.get(CASELOAD + f"?o=-{column}")
    assert response.context["cl"].result_list[0].client_id == second.pk
    response = coach_client.get(CASELOAD + f"?o={column}")
    assert response.context["cl"].result_list[0].client_id == first.pk
    assert '<td class="field-overdue_now">2</td>' in response.content.decode()


def test_the_caseload_runs_the_same_queries_for_2_and_for_8_clients(coach, coach_client):
    counts = []
    made = []
    for total in (2, 8):
        more = clients(total - len(made), coach) if total > len(made) else []
        for n, user in enumerate(more):
            user.email = f"batch{total}-{n}@example.com"
            user.save(update_fields=["email"])
        made += more
        coach_client.get(CASELOAD)  # warm: the session, content types
        with CaptureQueriesContext(connection) as queries:
            response = coach_client.get(CASELOAD)
        assert response.status_code == 200
        assert response.context["cl"].result_count == total
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_caseload_shows_headlines_trend_and_objectives(coach, coach_client):
    [client] = clients(1, coach)
    response = coach_client.get(CASELOAD)
    text = response.content.decode()
    assert "client0@example.com" in text
    # The private interaction (see `network`) counts in no number.
    assert "1 interactions · 1 meaningful connections" in text
    assert "Objectives" in text
    row = response.context["cl"].result_list[0]
    assert row.numbers.objectives_week is not None
    assert len(row.numbers.trend) == 2
    # Searching narrows; another coach's client never appears.
    assert coach_client.get(CASELOAD + "?q=nobody").context["cl"].result_count == 0
    assert coach_client.get(CASELOAD + "?q=client0").context["cl"].result_count == 1


def test_each_look_is_logged_for_the_client_to_see(coach, coach_client, alice, alice_client):
    assignment = assign(alice, coach, CoachScope.INTERACTIONS)
    data = network(alice)
    coach_client.get(CASELOAD)
    coach_client.get(reverse("admin:coaching_client_change", args=[assignment.pk]))
    coach_client.get(reverse("admin:coaching_clientcontact_changelist") + "?q=Nadia")
    coach_client.get(reverse("admin:coaching_clientcontact_change", args=[data["open"].pk]))
    coach_client.get(reverse("admin:coaching_clientinteraction_changelist"))
    log = list(AccessLog.objects.filter(client=alice).order_by("at", "pk"))
    assert [entry.what for entry in log] == [
        "caseload list",
        "plan and KPIs",
        "contact list, searching \u201cNadia\u201d",
        "contact Nadia Open",
        "interaction list",
    ]
    assert all(entry.coach_id == coach.pk for entry in log)
    page = alice_client.get(reverse("coaching:settings"))
    assert b"contact Nadia Open" in page.content
    assert b"Carol" in page.content


def test_the_client_page_shows_plan_kpis_and_progress(coach, coach_client, alice):
    assignment = assign(alice, coach, CoachScope.PLAN)
    network(alice)
    rollup_backfill(weeks=1, users=[alice])
    response = coach_client.get(reverse("admin:coaching_client_change", args=[assignment.pk]))
    text = response.content.decode()
    assert "Meaningful conversations" in text
    assert "of 4" in text  # the objective's live progress against its target
    assert "Weekly KPIs" in text
    assert "Contacts</a>" not in text  # out of scope: no link to them


def test_the_client_page_counts_events_and_content_but_names_nothing(coach, coach_client, alice):
    """Plan and KPIs scope: the coach sees how many people the client met at events and how
    much they shared, never the event, the piece or the people."""
    from content.models import Piece
    from content.services import piece_save
    from events.models import Event
    from events.services import event_met_log

    assignment = assign(alice, coach, CoachScope.PLAN)
    dana = Contact.objects.create(owner=alice, first_name="Dana")
    last_week = monday(alice.profile.today()) - dt.timedelta(days=5)
    secret = Event.objects.create(
        owner=alice,
        name="Secret salon",
        starts_at=dt.datetime.combine(last_week, dt.time(18), tzinfo=dt.UTC),
        notes="private thoughts",
    )
    event_met_log(
        event=secret,
        contacts=[dana],
        new_people=[],
        quality=4,
        notes="",
        follow_up_on=None,
        follow_up_about="",
        today=last_week,
    )
    piece = Piece(owner=alice, title="Hidden essay", published_on=last_week)
    piece_save(piece=piece, topic_names=["x"], engaged=[], today=last_week)
    rollup_backfill(weeks=1, users=[alice])
    response = coach_client.get(reverse("admin:coaching_client_change", args=[assignment.pk]))
    assert response.context["kpi_columns"][-2:] == ["People met at events", "Content shared"]
    assert response.context["kpi_weeks"][0].cells[-2:] == ["1", "1"]
    text = response.content.decode()
    for secret_text in ("Secret salon", "private thoughts", "Hidden essay", "Dana"):
        assert secret_text not in text


def test_a_coach_without_clients_sees_an_empty_caseload_and_other_coaches_clients_never(
    coach, coach_client, bob
):
    other = user_sign_up(email="otto@example.com", password=PASSWORD, name="Otto")
    assign(bob, other, CoachScope.INTERACTIONS)
    response = coach_client.get(CASELOAD)
    assert response.context["cl"].result_count == 0
    assert b"bob@example.com" not in response.content


def test_the_client_page_names_communities_events_and_content_only_in_the_contacts_scope(
    coach, coach_client, alice
):
    """Where the client shows up: counts for a plan coach; names, never notes, costs or the
    people who engaged, for a coach who sees contacts."""
    from communities.models import Community, Role
    from content.models import Piece
    from events.models import Event, Status
    from goals.models import GoalPlan, Tactic

    today = alice.profile.today()
    meetup = Community.objects.create(
        owner=alice, name="Python Meetup", role=Role.ORGANISER, notes="community notes"
    )
    meetup.members.add(Contact.objects.create(owner=alice, first_name="Dana"))
    Community.objects.create(owner=alice, name="Alumni")
    Event.objects.create(
        owner=alice,
        name="PyCon night",
        community=meetup,
        status=Status.WENT,
        starts_at=dt.datetime.combine(today - dt.timedelta(days=3), dt.time(18), tzinfo=dt.UTC),
        notes="event notes",
        cost=40,
    )
    Event.objects.create(
        owner=alice,
        name="Demo day",
        starts_at=dt.datetime.combine(today + dt.timedelta(days=3), dt.time(18), tzinfo=dt.UTC),
    )
    Piece.objects.create(
        owner=alice, title="Why we test", published_on=today, reactions=5, comments=2
    )
    plan = GoalPlan.objects.create(owner=alice, started_on=today - dt.timedelta(days=7))
    Tactic.objects.create(plan=plan, platform="event", action="Host monthly", community=meetup)
    assignment = assign(alice, coach, CoachScope.PLAN)
    url = reverse("admin:coaching_client_change", args=[assignment.pk])
    text = coach_client.get(url).content.decode()
    assert "2 communities (1 as contributor or organiser)" in text
    assert "1 event in the last 30 days, 1 coming" in text
    assert "1 piece shared in the last 30 days, 7 reactions, comments and shares" in text
    assert "Events, in a community" in text
    for name in ("Python Meetup", "Alumni", "PyCon night", "Demo day", "Why we test"):
        assert name not in text
    assignment.scope = CoachScope.CONTACTS
    assignment.save()
    with CaptureQueriesContext(connection) as queries:
        text = coach_client.get(url).content.decode()
    for name in ("Python Meetup", "Alumni", "PyCon night", "Demo day", "Why we test"):
        assert name in text
    assert "Events, in Python Meetup" in text
    for secret in ("community notes", "event notes", "40.00", "Dana"):
        assert secret not in text
    for n in range(10):
        Community.objects.create(owner=alice, name=f"Group {n}")
        Piece.objects.create(owner=alice, title=f"Post {n}", published_on=today)
    with CaptureQueriesContext(connection) as more:
        coach_client.get(url)
    assert len(more) == len(queries)
