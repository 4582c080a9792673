"""The Celery path on real parts: Redis as the broker, a real worker process, the test's
PostgreSQL database. The worker reads the upload where the settings keep it (var/media), so
this module keeps the default MEDIA_ROOT and removes the file afterwards."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

import pytest

from contacts.models import Contact
from imports import services
from imports.models import ImportJob, JobStatus
from imports.tasks import import_run
from networkcrm.celery import app
from tests.followups.conftest import wait_for
from tests.imports.conftest import create_job

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media_root(settings):
    return settings.MEDIA_ROOT  # the worker's, not a temporary one


@pytest.fixture
def job(alice, queued):
    job = create_job(alice, "linkedin_connections.csv")
    yield job
    folder = Path(job.file.path).parent
    job.file.storage.delete(job.file.name)
    with suppress(OSError):
        folder.rmdir()


def test_a_real_worker_imports_a_queued_file(start, isolated_redis, alice, job):
    start("worker", "--pool=solo", "--hostname=import-test@%h")
    with app.connection_for_write(isolated_redis) as broker:
        import_run.apply_async((job.pk,), connection=broker)
    assert wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == JobStatus.DONE)
    job.refresh_from_db()
    assert (job.created, job.rows_done, job.runs) == (4, 4, 1)
    assert Contact.objects.filter(owner=alice).count() == 4


def test_a_second_message_for_the_same_job_imports_nothing_twice(start, isolated_redis, job):
    start("worker", "--pool=solo", "--hostname=import-twice@%h")
    with app.connection_for_write(isolated_redis) as broker:
        import_run.apply_async((job.pk,), connection=broker)
        import_run.apply_async((job.pk,), connection=broker)
    assert wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == JobStatus.DONE)
    assert services.import_run(job_id=job.pk) == services.Outcome.GONE
    assert Contact.objects.count() == 4
