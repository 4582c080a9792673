"""The KPI page, its CSV downloads, the Today page's cards, the weekly summary's settings."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Profile
from contacts.models import Channel, Kind
from goals.models import Objective
from kpis.models import WeeklyKpi
from kpis.rollup import rollup_backfill
from kpis.summary import unsubscribe_link
from kpis.views import _cell
from tests.contacts.factories import contact
from tests.kpis.test_kpis import AFTER, MONDAY, alice_plan, alice_week, seen

pytestmark = pytest.mark.django_db

PAGE = reverse("kpis:page")
EXPORT = reverse("kpis:export")
# Wednesday 24 June 2026: the last finished week is the one of 15 June.
WEDNESDAY = dt.datetime(2026, 6, 24, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


@pytest.fixture
def alice_rows(alice):
    alice_week(alice)
    alice_plan(alice)
    rollup_backfill(weeks=12, users=[alice], now=AFTER)
    return alice


def body(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def rows_of(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


# --- The page -------------------------------------------------------------------------------


def test_before_the_first_monday_it_shows_this_week_so_far_and_says_when_trends_come(
    alice_client, alice
):
    seen(alice, contact(alice), on=dt.date(2026, 6, 23), kind=Kind.CALL, quality=5)
    page = body(alice_client.get(PAGE))
    assert "Your weekly numbers start on Monday" in page
    assert 'data-testid="kpi-cards"' in page
    assert "kpi-data" not in page


def test_it_draws_the_trends_with_a_table_and_a_csv_link_for_each_chart(alice_client, alice_rows):
    page = body(alice_client.get(PAGE))
    assert 'id="kpi-data" type="application/json"' in page
    slugs = ("activity", "channels", "balance", "strength", "followups", "outcomes", "time")
    for slug in (*slugs, "showing-up"):
        assert f'data-chart="{slug}"' in page
        assert f"{EXPORT}?chart={slug}" in page
    assert page.count("<canvas") == page.count("Show the numbers") - page.count("chart-empty")
    assert "Time spent against your tactics&#x27; budget" in page
    assert "Meaningful conversations" in page  # an objective's chart, with its target


def test_it_shows_last_weeks_suggestions_and_objectives(alice_client, alice_rows):
    page = body(alice_client.get(PAGE))
    assert 'data-testid="suggestions"' in page
    assert "inner-circle contact is overdue" in page  # Ivy
    assert "LinkedIn took 25 min against a 20 min budget" in page
    assert "behind: 1 of 2 with last day" in page


def test_the_chart_data_carries_the_weeks_numbers_and_targets(alice_client, alice_rows):
    response = alice_client.get(PAGE)
    data = response.context["chart_data"]
    assert data["activity"]["labels"][-1] == "15 Jun"
    assert len(data["activity"]["labels"]) == 12
    interactions = data["activity"]["series"][0]
    assert (interactions["label"], interactions["data"][-2:]) == ("Interactions", [1, 6])
    (objective,) = [c for slug, c in data.items() if slug.startswith("objective-")][:1]
    assert [s["target"] for s in objective["series"]] == [False, True]
    assert objective["series"][1]["data"][-1] == 6.0


def test_it_shows_only_the_signed_in_users_numbers(client, alice_rows, bob):
    client.force_login(bob)
    page = body(client.get(PAGE))
    assert "Meaningful conversations" not in page
    assert "Your weekly numbers start on Monday" in page
    rollup_backfill(weeks=2, users=[bob], now=WEDNESDAY)
    data = client.get(PAGE).context["chart_data"]
    assert data["activity"]["series"][0]["data"] == [0, 0]


def test_it_takes_as_many_queries_for_52_weeks_of_rows_as_for_4(alice_client, alice):
    alice_plan(alice)
    seen(alice, contact(alice), on=MONDAY, kind=Kind.MEETING, channel=Channel.IN_PERSON)

    def queries(weeks: int) -> int:
        WeeklyKpi.objects.all().delete()
        rollup_backfill(weeks=weeks, users=[alice], now=AFTER)
        alice_client.get(PAGE)
        with CaptureQueriesContext(connection) as captured:
            body(alice_client.get(PAGE))
        return len(captured.captured_queries)

    assert queries(4) == queries(52)


# --- CSV ------------------------------------------------------------------------------------


def test_the_csv_holds_every_week_and_every_measure(alice_client, alice_rows):
    response = alice_client.get(EXPORT)
    assert "attachment" in response["Content-Disposition"]
    header, *weeks = rows_of(response)
    assert header[:4] == ["week_start", "week_end", "New contacts", "Interactions"]
    assert "Interactions by channel: LinkedIn" in header
    assert "Objective: Meaningful conversations" in header
    assert len(weeks) == 12
    last = dict(zip(header, weeks[-1], strict=True))
    assert (last["week_start"], last["week_end"]) == ("2026-06-15", "2026-06-21")
    assert (last["Interactions"], last["Outcome value"]) == ("6", "5250.5")
    assert last["Contacts overdue"] == "1"


def test_the_csv_of_one_chart_is_its_table(alice_client, alice_rows):
    header, *weeks = rows_of(alice_client.get(EXPORT, {"chart": "followups"}))
    assert header == ["Week", "On time", "Late", "On time (%)"]
    assert weeks[-1] == ["2026-06-15", "1", "1", "50"]


def test_an_unknown_chart_is_not_found(alice_client, alice_rows):
    assert alice_client.get(EXPORT, {"chart": "nope"}).status_code == 404


def test_bob_downloads_only_his_own_weeks(client, alice_rows, bob):
    client.force_login(bob)
    header, *weeks = rows_of(client.get(EXPORT))
    assert weeks == []
    assert not any("Meaningful conversations" in h for h in header)
    objective = Objective.objects.filter(plan__owner__email="alice@example.com").first()
    response = client.get(EXPORT, {"chart": f"objective-{objective.pk}"})
    assert response.status_code == 404


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_quoted():
    assert [_cell(v) for v in ["=1+1", "@SUM(A1)", "-2", "Dana", 5]] == [
        "'=1+1",
        "'@SUM(A1)",
        "'-2",
        "Dana",
        5,
    ]


# --- Today's cards and the navigation -------------------------------------------------------


def test_the_today_page_loads_this_weeks_headline_kpis_after_it(alice_client):
    page = body(alice_client.get(reverse("today")))
    assert f'hx-get="{reverse("kpis:cards")}" hx-trigger="load"' in page
    assert f'<a href="{PAGE}">See your KPIs</a>' in page  # without JavaScript


def test_the_headline_cards_compare_this_week_with_last_week_and_link_to_the_kpi_page(
    alice_client, alice, django_assert_max_num_queries
):
    dana = contact(alice)
    seen(alice, dana, on=dt.date(2026, 6, 16), kind=Kind.CALL, quality=3)
    seen(alice, dana, on=dt.date(2026, 6, 22), kind=Kind.CALL, quality=5)
    seen(alice, dana, on=dt.date(2026, 6, 23), kind=Kind.CALL, quality=2)
    with django_assert_max_num_queries(4):  # the session's user, then one query per source
        response = alice_client.get(reverse("kpis:cards"))
    assert body(response).count(f'href="{PAGE}" data-testid="kpi-card"') == 4
    cards = response.context["cards"]
    assert [(c.title, c.value, c.before, c.arrow) for c in cards] == [
        ("Interactions", 2, 1, "↑"),
        ("Meaningful connections", 1, 0, "↑"),
        ("New contacts", 1, 0, "↑"),
        ("Offline share", Decimal("100.00"), Decimal("100.00"), "→"),
    ]


def test_bobs_cards_count_only_his_week(client, alice, bob):
    seen(alice, contact(alice), on=dt.date(2026, 6, 23), kind=Kind.CALL, quality=5)
    client.force_login(bob)
    cards = client.get(reverse("kpis:cards")).context["cards"]
    assert [c.value for c in cards[:3]] == [0, 0, 0]


def test_the_navigation_leads_to_the_kpi_page(alice_client):
    page = body(alice_client.get(PAGE))
    assert f'<a class="nav-link active" href="{PAGE}">KPIs</a>' in page


# --- The weekly summary's settings and unsubscribe link ------------------------------------


def test_the_weekly_summary_can_be_turned_off_in_the_settings(alice_client, alice):
    url = reverse("accounts:settings")
    response = alice_client.get(url)
    assert "Send me the weekly summary" in body(response)
    assert response.context["form"].initial["weekly_summary_enabled"] is True
    alice_client.post(url, {"name": "Alice", "timezone": "Europe/Paris", "digest_hour": "7"})
    assert not Profile.objects.get(user=alice).weekly_summary_enabled
    alice_client.post(
        url,
        {
            "name": "Alice",
            "timezone": "Europe/Paris",
            "digest_hour": "7",
            "weekly_summary_enabled": "on",
        },
    )
    assert Profile.objects.get(user=alice).weekly_summary_enabled


def test_changing_the_weekly_summary_does_not_move_the_digest(alice_client, alice):
    Profile.objects.filter(user=alice).update(next_digest_at=AFTER)
    alice_client.post(
        reverse("accounts:settings"),
        {"name": "Alice", "timezone": "Europe/Paris", "digest_hour": "7", "digest_enabled": "on"},
    )
    assert Profile.objects.get(user=alice).next_digest_at == AFTER


def test_the_unsubscribe_link_asks_then_turns_the_summary_off(client, alice):
    url = unsubscribe_link(alice)
    assert "Stop the weekly summary" in body(client.get(url))
    assert Profile.objects.get(user=alice).weekly_summary_enabled
    assert 'data-testid="unsubscribed"' in body(client.post(url))
    profile = Profile.objects.get(user=alice)
    assert (profile.weekly_summary_enabled, profile.digest_enabled) == (False, True)


def test_a_damaged_unsubscribe_link_changes_nothing(client, alice):
    response = client.post(unsubscribe_link(alice)[:-3] + "xyz/")
    assert response.status_code == 400
    assert Profile.objects.get(user=alice).weekly_summary_enabled


def test_bob_signed_in_cannot_use_alices_unsubscribe_link(client, alice, bob):
    client.force_login(bob)
    assert client.post(unsubscribe_link(alice)).status_code == 404
    assert Profile.objects.get(user=alice).weekly_summary_enabled


def test_where_you_show_up_carries_events_communities_and_content(alice_client, alice):
    from communities.models import Community
    from content.models import Piece
    from content.services import piece_save
    from events.models import Event
    from events.services import event_met_log

    dana, eli = contact(alice, "Dana"), contact(alice, "Eli")
    slack = Community.objects.create(owner=alice, name="Slack")
    meetup = Event.objects.create(
        owner=alice,
        name="Meetup",
        starts_at=dt.datetime(2026, 6, 16, 18, tzinfo=dt.UTC),
        community=slack,
        timezone="Europe/Paris",
    )
    event_met_log(
        event=meetup,
        contacts=[dana, eli],
        new_people=[],
        quality=4,
        notes="",
        follow_up_on=None,
        follow_up_about="",
        today=dt.date(2026, 6, 17),
    )
    piece = Piece(owner=alice, title="Post", published_on=dt.date(2026, 6, 18), reactions=9)
    piece_save(piece=piece, topic_names=[], engaged=[dana], today=dt.date(2026, 6, 18))
    rollup_backfill(weeks=2, users=[alice], now=WEDNESDAY)
    chart = alice_client.get(PAGE).context["chart_data"]["showing-up"]
    last = {s["label"]: s["data"][-1] for s in chart["series"]}
    assert last == {
        "People met at events": 2,
        "Conversations started by content": 1,
        "Events attended": 1,
        "Communities you took part in": 1,
        "Content shared": 1,
        "Engagement per piece": 9.0,
    }
