"""The coach's admin: the caseload, each client's plan and KPIs, and — within the scope the
client chose — their contacts and interactions, read-only; plus the coach's own notes and
suggestions.

How a coach is kept to what they may see:

- every queryset here is narrowed to the coach's active clients whose scope covers it
  (`CoachAssignment.objects.clients_of`, a subquery read on each request: a revocation holds
  from the coach's next request on), and an object outside it is a 404;
- client data is never editable, addable or deletable by a coach; there are no actions, no
  history pages and no autocomplete on client data;
- private notes are in no field, column, search or filter; private interactions are not in
  any queryset;
- a coach's changelist answers only the query parameters it declares (its filters and date
  hierarchy, beside search, ordering and paging): any other lookup is refused with a 400
  before it reaches a `WHERE`, since `.defer()` hides a column from a page but not from a
  filter (`ScopedAdmin.lookup_allowed`);
- every page of client data writes the access log (`coaching.services.access_log`).

Every other admin model needs Django's model permissions, which the Coaches group does not
hold. Operators (superusers) see everything, and are not logged.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.views.main import ChangeList
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from accounts.models import CoachAssignment, CoachScope, User, is_coach
from coaching.caseload import (
    TREND_WEEKS,
    ClientNumbers,
    caseload,
    numbers_for,
    trend_text,
)
from coaching.detail import client_detail_context
from coaching.models import (
    AccessLog,
    Client,
    ClientContact,
    ClientInteraction,
    CoachNote,
    Suggestion,
    SuggestionKind,
    SuggestionStatus,
)
from coaching.services import access_log, access_request
from contacts.models import Contact
from goals.forms import detail_choices, metric_choices
from goals.metrics import CATALOG
from goals.models import MAX_TACTIC_MINUTES, Period


def coach_only(request: HttpRequest) -> bool:
    """A coach who is not also an operator: the person every rule here is about."""
    return is_coach(request.user) and not request.user.is_superuser


def may_enter(request: HttpRequest) -> bool:
    return request.user.is_superuser or is_coach(request.user)


def clients_of(request: HttpRequest, scope: str = CoachScope.PLAN) -> QuerySet:
    return CoachAssignment.objects.clients_of(request.user, scope)


class ClientFilter(admin.SimpleListFilter):
    """Filter by client, listing only the coach's clients in scope (the standard filter on a
    foreign key would list every user)."""

    title = "client"
    parameter_name = "client"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        users = User.objects.order_by("name", "email")
        if coach_only(request):
            users = users.filter(pk__in=clients_of(request, model_admin.scope_needed))
        else:
            users = users.filter(coach_assignments__status="active").distinct()
        return [(str(user.pk), user.get_full_name()) for user in users.only("name", "email")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(owner_id=int(value))


class ScopedAdmin(admin.ModelAdmin):
    """What every coach-facing admin shares: an object outside the queryset (not there, or not
    the coach's to see) is a 404, the same answer either way; no history pages but for
    operators (change messages are theirs); no bulk actions."""

    actions = None
    show_facets = admin.ShowFacets.NEVER
    change_form_template = "admin/coaching/change_form.html"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_enter(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_enter(request)

    def declared_parameters(self, request: HttpRequest) -> set[str]:
        """The filter parameters this changelist declares: its list filters' and its date
        hierarchy's. (Search, ordering and paging never reach `lookup_allowed`.)"""
        names: set[str] = set()
        for item in self.get_list_filter(request):
            if isinstance(item, type) and issubclass(item, admin.SimpleListFilter):
                names.add(item.parameter_name)
                continue
            path, make = item if isinstance(item, list | tuple) else (item, None)
            make = make or admin.FieldListFilter.create
            field = get_fields_from_path(self.model, path)[-1]
            spec = make(field, request, {}, self.model, self, field_path=path)
            names.update(spec.expected_parameters())
        if self.date_hierarchy:
            names.update(f"{self.date_hierarchy}__{part}" for part in ("year", "month", "day"))
        return names

    def lookup_allowed(self, lookup: str, value: Any, request: HttpRequest | None = None) -> bool:
        """Operators keep the admin's lookups; anyone else gets the declared filters only, so
        no query string can filter on a field the page does not offer (a private note read a
        character at a time, a private interaction found through a relation)."""
        if request is not None and request.user.is_superuser:
            return super().lookup_allowed(lookup, value, request)
        return request is not None and lookup in self.declared_parameters(request)

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        found = super().get_object(request, object_id, from_field)
        if found is None:
            raise Http404("Nothing here.")
        return found

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        if not request.user.is_superuser:
            raise Http404("Nothing here.")
        return super().history_view(request, object_id, extra_context)


class CoachViewAdmin(ScopedAdmin):
    """Read-only client data for coaches (and operators), scoped and logged."""

    scope_needed: str = CoachScope.PLAN
    client_field = "owner"
    what = "data"

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        if not is_coach(request.user):
            return rows.none()
        return rows.filter(**{f"{self.client_field}__in": clients_of(request, self.scope_needed)})

    def client_of(self, obj: Any) -> int:
        return getattr(obj, f"{self.client_field}_id")

    def describe(self, obj: Any) -> str:
        """What the access log says the coach looked at."""
        return f"{self.what} {obj}"

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if coach_only(request) and changelist is not None:
            query = changelist.query
            what = f"{self.what} list" + (f", searching \u201c{query}\u201d" if query else "")
            access_log(
                coach=request.user,
                clients=[self.client_of(row) for row in changelist.result_list],
                what=what,
                path=request.get_full_path(),
            )
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        original = getattr(response, "context_data", {}).get("original")
        if coach_only(request) and original is not None:
            access_log(
                coach=request.user,
                clients=[self.client_of(original)],
                what=self.describe(original),
                path=request.path,
            )
        return response


# --- The caseload ---------------------------------------------------------------------------


class CaseloadChangeList(ChangeList):
    """Adds each row's catalog numbers and rollups once the page's rows are known: a fixed
    number of queries for the page, whatever its length."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        self.result_list = list(self.result_list)
        numbers = numbers_for(self.result_list)
        for row in self.result_list:
            row.numbers = numbers.get(row.client_id, ClientNumbers())


class RequestAccessForm(forms.Form):
    email = forms.EmailField(label="Their e-mail address")
    scope = forms.ChoiceField(
        label="What you ask to see",
        choices=CoachScope.choices,
        initial=CoachScope.PLAN,
        help_text="They choose in the end: they can grant less, and change it any time.",
    )


@admin.register(Client)
class ClientAdmin(CoachViewAdmin):
    """The caseload: the coach's active clients."""

    client_field = "client"
    what = "caseload"
    list_display = [
        "client_link",
        "scope_label",
        "this_week",
        "last_week",
        "trend",
        "overdue_now",
        "objectives",
        "last_interaction",
        "last_login",
    ]
    list_display_links = None
    show_full_result_count = False
    list_filter = ["scope"]
    search_fields = ["client__email", "client__name"]
    ordering = ["client__name", "client__email"]
    list_per_page = 50
    change_list_template = "admin/coaching/client/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        if not may_enter(request):
            return Client.objects.none()
        # The overdue count as SQL only when the list is sorted by it (?o=5, ?o=-5.1, …).
        column = str(self.list_display.index("overdue_now"))
        sorting = request.GET.get("o", "").replace("-", "").split(".")
        return caseload(request.user, everyone=request.user.is_superuser, overdue=column in sorting)

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type:
        return CaseloadChangeList

    def describe(self, obj: Any) -> str:
        return "plan and KPIs"

    @admin.display(description="Client", ordering="client__name")
    def client_link(self, row: Client) -> str:
        return format_html(
            '<a href="{}">{}</a><br><small>{}</small>',
            reverse("admin:coaching_client_change", args=[row.pk]),
            row.client.name or row.client.email,
            row.client.email,
        )

    @admin.display(description="Sees", ordering="scope")
    def scope_label(self, row: Client) -> str:
        return row.get_scope_display()

    @admin.display(description="This week")
    def this_week(self, row: Client) -> str:
        return " · ".join(f"{h.shown} {h.label.lower()}" for h in row.numbers.this_week) or "—"

    @admin.display(description="Last week", ordering="last_week_interactions")
    def last_week(self, row: Client) -> str:
        if row.last_week_interactions is None:
            return "no rollup yet"
        return (
            f"{row.last_week_interactions} interactions, {row.last_week_meaningful or 0} meaningful"
        )

    @admin.display(description=f"{TREND_WEEKS}-week trend")
    def trend(self, row: Client) -> str:
        if not row.numbers.trend:
            return "—"
        described = trend_text(row.numbers.trend)
        return format_html(
            '<span title="{}" aria-label="{}">{}</span>',
            described,
            described,
            row.numbers.sparkline,
        )

    @admin.display(description="Overdue", ordering="overdue")
    def overdue_now(self, row: Client) -> str:
        return str(row.numbers.overdue)

    @admin.display(description="Objectives")
    def objectives(self, row: Client) -> str:
        numbers = row.numbers
        if numbers.objectives_week is None:
            return "no rollup yet"
        if not numbers.objectives:
            return "no objectives"
        return f"{numbers.on_track} on track · {numbers.behind} behind"

    @admin.display(description="Last interaction", ordering="last_interaction_on")
    def last_interaction(self, row: Client) -> str:
        day = row.last_interaction_on
        return date_format(day) if day else "—"

    @admin.display(description="Last login", ordering="client__last_login")
    def last_login(self, row: Client) -> str:
        last = row.client.last_login
        if last is None:
            return "never"
        return date_format(timezone.localtime(last).date())

    def get_urls(self) -> list[Any]:
        extra = [
            path(
                "request-access/",
                self.admin_site.admin_view(self.request_access_view),
                name="coaching_client_request_access",
            )
        ]
        return extra + super().get_urls()

    def request_access_view(self, request: HttpRequest) -> HttpResponse:
        if not coach_only(request):
            raise Http404("Coaches ask their clients for access here.")
        form = RequestAccessForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            access_request(
                coach=request.user,
                email=form.cleaned_data["email"],
                scope=form.cleaned_data["scope"],
            )
            messages.success(
                request,
                "Request sent. If an account uses that address, its owner sees your request in "
                "their coaching settings and decides; they appear here once they approve.",
            )
            return redirect("admin:coaching_client_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Ask a client for access",
            "form": form,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/coaching/client/request_access.html", context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        """The client's page: plan, KPIs, the coach's notes and suggestions."""
        if not object_id.isdigit():
            raise Http404("Nothing here.")
        assignment = self.get_object(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            **client_detail_context(assignment, request.user),
            "opts": self.opts,
            "original": assignment,
            "title": assignment.client.get_full_name(),
        }
        if coach_only(request):
            access_log(
                coach=request.user,
                clients=[assignment.client_id],
                what=self.describe(assignment),
                path=request.path,
            )
        return TemplateResponse(request, "admin/coaching/client/detail.html", context)


# --- Client data within scope ---------------------------------------------------------------


@admin.register(ClientContact)
class ClientContactAdmin(CoachViewAdmin):
    scope_needed = CoachScope.CONTACTS
    what = "contact"
    list_display = [
        "name",
        "client",
        "company",
        "title",
        "circle",
        "strength",
        "last_interaction_on",
        "next_checkin_on",
    ]
    list_filter = [ClientFilter, "circle", "archived"]
    # Never the notes fields: a match on a private note would tell what it says.
    search_fields = ["first_name", "last_name", "display_name", "company", "title"]
    list_select_related = ["owner"]
    ordering = ["first_name", "last_name"]
    fields = [
        "first_name",
        "last_name",
        "display_name",
        "client",
        "company",
        "title",
        "industry",
        "location",
        "circle",
        "cadence_days",
        "strength",
        "last_interaction_on",
        "next_checkin_on",
        "tag_names",
        "introduced_by_name",
        "source",
        "met_on",
        "notes",
    ]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .select_related("owner", "introduced_by")
            .defer("private_notes")
        )

    @admin.display(description="Contact", ordering="first_name")
    def name(self, contact: Contact) -> str:
        return str(contact)

    @admin.display(description="Client", ordering="owner__name")
    def client(self, contact: Contact) -> str:
        return contact.owner.get_full_name()

    @admin.display(description="Tags")
    def tag_names(self, contact: Contact) -> str:
        return ", ".join(contact.tags.order_by("name").values_list("name", flat=True)) or "—"

    @admin.display(description="Introduced by")
    def introduced_by_name(self, contact: Contact) -> str:
        return str(contact.introduced_by) if contact.introduced_by_id else "—"


@admin.register(ClientInteraction)
class ClientInteractionAdmin(CoachViewAdmin):
    scope_needed = CoachScope.INTERACTIONS
    what = "interaction"
    list_display = ["occurred_on", "people", "client", "kind", "channel", "quality", "outcome"]
    list_filter = [ClientFilter, "kind", "channel"]
    search_fields = ["notes"]
    list_select_related = ["owner"]
    date_hierarchy = "occurred_on"
    fields = [
        "occurred_on",
        "people",
        "client",
        "kind",
        "channel",
        "initiated_by",
        "duration_minutes",
        "quality",
        "outcome",
        "outcome_value",
        "objective_title",
        "notes",
    ]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        people = Contact.objects.only("first_name", "last_name", "display_name")
        return (
            super()
            .get_queryset(request)
            .filter(private=False)
            .select_related("owner", "objective")
            .prefetch_related(Prefetch("contacts", queryset=people))
        )

    @admin.display(description="With")
    def people(self, interaction: ClientInteraction) -> str:
        return ", ".join(str(c) for c in interaction.contacts.all()) or "—"

    @admin.display(description="Client", ordering="owner__name")
    def client(self, interaction: ClientInteraction) -> str:
        return interaction.owner.get_full_name()

    @admin.display(description="Objective served")
    def objective_title(self, interaction: ClientInteraction) -> str:
        return interaction.objective.title if interaction.objective_id else "—"


# --- What the coach writes --------------------------------------------------------------------


class CoachWritesAdmin(ScopedAdmin):
    """A coach's own notes or suggestions, for their active clients; operators may read and
    delete them."""

    list_select_related = ["client", "coach"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return coach_only(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return coach_only(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_enter(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        if not is_coach(request.user):
            return rows.none()
        return rows.filter(coach=request.user, client__in=clients_of(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "client":
            kwargs["queryset"] = User.objects.filter(pk__in=clients_of(request)).order_by("name")
            kwargs["error_messages"] = {
                "invalid_choice": "Pick one of your active clients: this one is not (any more)."
            }
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.coach = request.user
        super().save_model(request, obj, form, change)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        if "client" in initial and not str(initial["client"]).isdigit():
            initial.pop("client")
        return initial


@admin.register(CoachNote)
class CoachNoteAdmin(CoachWritesAdmin):
    list_display = ["__str__", "client", "created_at", "seen"]
    search_fields = ["text"]
    fields = ["client", "text"]

    @admin.display(description="Dismissed by the client", boolean=True)
    def seen(self, note: CoachNote) -> bool:
        return note.dismissed_at is not None


class SuggestionForm(forms.ModelForm):
    metric = forms.ChoiceField(label="Measured by", choices=metric_choices, required=False)
    detail = forms.ChoiceField(label="Only", choices=detail_choices, required=False)

    class Meta:
        model = Suggestion
        fields = [
            "client",
            "kind",
            "title",
            "why",
            "metric",
            "detail",
            "target",
            "period",
            "platform",
            "minutes_per_week",
        ]
        help_texts = {
            "target": "Objective: the number to reach each period.",
            "minutes_per_week": f"Tactic: the weekly budget, 1 to {MAX_TACTIC_MINUTES} minutes.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [
            ("", "---------"),
            *[(p.value, p.label) for p in Period if p != Period.BY_DATE],
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == SuggestionKind.OBJECTIVE:
            metric = cleaned.get("metric")
            if not metric:
                self.add_error("metric", "An objective needs a measure.")
            elif (detail := cleaned.get("detail")) and detail not in dict(CATALOG[metric].details):
                self.add_error("detail", f"{CATALOG[metric].label} cannot be narrowed that way.")
            target = cleaned.get("target")
            if target is None:
                self.add_error("target", "An objective needs a target.")
            elif target <= 0:
                self.add_error("target", "The target must be more than zero.")
            if not cleaned.get("period"):
                self.add_error("period", "Per week, per month or per quarter?")
            cleaned.update(platform="", minutes_per_week=None)
        elif kind == SuggestionKind.TACTIC:
            if not cleaned.get("platform"):
                self.add_error("platform", "Where does this tactic happen?")
            minutes = cleaned.get("minutes_per_week")
            if minutes is None:
                self.add_error("minutes_per_week", "How many minutes a week?")
            elif not 1 <= minutes <= MAX_TACTIC_MINUTES:
                self.add_error("minutes_per_week", "Between 1 minute and 40 hours a week.")
            cleaned.update(metric="", detail="", target=None, period="")
        return cleaned


@admin.register(Suggestion)
class SuggestionAdmin(CoachWritesAdmin):
    form = SuggestionForm
    list_display = ["__str__", "client", "status", "created_at", "decided_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    readonly_fields = ["status", "decided_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Once the client has answered, the suggestion is history.
        pending = obj is None or obj.status == SuggestionStatus.PENDING
        return coach_only(request) and pending

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        pending = obj is None or obj.status == SuggestionStatus.PENDING
        return request.user.is_superuser or (coach_only(request) and pending)


# --- For operators ------------------------------------------------------------------------


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Operators only: every coach look at client data. (Answered without the permission
    tables: the coach's menu asks each admin of the coaching app on every page.)"""

    list_display = ["at", "coach", "client", "what"]
    search_fields = ["coach__email", "client__email", "what"]
    list_select_related = ["coach", "client"]
    date_hierarchy = "at"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
