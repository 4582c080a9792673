from __future__ import annotations

import csv

from django.contrib import messages
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import local_today
from imports import exports, services
from imports.forms import MappingForm, UploadForm
from imports.importers import MAPPING_CHOICES
from imports.models import ExportStatus, ImportJob, JobStatus, RowStatus
from imports.scoping import exports_for, get_export_for, get_job_for, jobs_for
from imports.sniff import columns_problem, records, text_of

REPORT_ROWS = 100  # of each list on the page; the CSV report has them all
PREVIEW_ROWS = 3
PREVIEW_CHARS = 60  # of each value shown; the page's size depends on the header alone
PREVIEW_RECORDS = 100  # read at most, looking for the preview rows under the header


@require_http_methods(["GET", "POST"])
def import_home(request: HttpRequest) -> HttpResponse:
    """Upload a file; the jobs so far; the exports."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        assert form.sniffed is not None
        job = services.import_create(
            owner=request.user,
            upload=form.cleaned_data["file"],
            sniffed=form.sniffed,
            circle=form.cleaned_data["circle"],
            context=form.cleaned_data["context"],
        )
        if job.status == JobStatus.MAPPING:
            return redirect("imports:mapping", pk=job.pk)
        return redirect("imports:job", pk=job.pk)
    context = {
        "form": form,
        "jobs": jobs_for(request.user)[:50],
        "exports": exports_for(request.user)[:1],
        "stream_limit": exports.STREAM_LIMIT,
    }
    return render(request, "imports/import_home.html", context)


def _preview(job: ImportJob) -> list[list[str]]:
    """The first rows under the header, for the mapping page: one value per column, each cut
    to what the page shows."""
    width = len(job.columns)
    rows: list[list[str]] = []
    with job.file.open("rb") as stream:
        text = text_of(stream, job.encoding)
        for index, record in enumerate(records(text, job.delimiter or ",")):
            if index >= PREVIEW_RECORDS:
                break
            values = record.fields[:width]  # what the page shows, however wide the row
            if record.line <= job.header_line or not any(v.strip() for v in values):
                continue
            values = [_shown(value) for value in values]
            rows.append(values + [""] * (width - len(values)))
            if len(rows) >= PREVIEW_ROWS:
                break
        text.detach()
    return rows


def _shown(value: str) -> str:
    return value if len(value) <= PREVIEW_CHARS else value[: PREVIEW_CHARS - 1] + "…"


@require_http_methods(["GET", "POST"])
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for(request.user, pk)
    if job.status != JobStatus.MAPPING:
        return redirect("imports:job", pk=job.pk)
    if problem := columns_problem(job.columns):  # a job kept before the limits were set
        return render(request, "imports/import_mapping.html", {"job": job, "problem": problem})
    form = MappingForm(request.POST or None, columns=job.columns, initial_mapping=job.mapping)
    if request.method == "POST" and form.is_valid():
        services.import_map(job=job, mapping=form.mapping())
        return redirect("imports:job", pk=job.pk)
    preview = _preview(job)
    columns = []
    for index in range(len(job.columns)):
        field = form[f"column_{index}"]
        columns.append((field, [row[index] for row in preview], field.value() or ""))
    return render(
        request,
        "imports/import_mapping.html",
        {"job": job, "form": form, "columns": columns, "choices": MAPPING_CHOICES},
    )


def _job_context(request: HttpRequest, job: ImportJob) -> dict[str, object]:
    rows = job.rows.select_related("contact", "duplicate_of")
    return {
        "job": job,
        "stalled": job.status == JobStatus.RUNNING and services.lease_expired(job),
        "error_rows": rows.filter(status=RowStatus.ERROR)[:REPORT_ROWS],
        "duplicate_rows": rows.filter(duplicate_of__isnull=False)[:REPORT_ROWS],
        "report_rows": REPORT_ROWS,
    }


def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for(request.user, pk)
    if job.status == JobStatus.MAPPING:
        return redirect("imports:mapping", pk=job.pk)
    return render(request, "imports/import_job.html", _job_context(request, job))


def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's part of the page, polled by htmx every second while it runs."""
    job = get_job_for(request.user, pk)
    return render(request, "imports/_job.html", _job_context(request, job))


def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """Every bad row with its line and reason, as CSV."""
    job = get_job_for(request.user, pk)

    def lines():  # type: ignore[no-untyped-def]
        line = exports._Line()
        writer = csv.writer(line)
        writer.writerow(["line", "reason", "row"])
        yield "\ufeff" + line.value
        bad = job.rows.filter(status=RowStatus.ERROR).order_by("line")
        for number, reason, raw in bad.values_list("line", "message", "raw").iterator():
            writer.writerow([number, reason, exports.spreadsheet_safe(raw)])
            yield line.value

    name = f"{job.original_name.rsplit('.', 1)[0]}-errors.csv"
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _attachment(name)
    return response


def import_file(request: HttpRequest, pk: int) -> FileResponse:
    """The file as it was uploaded; only its owner ever reaches it."""
    job = get_job_for(request.user, pk)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.original_name)


def import_resume(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for(request.user, pk)  # another user's job is a 404 whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if services.import_resume(job=job):
        messages.info(request, "The import continues where it stopped.")
    return redirect("imports:job", pk=job.pk)


def import_rerun(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if services.import_rerun(job=job):
        messages.info(request, "The file is being imported again.")
    return redirect("imports:job", pk=job.pk)


@require_http_methods(["GET", "POST"])
def import_delete(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for(request.user, pk)
    if request.method == "POST":
        services.import_delete(job=job)
        messages.success(request, f"The import of {job.original_name} and its file are deleted.")
        return redirect("imports:home")
    return render(request, "imports/import_confirm_delete.html", {"job": job})


# --- Exports -----------------------------------------------------------------------------------


def _attachment(filename: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in filename) or "export"
    return f'attachment; filename="{safe}"'


def _stream(chunks, content_type: str, filename: str) -> StreamingHttpResponse:  # type: ignore[no-untyped-def]
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = _attachment(filename)
    response["Cache-Control"] = "no-store"
    return response


def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    name = exports.export_filename("contacts", local_today(request.user)) + ".csv"
    return _stream(exports.contacts_csv(request.user), "text/csv; charset=utf-8", name)


def export_vcard(request: HttpRequest) -> StreamingHttpResponse:
    name = exports.export_filename("contacts", local_today(request.user)) + ".vcf"
    return _stream(exports.contacts_vcard(request.user), "text/vcard; charset=utf-8", name)


@require_POST
def export_account(request: HttpRequest) -> HttpResponse:
    """The whole account as JSON: straight away for a small account, else built by a worker
    and offered on the import page."""
    if exports.account_size(request.user) <= exports.STREAM_LIMIT:
        name = exports.export_filename("account", local_today(request.user)) + ".json"
        return _stream(exports.account_json(request.user), "application/json", name)
    exports.account_export_start(owner=request.user)
    messages.info(
        request, "Your account's export is being built; it will be ready to download here."
    )
    return redirect("imports:home")


def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_export_for(request.user, pk)
    if export.status != ExportStatus.DONE or not export.file:
        messages.info(request, "That export is not ready yet.")
        return redirect("imports:home")
    name = exports.export_filename("account", export.created_at.date()) + ".json"
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=name)


def export_delete(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_export_for(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    exports.account_export_delete(export=export)
    messages.success(request, "The export is deleted.")
    return redirect("imports:home")


def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The export's line on the import page, polled while it is being built."""
    export = get_export_for(request.user, pk)
    return render(request, "imports/_export.html", {"export": export})
