"""The one way a view reaches a user's import jobs and exports: anything else is a 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from imports.models import AccountExport, ImportJob


def jobs_for(user: object) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(owner=user)  # type: ignore[misc]


def get_job_for(user: object, pk: int) -> ImportJob:
    return get_object_or_404(jobs_for(user), pk=pk)


def exports_for(user: object) -> QuerySet[AccountExport]:
    return AccountExport.objects.filter(owner=user)  # type: ignore[misc]


def get_export_for(user: object, pk: int) -> AccountExport:
    return get_object_or_404(exports_for(user), pk=pk)
