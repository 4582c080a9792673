from django.contrib import admin

from followups.models import DigestDelivery, FollowUp, Heartbeat


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


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    """For operators: every digest, sent, failed (with the mail server's reply) or pending."""

    list_display = ["user", "kind", "local_date", "status", "attempts", "items", "sent_at", "error"]
    list_filter = ["kind", "status", "local_date"]
    search_fields = ["user__email", "message_id", "error"]
    list_select_related = ["user"]
    date_hierarchy = "local_date"
    readonly_fields = [
        "user",
        "kind",
        "local_date",
        "status",
        "attempts",
        "lease_until",
        "message_id",
        "items",
        "error",
        "created_at",
        "sent_at",
    ]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
