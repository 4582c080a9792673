from django import forms
from django.contrib import admin

from goals.forms import metric_choices
from goals.models import GoalPlan, Objective, Priority, Tactic


class ObjectiveAdminForm(forms.ModelForm):
    # A metric outside the catalog could not be measured: the plan page would fail on it.
    metric = forms.ChoiceField(choices=metric_choices)

    class Meta:
        model = Objective
        fields = [
            "plan",
            "title",
            "metric",
            "detail",
            "target",
            "period",
            "starts_on",
            "due_on",
            "audience_tags",
            "audience_circles",
            "audience_industry",
            "audience_communities",
            "targets",
            "position",
        ]


class ObjectiveInline(admin.TabularInline):
    model = Objective
    form = ObjectiveAdminForm
    extra = 0
    fields = ["title", "metric", "detail", "target", "period", "due_on", "position"]
    show_change_link = True


class PriorityInline(admin.TabularInline):
    model = Priority
    extra = 0
    fields = ["text", "objective", "not_now", "position"]
    raw_id_fields = ["objective"]


class TacticInline(admin.TabularInline):
    model = Tactic
    extra = 0
    fields = ["platform", "action", "minutes_per_week", "boundaries", "active", "position"]


@admin.register(GoalPlan)
class GoalPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "template", "started_on", "ended_on", "reviewed_at"]
    list_filter = ["template", ("ended_on", admin.EmptyFieldListFilter)]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    filter_horizontal = ["audience_tags"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "started_on"
    inlines = [ObjectiveInline, PriorityInline, TacticInline]


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    form = ObjectiveAdminForm
    list_display = ["title", "plan", "metric", "detail", "target", "period", "due_on"]
    list_filter = ["metric", "period"]
    search_fields = ["title", "plan__name", "plan__owner__email"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan", "targets", "audience_tags", "audience_communities"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "not_now", "position"]
    list_filter = ["not_now"]
    search_fields = ["text", "plan__name", "plan__owner__email"]
    list_select_related = ["plan", "objective", "contact"]
    raw_id_fields = ["plan", "objective", "contact"]


@admin.register(Tactic)
class TacticAdmin(admin.ModelAdmin):
    list_display = ["action", "plan", "platform", "minutes_per_week", "active"]
    list_filter = ["platform", "active"]
    search_fields = ["action", "plan__name", "plan__owner__email"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan", "objective", "community"]
    readonly_fields = ["updated_at"]
