import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, email, password, ip="10.0.0.1"):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip
    )


def test_it_logs_in_with_email_in_any_case_and_lands_on_today(client, alice):
    response = login(client, "ALICE@example.com", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("today")
    assert client.get(reverse("today")).context["user"] == alice


def test_it_says_when_the_password_is_wrong(client, alice):
    response = login(client, "alice@example.com", "wrong password")
    assert response.status_code == 200
    assert "That e-mail and password do not match an account" in response.content.decode()


def test_it_locks_out_an_email_from_the_address_that_failed(client, alice):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, "alice@example.com", f"wrong {attempt}", ip="10.6.6.6")
    # Even the right password is refused from there while locked out.
    response = login(client, "alice@example.com", PASSWORD, ip="10.6.6.6")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_lets_the_owner_in_from_elsewhere_while_a_stranger_is_locked_out(client, alice):
    for attempt in range(settings.AXES_FAILURE_LIMIT + 3):
        login(client, "ALICE@example.com", f"wrong {attempt}", ip="10.6.6.6")
    assert login(client, "alice@example.com", PASSWORD, ip="10.9.9.9").status_code == 302


def test_it_does_not_lock_out_an_email_failing_from_many_addresses(client, alice):
    for attempt in range(settings.AXES_FAILURE_LIMIT * 2):
        login(client, "alice@example.com", f"wrong {attempt}", ip=f"10.0.0.{attempt + 1}")
    assert login(client, "alice@example.com", PASSWORD, ip="10.9.9.9").status_code == 302


def test_it_locks_out_an_address_trying_many_emails(client, alice, bob):
    for attempt in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
        login(client, f"nobody{attempt}@example.com", "guess", ip="10.1.1.1")
    response = login(client, "bob@example.com", PASSWORD, ip="10.1.1.1")
    assert response.status_code == 429
    # Bob from his own address is not affected.
    assert login(client, "bob@example.com", PASSWORD, ip="10.2.2.2").status_code == 302


def test_it_lets_an_address_try_many_emails_a_few_times_each_below_its_limit(client, bob):
    for attempt in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        login(client, f"nobody{attempt % 4}@example.com", "guess", ip="10.1.1.1")
    assert login(client, "bob@example.com", PASSWORD, ip="10.1.1.1").status_code == 302


def test_a_login_does_not_clear_the_addresss_failures_on_other_emails(client, alice, bob):
    for attempt in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        login(client, f"nobody{attempt}@example.com", "guess", ip="10.1.1.1")
    assert login(client, "bob@example.com", PASSWORD, ip="10.1.1.1").status_code == 302
    client.logout()
    login(client, "alice@example.com", "guess", ip="10.1.1.1")
    assert login(client, "alice@example.com", PASSWORD, ip="10.1.1.1").status_code == 429


def test_a_login_clears_the_emails_own_failures_from_that_address(client, alice):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "alice@example.com", f"wrong {attempt}")
    assert login(client, "alice@example.com", PASSWORD).status_code == 302
    client.logout()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "alice@example.com", f"wrong {attempt}")
    assert login(client, "alice@example.com", PASSWORD).status_code == 302


def test_it_lifts_a_lockout_after_the_cool_off(client, alice):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            login(client, "alice@example.com", f"wrong {attempt}")
        assert login(client, "alice@example.com", PASSWORD).status_code == 429
    later = start + dt.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    with time_machine.travel(later, tick=False):
        assert login(client, "alice@example.com", PASSWORD).status_code == 302


def test_it_does_not_lock_out_below_the_limit(client, alice):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "alice@example.com", f"wrong {attempt}")
    assert login(client, "alice@example.com", PASSWORD).status_code == 302


def test_it_logs_out_on_post(alice_client):
    response = alice_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert alice_client.get(reverse("today")).status_code == 302
