import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import User
from followups.models import DeliveryStatus, DigestDelivery

pytestmark = pytest.mark.django_db


def test_operators_see_failed_deliveries_with_the_servers_reply(client, alice):
    operator = User.objects.create_superuser(email="ops@example.com", password="x" * 12)
    DigestDelivery.objects.create(
        user=alice,
        local_date=dt.date(2026, 6, 1),
        status=DeliveryStatus.FAILED,
        error="550 5.1.1 No such mailbox here",
    )
    DigestDelivery.objects.create(user=alice, local_date=dt.date(2026, 6, 2))
    client.force_login(operator)
    url = reverse("admin:followups_digestdelivery_changelist")
    response = client.get(url, {"status__exact": "failed"})
    assert "550 5.1.1 No such mailbox here" in response.content.decode()
    assert response.context["cl"].result_count == 1
    assert client.get(reverse("admin:followups_digestdelivery_add")).status_code == 403


def test_an_ordinary_user_cannot_see_deliveries(alice_client):
    url = reverse("admin:followups_digestdelivery_changelist")
    assert alice_client.get(url).status_code == 302
