"""Running a job: batches, the lease, resuming after a worker died, running it again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from contacts.models import Contact
from imports import services
from imports.models import ImportJob, JobStatus, RowStatus
from tests.imports.conftest import TODAY, counts, create_job, run_import

pytestmark = pytest.mark.django_db


class WorkerDied(Exception):
    """Stands in for a worker killed in the middle of a batch."""


def test_a_job_stopped_after_a_batch_resumes_after_the_last_recorded_line(alice):
    job = create_job(alice, "linkedin_connections.csv")
    outcome = services.import_run(job_id=job.pk, today=TODAY, batch_size=2, stop_after=1)
    assert outcome == services.Outcome.STOPPED
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.created) == (JobStatus.RUNNING, 2, 2)
    assert services.import_run(job_id=job.pk, today=TODAY, batch_size=2) == services.Outcome.DONE
    job.refresh_from_db()
    assert counts(job) == {"created": 4, "updated": 0, "merged": 0, "skipped": 0, "errors": 0}
    assert Contact.objects.filter(owner=alice).count() == 4
    assert list(job.rows.values_list("line", flat=True)) == [5, 6, 7, 8]


def test_a_worker_dying_mid_batch_loses_that_batch_only_and_duplicates_nothing(alice, monkeypatch):
    job = create_job(alice, "linkedin_connections.csv")
    record = services._record
    calls = []

    def dies_on_the_second_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise WorkerDied
        return record(*args, **kwargs)

    monkeypatch.setattr(services, "_record", dies_on_the_second_batch)
    with pytest.raises(WorkerDied):
        services.import_run(job_id=job.pk, today=TODAY, batch_size=2)
    job.refresh_from_db()
    assert (job.rows_done, job.created, Contact.objects.filter(owner=alice).count()) == (2, 2, 2)

    # Its lease still runs: another worker leaves the job alone until it has run out.
    assert services.import_run(job_id=job.pk, today=TODAY) == services.Outcome.BUSY
    ImportJob.objects.filter(pk=job.pk).update(lease_until=timezone.now() - dt.timedelta(1))
    monkeypatch.setattr(services, "_record", record)
    assert services.import_run(job_id=job.pk, today=TODAY, batch_size=2) == services.Outcome.DONE
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.created) == (JobStatus.DONE, 4, 4)
    assert Contact.objects.filter(owner=alice).count() == 4
    assert job.runs == 2


def test_a_finished_job_is_not_run_again_by_a_late_message(alice):
    job = run_import(alice, "linkedin_connections.csv")
    assert services.import_run(job_id=job.pk, today=TODAY) == services.Outcome.GONE
    assert services.import_run(job_id=999999, today=TODAY) == services.Outcome.GONE


def test_a_job_waiting_for_its_columns_is_not_run(alice):
    job = create_job(alice, "generic.csv")
    assert services.import_run(job_id=job.pk, today=TODAY) == services.Outcome.GONE


def test_running_a_job_again_updates_the_same_contacts(alice):
    job = run_import(alice, "generic.csv", mapping={"0": "full_name", "2": "company"})
    first = set(Contact.objects.filter(owner=alice).values_list("pk", flat=True))
    assert len(first) == 3  # no e-mail or profile URL to match these rows by
    assert services.import_rerun(job=job)
    services.import_run(job_id=job.pk, today=TODAY)
    job.refresh_from_db()
    assert set(Contact.objects.filter(owner=alice).values_list("pk", flat=True)) == first
    assert counts(job) == {"created": 0, "updated": 0, "merged": 0, "skipped": 3, "errors": 0}
    assert "imported from this line before" in job.rows.first().message


def test_running_again_recreates_a_contact_deleted_since(alice):
    job = run_import(alice, "linkedin_connections.csv")
    Contact.objects.filter(owner=alice, first_name="Ravi").delete()
    services.import_rerun(job=job)
    services.import_run(job_id=job.pk, today=TODAY)
    job.refresh_from_db()
    assert job.created == 1
    assert Contact.objects.filter(owner=alice, first_name="Ravi").exists()


def test_a_running_job_cannot_be_run_again(alice):
    job = create_job(alice, "linkedin_connections.csv")
    assert not services.import_rerun(job=job)


def test_a_stalled_job_can_be_resumed_and_a_live_one_cannot(
    alice, django_capture_on_commit_callbacks
):
    job = create_job(alice, "linkedin_connections.csv")
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, lease_until=timezone.now() + dt.timedelta(minutes=1)
    )
    assert not services.import_resume(job=job)
    ImportJob.objects.filter(pk=job.pk).update(lease_until=timezone.now() - dt.timedelta(1))
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.import_resume(job=job)
    assert len(callbacks) == 1  # the task is queued once the resume is committed


def test_a_job_out_of_time_queues_itself_to_go_on(alice, django_capture_on_commit_callbacks):
    job = create_job(alice, "linkedin_connections.csv")
    with django_capture_on_commit_callbacks() as callbacks:
        outcome = services.import_run(job_id=job.pk, today=TODAY, batch_size=1, max_seconds=0)
    assert outcome == services.Outcome.CONTINUED
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert (job.rows_done, job.lease_until) == (1, None)


def test_a_missing_file_stops_the_job_with_a_reason(alice):
    job = create_job(alice, "linkedin_connections.csv")
    job.file.storage.delete(job.file.name)
    services.import_run(job_id=job.pk, today=TODAY)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "missing" in job.error


def test_deleting_a_job_deletes_its_file_and_keeps_the_contacts(
    alice, django_capture_on_commit_callbacks
):
    job = run_import(alice, "linkedin_connections.csv")
    storage, name = job.file.storage, job.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_delete(job=job)
    assert not storage.exists(name)
    assert not ImportJob.objects.exists()
    assert Contact.objects.filter(owner=alice).count() == 4


def test_the_file_is_kept_under_a_random_name_in_the_owners_folder(alice):
    job = create_job(alice, "linkedin_connections.csv")
    assert job.file.name.startswith(f"imports/{alice.pk}/")
    assert "linkedin" not in job.file.name
    assert job.original_name == "linkedin_connections.csv"


def test_a_database_error_on_one_row_fails_that_row_only(alice, monkeypatch):
    from django.db import DataError

    job = create_job(alice, "linkedin_connections.csv")
    save_new = services._save_new

    def refuses_ravi(job, new):
        if any(t.contact.first_name == "Ravi" for t in new.values()):
            raise DataError("value too long for type character varying(100)")
        return save_new(job, new)

    monkeypatch.setattr(services, "_save_new", refuses_ravi)
    services.import_run(job_id=job.pk, today=TODAY)
    job.refresh_from_db()
    assert counts(job) == {"created": 3, "updated": 0, "merged": 0, "skipped": 0, "errors": 1}
    ravi = job.rows.get(line=7)
    assert ravi.status == RowStatus.ERROR
    assert "could not be saved" in ravi.message
    assert not Contact.objects.filter(owner=alice, first_name="Ravi").exists()
