from django.contrib import admin

from followups.models import FollowUp, Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_run_at", "runs", "hostname"]
    readonly_fields = ["name", "last_run_at", "runs", "hostname"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["about", "owner", "due_on", "status", "snoozed_until", "done_on"]
    list_filter = ["status"]
    search_fields = ["about", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner", "contacts", "interaction"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "due_on"
