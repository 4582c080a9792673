from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any, TypeVar

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import focus_of, local_today
from contacts.models import Contact
from contacts.scoping import contacts_matching
from goals import services
from goals.forms import (
    ObjectiveForm,
    PlanForm,
    PriorityForm,
    SetupObjectiveForm,
    SetupPriorityForm,
    SetupPurposeForm,
    SetupTacticForm,
    TacticForm,
    describe_measure,
    setup_formset,
)
from goals.models import GoalPlan, Objective, Priority, Tactic
from goals.progress import Progress, TacticTime, plan_numbers
from goals.scoping import (
    active_plan_for,
    get_active_plan_for,
    get_objective_for,
    get_plan_for,
    get_priority_for,
    get_tactic_for,
    plans_for,
)
from goals.starters import STARTERS, ObjectiveDraft, PriorityDraft, Starter, TacticDraft

SETUP_SESSION_KEY = "goals_setup"
SETUP_STEPS = {
    "purpose": ("Purpose", 2),
    "objectives": ("Objectives", 3),
    "priorities": ("Priorities", 4),
    "tactics": ("Tactics", 5),
}
SETUP_NAV = [("Starting point", 1, ""), *((v[0], v[1], k) for k, v in SETUP_STEPS.items())]
STATUS_CLASSES = {
    "done": "bg-success",
    "on_track": "bg-success",
    "behind": "bg-warning",
    "missed": "bg-danger",
    "no_data": "bg-secondary",
}
TARGET_NAMES = ("first_name", "last_name", "display_name")


# --- The plan page ----------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectiveRow:
    objective: Objective
    progress: Progress | None
    measure: str

    @property
    def bar(self) -> int:
        """The bar's width in steps of 5% (the CSP allows classes, not inline widths)."""
        return 5 * round(self.progress.percent / 5) if self.progress else 0

    @property
    def last_day(self) -> dt.date | None:
        return self.progress.end - dt.timedelta(days=1) if self.progress else None

    @property
    def status_class(self) -> str:
        return STATUS_CLASSES[self.progress.status] if self.progress else "bg-secondary"

    @cached_property
    def audience(self) -> str:
        """Whom it counts, in words; "" for everyone (the card then says nothing)."""
        return self.objective.audience_label() if self.objective.has_audience else ""


@dataclass(frozen=True)
class TacticRow:
    tactic: Tactic
    time: TacticTime | None  # None for a paused tactic

    @property
    def bar(self) -> int:
        return 5 * round(self.time.percent / 5) if self.time else 0


def plan_objectives(plan: GoalPlan) -> list[Objective]:
    """The plan's objectives with their audiences' tags and communities, and their target
    contacts as a list, `target_contacts` (a list per objective costs less than a manager)."""
    targets = Contact.objects.only(*TARGET_NAMES)
    return list(
        plan.objectives.prefetch_related(
            "audience_tags",
            "audience_communities",
            Prefetch("targets", queryset=targets, to_attr="target_contacts"),
        )
    )


PlanPart = TypeVar("PlanPart", Tactic, Priority)


def with_objectives(rows: list[PlanPart], objectives: list[Objective]) -> list[PlanPart]:
    """The tactics or priorities `rows`, each given its objective from the plan's `objectives`,
    already read, rather than from a join (an objective of another plan is read when asked)."""
    by_pk = {objective.pk: objective for objective in objectives}
    for row in rows:
        if row.objective_id in by_pk:
            row.objective = by_pk[row.objective_id]
    return rows


def priority_lists(plan: GoalPlan, priorities: list[Priority] | None = None) -> dict[str, Any]:
    """What `goals/_priorities.html` draws: the focus list and the *not now* list."""
    if priorities is None:
        priorities = list(plan.priorities.select_related("objective", "contact"))
    return {
        "plan": plan,
        "focus": [p for p in priorities if not p.not_now],
        "not_now": [p for p in priorities if p.not_now],
    }


