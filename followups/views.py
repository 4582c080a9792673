"""Follow-up pages, the one-click actions of the Today page, and the calendar feed.

Every action is a POST that answers htmx with the row's replacement (what happened, in
words) and a plain form with a redirect back, so the page works without JavaScript too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import local_today
from contacts.forms import FOLLOW_UP_FIELDS, InteractionForm
from contacts.models import Contact
from contacts.scoping import get_contact_for
from followups import calendar, services
from followups.forms import FollowUpForm, SnoozeForm
from followups.models import FollowUp, FollowUpStatus
from networkcrm.redirects import next_url, safe_next

PAGE_SIZE = 50
FILTERS = {
    "open": ("Open", [FollowUpStatus.OPEN]),
    "snoozed": ("Snoozed", [FollowUpStatus.SNOOZED]),
    "done": ("Done", [FollowUpStatus.DONE]),
    "skipped": ("Skipped", [FollowUpStatus.SKIPPED]),
    "all": ("All", list(FollowUpStatus)),
}


def _day(day: dt.date) -> str:
    return date_format(day)


def snooze_days(today: dt.date) -> dict[str, dt.date]:
    """The days the snooze menu offers in one click."""
    return {"tomorrow": today + dt.timedelta(days=1), "next_week": today + dt.timedelta(days=7)}


def followups_for(user: Any) -> QuerySet[FollowUp]:
    """The one way a view reaches a user's follow-ups."""
    return FollowUp.objects.filter(owner=user)


def get_followup_for(user: Any, pk: int) -> FollowUp:
    return get_object_or_404(followups_for(user), pk=pk)


View = Callable[..., HttpResponse]


def scoped(get_for: Callable[[Any, int], Any], *methods: str) -> Callable[[View], View]:
    """Finds the object through its scoping helper first, so another user's is a 404 whatever
    the method, then refuses any method but `methods`. The view gets the object."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, pk: int) -> HttpResponse:
            found = get_for(request.user, pk)
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, found)

        return wrapper

    return decorate


def answer(request: HttpRequest, result: services.ActionResult) -> HttpResponse:
    """htmx: the row's replacement. A plain form: a message and back to where it came from."""
    if request.htmx:
        return render(request, "followups/_result_row.html", {"result": result})
    (messages.success if result.changed else messages.info)(request, result.message)
    return redirect(next_url(request))


def refused(request: HttpRequest, form: SnoozeForm) -> HttpResponse:
    """A bad snooze date: say why at the top of the page it came from."""
    for error in form.errors.get("until", []):
        messages.error(request, error)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = next_url(request)
        return response
    return redirect(next_url(request))


# --- Follow-ups ---------------------------------------------------------------------------


def followup_list(request: HttpRequest) -> HttpResponse:
    shown = request.GET.get("status", "open")
    if shown not in FILTERS:
        shown = "open"
    followups = (
        followups_for(request.user)
        .filter(status__in=FILTERS[shown][1])
        .prefetch_related(
            Prefetch(
                "contacts",
                queryset=Contact.objects.only("first_name", "last_name", "display_name"),
            )
        )
        .order_by(*(("-done_on", "-pk") if shown == "done" else ("due_on", "pk")))
    )
    page = Paginator(followups, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "shown": shown,
        "filters": [(key, label) for key, (label, _statuses) in FILTERS.items()],
        **snooze_days(local_today(request.user)),
    }
    return render(request, "followups/followup_list.html", context)


@require_http_methods(["GET", "POST"])
def followup_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    if (contact_id := request.GET.get("contact", "").strip()).isdigit():
        initial["contacts"] = [get_contact_for(request.user, int(contact_id)).pk]
    return _followup_form(request, None, initial=initial)


@scoped(get_followup_for, "GET", "POST")
def followup_edit(request: HttpRequest, followup: FollowUp) -> HttpResponse:
    return _followup_form(request, followup)


