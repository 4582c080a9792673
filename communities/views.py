"""Communities: the list, one community's page, and the form that makes or changes one.
Every page reads a bounded number of rows, whatever the size of the network."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, TruncWeek
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import local_today
from communities.forms import CommunityForm
from communities.models import Community
from communities.scoping import communities_for, get_community_for
from contacts.models import Contact, Interaction, Kind
from followups.models import FollowUp
from followups.services import PENDING
from kpis.rollup import monday
from networkcrm.pagination import counted_page

PAGE_SIZE = 50
MEMBERS_PAGE = 25  # a community's members, strongest first
LOGGED_SHOWN = 10
NOT_FOLLOWED_SHOWN = 10
WEEKS_SHOWN = 4


def _minutes_there(community: Any, since: dt.date) -> Subquery:
    """Minutes logged in the community since a day: counted interactions only (private ones
    count in no number, their owner's own included)."""
    rows = (
        Interaction.objects.counted()
        .filter(community=community, occurred_on__gte=since)
        .order_by()
        .values("community")
        .annotate(total=Sum("duration_minutes"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def community_list(request: HttpRequest) -> HttpResponse:
    week = monday(local_today(request.user))
    members = (
        Community.members.through.objects.filter(community=OuterRef("pk"))
        .order_by()
        .values("community")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = communities_for(request.user).annotate(
        member_count=Coalesce(Subquery(members, output_field=IntegerField()), Value(0)),
        minutes_this_week=_minutes_there(OuterRef("pk"), week),
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "communities/community_list.html", {"page": page, "week": week})


def community_detail(request: HttpRequest, pk: int) -> HttpResponse:
    community = get_community_for(request.user, pk)
    today = local_today(request.user)
    week = monday(today)
    counted_here = Interaction.objects.counted().filter(community=community)
    # Time given against time planned: this week and the weeks before it, summed by the database.
    since = week - dt.timedelta(weeks=WEEKS_SHOWN - 1)
    minutes = dict.fromkeys((since + dt.timedelta(weeks=n) for n in range(WEEKS_SHOWN)), 0)
    for start, spent in (
        counted_here.filter(occurred_on__gte=since)
        .order_by()
        .values_list(TruncWeek("occurred_on"))
        .annotate(spent=Sum("duration_minutes"))
    ):
        minutes[start] += spent or 0
    # Members, strongest first; those on the page with the last day you met them there.
    members = community.members.active().only(
        "first_name", "last_name", "display_name", "company", "strength"
    )
    page = counted_page(
        members.order_by("-strength", "first_name", "pk"), request.GET.get("page"), MEMBERS_PAGE
    )
    last_here = dict(
        Interaction.contacts.through.objects.filter(
            interaction__in=counted_here, contact__in=[c.pk for c in page.object_list]
        )
        .values("contact_id")
        .annotate(last=Max("interaction__occurred_on"))
        .values_list("contact_id", "last")
    )
    for contact in page.object_list:
        contact.last_here = last_here.get(contact.pk)
    # Met there and not followed up: whoever you logged there (logging adds them to the
    # members) with nothing logged since and no follow-up waiting. Read from the community's
    # interactions, then their links, grouped by person: a test of membership would make the
    # database join every link of every member first.
    waiting = FollowUp.objects.filter(contacts=OuterRef("pk"), status__in=PENDING)
    not_followed = (
        Contact.objects.annotate(
            here=FilteredRelation(
                "interactions",
                condition=Q(interactions__community=community, interactions__private=False)
                & ~Q(interactions__kind=Kind.NOTE),
            )
        )
        .filter(archived=False, here__isnull=False)
        .only("first_name", "last_name", "display_name", "last_interaction_on")
        .annotate(last_here=Max("here__occurred_on"))
        .filter(Q(last_interaction_on__isnull=True) | Q(last_interaction_on__lte=F("last_here")))
        .exclude(Exists(waiting))
        # How many in all, on each row: one reading of the links rather than two.
        .annotate(total=Window(Count("pk")))
        .order_by("-last_here", "pk")
    )
    first = list(not_followed[:NOT_FOLLOWED_SHOWN])
    # The latest logged here with who was there: an interaction with one person names them in
    # `sole_contact`, so only those with several cost the prefetch's query.
    named = Contact.objects.only("first_name", "last_name", "display_name")
    latest = Interaction.objects.filter(community=community).order_by("-occurred_on", "-pk")
    logged = list(
        # The latest chosen first, then joined to their people: a join first would read them all.
        Interaction.objects.filter(pk__in=latest.values("pk")[:LOGGED_SHOWN])
        .select_related("sole_contact")
        .only(
            "occurred_on",
            "kind",
            "duration_minutes",
            "private",
            *(f"sole_contact__{name}" for name in ("first_name", "last_name", "display_name")),
        )
        .order_by("-occurred_on", "-pk")
    )
    prefetch_related_objects(
        [i for i in logged if i.sole_contact is None],
        Prefetch("contacts", queryset=named, to_attr="people"),
    )
    for interaction in logged:
        if interaction.sole_contact is not None:
            interaction.people = [interaction.sole_contact]
    context = {
        "community": community,
        "page": page,
        "weeks": [(start, minutes[start]) for start in sorted(minutes, reverse=True)],
        "this_week": minutes[week],
        "not_followed": first,
        "not_followed_count": first[0].total if first else 0,
        "logged": logged,
        "today": today,
        # The tactics of the plan in force that point here.
        "tactics": community.tactics.filter(plan__ended_on__isnull=True).only(
            "action", "minutes_per_week", "active"
        ),
    }
    return render(request, "communities/community_detail.html", context)


@require_http_methods(["GET", "POST"])
def community_create(request: HttpRequest) -> HttpResponse:
    return _community_form(request, Community())


@require_http_methods(["GET", "POST"])
def community_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _community_form(request, get_community_for(request.user, pk))


def _community_form(request: HttpRequest, community: Community) -> HttpResponse:
    form = CommunityForm(request.POST or None, instance=community, owner=request.user)
    if request.method == "POST" and form.is_valid():
        community = form.save()
        messages.success(request, f"Saved “{community.name}”.")
        return redirect("communities:detail", community.pk)
    return render(request, "communities/community_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def community_delete(request: HttpRequest, pk: int) -> HttpResponse:
    community = get_community_for(request.user, pk)
    if request.method == "POST":
        name = community.name
        community.delete()
        messages.success(
            request, f"Deleted “{name}”. Its interactions stay in your log, without the place."
        )
        return redirect("communities:list")
    return render(request, "communities/community_confirm_delete.html", {"community": community})