def plan(request: HttpRequest) -> HttpResponse:
    current = active_plan_for(request.user)
    if current is None:
        earlier = plans_for(request.user).exists()
        return render(request, "goals/plan_empty.html", {"has_history": earlier})
    today = local_today(request.user)
    objectives = plan_objectives(current)
    tactics = with_objectives(list(current.tactics.select_related("community")), objectives)
    priorities = with_objectives(list(current.priorities.select_related("contact")), objectives)
    numbers = plan_numbers(
        current,
        today=today,
        objectives=objectives,
        tactics=tactics,
        focus=focus_of(request.user),
    )
    progress = {p.objective.pk: p for p in numbers.objectives}
    times = {t.tactic.pk: t for t in numbers.tactics}
    now = timezone.now()
    reviewed = current.reviewed_at
    rows = [ObjectiveRow(o, progress.get(o.pk), describe_measure(o)) for o in objectives]
    context = {
        "plan": current,
        "objectives": rows,
        "tactics": [TacticRow(t, times.get(t.pk)) for t in tactics],
        "week": numbers.week,
        "week_last_day": numbers.week[1] - dt.timedelta(days=1) if numbers.week else None,
        "review_due": current.review_due(now),
        "days_since_review": (now - reviewed).days if reviewed else None,
        **priority_lists(current, priorities),
    }
    return render(request, "goals/plan.html", context)


@require_POST
def review(request: HttpRequest) -> HttpResponse:
    current = get_active_plan_for(request.user)
    services.plan_review(plan=current, now=timezone.now())
    messages.success(request, "Marked as reviewed. The next reminder comes in a month.")
    return redirect("goals:plan")


