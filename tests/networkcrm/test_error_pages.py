"""403, 404 and 500 pages wear the app's layout, for visitors too, and 500 needs no
database."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.contacts.factories import contact


@pytest.mark.django_db
def test_another_users_contact_is_a_404_in_the_apps_layout(alice_client, bob):
    theirs = contact(bob, "Theirs")
    response = alice_client.get(reverse("contacts:detail", args=[theirs.pk]))
    body = response.content.decode()
    assert response.status_code == 404
    assert "<title>Page not found · NetworkCRM</title>" in body
    assert 'data-testid="current-user">Alice<' in body
    assert "Theirs" not in body


@pytest.mark.django_db
def test_a_visitor_gets_the_404_in_the_layout_without_the_menu(client):
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body
    assert 'class="navbar-brand fw-semibold"' in body
    assert "current-user" not in body


@pytest.mark.django_db
def test_a_403_says_why_in_the_apps_layout(alice_client):
    response = alice_client.get(reverse("status"))
    body = response.content.decode()
    assert response.status_code == 403
    assert "<title>Not allowed · NetworkCRM</title>" in body
    assert "The status page is for operators." in body
    assert 'data-testid="current-user">Alice<' in body


def test_the_500_page_wears_the_layout_without_touching_the_database():
    # No django_db mark: a query here would fail the test.
    response = server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "<title>Something went wrong · NetworkCRM</title>" in body
    assert 'class="navbar-brand fw-semibold"' in body
    assert reverse("today") in body
