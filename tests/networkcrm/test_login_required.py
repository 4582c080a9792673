"""Every URL needs a login unless it is on the short public list below."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

PUBLIC = {
    "accounts:signup",
    "accounts:login",
    "accounts:logout",
    "accounts:password_reset",
    "accounts:password_reset_sent",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "healthz",
    # The token in the address is the credential: a calendar app or a mail client has no login.
    "followups:calendar",
    "followups:digest_action",
    "followups:digest_unsubscribe",
    "kpis:summary_unsubscribe",
    # The REST API's description (its schema and docs page) holds no one's data.
    "api:schema",
    "api:docs",
}
# The REST API answers an anonymous request 401 in problem details, not with a login page.
API = {"api:tokens", "api:token_revoke"}  # the settings pages, not the API
SAMPLE_KWARGS = {"section": "import", "uidb64": "MQ", "token": "set-password", "pk": 1}


def named_urls(resolver: URLResolver | None = None, namespace: str = ""):
    """(name, url) for every named route outside the admin, with sample arguments."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_urls(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}{entry.name}"
            kwargs = {k: SAMPLE_KWARGS[k] for k in entry.pattern.regex.groupindex}
            yield name, reverse(name, kwargs=kwargs)


ALL = sorted(named_urls())


def test_it_finds_the_routes_it_checks():
    names = {name for name, _ in ALL}
    assert {"today", "contacts:list", "accounts:settings", "status"} <= names
    assert names >= PUBLIC


def is_api(name: str) -> bool:
    return name.startswith("api:") and name not in PUBLIC | API


@pytest.mark.parametrize(
    ("name", "url"), [item for item in ALL if item[0] not in PUBLIC and not is_api(item[0])]
)
def test_it_redirects_an_anonymous_visitor_to_the_login_page(client, name, url):
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, f"{name} answered {response.status_code}"
        assert response.url.startswith(reverse("accounts:login") + "?next="), name


@pytest.mark.parametrize(("name", "url"), [item for item in ALL if is_api(item[0])])
def test_it_answers_an_anonymous_api_request_401(client, name, url):
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 401, f"{name} answered {response.status_code}"
        assert response["Content-Type"] == "application/problem+json", name


@pytest.mark.parametrize("url", ["/admin/", "/admin/contacts/contact/"])
def test_it_sends_an_anonymous_visitor_of_the_admin_to_a_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "login" in response.url