def history(request: HttpRequest) -> HttpResponse:
    earlier = (
        plans_for(request.user)
        .filter(ended_on__isnull=False)
        .annotate(
            objective_count=Count("objectives", distinct=True),
            tactic_count=Count("tactics", distinct=True),
        )
        .order_by("-ended_on", "-started_on", "-pk")
    )
    context = {"current": active_plan_for(request.user), "earlier": earlier}
    return render(request, "goals/history.html", context)


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan as it was written, read-only: the way to look back at an earlier plan."""
    shown = get_plan_for(request.user, pk)
    objectives = plan_objectives(shown)
    context = {
        "plan": shown,
        "objectives": [ObjectiveRow(o, None, describe_measure(o)) for o in objectives],
        "tactics": list(shown.tactics.select_related("objective")),
        **priority_lists(shown),
    }
    return render(request, "goals/plan_detail.html", context)


# --- Editing the active plan --------------------------------------------------------------


def no_plan_yet(request: HttpRequest) -> HttpResponse:
    messages.info(request, "Set up a plan first; you can change every part of it afterwards.")
    return redirect("goals:setup")


@require_http_methods(["GET", "POST"])
def purpose_edit(request: HttpRequest) -> HttpResponse:
    current = active_plan_for(request.user)
    if current is None:
        return no_plan_yet(request)
    form = PlanForm(request.POST or None, instance=current, owner=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                plan=form.save(commit=False),
                version=form.cleaned_data["version"],
                audience_tags=form.cleaned_data["audience_tags"],
            )
        except services.StaleEdit as stale:
            form.refuse_stale(stale.current)
        else:
            messages.success(request, "Your purpose is saved.")
            return redirect("goals:plan")
    return render(request, "goals/purpose_form.html", {"form": form, "plan": current})


@require_http_methods(["GET", "POST"])
def objective_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk:
        objective = get_objective_for(request.user, pk)
        current = objective.plan
    else:
        found = active_plan_for(request.user)
        if found is None:
            return no_plan_yet(request)
        current, objective = found, Objective(plan=found)
    form = ObjectiveForm(
        request.POST or None,
        instance=objective,
        owner=request.user,
        plan_start=current.started_on,
    )
    if request.method == "POST" and form.is_valid():
        try:
            objective = services.objective_save(
                objective=form.save(commit=False),
                version=form.cleaned_data["version"],
                audience_tags=form.cleaned_data["audience_tags"],
                audience_communities=form.cleaned_data["audience_communities"],
                targets=form.cleaned_data["targets"],
            )
        except services.StaleEdit as stale:
            form.refuse_stale(stale.current)
        else:
            messages.success(request, f"The objective “{objective.title}” is saved.")
            return redirect(reverse("goals:plan") + f"#objective-{objective.pk}")
    return render(
        request,
        "goals/objective_form.html",
        {"form": form, "objective": objective, "plan": current},
    )


@require_http_methods(["GET", "POST"])
def objective_delete(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_objective_for(request.user, pk)
    if request.method == "POST":
        objective.delete()
        messages.success(request, f"The objective “{objective.title}” is deleted.")
        return redirect("goals:plan")
    consequences = []
    if count := objective.priorities.count():
        consequences.append(
            f"The {count} priorit{'y' if count == 1 else 'ies'} naming it go with it."
        )
    if count := objective.tactics.count():
        consequences.append(
            f"The {count} tactic{'' if count == 1 else 's'} serving it stay, "
            "serving no objective in particular."
        )
    consequences.append("Interactions you logged stay as they are.")
    return render(
        request,
        "goals/confirm_delete.html",
        {"what": f"the objective “{objective.title}”", "consequences": consequences},
    )


@require_http_methods(["GET", "POST"])
def tactic_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk:
        tactic = get_tactic_for(request.user, pk)
        current = tactic.plan
    else:
        found = active_plan_for(request.user)
        if found is None:
            return no_plan_yet(request)
        current, tactic = found, Tactic(plan=found)
    form = TacticForm(request.POST or None, instance=tactic, plan=current)
    if request.method == "POST" and form.is_valid():
        try:
            tactic = services.tactic_save(
                tactic=form.save(commit=False), version=form.cleaned_data["version"]
            )
        except services.StaleEdit as stale:
            form.refuse_stale(stale.current)
        else:
            messages.success(request, f"The tactic “{tactic.action}” is saved.")
            return redirect(reverse("goals:plan") + "#tactics")
    return render(
        request, "goals/tactic_form.html", {"form": form, "tactic": tactic, "plan": current}
    )


def tactic_active(request: HttpRequest, pk: int) -> HttpResponse:
    tactic = get_tactic_for(request.user, pk)
    if request.method != "POST":  # after the scoping: someone else's id is a 404 either way
        return HttpResponseNotAllowed(["POST"])
    active = request.POST.get("active") == "1"
    services.tactic_set_active(tactic=tactic, active=active)
    state = "active again" if active else "paused; it keeps its budget for when you resume it"
    messages.success(request, f"The tactic “{tactic.action}” is {state}.")
    return redirect(reverse("goals:plan") + "#tactics")


@require_http_methods(["GET", "POST"])
def tactic_delete(request: HttpRequest, pk: int) -> HttpResponse:
    tactic = get_tactic_for(request.user, pk)
    if request.method == "POST":
        tactic.delete()
        messages.success(request, f"The tactic “{tactic.action}” is deleted.")
        return redirect(reverse("goals:plan") + "#tactics")
    return render(
        request,
        "goals/confirm_delete.html",
        {
            "what": f"the tactic “{tactic.action}”",
            "consequences": ["Pausing it instead keeps it for later, out of this week's budget."],
        },
    )


def priorities_response(request: HttpRequest, current: GoalPlan, **extra: Any) -> HttpResponse:
    """The redrawn lists for htmx; the plan page for everyone else."""
    if request.htmx:
        lists = priority_lists(current)
        return render(request, "goals/_priorities.html", {**lists, **extra})
    return redirect(reverse("goals:plan") + "#priorities")


@require_http_methods(["GET", "POST"])
def priority_create(request: HttpRequest) -> HttpResponse:
    current = active_plan_for(request.user)
    if current is None:
        return no_plan_yet(request)
    initial = {"not_now": request.GET.get("not_now") == "1"}
    form = PriorityForm(request.POST or None, plan=current, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            services.priority_add(
                plan=current,
                text=form.cleaned_data["text"],
                objective=form.cleaned_data["objective"],
                contact=form.cleaned_data["contact"],
                not_now=form.cleaned_data["not_now"],
            )
            # Back in the same one-line form, ready for the next one.
            added = "aside" if form.cleaned_data["not_now"] else "focus"
            return priorities_response(request, current, added=added)
        if request.htmx:
            # The one-line form under the list, with its error and what was typed.
            list_name = "not_now" if request.POST.get("not_now") else "focus"
            return priorities_response(request, current, **{f"{list_name}_form": form})
    return render(request, "goals/priority_form.html", {"form": form, "priority": None})


@require_http_methods(["GET", "POST"])
def priority_edit(request: HttpRequest, pk: int) -> HttpResponse:
    priority = get_priority_for(request.user, pk)
    form = PriorityForm(request.POST or None, instance=priority, plan=priority.plan)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The priority is saved.")
        return redirect(reverse("goals:plan") + "#priorities")
    return render(request, "goals/priority_form.html", {"form": form, "priority": priority})


@require_http_methods(["GET", "POST"])
def priority_delete(request: HttpRequest, pk: int) -> HttpResponse:
    priority = get_priority_for(request.user, pk)
    if request.method == "POST":
        priority.delete()
        messages.success(request, "The priority is deleted.")
        return redirect(reverse("goals:plan") + "#priorities")
    return render(
        request,
        "goals/confirm_delete.html",
        {"what": f"the priority “{priority}”", "consequences": []},
    )


def priority_move(request: HttpRequest, pk: int) -> HttpResponse:
    priority = get_priority_for(request.user, pk)
    if request.method != "POST":  # after the scoping: someone else's id is a 404 either way
        return HttpResponseNotAllowed(["POST"])
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        return HttpResponseBadRequest("A priority moves up or down.")
    services.priority_move(priority=priority, direction=direction)  # type: ignore[arg-type]
    return priorities_response(request, priority.plan, moved=(priority.pk, direction))


def priority_not_now(request: HttpRequest, pk: int) -> HttpResponse:
    priority = get_priority_for(request.user, pk)
    if request.method != "POST":  # after the scoping: someone else's id is a 404 either way
        return HttpResponseNotAllowed(["POST"])
    services.priority_set_not_now(priority=priority, not_now=request.POST.get("not_now") == "1")
    return priorities_response(request, priority.plan)


def contact_picker(request: HttpRequest) -> HttpResponse:
    """Up to ten of the user's contacts matching what was typed, as target checkboxes."""
    query = request.GET.get("q", "").strip()
    found = contacts_matching(request.user, query).only(*TARGET_NAMES, "company")
    return render(request, "goals/_contact_picker.html", {"found": found, "query": query})


