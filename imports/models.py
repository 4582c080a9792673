"""Imports of contacts from files, their per-row results, and account exports built in the
background. Uploaded and exported files live under MEDIA_ROOT and are never served publicly:
each download goes through a view that finds the file by its owner."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q

from contacts.models import Circle, Context


def upload_path(job: ImportJob, filename: str) -> str:
    # A random name: the user's file name is kept in `original_name`, never in a path.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"imports/{job.owner_id}/{uuid.uuid4().hex}{suffix}"


def export_path(export: AccountExport, filename: str) -> str:
    return f"exports/{export.owner_id}/{uuid.uuid4().hex}.json"


class Format(models.TextChoices):
    LINKEDIN = "linkedin", "LinkedIn connections"
    VCARD = "vcard", "vCard"
    GOOGLE = "google", "Google Contacts CSV"
    OUTLOOK = "outlook", "Outlook CSV"
    CSV = "csv", "CSV with your columns"


class JobStatus(models.TextChoices):
    MAPPING = "mapping", "Waiting for your column choices"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Importing"
    DONE = "done", "Done"
    FAILED = "failed", "Stopped"


class ImportJob(models.Model):
    """One uploaded file and what importing it did. The file stays until the job is deleted,
    so a job can be resumed after a worker died, or run again."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    file = models.FileField(upload_to=upload_path, max_length=200)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    format = models.CharField(max_length=16, choices=Format.choices)
    status = models.CharField(max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    # How the file is read, settled when it was uploaded (imports.sniff).
    encoding = models.CharField(max_length=20, default="utf-8")
    delimiter = models.CharField(max_length=1, blank=True)
    header_line = models.PositiveIntegerField(
        default=0, help_text="The line of the CSV header; 0 when the file has none."
    )
    columns = models.JSONField(default=list, blank=True, help_text="The CSV header's names.")
    mapping = models.JSONField(
        default=dict, blank=True, help_text="CSV column number → contact field."
    )
    notices = models.JSONField(default=list, blank=True, help_text="Sentences for the user.")
    circle = models.CharField(
        "circle for new contacts",
        max_length=16,
        choices=Circle.choices,
        default=Circle.ACQUAINTANCE,
    )
    context = models.CharField(
        "context for new contacts",
        max_length=12,
        choices=Context.choices,
        default=Context.PROFESSIONAL,
    )
    # What each line became in the previous run, so that running the job again updates those
    # contacts instead of creating them twice: {"<line>": contact id}.
    previous_links = models.JSONField(default=dict, blank=True)
    total_rows = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    merged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    possible_duplicates = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Why the job stopped, if it did.")
    # A worker holds the job until then, renewing it after every batch; a job whose lease ran
    # out belongs to whoever claims it next (imports.services.import_run).
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    runs = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="importjob_owner_created")]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_format_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.rows_done * 100 // self.total_rows)


class RowStatus(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"  # matched a contact you had; what was new was added to it
    MERGED = "merged", "Merged"  # the same person as an earlier row of the file
    SKIPPED = "skipped", "Skipped"  # matched a contact that already had all of it
    ERROR = "error", "Error"


class ImportRow(models.Model):
    """What one line of the file became. Unique per line: a resumed job skips the lines it
    already has, so no row is ever applied twice."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=RowStatus.choices)
    message = models.TextField(blank=True)
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A contact with a similar name and company, for the user to review (not merged).
    duplicate_of = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raw = models.TextField(blank=True, help_text="The row as it was in the file, for errors.")

    class Meta:
        ordering = ["job", "line"]
        constraints = [
            models.UniqueConstraint(fields=["job", "line"], name="importrow_one_per_line"),
        ]
        indexes = [
            # The report's lists: a job's errors, and its possible duplicates.
            models.Index(
                fields=["job", "line"], condition=Q(status="error"), name="importrow_errors"
            ),
            models.Index(
                fields=["job", "line"],
                condition=Q(duplicate_of__isnull=False),
                name="importrow_possible_dupes",
            ),
        ]

    def __str__(self) -> str:
        return f"line {self.line}: {self.get_status_display()}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Being built"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class AccountExport(models.Model):
    """The whole account as JSON, built by a worker when it is too big to stream at once."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_exports"
    )
    status = models.CharField(
        max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    file = models.FileField(upload_to=export_path, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Export of {self.owner} ({self.get_status_display()})"
