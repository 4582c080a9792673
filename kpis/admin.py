from django.contrib import admin

from kpis.models import WeeklyKpi


@admin.register(WeeklyKpi)
class WeeklyKpiAdmin(admin.ModelAdmin):
    """For operators: the rollup's rows, read-only (`manage.py rollup_kpis` rewrites them)."""

    list_display = ["user", "week_start", "timezone", "computed_at"]
    list_filter = ["week_start"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    date_hierarchy = "week_start"

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
