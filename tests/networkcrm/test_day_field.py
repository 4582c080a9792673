"""networkcrm.forms.DayField: a date that does not exist is explained in words."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms

from networkcrm.forms import DayField, impossible_date


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30", "February 2026 has no day 30: it has 28 days."),
        ("2024-02-30", "February 2024 has no day 30: it has 29 days."),
        ("2026-04-31", "April 2026 has no day 31: it has 30 days."),
        ("2026-01-00", "January 2026 has no day 0: it has 31 days."),
        ("2026-13-01", "There is no month 13: months go from 1 to 12."),
        ("2026-00-10", "There is no month 0: months go from 1 to 12."),
    ],
)
def test_it_says_why_a_well_written_date_does_not_exist(text, message):
    with pytest.raises(forms.ValidationError) as refused:
        DayField().clean(text)
    assert refused.value.messages == [message]


@pytest.mark.parametrize("text", ["next week", "30/02/2026", "2026-2", "0000-01-01"])
def test_it_asks_for_the_format_when_the_text_is_not_a_date(text):
    with pytest.raises(forms.ValidationError) as refused:
        DayField().clean(text)
    assert refused.value.messages == ["Enter the date as YYYY-MM-DD."]


def test_it_reads_a_real_day():
    assert DayField().clean("2024-02-29") == dt.date(2024, 2, 29)
    assert impossible_date("2024-02-29") is None
