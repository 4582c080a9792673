import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from goals.models import GoalPlan

pytestmark = pytest.mark.django_db


def plan_reviewed(owner, days_ago):
    return GoalPlan.objects.create(
        owner=owner,
        started_on=dt.date(2026, 1, 1),
        reviewed_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def test_today_nudges_a_review_a_month_after_the_last_one(alice_client, alice):
    plan_reviewed(alice, 31)
    body = alice_client.get(reverse("today")).content.decode()
    assert 'data-testid="today-review-banner"' in body
    assert reverse("goals:plan") in body


def test_today_says_nothing_of_a_recently_reviewed_plan_or_no_plan(alice_client, alice):
    assert "today-review-banner" not in alice_client.get(reverse("today")).content.decode()
    plan_reviewed(alice, 3)
    assert "today-review-banner" not in alice_client.get(reverse("today")).content.decode()
