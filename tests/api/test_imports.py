from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import local_today
from contacts.models import Contact
from imports import services
from imports.models import ImportJob

pytestmark = pytest.mark.django_db
FILES = Path(__file__).resolve().parent.parent / "imports" / "files"


@pytest.fixture
def queued(monkeypatch, settings, tmp_path):
    """The import task, recorded instead of sent: the test runs the job itself, as the worker
    would (tests/imports/test_worker.py runs it on a real worker)."""
    from imports import tasks

    settings.MEDIA_ROOT = tmp_path
    sent: list[int] = []
    monkeypatch.setattr(tasks.import_run, "delay_on_commit", lambda pk: sent.append(pk))
    return sent


def upload(api, name, content=None, **fields):
    content = content if content is not None else (FILES / name).read_bytes()
    return api.post(
        "/api/v1/imports/",
        {"file": SimpleUploadedFile(name, content), **fields},
        format="multipart",
    )


def test_it_uploads_a_file_and_the_job_is_polled_to_its_end(api, alice, queued):
    response = upload(api, "linkedin_connections.csv", circle="active")
    assert response.status_code == 201, response.content
    job = response.json()
    assert (job["format"], job["status"]) == ("linkedin", "queued")
    assert queued == [job["id"]]
    services.import_run(job_id=job["id"], today=local_today(alice))
    polled = api.get(f"/api/v1/imports/{job['id']}/").json()
    assert polled["status"] == "done"
    assert polled["created"] == Contact.objects.filter(owner=alice).count() > 0


def test_it_refuses_an_empty_file_in_the_forms_words(api, queued):
    response = upload(api, "empty.csv", content=b"")
    assert response.status_code == 400
    assert response.json()["errors"]["file"] == ["The file is empty."]
    assert not ImportJob.objects.exists()


def test_a_csv_of_unknown_columns_waits_for_its_mapping(api, alice, queued):
    content = b"Full name,Employer\nAda Byron,Analytical Engines\n"
    job = upload(api, "people.csv", content=content).json()
    assert job["status"] == "mapping"
    refused = api.post(
        f"/api/v1/imports/{job['id']}/mapping/", {"mapping": {"1": "company"}}, format="json"
    )
    assert (
        "Choose the column that holds the name" in refused.json()["errors"]["non_field_errors"][0]
    )
    mapped = api.post(
        f"/api/v1/imports/{job['id']}/mapping/",
        {"mapping": {"0": "full_name", "1": "company"}},
        format="json",
    )
    assert mapped.json()["status"] == "queued"
    assert queued == [job["id"]]


def test_bob_cannot_poll_alices_import(api, bob_api, queued):
    job = upload(api, "linkedin_connections.csv").json()
    assert bob_api.get(f"/api/v1/imports/{job['id']}/").status_code == 404
    assert (
        bob_api.post(f"/api/v1/imports/{job['id']}/mapping/", {}, format="json").status_code == 404
    )
