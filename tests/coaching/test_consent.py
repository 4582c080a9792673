"""Consent: invitations, requests, scope changes and revocation, from the client's side and
the coach's."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import AssignmentStatus, CoachAssignment, CoachScope, User, is_coach
from coaching.services import invitation_token
from tests.coaching.conftest import assign, network
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def invite(client, email="carol@example.com", scope=CoachScope.CONTACTS):
    return client.post(reverse("coaching:settings"), {"email": email, "scope": scope})


def link_in(message) -> str:
    return re.search(r"http://\S+/coaching/invitations/\S+/", message.body).group(0)


def path_of(url: str) -> str:
    return urlsplit(url).path


def test_invitation_is_mailed_with_a_signed_link(
    alice_client, alice, carol, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(alice_client)
    assert response.status_code == 302
    assignment = CoachAssignment.objects.get(client=alice)
    assert assignment.status == AssignmentStatus.INVITED
    assert assignment.coach is None
    assert assignment.scope == CoachScope.CONTACTS
    [message] = mail.outbox
    assert message.to == ["carol@example.com"]
    assert "Alice invites you" in message.subject
    assert "Never their private notes" in message.body
    html = message.alternatives[0][0]
    assert invitation_token(assignment) in html
    assert invitation_token(assignment) in link_in(message)


def test_coach_accepts_and_the_client_is_on_the_caseload(
    alice_client, alice, carol, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(alice_client)
    url = path_of(link_in(mail.outbox[0]))
    client.force_login(carol)
    page = client.get(url)
    assert page.status_code == 200
    assert b"Alice invites you to coach them" in page.content
    # The GET changed nothing (a mail scanner follows links).
    assert CoachAssignment.objects.get(client=alice).status == AssignmentStatus.INVITED
    response = client.post(url, {"answer": "accept"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:coaching_client_changelist")
    assignment = CoachAssignment.objects.get(client=alice)
    assert assignment.status == AssignmentStatus.ACTIVE
    assert assignment.coach == carol
    assert assignment.accepted_at is not None
    carol = User.objects.get(pk=carol.pk)
    assert is_coach(carol)
    caseload = client.get(reverse("admin:coaching_client_changelist"))
    assert caseload.status_code == 200
    assert b"alice@example.com" in caseload.content


def test_used_twice_tampered_and_expired_links_show_a_clear_page_and_change_nothing(
    alice_client, alice, carol, bob, client, settings, django_capture_on_commit_callbacks
):
    settings.COACH_INVITATION_DAYS = 2
    with django_capture_on_commit_callbacks(execute=True):
        invite(alice_client)
    url = path_of(link_in(mail.outbox[0]))
    client.force_login(carol)
    client.post(url, {"answer": "accept"})
    again = client.post(url, {"answer": "accept"})
    assert again.status_code == 400
    assert b"already been accepted" in again.content
    assert CoachAssignment.objects.filter(client=alice).count() == 1

    tampered = url.replace("/invitations/", "/invitations/x")
    page = client.get(tampered)
    assert page.status_code == 400
    assert b"This link is not valid" in page.content

    with django_capture_on_commit_callbacks(execute=True):
        invite(alice_client, email="dave@example.com")
    dave_url = path_of(link_in(mail.outbox[-1]))
    dave = User.objects.create_user(email="dave@example.com", password=PASSWORD)
    client.force_login(dave)
    with time_machine.travel(timezone.now() + dt.timedelta(days=3)):
        expired = client.post(dave_url, {"answer": "accept"})
    assert expired.status_code == 400
    assert b"expired" in expired.content
    assert CoachAssignment.objects.get(email="dave@example.com").status == AssignmentStatus.INVITED
    assert not is_coach(User.objects.get(pk=dave.pk))


def test_only_the_invited_address_may_accept(
    alice_client, alice, bob, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(alice_client)
    url = path_of(link_in(mail.outbox[0]))
    client.force_login(bob)
    response = client.post(url, {"answer": "accept"})
    assert response.status_code == 400
    assert b"sent to carol@example.com" in response.content
    assignment = CoachAssignment.objects.get(client=alice)
    assert assignment.status == AssignmentStatus.INVITED
    assert assignment.coach is None


def test_a_withdrawn_invitation_link_stops_working(alice_client, alice, carol, client):
    invite(alice_client)
    assignment = CoachAssignment.objects.get(client=alice)
    alice_client.post(reverse("coaching:end", args=[assignment.pk]))
    client.force_login(carol)
    response = client.post(
        reverse("coaching:invitation", args=[invitation_token(assignment)]), {"answer": "accept"}
    )
    assert response.status_code == 400
    assert b"withdrawn" in response.content
    assert CoachAssignment.objects.get(pk=assignment.pk).status == AssignmentStatus.REVOKED


def test_the_invited_coach_may_decline(alice_client, alice, carol, client):
    invite(alice_client)
    assignment = CoachAssignment.objects.get(client=alice)
    client.force_login(carol)
    url = reverse("coaching:invitation", args=[invitation_token(assignment)])
    client.post(url, {"answer": "decline"})
    assert CoachAssignment.objects.get(pk=assignment.pk).status == AssignmentStatus.DECLINED
    assert not is_coach(User.objects.get(pk=carol.pk))


def test_invite_form_says_what_is_wrong(alice_client, alice, carol):
    response = invite(alice_client, email="not-an-address")
    assert b"Enter an e-mail address" in response.content
    response = invite(alice_client, email="ALICE@example.com")
    assert b"That is your own address" in response.content
    response = invite(alice_client, scope="everything")
    assert b"Pick one of the three scopes" in response.content
    assert not CoachAssignment.objects.exists()
    assign(alice, carol)
    response = invite(alice_client)
    assert b"already coaches you" in response.content
    assert CoachAssignment.objects.count() == 1


def test_inviting_again_resends_one_invitation(
    alice_client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(alice_client, scope=CoachScope.PLAN)
        invite(alice_client, scope=CoachScope.INTERACTIONS)
    assert len(mail.outbox) == 2
    assignment = CoachAssignment.objects.get(client=alice)
    assert assignment.scope == CoachScope.INTERACTIONS


def test_a_coach_requests_access_and_the_client_approves_with_a_narrower_scope(
    coach, alice, alice_client, coach_client, django_capture_on_commit_callbacks
):
    url = reverse("admin:coaching_client_request_access")
    with django_capture_on_commit_callbacks(execute=True):
        response = coach_client.post(url, {"email": "alice@example.com", "scope": "interactions"})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["alice@example.com"]
    assert "Carol asks to be your networking coach" in message.subject
    request = CoachAssignment.objects.get(client=alice)
    assert request.status == AssignmentStatus.REQUESTED
    # Nothing is visible before the client answers.
    assert (
        b"alice@example.com"
        not in coach_client.get(reverse("admin:coaching_client_changelist")).content
    )
    page = alice_client.get(reverse("coaching:settings"))
    assert b"asks to coach you" in page.content
    alice_client.post(
        reverse("coaching:answer", args=[request.pk]), {"answer": "approve", "scope": "plan"}
    )
    request.refresh_from_db()
    assert request.status == AssignmentStatus.ACTIVE
    assert request.scope == CoachScope.PLAN
    assert (
        b"alice@example.com"
        in coach_client.get(reverse("admin:coaching_client_changelist")).content
    )


def test_a_request_does_not_tell_whether_an_account_exists(
    coach, client, django_capture_on_commit_callbacks
):
    client.force_login(coach)
    url = reverse("admin:coaching_client_request_access")
    with django_capture_on_commit_callbacks(execute=True):
        nobody = client.post(url, {"email": "nobody@example.com", "scope": "plan"}, follow=True)
    assert b"If an account uses that address" in nobody.content
    assert not CoachAssignment.objects.exists()
    assert not mail.outbox


def test_the_client_declines_a_request(coach, alice, alice_client, coach_client):
    coach_client.post(
        reverse("admin:coaching_client_request_access"),
        {"email": "alice@example.com", "scope": "plan"},
    )
    request = CoachAssignment.objects.get(client=alice)
    alice_client.post(reverse("coaching:answer", args=[request.pk]), {"answer": "decline"})
    request.refresh_from_db()
    assert request.status == AssignmentStatus.DECLINED
    assert (
        b"alice@example.com"
        not in coach_client.get(reverse("admin:coaching_client_changelist")).content
    )


def test_scope_change_and_revocation_apply_on_the_coachs_next_request(
    coach, alice, alice_client, coach_client
):

    data = network(alice)
    assignment = assign(alice, coach, CoachScope.CONTACTS)
    contact_url = reverse("admin:coaching_clientcontact_change", args=[data["open"].pk])
    assert coach_client.get(contact_url).status_code == 200

    alice_client.post(reverse("coaching:scope", args=[assignment.pk]), {"scope": "plan"})
    assert CoachAssignment.objects.get(pk=assignment.pk).scope == CoachScope.PLAN
    assert coach_client.get(contact_url).status_code == 404
    detail = reverse("admin:coaching_client_change", args=[assignment.pk])
    assert coach_client.get(detail).status_code == 200

    alice_client.post(reverse("coaching:end", args=[assignment.pk]))
    assert CoachAssignment.objects.get(pk=assignment.pk).status == AssignmentStatus.REVOKED
    assert coach_client.get(detail).status_code == 404
    caseload = coach_client.get(reverse("admin:coaching_client_changelist"))
    assert b"alice@example.com" not in caseload.content


def test_another_users_assignment_is_a_404(coach, alice, bob, client):
    assignment = assign(alice, coach)
    client.force_login(bob)
    for name, data in [
        ("coaching:scope", {"scope": "interactions"}),
        ("coaching:answer", {"answer": "approve", "scope": "interactions"}),
        ("coaching:end", {}),
    ]:
        assert client.post(reverse(name, args=[assignment.pk]), data).status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACTIVE
    assert assignment.scope == CoachScope.PLAN


def test_signing_up_as_a_coach_from_an_invitation_comes_back_to_it(client):
    nxt = "/coaching/invitations/abc/"
    page = client.get(reverse("accounts:signup") + f"?next={nxt}")
    assert f'name="next" value="{nxt}"'.encode() in page.content
    response = client.post(
        reverse("accounts:signup"),
        {
            "email": "erin@example.com",
            "name": "Erin",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "timezone": "UTC",
            "coach": "on",
            "next": nxt,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == nxt
    assert is_coach(User.objects.get(email="erin@example.com"))
    # Never a redirect off the site.
    client.logout()
    response = client.post(
        reverse("accounts:signup"),
        {
            "email": "finn@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "timezone": "UTC",
            "next": "https://elsewhere.example.net/",
        },
    )
    assert response["Location"] == reverse("today")
    assert not is_coach(User.objects.get(email="finn@example.com"))
