"""Query-string lookups on the coach's changelists, generated from the admin registry.

A coach may filter a changelist only by what the page offers (its filters and date hierarchy;
search, ordering and paging are read apart). Every other parameter — a field of the model, a
relation path, a private field above all — is refused with a 400 whatever its value, so the
answer cannot tell one value from another. Operators keep the admin's own lookups.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import CoachScope
from coaching.admin import ScopedAdmin
from coaching.models import AccessLog
from tests.coaching.conftest import MARKER, assign, network

pytestmark = pytest.mark.django_db

# What a coach must never filter on, searched or sorted by: checked first in every walk.
PRIVATE_FIELDS = ("private_notes", "private")
LOOKUPS = ("", "__exact", "__startswith", "__icontains", "__regex", "__gt", "__isnull")
VALUES = ("Z", MARKER[:3], "1")


def coach_admins() -> list[tuple[type[models.Model], ScopedAdmin]]:
    """Every registered admin a coach may open a changelist of."""
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ScopedAdmin)
    ]


def changelist_url(model: type[models.Model]) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def field_paths(model: type[models.Model]) -> list[str]:
    """Each field of the model and, through each relation, each field of the related model;
    private fields first."""
    paths = []
    for field in model._meta.get_fields():
        paths.append(field.name)
        if field.is_relation and field.related_model is not None:
            paths += [f"{field.name}__{far.name}" for far in field.related_model._meta.get_fields()]
    return sorted(paths, key=lambda p: not any(part in PRIVATE_FIELDS for part in p.split("__")))


def declared(model_admin: ScopedAdmin, coach: Any) -> set[str]:
    request = RequestFactory().get("/")
    request.user = coach
    return model_admin.declared_parameters(request)


@pytest.fixture
def caseload(coach, alice):
    data = network(alice)
    assign(alice, coach, CoachScope.INTERACTIONS)
    return data


def test_it_refuses_every_undeclared_lookup_on_every_coach_changelist(
    caseload, coach, coach_client
):
    for model, model_admin in coach_admins():
        url = changelist_url(model)
        assert coach_client.get(url).status_code == 200, url
        logged = AccessLog.objects.count()
        allowed = declared(model_admin, coach)
        for path in field_paths(model):
            lookups = LOOKUPS if path.split("__")[0] in PRIVATE_FIELDS else ("", "__startswith")
            for lookup in lookups:
                name = path + lookup
                if name in allowed:
                    continue
                answers = {
                    (r.status_code, r.content)
                    for r in (coach_client.get(url, {name: value}) for value in VALUES)
                }
                assert len(answers) == 1, f"{url}?{name}= tells values apart"
                assert answers.pop()[0] == 400, f"{url}?{name}= was not refused"
        # A refused probe reads no client data, so there is nothing to log of it.
        assert AccessLog.objects.count() == logged


def test_it_keeps_the_declared_filters_working(caseload, coach, coach_client, alice):
    url = changelist_url(
        model := next(m for m, _ in coach_admins() if m._meta.model_name == "clientcontact")
    )
    assert model is not None
    everyone = coach_client.get(url)
    filtered = coach_client.get(url, {"client": alice.pk, "circle__exact": "active"})
    assert filtered.status_code == 200
    assert filtered.context["cl"].result_count <= everyone.context["cl"].result_count
    interactions = changelist_url(
        next(m for m, _ in coach_admins() if m._meta.model_name == "clientinteraction")
    )
    today = caseload["public"].occurred_on
    by_day = coach_client.get(
        interactions,
        {"occurred_on__year": today.year, "occurred_on__month": today.month},
    )
    assert by_day.status_code == 200
    assert by_day.context["cl"].result_count == 1


def test_no_coach_changelist_declares_a_private_field(coach):
    for model, model_admin in coach_admins():
        request = RequestFactory().get("/")
        request.user = coach
        names = [
            *declared(model_admin, coach),
            *model_admin.get_search_fields(request),
            *(model_admin.get_ordering(request) or ()),
            *(
                getattr(getattr(model_admin, n, None), "admin_order_field", "") or ""
                for n in model_admin.list_display
            ),
        ]
        for name in names:
            parts = name.lstrip("-").split("__")
            assert not set(parts) & set(PRIVATE_FIELDS), f"{model.__name__}: {name}"
            # No path through the interaction log, whose rows include private ones.
            assert "interactions" not in parts, f"{model.__name__}: {name}"


def test_an_operator_keeps_the_admins_lookups(caseload, client, django_user_model, alice):
    operator = django_user_model.objects.create_superuser(email="op@example.com", password="x")
    client.force_login(operator)
    url = changelist_url(
        next(m for m, _ in coach_admins() if m._meta.model_name == "clientcontact")
    )
    found = client.get(url, {"company__startswith": "Init"})
    assert found.status_code == 200
    assert found.context["cl"].result_count == 1


LOOKUP_NAMES = st.one_of(
    st.builds(
        lambda path, lookup: path + lookup,
        st.sampled_from(sorted({p for m, _ in coach_admins() for p in field_paths(m)})),
        st.sampled_from(LOOKUPS),
    ),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=30),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    index=st.integers(min_value=0, max_value=len(coach_admins()) - 1),
    name=LOOKUP_NAMES,
    value=st.text(max_size=20),
)
def test_no_lookup_name_or_value_reveals_anything(
    caseload, coach, coach_client, index, name, value
):
    model, model_admin = coach_admins()[index]
    if name in declared(model_admin, coach) or name in (
        "q",
        "o",
        "p",
        "all",
        "e",
        "_popup",
        "_to_field",
        "_facets",
    ):
        return
    probe = coach_client.get(changelist_url(model), {name: value})
    assert probe.status_code == 400
    assert probe.content == coach_client.get(changelist_url(model), {name: "other"}).content
    assert MARKER.encode() not in probe.content
