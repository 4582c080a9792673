"""The plan page: purpose, objectives with progress, priorities, tactics, review; history."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Channel, Tag
from goals import services
from goals.models import GoalPlan, Objective, Priority, Tactic
from goals.starters import BLANK, JOB_SEARCH, Starter
from tests.contacts.factories import contact, log

pytestmark = pytest.mark.django_db

# Wednesday 10 June 2026 in Paris: day 10 of June, day 3 of the week of 8–14 June.
TODAY = dt.date(2026, 6, 10)
NOW = dt.datetime(2026, 6, 10, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def start(owner, starter=JOB_SEARCH, today=dt.date(2026, 6, 1)):
    return services.plan_start(owner=owner, starter=starter, today=today)


def page(client):
    response = client.get(reverse("goals:plan"))
    assert response.status_code == 200
    return response.content.decode()


def test_it_leads_to_the_guided_setup_without_a_plan(alice_client):
    html = page(alice_client)
    assert 'data-testid="goals-empty"' in html
    assert reverse("goals:setup") in html


def test_it_shows_the_purpose_and_its_audience(alice_client, alice):
    plan = start(alice)
    plan.audience_tags.add(Tag.objects.create(owner=alice, name="fintech"))
    GoalPlan.objects.filter(pk=plan.pk).update(audience_circles=["inner"])
    html = page(alice_client)
    assert "Hiring managers, recruiters" in html
    assert "Contacts tagged fintech, in the Inner circle" in html


def test_each_objective_shows_its_own_audience_and_the_people_it_targets(alice_client, alice):
    """The tags and targets come in one query for the whole plan: each keeps to its own."""
    plan = start(alice, BLANK)
    fintech, health = (Tag.objects.create(owner=alice, name=n) for n in ("fintech", "health"))
    plan.audience_tags.add(health)
    dana, eli, zoe = contact(alice, "Dana"), contact(alice, "Eli"), contact(alice, "Zoe")
    first = Objective.objects.create(plan=plan, title="First", metric="new_contacts", target=3)
    first.audience_tags.add(fintech, health)
    first.targets.add(zoe, dana)
    second = Objective.objects.create(plan=plan, title="Second", metric="new_contacts", target=3)
    second.targets.add(eli)
    html = page(alice_client)
    first_at, second_at = (html.index(f'id="objective-{o.pk}"') for o in (first, second))
    first_card, second_card = html[first_at:second_at], html[second_at:]
    assert "among contacts tagged fintech or health" in first_card
    assert first_card.index(">Dana<") < first_card.index(">Zoe<")  # by name, as the model orders
    assert "Eli" not in first_card
    assert "among" not in second_card.split("</article>")[0]
    assert ">Eli<" in second_card
    assert "Contacts tagged health" in html  # the plan's own audience


def test_it_lists_priorities_in_order_and_the_not_now_list_apart(alice_client, alice):
    start(alice)
    html = page(alice_client)
    first, second = (p.text for p in JOB_SEARCH.priorities[:2])
    aside = html.index(">Not now</h3>")
    assert html.index(first) < html.index(second) < aside
    assert aside < html.index(JOB_SEARCH.priorities[2].text)


# --- Review -----------------------------------------------------------------------------


def test_a_new_plan_shows_no_review_banner(alice_client, alice):
    start(alice)
    assert 'data-testid="review-banner"' not in page(alice_client)


def test_it_asks_for_a_review_a_month_after_the_last(alice_client, alice):
    plan = start(alice)
    GoalPlan.objects.filter(pk=plan.pk).update(reviewed_at=NOW - dt.timedelta(days=31))
    html = page(alice_client)
    assert 'data-testid="review-banner"' in html
    assert "It has been 31 days." in html


def test_it_asks_for_a_review_of_a_plan_never_reviewed(alice_client, alice):
    plan = start(alice)
    GoalPlan.objects.filter(pk=plan.pk).update(reviewed_at=None)
    assert 'data-testid="review-banner"' in page(alice_client)


def test_marking_reviewed_hides_the_banner(alice_client, alice):
    plan = start(alice)
    GoalPlan.objects.filter(pk=plan.pk).update(reviewed_at=None)
    response = alice_client.post(reverse("goals:review"))
    assert response.url == reverse("goals:plan")
    plan.refresh_from_db()
    assert plan.reviewed_at == NOW
    assert 'data-testid="review-banner"' not in page(alice_client)


def test_reviewing_without_a_plan_is_a_404(alice_client):
    assert alice_client.post(reverse("goals:review")).status_code == 404


# --- Priorities by htmx -----------------------------------------------------------------


def priority_texts(plan, not_now=False):
    return [p.text for p in Priority.objects.filter(plan=plan, not_now=not_now)]


def test_it_moves_a_priority_and_redraws_the_lists_for_htmx(alice_client, alice):
    plan = start(alice)
    second = Priority.objects.filter(plan=plan, not_now=False)[1]
    response = alice_client.post(
        reverse("goals:priority_move", args=[second.pk]),
        {"direction": "up"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.content.decode().startswith('<section id="priorities"')
    assert priority_texts(plan)[0] == second.text


def test_it_moves_a_priority_and_returns_to_the_plan_without_htmx(alice_client, alice):
    plan = start(alice)
    first = Priority.objects.filter(plan=plan, not_now=False)[0]
    response = alice_client.post(
        reverse("goals:priority_move", args=[first.pk]), {"direction": "down"}
    )
    assert response.url == reverse("goals:plan") + "#priorities"
    assert priority_texts(plan)[1] == first.text


def test_a_move_in_no_direction_is_a_bad_request(alice_client, alice):
    first = Priority.objects.filter(plan=start(alice))[0]
    response = alice_client.post(
        reverse("goals:priority_move", args=[first.pk]), {"direction": "x"}
    )
    assert response.status_code == 400


def test_it_sets_a_priority_aside(alice_client, alice):
    plan = start(alice)
    first = Priority.objects.filter(plan=plan, not_now=False)[0]
    alice_client.post(
        reverse("goals:priority_not_now", args=[first.pk]), {"not_now": "1"}, HTTP_HX_REQUEST="true"
    )
    assert priority_texts(plan, not_now=True)[-1] == first.text


def test_it_adds_a_priority_from_the_list(alice_client, alice):
    plan = start(alice, BLANK)
    response = alice_client.post(
        reverse("goals:priority_create"),
        {"text": "Podcasts", "not_now": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert "Podcasts" in response.content.decode()
    assert priority_texts(plan, not_now=True) == ["Podcasts"]


def test_an_empty_priority_says_so_and_saves_nothing(alice_client, alice):
    start(alice, BLANK)
    response = alice_client.post(
        reverse("goals:priority_create"), {"text": "  "}, HTTP_HX_REQUEST="true"
    )
    assert "Write the priority first." in response.content.decode() or (
        "Write what this priority is" in response.content.decode()
    )
    assert not Priority.objects.exists()


# --- Bounded queries --------------------------------------------------------------------

# The user and their profile, the plan and its tags, its objectives with their tags and
# targets, tactics, priorities, and one statement for every number.
PLAN_PAGE_MAX_QUERIES = 10


def plan_of_size(owner, objectives, tactics):
    plan = start(owner, BLANK)
    tag, _new = Tag.objects.get_or_create(owner=owner, name="fintech")
    dana = contact(owner)
    for index in range(objectives):
        objective = Objective.objects.create(
            plan=plan,
            title=f"Objective {index}",
            metric=["meaningful_connections", "interactions_by_channel"][index % 2],
            target=6,
            audience_circles=["inner"] if index % 3 else [],
        )
        objective.audience_tags.add(tag)
        objective.targets.add(dana)
    for index in range(tactics):
        Tactic.objects.create(
            plan=plan,
            platform=list(Channel)[index % len(Channel)],
            action=f"Tactic {index}",
            active=index != 1,
            objective=objective if index % 2 else None,
        )
    for index in range(3):
        Priority.objects.create(
            plan=plan,
            text=f"Priority {index}" if index else "",
            objective=objective if index != 1 else None,
            contact=dana if index else None,
        )
    log(owner, dana, on=TODAY, today=TODAY, duration_minutes=30)
    return plan


def queries_of_plan_page(client):
    page(client)  # warm the session cache
    with CaptureQueriesContext(connection) as queries:
        html = page(client)
    return len(queries), html


def test_the_plan_page_runs_as_many_queries_at_any_size(alice_client, alice):
    plan_of_size(alice, 1, 2)
    small, _html = queries_of_plan_page(alice_client)
    plan_of_size(alice, 10, 8)  # a new plan; the first one goes to the history
    large, html = queries_of_plan_page(alice_client)
    assert small == large <= PLAN_PAGE_MAX_QUERIES
    assert html.count('data-testid="objective"') == 10
    assert html.count('data-testid="tactic"') == 8
    assert html.count("For “Objective 9”") == 4  # tactics name it
    assert html.count(">Dana<") == 2 + 10  # two priorities, and every objective's target


# --- History ----------------------------------------------------------------------------


def test_it_lists_earlier_plans_with_their_dates(alice_client, alice):
    start(alice, Starter(key="blank", name="Spring plan", summary=""), today=dt.date(2026, 3, 1))
    start(alice, today=dt.date(2026, 6, 1))
    html = alice_client.get(reverse("goals:history")).content.decode()
    assert "Spring plan" in html
    assert "1 Mar 2026 – 1 Jun 2026" in html


def test_it_shows_an_earlier_plan_read_only(alice_client, alice):
    old = start(alice, today=dt.date(2026, 3, 1))
    start(alice, BLANK)
    html = alice_client.get(reverse("goals:plan_detail", args=[old.pk])).content.decode()
    assert "read-only" in html
    assert "Have meaningful conversations" in html
    assert reverse("goals:objective_edit", args=[old.objectives.first().pk]) not in html


def test_an_earlier_plans_objective_cannot_be_edited(alice_client, alice):
    old = start(alice, today=dt.date(2026, 3, 1))
    start(alice, BLANK)
    objective = old.objectives.first()
    assert alice_client.get(reverse("goals:objective_edit", args=[objective.pk])).status_code == 404


@pytest.mark.parametrize("name", ["priority_move", "priority_not_now", "tactic_active"])
def test_a_get_of_a_post_only_route_is_not_allowed(alice_client, alice, name):
    plan = start(alice)
    pk = (plan.tactics if name.startswith("tactic") else plan.priorities).first().pk
    assert alice_client.get(reverse(f"goals:{name}", args=[pk])).status_code == 405


def test_the_admin_lists_and_opens_goal_plans(admin_client, alice):
    plan = start(alice)
    objective = plan.objectives.first()
    assert admin_client.get(reverse("admin:goals_goalplan_changelist")).status_code == 200
    assert (
        admin_client.get(reverse("admin:goals_goalplan_change", args=[plan.pk])).status_code == 200
    )
    page = admin_client.get(reverse("admin:goals_objective_change", args=[objective.pk]))
    assert '<option value="meaningful_connections" selected>' in page.content.decode()


def test_what_the_user_wrote_is_escaped_in_the_cards_tactics_and_priorities(alice_client, alice):
    """User text in the cards, tactics and priorities is escaped by the template engine."""
    plan = start(alice, BLANK)
    mark = "<b>&'\""
    escaped = "&lt;b&gt;&amp;&#x27;&quot;"
    objective = Objective.objects.create(
        plan=plan, title=f"Card {mark}", metric="new_contacts", target=3
    )
    Tactic.objects.create(
        plan=plan,
        platform="email",
        action=f"Tactic {mark}",
        minutes_per_week=30,
        boundaries=f"Bounds {mark}",
        objective=objective,
    )
    Priority.objects.create(plan=plan, text=f"Priority {mark}", objective=objective, position=1)
    dana = contact(alice, f"Dana {mark}")
    Priority.objects.create(plan=plan, contact=dana, position=2, not_now=True)
    html = page(alice_client)
    for text in ("Card", "Tactic", "Bounds", "Priority", "Dana"):
        assert f"{text} {escaped}" in html
        assert f"{text} {mark}" not in html
    assert f"For “Card {escaped}”" in html  # the tactic names its objective
    assert f"· for “Card {escaped}”" in html  # and so does the priority
