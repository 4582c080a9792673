"""The webhook pages: register, edit, delete, the log and the test button; another user's
endpoint or delivery is a 404 on every URL and method; the account export and deletion."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import account_delete
from imports import exports
from tests.webhooks.factories import endpoint
from webhooks.models import Event, WebhookDelivery, WebhookEndpoint
from webhooks.services import event_emit

pytestmark = pytest.mark.django_db


def form(url: str = "https://93.184.215.14/in", **extra) -> dict:
    return {"url": url, "events": ["interaction.logged", "followup.due"], "enabled": "on", **extra}


def test_it_registers_an_endpoint_with_a_secret(alice_client, alice):
    response = alice_client.post(reverse("webhooks:create"), form(description="Team chat"))
    hook = WebhookEndpoint.objects.get(owner=alice)
    assert response.url == reverse("webhooks:detail", args=[hook.pk])
    assert hook.events == ["interaction.logged", "followup.due"]
    assert hook.secret.startswith("whsec_")
    page = alice_client.get(response.url).content.decode()
    assert hook.secret in page
    assert "Send test" in page


def test_a_private_target_is_refused_in_words_and_nothing_is_saved(alice_client, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    response = alice_client.post(reverse("webhooks:create"), form("http://192.168.0.10/hook"))
    assert response.status_code == 200
    assert "private or reserved network" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (form("ftp://93.184.215.14/x"), "Only http:// and https://"),
        (form("not a url at all"), "Enter a full URL"),
        (form(events=[]), "Choose at least one event"),
    ],
)
def test_bad_input_gets_a_message_in_words(alice_client, data, message):
    response = alice_client.post(reverse("webhooks:create"), data)
    assert message in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_ten_endpoints_is_the_most(alice_client, alice):
    for n in range(10):
        endpoint(alice, f"https://hooks.example.com/{n}")
    response = alice_client.post(reverse("webhooks:create"), form())
    assert "at most 10" in response.content.decode()
    assert WebhookEndpoint.objects.count() == 10


def test_it_edits_renews_the_secret_and_deletes(alice_client, alice):
    hook = endpoint(alice)
    old = hook.secret
    alice_client.post(reverse("webhooks:edit", args=[hook.pk]), form("https://93.184.215.15/b"))
    hook.refresh_from_db()
    assert hook.url == "https://93.184.215.15/b"
    alice_client.post(reverse("webhooks:secret", args=[hook.pk]))
    hook.refresh_from_db()
    assert hook.secret != old
    event_emit(owner_id=alice.pk, event=Event.INTERACTION_LOGGED, data={})
    alice_client.post(reverse("webhooks:delete", args=[hook.pk]))
    assert not WebhookEndpoint.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_the_test_button_writes_a_ping_delivery(alice_client, alice):
    hook = endpoint(alice)
    response = alice_client.post(reverse("webhooks:test", args=[hook.pk]))
    assert response.url == reverse("webhooks:detail", args=[hook.pk])
    assert WebhookDelivery.objects.get().event == Event.PING


def test_the_log_and_a_delivery_page_show_what_happened(alice_client, alice):
    hook = endpoint(alice)
    event_emit(owner_id=alice.pk, event=Event.CONTACT_CREATED, data={"id": 7})
    row = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=row.pk).update(
        status="failed", attempts=8, response_code=503, error="The endpoint answered 503."
    )
    page = alice_client.get(reverse("webhooks:detail", args=[hook.pk])).content.decode()
    assert "Failed" in page
    assert "503" in page
    detail = alice_client.get(reverse("webhooks:delivery", args=[row.pk]))
    assert str(row.uid) in detail.content.decode()
    assert "&quot;id&quot;: 7" in detail.content.decode()


def test_the_pages_take_as_many_queries_at_1000_deliveries_as_at_10(alice_client, alice):
    hooks = [endpoint(alice, f"https://hooks.example.com/{n}") for n in range(3)]

    def cost(name: str, *args) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert alice_client.get(reverse(name, args=args)).status_code == 200
        return len(captured)

    def add(n: int) -> None:
        rows = [WebhookDelivery(endpoint=h, event="ping", body="{}") for h in hooks] * 1
        WebhookDelivery.objects.bulk_create(
            [WebhookDelivery(endpoint=r.endpoint, event="ping", body="{}") for r in rows * n]
        )

    add(4)
    few = (cost("webhooks:list"), cost("webhooks:detail", hooks[0].pk))
    add(330)
    assert (cost("webhooks:list"), cost("webhooks:detail", hooks[0].pk)) == few


# --- Tenancy ----------------------------------------------------------------------------------

PAGES = [
    ("webhooks:detail", "get"),
    ("webhooks:edit", "get"),
    ("webhooks:edit", "post"),
    ("webhooks:delete", "get"),
    ("webhooks:delete", "post"),
    ("webhooks:test", "post"),
    ("webhooks:secret", "post"),
]


@pytest.mark.parametrize(("name", "method"), PAGES)
def test_another_users_endpoint_is_a_404(client, alice, bob, name, method):
    hook = endpoint(alice)
    client.force_login(bob)
    response = getattr(client, method)(reverse(name, args=[hook.pk]), form())
    assert response.status_code == 404
    hook.refresh_from_db()
    assert hook.url == "https://hooks.example.com/in"
    assert not WebhookDelivery.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_users_delivery_is_a_404(client, alice, bob, method):
    endpoint(alice)
    endpoint(bob)
    event_emit(owner_id=alice.pk, event=Event.CONTACT_CREATED, data={})
    row = WebhookDelivery.objects.get()
    client.force_login(bob)
    response = getattr(client, method)(reverse("webhooks:delivery", args=[row.pk]))
    assert response.status_code == 404


def test_the_list_shows_only_ones_own_endpoints(client, alice, bob):
    endpoint(alice, "https://alice.example.com/hook")
    client.force_login(bob)
    assert "alice.example.com" not in client.get(reverse("webhooks:list")).content.decode()


# --- The account ------------------------------------------------------------------------------


def test_the_account_export_holds_the_endpoints_but_never_their_secrets(alice):
    hook = endpoint(alice, description="Team chat")
    text = "".join(exports.account_json(alice))
    (exported,) = json.loads(text)["webhook_endpoints"]
    assert exported["url"] == hook.url
    assert exported["events"] == hook.events
    assert hook.secret not in text
    assert "secret" not in exported


def test_deleting_the_account_removes_endpoints_and_deliveries(alice, bob):
    endpoint(alice)
    endpoint(bob)
    event_emit(owner_id=alice.pk, event=Event.CONTACT_CREATED, data={})
    event_emit(owner_id=bob.pk, event=Event.CONTACT_CREATED, data={})
    account_delete(user=alice)
    assert list(WebhookEndpoint.objects.values_list("owner", flat=True)) == [bob.pk]
    assert WebhookDelivery.objects.filter(endpoint__owner=bob).count() == 1
    assert WebhookDelivery.objects.count() == 1


def test_a_second_test_within_seconds_is_refused_in_words(alice_client, alice):
    hook = endpoint(alice)
    alice_client.post(reverse("webhooks:test", args=[hook.pk]))
    response = alice_client.post(reverse("webhooks:test", args=[hook.pk]), follow=True)
    assert "A test is on its way already" in response.content.decode()
    assert WebhookDelivery.objects.count() == 1
