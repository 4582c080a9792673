"""Delete my account: it asks for the password, removes everything, and nothing is sent after."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from communities.models import Community
from contacts.models import Contact, Interaction, Tag
from content.models import Piece
from events.models import Event
from followups.digest import digest_send
from followups.models import DeliveryStatus, DigestDelivery, FollowUp
from goals.models import GoalPlan
from imports.models import ImportJob
from imports.services import import_create
from imports.sniff import sniff
from tests.conftest import PASSWORD
from tests.contacts.factories import contact, log

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def alices_things(alice):
    dana = contact(alice, "Dana")
    slack = Community.objects.create(owner=alice, name="Fintech Slack")
    log(alice, dana, community=slack)
    Event.objects.create(owner=alice, name="Meetup", starts_at=timezone.now())
    Piece.objects.create(owner=alice, title="A post", published_on=dt.date(2026, 6, 1))
    alice.tags.create(name="fintech")
    FollowUp.objects.create(owner=alice, about="Deck", due_on=dt.date(2026, 6, 20))
    GoalPlan.objects.create(owner=alice, started_on=dt.date(2026, 6, 1))
    pending = DigestDelivery.objects.create(
        user=alice, local_date=dt.date(2026, 6, 16), status=DeliveryStatus.PENDING
    )
    data = b"First Name,Last Name,URL,Company,Position,Connected On\nDana,Reyes,,,,\n"
    upload = SimpleUploadedFile("c.csv", data)
    found = sniff(upload, size=len(data), max_bytes=1_000_000)
    job = import_create(owner=alice, upload=upload, sniffed=found)
    return {"delivery": pending, "job": job}


def test_the_page_asks_for_the_password(alice_client):
    page = alice_client.get(reverse("accounts:delete")).content.decode()
    assert 'type="password"' in page
    assert "everything in it" in page


def test_a_wrong_password_deletes_nothing(alice_client, alice, alices_things):
    response = alice_client.post(reverse("accounts:delete"), {"password": "not my password"})
    assert response.status_code == 200
    assert "That is not your password; nothing was deleted." in response.content.decode()
    assert User.objects.filter(pk=alice.pk).exists()
    assert Contact.objects.filter(owner=alice).exists()


def test_it_removes_everything_and_logs_out(
    alice_client, alice, bob, alices_things, django_capture_on_commit_callbacks
):
    bobs = contact(bob, "Bobs friend")
    job = alices_things["job"]
    storage, name = job.file.storage, job.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.url == reverse("accounts:login")
    assert not User.objects.filter(pk=alice.pk).exists()
    for model in (
        Contact,
        Interaction,
        Tag,
        FollowUp,
        GoalPlan,
        ImportJob,
        Community,
        Event,
        Piece,
    ):
        assert not model.objects.exclude(pk=bobs.pk).exists(), model.__name__
    assert not storage.exists(name)
    assert Contact.objects.filter(pk=bobs.pk).exists()
    assert alice_client.get(reverse("today")).status_code == 302  # logged out


def test_a_digest_queued_before_the_deletion_sends_nothing(alice_client, alices_things, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    delivery = alices_things["delivery"]
    alice_client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert not DigestDelivery.objects.filter(pk=delivery.pk).exists()
    digest_send(delivery.pk)  # the message already in the queue reaches a worker
    assert mail.outbox == []


def test_settings_link_to_it(alice_client):
    page = alice_client.get(reverse("accounts:settings")).content.decode()
    assert reverse("accounts:delete") in page
