"""Import tests: uploads go to a temporary MEDIA_ROOT; golden files live in files/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from imports import services
from imports.models import ImportJob
from imports.sniff import sniff

# The real worker processes and the isolated Redis of the follow-ups tests.
from tests.followups.conftest import isolated_redis, start  # noqa: F401

FILES = Path(__file__).parent / "files"
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def uploaded(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    data = (FILES / name).read_bytes() if content is None else content
    return SimpleUploadedFile(name, data)


def create_job(owner, name: str, content: bytes | None = None, *, chosen: str = "", **kw):
    """A job as the upload page makes it (not yet run)."""
    upload = uploaded(name, content)
    sniffed = sniff(
        upload, size=upload.size, max_bytes=django_settings.IMPORT_MAX_BYTES, chosen=chosen
    )
    return services.import_create(owner=owner, upload=upload, sniffed=sniffed, **kw)


def run_import(owner, name: str, content: bytes | None = None, *, mapping=None, **kw) -> ImportJob:
    """Uploads a file and runs the import in this process, as the worker would."""
    job = create_job(owner, name, content, **kw)
    if mapping is not None:
        services.import_map(job=job, mapping=mapping)
    services.import_run(job_id=job.pk, today=TODAY)
    job.refresh_from_db()
    return job


def counts(job: ImportJob) -> dict[str, int]:
    return {
        "created": job.created,
        "updated": job.updated,
        "merged": job.merged,
        "skipped": job.skipped,
        "errors": job.errors,
    }


@pytest.fixture
def queued(monkeypatch) -> list[tuple]:
    """The tasks the code queues, recorded here instead of sent to a broker."""
    from imports import tasks

    sent: list[tuple] = []
    for task in (tasks.import_run, tasks.account_export_build):
        monkeypatch.setattr(
            task, "delay_on_commit", lambda *args, name=task.name: sent.append((name, *args))
        )
    return sent
