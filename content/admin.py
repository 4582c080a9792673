from django.contrib import admin

from content.models import Piece


@admin.register(Piece)
class PieceAdmin(admin.ModelAdmin):
    """For operators: coaches see no model here (coaching.admin scopes what they see)."""

    list_display = ["title", "owner", "platform", "published_on"]
    list_filter = ["platform", "kind"]
    search_fields = ["title"]
    raw_id_fields = ["owner", "engaged", "community", "topics"]
