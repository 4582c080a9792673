"""The tasks are thin: they take ids and call one function (the worker tests run them for real)."""

from __future__ import annotations

import datetime as dt

import pytest
from celery.exceptions import Retry
from django.utils import timezone

from imports import exports, tasks
from imports.models import AccountExport, ExportStatus, ImportJob, JobStatus
from tests.imports.conftest import create_job

pytestmark = pytest.mark.django_db


def test_the_import_task_runs_the_job(alice):
    job = create_job(alice, "linkedin_connections.csv")
    assert tasks.import_run.run(job.pk) == "done"
    assert ImportJob.objects.get(pk=job.pk).status == JobStatus.DONE


def test_a_job_another_worker_holds_is_looked_at_again_after_its_lease(alice, monkeypatch):
    job = create_job(alice, "linkedin_connections.csv")
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, lease_until=timezone.now() + dt.timedelta(minutes=1)
    )
    asked = {}

    def retry(**kwargs):
        asked.update(kwargs)
        return Retry()

    monkeypatch.setattr(tasks.import_run, "retry", retry)
    with pytest.raises(Retry):
        tasks.import_run.run(job.pk)
    assert asked["countdown"] == 60


def test_a_deleted_job_ends_the_task(alice):
    assert tasks.import_run.run(987654) == "gone"


def test_the_export_task_builds_the_file(alice, queued):
    export = exports.account_export_start(owner=alice)
    assert tasks.account_export_build.run(export.pk) == "done"
    assert AccountExport.objects.get(pk=export.pk).status == ExportStatus.DONE
    assert tasks.account_export_build.run(export.pk) == "gone"  # a second message does nothing
