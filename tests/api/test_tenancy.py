"""Another user's ids answer 404 on every endpoint and method; their ids in a body are refused."""

import pytest

from api.models import TokenScope
from contacts.models import Tag
from followups.services import followup_create
from tests.api.conftest import bearer
from tests.contacts.factories import TODAY, contact, log

pytestmark = pytest.mark.django_db


@pytest.fixture
def bobs(bob):
    dana = contact(bob, "Dana")
    return {
        "contacts": dana.pk,
        "interactions": log(bob, dana).pk,
        "followups": followup_create(owner=bob, contacts=[dana], about="x", due_on=TODAY).pk,
        "tags": Tag.objects.create(owner=bob, name="vc").pk,
    }


DETAIL = [
    (resource, method)
    for resource in ("contacts", "interactions", "followups", "tags")
    for method in ("get", "patch", "delete")
] + [("followups", f"post:{verb}") for verb in ("done", "snooze", "skip")]


@pytest.mark.parametrize(("resource", "method"), DETAIL)
def test_another_users_ids_are_404(api, bobs, resource, method):
    url = f"/api/v1/{resource}/{bobs[resource]}/"
    if method.startswith("post:"):
        response = api.post(f"{url}{method[5:]}/", {"until": "2999-01-01"}, format="json")
    else:
        response = getattr(api, method)(url, {}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("resource", ["contacts", "interactions", "followups", "tags"])
def test_lists_hold_only_ones_own(api, bobs, resource):
    assert api.get(f"/api/v1/{resource}/").json()["results"] == []


def test_filters_by_another_users_contact_find_nothing(api, bobs):
    for resource in ("interactions", "followups"):
        response = api.get(f"/api/v1/{resource}/", {"contact": bobs["contacts"]})
        assert response.json()["results"] == []


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/followups/", {"about": "x", "due_on": "2999-01-01"}, "contacts"),
        ("/api/v1/interactions/", {}, "contacts"),
        ("/api/v1/contacts/", {"first_name": "Eve"}, "introduced_by"),
    ],
)
def test_another_users_contact_in_a_body_is_a_field_error(api, bobs, url, body, field):
    value = bobs["contacts"] if field == "introduced_by" else [bobs["contacts"]]
    response = api.post(url, {**body, field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_read_token_cannot_write_anywhere(alice, bobs):
    api = bearer(alice, TokenScope.READ)
    for resource in ("contacts", "interactions", "followups", "tags"):
        assert api.post(f"/api/v1/{resource}/", {}, format="json").status_code == 403