# --- The guided setup -----------------------------------------------------------------
#
# The plan being written lives in the session until its last step, so the current plan stays
# active (and nothing half-made is saved) until the user says "save my plan".


def starter_draft(starter: Starter, today: dt.date) -> dict[str, Any]:
    """A starter as the session keeps it (JSON): what the setup's forms show and edit."""
    return {
        "key": starter.key,
        "name": starter.name,
        "purpose_who": starter.purpose_who,
        "purpose_why": starter.purpose_why,
        "purpose_what": starter.purpose_what,
        "audience_tags": list(starter.audience_tag_ids),
        "audience_circles": list(starter.audience_circles),
        "audience_industry": starter.audience_industry,
        "objectives": [
            {
                "title": o.title,
                "metric": o.metric,
                "detail": o.detail,
                "target": str(o.target),
                "period": o.period,
                "due_on": as_json(
                    o.due_on
                    or (today + dt.timedelta(days=o.due_in_days) if o.due_in_days else None)
                ),
            }
            for o in starter.objectives
        ],
        "priorities": [{"text": p.text, "not_now": p.not_now} for p in starter.priorities],
        "tactics": [
            {
                "platform": t.platform,
                "action": t.action,
                "minutes_per_week": t.minutes_per_week,
                "boundaries": t.boundaries,
            }
            for t in starter.tactics
        ],
    }


def draft_starter(draft: dict[str, Any]) -> Starter:
    """The edited draft, as the starter `services.plan_start` saves."""
    return Starter(
        key=draft["key"],
        name=draft["name"],
        summary="",
        purpose_who=draft["purpose_who"],
        purpose_why=draft["purpose_why"],
        purpose_what=draft["purpose_what"],
        audience_tag_ids=tuple(draft["audience_tags"]),
        audience_circles=tuple(draft["audience_circles"]),
        audience_industry=draft["audience_industry"],
        objectives=tuple(
            ObjectiveDraft(
                title=o["title"],
                metric=o["metric"],
                target=Decimal(o["target"]),
                period=o["period"],
                detail=o["detail"],
                due_on=dt.date.fromisoformat(o["due_on"]) if o["due_on"] else None,
            )
            for o in draft["objectives"]
        ),
        priorities=tuple(PriorityDraft(p["text"], p["not_now"]) for p in draft["priorities"]),
        tactics=tuple(TacticDraft(**t) for t in draft["tactics"]),
    )


