import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken, TokenScope, token_digest
from api.services import token_create, token_revoke
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db
URL = "/api/v1/contacts/"


def test_it_refuses_a_request_without_a_token(client, db):
    response = client.get(URL)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401


def test_it_stores_only_the_hash(alice):
    token, secret = token_create(owner=alice, name="x", scope=TokenScope.READ)
    assert secret not in {token.digest, token.hint}
    assert token.digest == token_digest(secret)


def test_a_read_token_reads_but_cannot_write(alice):
    api = bearer(alice, TokenScope.READ)
    assert api.get(URL).status_code == 200
    response = api.post(URL, {"first_name": "Dana"}, format="json")
    assert response.status_code == 403
    assert "only read" in response.json()["detail"]


def test_a_revoked_token_is_refused(alice):
    token, secret = token_create(owner=alice, name="x", scope=TokenScope.WRITE)
    token_revoke(token=token)
    response = bearer_secret(secret).get(URL)
    assert response.status_code == 401
    assert response.json()["detail"] == "This token was revoked."


def test_an_expired_token_is_refused(alice):
    past = timezone.now() - dt.timedelta(minutes=1)
    _token, secret = token_create(owner=alice, name="x", scope=TokenScope.WRITE, expires_at=past)
    assert bearer_secret(secret).get(URL).status_code == 401


def test_an_unknown_token_is_refused(db):
    assert bearer_secret("ncrm_nothing").get(URL).status_code == 401


def bearer_secret(secret):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_it_records_the_last_use_at_most_once_a_minute(alice, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False)
    token, secret = token_create(owner=alice, name="x", scope=TokenScope.READ)
    api = bearer_secret(secret)
    api.get(URL)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first == timezone.now()
    time_machine.shift(30)
    api.get(URL)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    time_machine.shift(31)
    api.get(URL)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_the_session_works_too(alice_client):
    assert alice_client.get(URL).status_code == 200


def test_it_throttles_per_token_with_retry_after(alice, settings):
    settings.API_RATE_LIMIT = "2/min"
    api = bearer(alice)
    other = bearer(alice)
    assert [api.get(URL).status_code for _ in range(2)] == [200, 200]
    limited = api.get(URL)
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert other.get(URL).status_code == 200  # another token has its own count


def test_the_settings_page_shows_a_new_token_once(alice_client, alice):
    page = reverse("api:tokens")
    response = alice_client.post(page, {"name": "phone", "scope": "write"})
    secret = response.context["secret"]
    assert secret.startswith("ncrm_")
    assert secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert secret not in alice_client.get(page).content.decode()
    assert bearer_secret(secret).get(URL).status_code == 200


def test_the_settings_page_refuses_a_past_expiry(alice_client):
    response = alice_client.post(
        reverse("api:tokens"), {"name": "x", "scope": "read", "expires_on": "2001-01-01"}
    )
    assert "Pick a day after today" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_it_revokes_from_the_settings_page(alice_client, alice):
    token, secret = token_create(owner=alice, name="x", scope=TokenScope.READ)
    alice_client.post(reverse("api:token_revoke", args=[token.pk]))
    assert bearer_secret(secret).get(URL).status_code == 401


def test_bob_cannot_revoke_alices_token(alice, bob, client):
    token, _secret = token_create(owner=alice, name="x", scope=TokenScope.READ)
    client.force_login(bob)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_deleting_the_account_deletes_its_tokens(alice):
    from accounts.services import account_delete

    token_create(owner=alice, name="x", scope=TokenScope.READ)
    account_delete(user=alice)
    assert not ApiToken.objects.exists()


def test_the_settings_page_links_to_the_tokens(alice_client):
    body = alice_client.get(reverse("accounts:settings")).content.decode()
    assert reverse("api:tokens") in body


def test_the_account_export_never_carries_a_token(alice):
    from imports.exports import account_json

    token, secret = token_create(owner=alice, name="x", scope=TokenScope.READ)
    exported = "".join(account_json(alice))
    assert secret not in exported
    assert token.digest not in exported
