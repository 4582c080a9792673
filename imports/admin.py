from django.contrib import admin

from imports.models import AccountExport, ImportJob, ImportRow


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """For operators: what was imported, how it went, and a job stuck without a worker."""

    list_display = [
        "original_name",
        "owner",
        "format",
        "status",
        "rows_done",
        "total_rows",
        "created",
        "errors",
        "created_at",
        "lease_until",
    ]
    list_filter = ["status", "format"]
    search_fields = ["original_name", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    date_hierarchy = "created_at"
    exclude = ["previous_links"]
    readonly_fields = [
        f.name for f in ImportJob._meta.fields if f.name not in ("id", "previous_links")
    ]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(ImportRow)
class ImportRowAdmin(admin.ModelAdmin):
    list_display = ["job", "line", "status", "message"]
    list_filter = ["status"]
    search_fields = ["job__original_name", "job__owner__email", "message"]
    list_select_related = ["job"]
    raw_id_fields = ["job", "contact", "duplicate_of"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(AccountExport)
class AccountExportAdmin(admin.ModelAdmin):
    list_display = ["owner", "status", "size", "created_at", "finished_at"]
    list_filter = ["status"]
    search_fields = ["owner__email"]
    list_select_related = ["owner"]
    readonly_fields = ["owner", "status", "file", "size", "error", "created_at", "finished_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