def _followup_form(
    request: HttpRequest, followup: FollowUp | None, initial: dict[str, Any] | None = None
) -> HttpResponse:
    """The one form behind creating and editing a follow-up."""
    form = FollowUpForm(
        request.POST or None,
        instance=followup,
        initial=initial,
        owner=request.user,
        today=local_today(request.user),
    )
    if request.method == "POST" and form.is_valid():
        fields = {
            "contacts": list(form.cleaned_data["contacts"]),
            "about": form.cleaned_data["about"],
            "due_on": form.cleaned_data["due_on"],
        }
        if followup is None:
            followup = services.followup_create(owner=request.user, **fields)
        else:
            services.followup_update(followup=followup, **fields)
        messages.success(
            request, f"Follow-up saved: “{followup.about}” by {_day(followup.due_on)}."
        )
        return redirect(next_url(request, "followups:list"))
    return render(
        request,
        "followups/followup_form.html",
        {"form": form, "followup": followup, "next": next_url(request, "followups:list")},
    )


@scoped(get_followup_for, "POST")
def followup_done(request: HttpRequest, followup: FollowUp) -> HttpResponse:
    today = local_today(request.user)
    return answer(request, services.followup_done(followup=followup, today=today))


@scoped(get_followup_for, "POST")
def followup_snooze(request: HttpRequest, followup: FollowUp) -> HttpResponse:
    form = SnoozeForm(request.POST, today=local_today(request.user))
    if not form.is_valid():
        return refused(request, form)
    until = form.cleaned_data["until"]
    return answer(request, services.followup_snooze(followup=followup, until=until))


@scoped(get_followup_for, "POST")
def followup_skip(request: HttpRequest, followup: FollowUp) -> HttpResponse:
    return answer(request, services.followup_skip(followup=followup))


@scoped(get_followup_for, "GET", "POST")
def followup_log(request: HttpRequest, followup: FollowUp) -> HttpResponse:
    """The quick log, holding the follow-up's contacts; saving it settles the follow-up."""
    today = local_today(request.user)
    initial = {"contacts": [c.pk for c in followup.contacts.all()], "notes": followup.about}
    form = InteractionForm(request.POST or None, owner=request.user, today=today, initial=initial)
    if request.method == "POST" and form.is_valid():
        skip = ("contacts", *FOLLOW_UP_FIELDS)
        fields = {k: v for k, v in form.cleaned_data.items() if k not in skip}
        follow_up_on, follow_up_about = form.follow_up()
        result, _next_one = services.followup_log(
            followup=followup,
            contacts=list(form.cleaned_data["contacts"]),
            today=today,
            follow_up_on=follow_up_on,
            follow_up_about=follow_up_about,
            **fields,
        )
        messages.success(request, result.message)
        target = next_url(request)
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
    back = safe_next(request) or (request.htmx.current_url_abs_path if request.htmx else "")
    context = {
        "form": form,
        "interaction": None,
        "next": back or "",
        "form_action": reverse("followups:log", args=[followup.pk]),
        "followup": followup,
    }
    if request.htmx:
        return render(request, "contacts/_interaction_form.html", context)
    return render(request, "followups/followup_log.html", context)


# --- Check-ins ----------------------------------------------------------------------------


@scoped(get_contact_for, "POST")
def checkin_done(request: HttpRequest, contact: Contact) -> HttpResponse:
    today = local_today(request.user)
    return answer(request, services.checkin_done(contact=contact, today=today))


@scoped(get_contact_for, "POST")
def checkin_snooze(request: HttpRequest, contact: Contact) -> HttpResponse:
    today = local_today(request.user)
    form = SnoozeForm(request.POST, today=today)
    if not form.is_valid():
        return refused(request, form)
    until = form.cleaned_data["until"]
    return answer(request, services.checkin_snooze(contact=contact, until=until, today=today))


# --- Calendar feed ------------------------------------------------------------------------


@login_not_required
@never_cache
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret address is the only key: no login, and a wrong or revoked one is a 404."""
    profile = calendar.profile_for_token(token)
    if profile is None:
        raise Http404("No calendar at this address.")
    body = calendar.calendar_for(
        profile.user, today=profile.today(), absolute=request.build_absolute_uri
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="networkcrm.ics"'
    return response


@require_POST
def calendar_renew(request: HttpRequest) -> HttpResponse:
    services.calendar_token_renew(user=request.user)
    messages.success(
        request, "Your calendar has a new address. The old one no longer works: subscribe again."
    )
    return redirect(reverse("accounts:settings") + "#calendar")


@require_POST
def calendar_off(request: HttpRequest) -> HttpResponse:
    services.calendar_token_clear(user=request.user)
    messages.success(request, "The calendar feed is off; its address no longer works.")
    return redirect(reverse("accounts:settings") + "#calendar")