def as_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def kept_rows(formset: Any, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """The filled-in rows of a valid formset that were not removed, as JSON."""
    return [
        {name: as_json(form.cleaned_data.get(name)) for name in fields}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Step 1: pick a starting point."""
    if request.method == "POST":
        starter = STARTERS.get(request.POST.get("starter", ""))
        if starter is None:
            messages.error(request, "Pick one of the starting points.")
            return redirect("goals:setup")
        request.session[SETUP_SESSION_KEY] = starter_draft(starter, local_today(request.user))
        return redirect("goals:setup_purpose")
    context = {
        "starters": list(STARTERS.values()),
        "current": active_plan_for(request.user),
        "draft": request.session.get(SETUP_SESSION_KEY),
        "step": ("Starting point", 1),
        "steps": SETUP_NAV,
    }
    return render(request, "goals/setup_starter.html", context)


@require_http_methods(["GET", "POST"])
def setup_step(request: HttpRequest, step: str) -> HttpResponse:
    """Steps 2 to 5: purpose, objectives, priorities, tactics; the last one saves the plan."""
    if step not in SETUP_STEPS:
        return redirect("goals:setup")
    draft = request.session.get(SETUP_SESSION_KEY)
    if draft is None:
        messages.info(request, "Pick a starting point first.")
        return redirect("goals:setup")
    today = local_today(request.user)
    data = request.POST if request.method == "POST" else None

    def shown(rows: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        # A posted formset says itself how many rows it showed; the draft's rows would make
        # an untouched extra row look changed (and so required) if the draft changed meanwhile.
        return rows if data is None else None

    if step == "purpose":
        form = SetupPurposeForm(data, owner=request.user, initial=draft)
        if form.is_valid():
            draft |= {
                name: form.cleaned_data[name]
                for name in ("name", "purpose_who", "purpose_why", "purpose_what")
            }
            draft["audience_tags"] = [tag.pk for tag in form.cleaned_data["audience_tags"]]
            draft["audience_circles"] = form.cleaned_data["audience_circles"]
            draft["audience_industry"] = form.cleaned_data["audience_industry"]
            return setup_next(request, draft, "objectives")
        return setup_render(request, step, draft, form=form)
    if step == "objectives":
        formset = setup_formset(SetupObjectiveForm)(
            data,
            initial=shown(draft["objectives"]),
            prefix="objectives",
            form_kwargs={"owner": request.user, "plan_start": today},
        )
        if data is not None and formset.is_valid():
            fields = ("title", "metric", "detail", "target", "period", "due_on")
            draft["objectives"] = kept_rows(formset, fields)
            return setup_next(request, draft, "priorities")
        return setup_render(request, step, draft, formset=formset)
    if step == "priorities":
        formset = setup_formset(SetupPriorityForm, extra=2)(
            data, initial=shown(draft["priorities"]), prefix="priorities"
        )
        if data is not None and formset.is_valid():
            rows = kept_rows(formset, ("text", "not_now"))
            draft["priorities"] = [row for row in rows if row["text"].strip()]
            return setup_next(request, draft, "tactics")
        return setup_render(request, step, draft, formset=formset)
    formset = setup_formset(SetupTacticForm)(
        data, initial=shown(draft["tactics"]), prefix="tactics"
    )
    if data is not None and formset.is_valid():
        fields = ("platform", "action", "minutes_per_week", "boundaries")
        draft["tactics"] = kept_rows(formset, fields)
        before = active_plan_for(request.user)
        saved = services.plan_start(owner=request.user, starter=draft_starter(draft), today=today)
        del request.session[SETUP_SESSION_KEY]
        note = f" “{before.name}” is in your history." if before else ""
        messages.success(request, f"Your plan “{saved.name}” is saved.{note}")
        return redirect("goals:plan")
    return setup_render(request, step, draft, formset=formset)


def setup_next(request: HttpRequest, draft: dict[str, Any], step: str) -> HttpResponse:
    request.session[SETUP_SESSION_KEY] = draft
    return redirect(f"goals:setup_{step}")


def setup_render(
    request: HttpRequest, step: str, draft: dict[str, Any], **forms: Any
) -> HttpResponse:
    steps = list(SETUP_STEPS)
    index = steps.index(step)
    context = {
        "step": SETUP_STEPS[step],
        "step_name": step,
        "previous": steps[index - 1] if index else None,
        "next": steps[index + 1] if index + 1 < len(steps) else None,
        "steps": SETUP_NAV,
        "draft": draft,
        "starter": STARTERS.get(draft["key"]),
        "current": active_plan_for(request.user) if step == "tactics" else None,
        **forms,
    }
    return render(request, f"goals/setup_{step}.html", context)
