"""The client's side of coaching (settings → coaching, the Today page's notes and
suggestions) and the invited coach's acceptance page."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import AssignmentStatus, CoachAssignment
from coaching import services
from coaching.forms import InviteForm, ScopeForm
from coaching.models import AccessLog, CoachNote, Suggestion
from goals.models import GoalPlan

ACCESS_LOG_SHOWN = 100


@require_http_methods(["GET", "POST"])
def coaching_settings(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.coach_invite(
                client=request.user,
                email=form.cleaned_data["email"],
                scope=form.cleaned_data["scope"],
            )
        except services.InvitationLimitReached as error:
            form.add_error(None, str(error))  # about the sender, not the address
        except services.CoachingError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request,
                f"Invitation sent to {form.cleaned_data['email']}. They see nothing until they "
                "accept it.",
            )
            return redirect("coaching:settings")
    assignments = list(
        CoachAssignment.objects.filter(client=request.user)
        .select_related("coach")
        .order_by("-created_at")
    )
    context = {
        "form": form,
        "active": [a for a in assignments if a.status == AssignmentStatus.ACTIVE],
        "invited": [a for a in assignments if a.status == AssignmentStatus.INVITED],
        "requested": [a for a in assignments if a.status == AssignmentStatus.REQUESTED],
        "ended": [
            a
            for a in assignments
            if a.status in (AssignmentStatus.REVOKED, AssignmentStatus.DECLINED)
        ][:20],
        "scope_form": ScopeForm(),
        "log": AccessLog.objects.filter(client=request.user).select_related("coach")[
            :ACCESS_LOG_SHOWN
        ],
        "notes": CoachNote.objects.filter(client=request.user).select_related("coach")[:20],
    }
    return render(request, "coaching/settings.html", context)


def _mine(request: HttpRequest, pk: int) -> CoachAssignment:
    return get_object_or_404(CoachAssignment, pk=pk, client=request.user)


@require_POST
def assignment_scope(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _mine(request, pk)
    form = ScopeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pick one of the three scopes in the list; nothing changed.")
        return redirect("coaching:settings")
    try:
        services.scope_change(assignment=assignment, scope=form.cleaned_data["scope"])
    except services.CoachingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Scope changed. It applies from your coach's next page on.")
    return redirect("coaching:settings")


@require_POST
def assignment_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve (with a scope) or decline a coach's request."""
    assignment = _mine(request, pk)
    approve = request.POST.get("answer") == "approve"
    form = ScopeForm(request.POST)
    if approve and not form.is_valid():
        messages.error(request, "Pick what your coach may see; nothing changed.")
        return redirect("coaching:settings")
    try:
        services.request_answer(
            assignment=assignment,
            approve=approve,
            scope=form.cleaned_data["scope"] if approve else assignment.scope,
        )
    except services.CoachingError as error:
        messages.error(request, str(error))
    else:
        coach = assignment.coach or assignment.email
        messages.success(request, f"{coach} now coaches you." if approve else "Request declined.")
    return redirect("coaching:settings")


@require_POST
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _mine(request, pk)
    before = assignment.status
    services.assignment_end(assignment=assignment)
    messages.success(
        request,
        {
            AssignmentStatus.ACTIVE: "Coaching ended: your coach sees nothing from now on.",
            AssignmentStatus.INVITED: "Invitation withdrawn: its link no longer works.",
            AssignmentStatus.REQUESTED: "Request declined.",
        }.get(before, "Already ended."),
    )
    return redirect("coaching:settings")


# --- The invited coach ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the invitation; POST accepts or declines it (a mail scanner that follows the
    link changes nothing)."""
    try:
        assignment = services.invitation_read(token)
    except signing.SignatureExpired:
        return _invitation_problem(
            request,
            "This invitation has expired",
            "Invitation links work for a limited time. Ask your client to invite you again "
            "from their coaching settings.",
        )
    except signing.BadSignature:
        return _invitation_problem(
            request,
            "This link is not valid",
            "It may have been cut or changed on the way. Open the link from the e-mail again, "
            "or ask your client to send a new invitation.",
        )
    if assignment is None:
        return _invitation_problem(
            request, "This invitation no longer exists", "Ask your client to invite you again."
        )
    if request.method == "POST":
        try:
            if request.POST.get("answer") == "decline":
                services.invitation_decline(assignment=assignment, coach=request.user)
                messages.success(request, "Invitation declined.")
                return redirect("today")
            services.invitation_accept(assignment=assignment, coach=request.user)
        except services.CoachingError as error:
            return _invitation_problem(request, "This invitation cannot be used", str(error))
        messages.success(
            request,
            f"You now coach {assignment.client.get_full_name()}. They are on your caseload.",
        )
        return redirect(reverse("admin:coaching_client_changelist"))
    if assignment.status != AssignmentStatus.INVITED:
        return _invitation_problem(
            request, "This invitation cannot be used", services.invitation_settled(assignment)
        )
    return render(request, "coaching/invitation.html", {"assignment": assignment})


def _invitation_problem(request: HttpRequest, title: str, detail: str) -> HttpResponse:
    return render(
        request, "coaching/invitation_problem.html", {"title": title, "detail": detail}, status=400
    )


# --- On the client's Today page -------------------------------------------------------------


def _my_suggestion(request: HttpRequest, pk: int) -> Suggestion:
    return get_object_or_404(Suggestion, pk=pk, client=request.user)


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the page the answer came from: Today, or the coaching settings."""
    return redirect("coaching:settings" if request.POST.get("from") == "settings" else "today")


@require_POST
def suggestion_accept(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _my_suggestion(request, pk)
    plan = GoalPlan.objects.active().filter(owner=request.user).first()
    try:
        decision = services.suggestion_accept(suggestion=suggestion, plan=plan)
    except services.CoachingError as error:
        messages.error(request, str(error))
    except ValidationError as error:  # a suggestion the plan's own rules refuse
        messages.error(
            request,
            "This suggestion cannot go into your plan as it is: "
            + "; ".join(error.messages)
            + " Decline it, or ask your coach for another.",
        )
    else:
        messages.success(request, decision.message)
    return _back(request)


@require_POST
def suggestion_decline(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        decision = services.suggestion_decline(suggestion=_my_suggestion(request, pk))
    except services.CoachingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, decision.message)
    return _back(request)


@require_POST
def note_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(CoachNote, pk=pk, client=request.user)
    CoachNote.objects.filter(pk=note.pk, dismissed_at__isnull=True).update(
        dismissed_at=timezone.now()
    )
    messages.success(request, "Note put away. You find it again under Settings → Coaching.")
    return redirect("today")
