from django.contrib import admin

from communities.models import Community


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    """For operators: coaches see no model here (coaching.admin scopes what they see)."""

    list_display = ["name", "owner", "platform", "role", "minutes_per_week"]
    list_filter = ["platform", "role"]
    search_fields = ["name"]
    raw_id_fields = ["owner", "members"]
