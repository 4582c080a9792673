"""Events: the list, one event's page, its form (filled by hand or from an .ics file), and the
one screen that logs everyone met there."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import local_today, local_zone
from contacts.models import Contact, Interaction
from events.forms import EventForm, IcsForm, MetForm, NewPeopleFormSet
from events.models import Event, Status
from events.scoping import events_for, get_event_for
from events.services import IcsProblem, NewPerson, duplicates_of, event_met_log, ics_read
from networkcrm.redirects import next_url

PAGE_SIZE = 50
ICS_MAX_BYTES = 256 * 1024
NAMES = Prefetch(
    "going_with", queryset=Contact.objects.only("first_name", "last_name", "display_name")
)


def event_list(request: HttpRequest) -> HttpResponse:
    shown = "past" if request.GET.get("shown") == "past" else "upcoming"
    zone = local_zone(request.user)
    midnight = dt.datetime.combine(local_today(request.user), dt.time(), tzinfo=zone)
    mine = events_for(request.user).select_related("community").prefetch_related(NAMES)
    mine = mine.annotate(met=Count("interactions", distinct=True))
    if shown == "upcoming":
        rows = mine.filter(starts_at__gte=midnight).order_by("starts_at", "pk")
    else:
        rows = mine.filter(starts_at__lt=midnight).order_by("-starts_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "events/event_list.html", {"page": page, "shown": shown})


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for(request.user, pk)
    met = (
        Interaction.objects.filter(event=event)
        .select_related("sole_contact")
        .order_by("sole_contact__first_name", "pk")
    )
    context = {
        "event": event,
        "going_with": list(event.going_with.only("first_name", "last_name", "display_name")),
        "met": list(met),
        "askable": event.status in (Status.GOING, Status.WENT) and event.starts_at < timezone.now(),
    }
    return render(request, "events/event_detail.html", context)


@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    event = Event(owner=request.user)
    if request.method == "POST" and "ics" in request.POST:
        return _from_ics(request, event)
    return _event_form(request, event)


@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _event_form(request, get_event_for(request.user, pk))


def _event_form(request: HttpRequest, event: Event) -> HttpResponse:
    form = EventForm(request.POST or None, instance=event, owner=request.user)
    if request.method == "POST" and form.is_valid():
        event = form.save()
        messages.success(request, f"Saved “{event.name}”.")
        return redirect("events:detail", event.pk)
    return render(request, "events/event_form.html", {"form": form, "ics_form": IcsForm()})


def _from_ics(request: HttpRequest, event: Event) -> HttpResponse:
    """Fills the form from an uploaded .ics file; nothing is saved until the form is sent."""
    ics_form = IcsForm(request.POST, request.FILES)
    initial: dict[str, Any] = {}
    if ics_form.is_valid():
        upload = ics_form.cleaned_data["file"]
        if upload.size > ICS_MAX_BYTES:
            ics_form.add_error("file", "This file is larger than an event's .ics (256 KB).")
        else:
            try:
                initial = ics_read(upload.read(), default_zone=str(local_zone(request.user)))
            except IcsProblem as problem:
                ics_form.add_error("file", str(problem))
    form = EventForm(instance=event, owner=request.user, initial=initial)
    if initial:
        messages.info(request, "Filled from the file: check the details, then save.")
    return render(request, "events/event_form.html", {"form": form, "ics_form": ics_form})


@require_http_methods(["GET", "POST"])
def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for(request.user, pk)
    if request.method == "POST":
        event.delete()
        messages.success(
            request, f"Deleted “{event.name}”. What you logged there stays in your log."
        )
        return redirect("events:list")
    return render(request, "events/event_confirm_delete.html", {"event": event})


@require_http_methods(["GET", "POST"])
def event_met(request: HttpRequest, pk: int) -> HttpResponse:
    """One screen for everyone met at the event: people you have, picked by search, and new
    people typed in the rows below. All of it is saved, or none of it."""
    event = get_event_for(request.user, pk)
    today = local_today(request.user)
    data = request.POST or None
    form = MetForm(data, owner=request.user, event=event)
    people = NewPeopleFormSet(data, prefix="new")
    if request.method == "POST" and form.is_valid() and people.is_valid():
        new = [
            (
                row,
                NewPerson(
                    **{
                        k: row.cleaned_data[k].strip()
                        for k in ("name", "company", "email", "profile")
                    }
                ),
            )
            for row in people.forms
            if row.cleaned_data.get("name", "").strip()
        ]
        already = duplicates_of(request.user, [p for _row, p in new])
        for index, (row, _person) in enumerate(new):
            if index in already and not row.cleaned_data.get("keep_both"):
                found = already[index]
                row.add_error(
                    None,
                    f"You may already have this person: {found.name} has the same e-mail address "
                    "or profile URL. Pick them above instead, or tick Add anyway.",
                )
                row.needs_keep_both = True
        chosen = list(form.cleaned_data["contacts"])
        if not chosen and not new:
            form.add_error(None, "Pick the people you met, or add new ones below.")
        if form.is_valid() and all(row.is_valid() for row in people.forms):
            days = form.cleaned_data["follow_up_days"]
            made = event_met_log(
                event=event,
                contacts=chosen,
                new_people=[p for _row, p in new],
                quality=form.cleaned_data["quality"],
                notes=form.cleaned_data["notes"].strip(),
                follow_up_on=today + dt.timedelta(days=days)
                if form.cleaned_data["follow_up"]
                else None,
                follow_up_about=form.cleaned_data["follow_up_about"].strip(),
                today=today,
                context=form.cleaned_data["context"],
            )
            count = len(chosen) + len(made)
            said = f"Logged {count} {'person' if count == 1 else 'people'} met at {event.name}"
            said += f", {len(made)} of them new." if made else "."
            if form.cleaned_data["follow_up"]:
                said += f" A follow-up with each is due in {days} day{'s' if days != 1 else ''}."
            messages.success(request, said)
            return redirect(next_url(request, "events:detail", event.pk))
    return render(
        request, "events/event_met.html", {"event": event, "form": form, "people": people}
    )


@require_POST
def event_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """Puts away Today's reminder to log who you met there."""
    event = get_event_for(request.user, pk)
    Event.objects.filter(pk=event.pk).update(dismissed_at=timezone.now())
    messages.info(request, f"No more reminders to log who you met at {event.name}.")
    return redirect(next_url(request, "today"))
