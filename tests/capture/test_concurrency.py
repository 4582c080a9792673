"""Two captures of one message at once, on real PostgreSQL transactions: one interaction."""

from __future__ import annotations

import pytest

from capture.models import CapturedItem
from contacts.models import Interaction
from tests.capture.helpers import mail, person
from tests.kpis.test_rollup_concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_captures_of_one_message_at_once_log_it_once(postgresql, alice):
    person(alice, "Dana", "dana@example.com")
    for n in range(5):
        at_once(*[lambda n=n: mail(alice, f"m{n}@x") for _ in range(3)])
    assert CapturedItem.objects.count() == 5
    assert Interaction.objects.count() == 5
