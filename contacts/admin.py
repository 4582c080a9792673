from django.contrib import admin

from contacts.models import Contact


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "owner", "company", "circle", "archived"]
    list_filter = ["circle", "archived"]
    search_fields = ["first_name", "last_name", "company", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
