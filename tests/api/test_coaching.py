"""A coach's token reads a client's data only within the client's scope; each read is in the
client's access log."""

import pytest

from accounts.models import AssignmentStatus, CoachAssignment, CoachScope
from api.models import TokenScope
from coaching.models import AccessLog
from tests.api.conftest import bearer
from tests.coaching.conftest import MARKER, assign, network

pytestmark = pytest.mark.django_db


@pytest.fixture
def coach_api(coach):
    return bearer(coach, TokenScope.READ)


def test_it_lists_the_coachs_clients(coach_api, coach, alice, bob):
    assign(alice, coach, CoachScope.CONTACTS)
    clients = coach_api.get("/api/v1/clients/").json()
    assert [(c["id"], c["scope"]) for c in clients] == [(alice.pk, "contacts")]


def test_a_plan_scope_reads_the_plan_and_kpis_only(coach_api, coach, alice):
    assign(alice, coach, CoachScope.PLAN)
    network(alice)
    plan = coach_api.get(f"/api/v1/clients/{alice.pk}/plan/")
    assert plan.status_code == 200
    assert plan.json()["objectives"][0]["title"] == "Meaningful conversations"
    assert coach_api.get(f"/api/v1/clients/{alice.pk}/kpis/").status_code == 200
    assert coach_api.get(f"/api/v1/clients/{alice.pk}/contacts/").status_code == 404
    assert coach_api.get(f"/api/v1/clients/{alice.pk}/interactions/").status_code == 404


def test_contacts_never_carry_private_notes(coach_api, coach, alice):
    assign(alice, coach, CoachScope.CONTACTS)
    network(alice)
    response = coach_api.get(f"/api/v1/clients/{alice.pk}/contacts/")
    assert response.status_code == 200
    assert {c["first_name"] for c in response.json()["results"]} == {"Nadia", "Omar"}
    assert MARKER not in response.content.decode()


def test_interactions_never_include_private_ones(coach_api, coach, alice):
    assign(alice, coach, CoachScope.INTERACTIONS)
    network(alice)
    response = coach_api.get(f"/api/v1/clients/{alice.pk}/interactions/")
    assert [i["notes"] for i in response.json()["results"]] == ["coffee about a new role"]
    assert MARKER not in response.content.decode()


def test_each_read_is_in_the_clients_access_log(coach_api, coach, alice):
    assign(alice, coach, CoachScope.CONTACTS)
    network(alice)
    coach_api.get(f"/api/v1/clients/{alice.pk}/contacts/")
    log = AccessLog.objects.get()
    assert (log.coach, log.client, log.what) == (coach, alice, "contacts (API)")
    assert log.path.startswith(f"/api/v1/clients/{alice.pk}/contacts/")


def test_a_revoked_coach_reads_nothing(coach_api, coach, alice):
    assignment = assign(alice, coach, CoachScope.INTERACTIONS)
    network(alice)
    CoachAssignment.objects.filter(pk=assignment.pk).update(status=AssignmentStatus.REVOKED)
    for what in ("plan", "kpis", "contacts", "interactions"):
        assert coach_api.get(f"/api/v1/clients/{alice.pk}/{what}/").status_code == 404
    assert not AccessLog.objects.exists()


def test_someone_elses_client_is_a_404(coach_api, coach, bob):
    network(bob)
    for what in ("plan", "kpis", "contacts", "interactions"):
        assert coach_api.get(f"/api/v1/clients/{bob.pk}/{what}/").status_code == 404


def test_the_coachs_own_data_stays_apart_from_the_clients(coach_api, coach, alice):
    assign(alice, coach, CoachScope.INTERACTIONS)
    network(alice)
    assert coach_api.get("/api/v1/contacts/").json()["results"] == []


def test_the_plan_and_kpis_for_the_owner(api, alice):
    network(alice)
    assert api.get("/api/v1/plan/").json()["objectives"][0]["progress"]["status"]
    assert api.get("/api/v1/kpis/").status_code == 200


def test_no_plan_is_a_404_in_words(api):
    response = api.get("/api/v1/plan/")
    assert response.status_code == 404
    assert response.json()["detail"] == "You have no active plan."
