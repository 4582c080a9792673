from django.contrib import admin

from contacts.models import Contact, ContactEmail, ContactPhone, Interaction, Tag


class ContactEmailInline(admin.TabularInline):
    model = ContactEmail
    extra = 0


class ContactPhoneInline(admin.TabularInline):
    model = ContactPhone
    extra = 0


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "owner", "company", "circle", "strength", "next_checkin_on"]
    list_filter = ["circle", "archived"]
    search_fields = ["first_name", "last_name", "display_name", "company", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner", "introduced_by"]
    readonly_fields = ["last_interaction_on", "next_checkin_on", "strength"]
    filter_horizontal = ["tags"]
    inlines = [ContactEmailInline, ContactPhoneInline]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "owner", "kind", "channel", "quality", "private"]
    list_filter = ["kind", "channel", "private"]
    search_fields = ["owner__email", "notes"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner", "contacts"]
    date_hierarchy = "occurred_on"


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "owner"]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
