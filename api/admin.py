from django.contrib import admin

from api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """For operators: who holds which token, and when it was last used. The secret is never
    stored, so it cannot be shown; only its first characters."""

    list_display = ["name", "owner", "scope", "hint", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["name", "owner__email", "hint"]
    readonly_fields = ["owner", "hint", "digest", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request: object) -> bool:
        return False  # tokens are made by their owners, in Settings
