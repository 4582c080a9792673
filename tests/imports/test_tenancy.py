"""Bob reaching for Alice's import jobs, their files, their error reports and her exports
gets a 404, for every URL and method."""

from __future__ import annotations

import pytest
from django.urls import reverse

from imports import exports
from imports.models import AccountExport, ImportJob
from tests.imports.conftest import run_import

pytestmark = pytest.mark.django_db

JOB_URLS = [
    "imports:job",
    "imports:mapping",
    "imports:progress",
    "imports:errors",
    "imports:file",
    "imports:resume",
    "imports:rerun",
    "imports:delete",
]
EXPORT_URLS = ["imports:export_status", "imports:export_download", "imports:export_delete"]


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


@pytest.fixture
def alices_job(alice):
    return run_import(alice, "linkedin_bad_rows.csv")


@pytest.fixture
def alices_export(alice, queued):
    export = exports.account_export_start(owner=alice)
    exports.account_export_build(export_id=export.pk)
    return export


@pytest.mark.parametrize("name", JOB_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_users_job_is_a_404(bob_client, alices_job, name, method):
    response = getattr(bob_client, method)(reverse(name, args=[alices_job.pk]))
    assert response.status_code == 404
    assert ImportJob.objects.filter(pk=alices_job.pk, runs=1).exists()


@pytest.mark.parametrize("name", EXPORT_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_users_export_is_a_404(bob_client, alices_export, name, method):
    response = getattr(bob_client, method)(reverse(name, args=[alices_export.pk]))
    assert response.status_code == 404
    assert AccountExport.objects.filter(pk=alices_export.pk).exists()


def test_every_import_route_with_an_id_is_covered():
    from imports.urls import urlpatterns

    with_ids = {f"imports:{p.name}" for p in urlpatterns if "pk" in p.pattern.regex.groupindex}
    assert with_ids == set(JOB_URLS + EXPORT_URLS)


def test_alice_reaches_her_own(alice_client, alices_job):
    for name in ("imports:job", "imports:progress", "imports:errors", "imports:file"):
        assert alice_client.get(reverse(name, args=[alices_job.pk])).status_code == 200, name


def test_bobs_exports_hold_none_of_alices_contacts(bob_client, alices_job):
    for name in ("imports:export_csv", "imports:export_vcard"):
        body = b"".join(bob_client.get(reverse(name)).streaming_content).decode()
        assert "Good" not in body
    response = bob_client.post(reverse("imports:export_account"))
    assert b"Good" not in b"".join(response.streaming_content)


def test_bobs_import_page_lists_none_of_alices_jobs(bob_client, alices_job):
    assert alices_job.original_name not in bob_client.get(reverse("imports:home")).content.decode()
