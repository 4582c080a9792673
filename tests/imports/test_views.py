"""The import pages: upload, column mapping, progress, report, error CSV, resume, delete."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from imports.models import ImportJob, JobStatus
from tests.imports.conftest import create_job, run_import, uploaded

pytestmark = pytest.mark.django_db


def upload(client, name: str, content: bytes | None = None, **data):
    return client.post(reverse("imports:home"), {"file": uploaded(name, content), **data})


def test_the_page_offers_upload_and_exports(alice_client):
    page = alice_client.get(reverse("imports:home")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "up to 10.0\xa0MB" in page
    assert reverse("imports:export_vcard") in page
    assert reverse("accounts:delete") in page


def test_an_upload_is_kept_and_queued(alice_client, alice, queued):
    response = upload(alice_client, "linkedin_connections.csv")
    job = ImportJob.objects.get(owner=alice)
    assert response.url == reverse("imports:job", args=[job.pk])
    assert (job.status, job.format, job.original_name) == (
        JobStatus.QUEUED,
        "linkedin",
        "linkedin_connections.csv",
    )
    assert queued == [("imports.tasks.import_run", job.pk)]
    assert job.file.storage.exists(job.file.name)


def test_a_bad_file_is_refused_on_the_form_and_nothing_is_kept(alice_client, queued):
    response = upload(alice_client, "linkedin_missing_column.csv")
    assert response.status_code == 200
    assert "no “Last Name” column" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert queued == []


def test_a_file_over_the_limit_is_refused_with_the_limit(alice_client, settings):
    settings.IMPORT_MAX_BYTES = 100
    response = upload(alice_client, "linkedin_connections.csv")
    assert "the limit is 100\xa0bytes" in response.content.decode()


def test_an_empty_upload_says_so(alice_client):
    response = upload(alice_client, "empty.csv")
    assert "The file is empty." in response.content.decode()


def test_another_csv_goes_to_the_column_mapping_with_a_preview(alice_client, alice, queued):
    response = upload(alice_client, "generic.csv")
    job = ImportJob.objects.get(owner=alice)
    assert response.url == reverse("imports:mapping", args=[job.pk])
    page = alice_client.get(response.url).content.decode()
    assert "Work email" in page
    assert "dana@acme.example" in page  # the first rows' values
    assert '<option value="email" selected>' in page
    assert queued == []


def test_the_mapping_needs_a_name_column(alice_client, alice, queued):
    job = create_job(alice, "generic.csv")
    response = alice_client.post(reverse("imports:mapping", args=[job.pk]), {"column_1": "email"})
    assert "Choose the column that holds the name" in response.content.decode()
    assert queued == []


def test_the_mapping_refuses_one_field_twice(alice_client, alice):
    job = create_job(alice, "generic.csv")
    response = alice_client.post(
        reverse("imports:mapping", args=[job.pk]),
        {"column_0": "full_name", "column_1": "company", "column_2": "company"},
    )
    assert "More than one column is set to Company" in response.content.decode()


def test_the_chosen_mapping_queues_the_job(alice_client, alice, queued):
    job = create_job(alice, "generic.csv")
    response = alice_client.post(
        reverse("imports:mapping", args=[job.pk]),
        {"column_0": "full_name", "column_1": "email", "column_4": "tags"},
    )
    assert response.url == reverse("imports:job", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.mapping) == (
        JobStatus.QUEUED,
        {"0": "full_name", "1": "email", "4": "tags"},
    )
    assert queued == [("imports.tasks.import_run", job.pk)]


def test_a_running_job_polls_its_progress(alice_client, alice):
    job = create_job(alice, "linkedin_connections.csv")
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        total_rows=4,
        rows_done=2,
        lease_until=timezone.now() + dt.timedelta(minutes=1),
    )
    page = alice_client.get(reverse("imports:progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert 'data-progress="50"' in page
    assert "2 of 4 rows (50%)" in page


def test_a_one_row_job_says_row_in_the_singular(alice_client, alice):
    job = create_job(alice, "linkedin_connections.csv")
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        total_rows=1,
        rows_done=0,
        lease_until=timezone.now() + dt.timedelta(minutes=1),
    )
    page = alice_client.get(reverse("imports:progress", args=[job.pk])).content.decode()
    assert "0 of 1 row (0%)" in page


def test_a_finished_job_stops_polling_and_shows_the_report(alice_client, alice):
    job = run_import(alice, "linkedin_bad_rows.csv")
    page = alice_client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "hx-trigger" not in page.split('id="job"')[1].split(">")[0]
    assert 'data-testid="count-created">2<' in page
    assert 'data-testid="count-errors">4<' in page
    assert "31 Foo 2024" in page
    assert reverse("imports:errors", args=[job.pk]) in page
    assert "Possible duplicates to review" not in page


def test_the_report_links_possible_duplicates_to_the_merge_page(alice_client, alice):
    Contact.objects.create(owner=alice, first_name="Robert", last_name="Smith", company="Acme")
    content = b"First Name,Last Name,URL,Company,Position,Connected On\nRob,Smith,,Acme,,\n"
    job = run_import(alice, "c.csv", content)
    page = alice_client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Possible duplicates to review" in page
    assert reverse("contacts:merge") + "?contact=" in page


def test_a_stalled_job_offers_to_resume(alice_client, alice):
    job = create_job(alice, "linkedin_connections.csv")
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, lease_until=timezone.now() - dt.timedelta(minutes=5)
    )
    page = alice_client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Resume" in page
    assert "hx-trigger" not in page.split('id="job"')[1].split(">")[0]


def test_resume_and_run_again_queue_the_job(alice_client, alice, queued):
    job = run_import(alice, "linkedin_connections.csv")
    queued.clear()
    response = alice_client.post(reverse("imports:rerun", args=[job.pk]))
    assert response.url == reverse("imports:job", args=[job.pk])
    assert queued == [("imports.tasks.import_run", job.pk)]
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, lease_until=None)
    alice_client.post(reverse("imports:resume", args=[job.pk]))
    assert len(queued) == 2


def test_the_error_report_is_a_csv_of_every_bad_row(alice_client, alice):
    job = run_import(alice, "linkedin_bad_rows.csv")
    response = alice_client.get(reverse("imports:errors", args=[job.pk]))
    assert response["Content-Disposition"] == (
        'attachment; filename="linkedin_bad_rows-errors.csv"'
    )
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["line", "reason", "row"]
    assert [r[0] for r in rows[1:]] == ["3", "4", "5", "6"]
    assert rows[2][2].startswith("Bad,Email,")


def test_the_original_file_downloads_as_uploaded(alice_client, alice):
    job = create_job(alice, "linkedin_latin1.csv")
    response = alice_client.get(reverse("imports:file", args=[job.pk]))
    assert b"".join(response.streaming_content) == uploaded("linkedin_latin1.csv").read()
    assert 'filename="linkedin_latin1.csv"' in response["Content-Disposition"]


def test_deleting_a_job_asks_first(alice_client, alice):
    job = run_import(alice, "linkedin_connections.csv")
    page = alice_client.get(reverse("imports:delete", args=[job.pk])).content.decode()
    assert "4 contacts it created" in page
    response = alice_client.post(reverse("imports:delete", args=[job.pk]))
    assert response.url == reverse("imports:home")
    assert not ImportJob.objects.exists()
    assert Contact.objects.filter(owner=alice).count() == 4


def test_the_job_page_runs_a_fixed_number_of_queries(alice_client, alice):
    small = run_import(alice, "linkedin_connections.csv")
    big = run_import(alice, "linkedin_bad_rows.csv")
    counts = []
    for job in (small, big):
        alice_client.get(reverse("imports:job", args=[job.pk]))
        with CaptureQueriesContext(connection) as queries:
            alice_client.get(reverse("imports:job", args=[job.pk]))
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_navigation_leads_to_the_import_page(alice_client):
    page = alice_client.get(reverse("today")).content.decode()
    assert f'href="{reverse("imports:home")}">Import</a>' in page
