"""The one way a view reaches a user's captured items, review entries and rules: anything
else is a 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from capture.models import (
    CalendarFeed,
    CapturedItem,
    CapturedItemQuerySet,
    IgnoreRule,
    Mailbox,
    ReviewEntry,
    ReviewEntryQuerySet,
)


def items_for(user: Any) -> CapturedItemQuerySet:
    return CapturedItem.objects.owned_by(user)


def get_item_for(user: Any, pk: int) -> CapturedItem:
    return get_object_or_404(items_for(user), pk=pk)


def entries_for(user: Any) -> ReviewEntryQuerySet:
    return ReviewEntry.objects.owned_by(user)


def get_entry_for(user: Any, pk: int) -> ReviewEntry:
    return get_object_or_404(entries_for(user), pk=pk)


def rules_for(user: Any) -> QuerySet[IgnoreRule]:
    return IgnoreRule.objects.filter(user=user)


def get_rule_for(user: Any, pk: int) -> IgnoreRule:
    return get_object_or_404(rules_for(user), pk=pk)


def mailboxes_for(user: Any) -> QuerySet[Mailbox]:
    return Mailbox.objects.owned_by(user)


def get_mailbox_for(user: Any, pk: int) -> Mailbox:
    return get_object_or_404(mailboxes_for(user), pk=pk)


def feeds_for(user: Any) -> QuerySet[CalendarFeed]:
    return CalendarFeed.objects.owned_by(user)


def get_feed_for(user: Any, pk: int) -> CalendarFeed:
    return get_object_or_404(feeds_for(user), pk=pk)
