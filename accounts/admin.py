from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm as BaseAdminUserCreationForm

from accounts.models import CoachAssignment, Profile, User


class AdminUserCreationForm(BaseAdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = AdminUserCreationForm
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "name"]
    inlines = [ProfileInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal", {"fields": ("name",)}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )


@admin.register(CoachAssignment)
class CoachAssignmentAdmin(admin.ModelAdmin):
    """For operators (model permissions): who coaches whom. Clients change these in their own
    settings; an operator may end one (support), not create one behind the client's back."""

    list_display = ["client", "coach", "email", "scope", "status", "created_at", "ended_at"]
    list_filter = ["status", "scope"]
    search_fields = ["client__email", "coach__email", "email"]
    list_select_related = ["client", "coach"]
    raw_id_fields = ["client", "coach"]
    readonly_fields = ["created_at", "accepted_at", "ended_at", "updated_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
