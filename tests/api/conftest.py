from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api.models import TokenScope
from api.services import token_create


def bearer(user, scope: str = TokenScope.WRITE, **kwargs) -> APIClient:
    _token, secret = token_create(owner=user, name="script", scope=scope, **kwargs)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def api(alice) -> APIClient:
    """alice's write token."""
    return bearer(alice)


@pytest.fixture
def bob_api(bob) -> APIClient:
    return bearer(bob)


@pytest.fixture
def coach(carol):
    from coaching.services import make_coach

    make_coach(carol)
    return carol
