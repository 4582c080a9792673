"""The import endpoint: upload a file, poll the job; a CSV of columns no known export uses
waits for its column mapping. The web's forms check the file and the mapping, the same
services keep and run the job."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import form_data, form_errors
from api.fields import choice
from api.views import ApiViewSet
from contacts.models import Circle, Context
from imports import services
from imports.forms import MappingForm, UploadForm
from imports.importers import MAPPING_CHOICES
from imports.models import Format, ImportJob, JobStatus
from imports.scoping import jobs_for


class ImportJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    format = serializers.ChoiceField(choices=Format.choices)
    status = serializers.ChoiceField(choices=JobStatus.choices)
    percent = serializers.IntegerField(min_value=0, max_value=100)
    total_rows = serializers.IntegerField(allow_null=True)
    rows_done = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    merged = serializers.IntegerField()
    skipped = serializers.IntegerField()
    errors = serializers.IntegerField()
    possible_duplicates = serializers.IntegerField()
    error = serializers.CharField(help_text="Why the job stopped, if it did.")
    notices = serializers.ListField(child=serializers.CharField())
    columns = serializers.ListField(
        child=serializers.CharField(), help_text="The CSV header, for the mapping."
    )
    mapping = serializers.DictField(child=serializers.CharField())
    circle = serializers.ChoiceField(choices=Circle.choices)
    context = serializers.ChoiceField(choices=Context.choices)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, job: ImportJob) -> dict[str, Any]:
        return {
            "id": job.pk,
            "original_name": job.original_name,
            "format": job.format,
            "status": job.status,
            "percent": job.percent,
            "total_rows": job.total_rows,
            "rows_done": job.rows_done,
            "created": job.created,
            "updated": job.updated,
            "merged": job.merged,
            "skipped": job.skipped,
            "errors": job.errors,
            "possible_duplicates": job.possible_duplicates,
            "error": job.error,
            "notices": [str(n) for n in job.notices],
            "columns": [str(c) for c in job.columns],
            "mapping": {str(k): str(v) for k, v in job.mapping.items()},
            "circle": job.circle,
            "context": job.context,
            "created_at": job.created_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        }


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="LinkedIn's Connections.csv, a vCard (.vcf) or any CSV.",
        required=False,
        allow_empty_file=True,  # the form says so in its words
    )
    format = choice([("", "Recognise it"), *Format.choices], required=False)
    circle = choice(Circle.choices, required=False, help_text="For new contacts.")
    context = choice(Context.choices, required=False, help_text="For new contacts.")


class MappingSerializer(serializers.Serializer):
    mapping = serializers.DictField(
        child=choice(MAPPING_CHOICES),
        help_text="Column number (from 0) → contact field, for the columns to import.",
    )


@extend_schema_view(
    list=extend_schema(summary="Your imports, newest first"),
    retrieve=extend_schema(summary="Poll an import"),
)
class ImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser, JSONParser]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet[ImportJob]:
        return jobs_for(self.request.user).order_by("-created_at", "-pk")

    @extend_schema(
        summary="Upload a file to import",
        request={"multipart/form-data": UploadSerializer},
        responses={201: ImportJobSerializer},
    )
    def create(self, request: Request) -> Response:
        self.write(UploadSerializer)
        data = {k: v for k, v in request.data.items() if k in ("format", "circle", "context")}
        form = UploadForm(form_data(data), request.FILES)
        if not form.is_valid():
            raise form_errors(form)
        job = services.import_create(
            owner=request.user,
            upload=form.cleaned_data["file"],
            sniffed=form.sniffed,
            circle=form.cleaned_data["circle"],
            context=form.cleaned_data["context"],
        )
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Choose what each column holds, for a CSV waiting for its mapping",
        request=MappingSerializer,
        responses=ImportJobSerializer,
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def mapping(self, request: Request, pk: int) -> Response:
        job = self.get_object()
        if job.status != JobStatus.MAPPING:
            raise ValidationError({"non_field_errors": ["This import is not waiting for columns."]})
        chosen = self.write(MappingSerializer).validated_data["mapping"]
        form = MappingForm(
            form_data({f"column_{k}": v for k, v in chosen.items()}),
            columns=job.columns,
            initial_mapping=job.mapping,
        )
        if not form.is_valid():
            raise form_errors(form)
        job = services.import_map(job=job, mapping=form.mapping())
        return Response(ImportJobSerializer(job).data)
