from django.contrib import admin

from followups.models import Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_run_at", "runs", "hostname"]
    readonly_fields = ["name", "last_run_at", "runs", "hostname"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
