from django.contrib import admin

from capture.models import CapturedItem, CaptureSettings, IgnoreRule, ReviewEntry


@admin.register(CaptureSettings)
class CaptureSettingsAdmin(admin.ModelAdmin):
    """For operators: coaches see no model here (coaching.admin scopes what they see). The
    forwarding token is a secret, so it is not shown."""

    list_display = ["user", "forward_enabled", "only_known", "last_success_at", "failures"]
    list_filter = ["forward_enabled"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
    exclude = ["token"]


@admin.register(CapturedItem)
class CapturedItemAdmin(admin.ModelAdmin):
    list_display = ["summary", "user", "source", "direction", "occurred_at", "undone_at"]
    list_filter = ["source", "direction"]
    search_fields = ["user__email", "external_id"]
    raw_id_fields = ["user", "interaction"]


@admin.register(ReviewEntry)
class ReviewEntryAdmin(admin.ModelAdmin):
    list_display = ["email", "user", "status", "times", "last_seen"]
    list_filter = ["status"]
    search_fields = ["user__email", "email"]
    raw_id_fields = ["user", "contact"]


@admin.register(IgnoreRule)
class IgnoreRuleAdmin(admin.ModelAdmin):
    list_display = ["value", "kind", "user"]
    list_filter = ["kind"]
    search_fields = ["user__email", "value"]
    raw_id_fields = ["user"]
