"""The one way a view reaches a user's communities: anything else is a 404."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from communities.models import Community, CommunityQuerySet


def communities_for(user: Any) -> CommunityQuerySet:
    return Community.objects.owned_by(user)


def get_community_for(user: Any, pk: int) -> Community:
    return get_object_or_404(communities_for(user), pk=pk)
