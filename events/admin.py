from django.contrib import admin

from events.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """For operators: coaches see no model here (coaching.admin scopes what they see)."""

    list_display = ["name", "owner", "starts_at", "status"]
    list_filter = ["status"]
    search_fields = ["name"]
    raw_id_fields = ["owner", "going_with", "community", "objective"]
