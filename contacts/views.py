from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.postgres.expressions import ArraySubquery
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Window,
    prefetch_related_objects,
)
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import local_today
from capture.models import CapturedItem
from communities.scoping import get_community_for
from contacts import strength
from contacts.forms import (
    FOLLOW_UP_FIELDS,
    BulkForm,
    ContactFilterForm,
    ContactForm,
    InteractionForm,
)
from contacts.models import CheckinStatus, Contact, ContactEmail, Interaction, Kind, Tag
from contacts.scoping import (
    contacts_for,
    contacts_matching,
    get_contact_for,
    get_interaction_for,
    interactions_for,
)
from contacts.search import normalise
from contacts.services import (
    contact_save,
    contacts_bulk_update,
    contacts_merge,
    interaction_delete,
    interaction_update,
)
from followups.services import interaction_log_with_followup
from networkcrm.pagination import counted_page
from networkcrm.redirects import next_url, safe_next

PAGE_SIZE = 50
TRIGRAM = 3  # the shortest search the trigram indexes can look up
TIMELINE_SIZE = 25  # the contact page shows the latest; the interaction list has them all
# The columns the list's rows show (and their status needs): notes and the search text stay behind.
LIST_FIELDS = (
    "first_name",
    "last_name",
    "display_name",
    "company",
    "title",
    "circle",
    "strength",
    "last_interaction_on",
    "next_checkin_on",
)
NAME_FIELDS = ("first_name", "last_name", "display_name")
# What a timeline row shows (and `sole_contact`, which says whether anyone else was there);
# its links to an objective, community, event or piece stay behind.
TIMELINE_FIELDS = (
    "occurred_on",
    "kind",
    "channel",
    "initiated_by",
    "duration_minutes",
    "quality",
    "outcome",
    "outcome_value",
    "notes",
    "private",
    "sole_contact",
)


def search_filter(user: Any, query: str) -> Q:
    """The contacts whose text, e-mails or tags contain `query`, compared folded
    (contacts.search): "jorg" finds "JÖRG" on both databases.

    A UNION of the three matches: each part can use its trigram index on PostgreSQL (contacts
    0004, 0012), where an OR of the three would test every contact of the user. The caller
    keeps to the user's contacts. A user's tags are few, so they are folded here in Python."""
    folded = normalise(query)
    emails = Q(address__icontains=folded)
    if folded != query.lower():  # an address written with its accents (rare)
        emails |= Q(address__icontains=query)
    matches = (
        Contact.objects.filter(search_text__contains=folded)
        .order_by()
        .values("pk")
        .union(ContactEmail.objects.filter(emails).order_by().values("contact_id"))
    )
    tags = [
        pk
        for pk, name in Tag.objects.filter(owner=user).values_list("pk", "name")
        if folded in normalise(name)
    ]
    if tags:
        matches = matches.union(
            Contact.tags.through.objects.filter(tag_id__in=tags).order_by().values("contact_id")
        )
    if connections[matches.db].vendor == "postgresql" and len(folded) >= TRIGRAM:
        # = ANY(ARRAY(…)): the matches are read once and their rows fetched by primary key,
        # where an IN (…) is a hash join with a scan of all the user's contacts. A shorter query
        # has no trigram to look up and matches most contacts, which that join reads faster.
        return Q(pk__any=ArraySubquery(matches))
    return Q(pk__in=matches)  # and on SQLite, which has no arrays


def filtered_contacts(request: HttpRequest, form: ContactFilterForm):  # type: ignore[no-untyped-def]
    contacts = contacts_for(request.user)
    if not form.is_valid():
        return contacts.active().order_by("first_name", "last_name", "pk"), "name"
    data = form.cleaned_data
    contacts = contacts.filter(archived=bool(data["archived"]))
    if query := data["q"].strip():
        contacts = contacts.filter(search_filter(request.user, query))
    if data["circle"]:
        contacts = contacts.filter(circle=data["circle"])
    if data["context"]:
        contacts = contacts.filter(context=data["context"])
    if data["tag"]:
        contacts = contacts.filter(
            Exists(Contact.tags.through.objects.filter(contact=OuterRef("pk"), tag=data["tag"]))
        )
    if data["status"]:
        contacts = contacts.in_status(data["status"], local_today(request.user))
    if data["company"].strip():
        contacts = contacts.filter(company__iexact=data["company"].strip())
    if data["source"]:
        contacts = contacts.filter(source=data["source"])
    sort = data["sort"] or "name"
    return contacts.order_by(*ContactFilterForm.SORTS[sort]), sort


def was_captured() -> Exists:
    """Whether an interaction was logged by itself, from the user's mail or calendar."""
    return Exists(CapturedItem.objects.filter(interaction=OuterRef("pk")))


def contact_list(request: HttpRequest) -> HttpResponse:
    form = ContactFilterForm(request.GET or None, owner=request.user)
    contacts, sort = filtered_contacts(request, form)
    contacts = contacts.only(*LIST_FIELDS).prefetch_related(
        Prefetch(
            "tags", queryset=Tag.objects.filter(owner=request.user).only("name"), to_attr="tag_list"
        )
    )
    if form.is_valid() and form.cleaned_data["q"].strip():
        page = counted_page(contacts, request.GET.get("page"), PAGE_SIZE)
    else:  # without a search, counting the user's contacts is cheaper than COUNT() OVER ()
        page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    today = local_today(request.user)
    for contact in page.object_list:
        contact.status = contact.checkin_status(today)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "contacts": page.object_list,
        "sort": sort,
        "query": query.urlencode(),
        # The bulk form's choices, without building the form (and its queryset) to read them.
        "bulk_actions": BulkForm.ACTIONS,
        "bulk_circles": BulkForm.base_fields["circle"].choices,  # type: ignore[attr-defined]
        "bulk_contexts": BulkForm.base_fields["context"].choices,  # type: ignore[attr-defined]
    }
    template = "contacts/_contact_rows.html" if request.htmx else "contacts/contact_list.html"
    return render(request, template, context)


def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for(request.user, pk)
    today = local_today(request.user)
    # Only the user's own contacts and tags are named (no form links another's).
    mine = Contact.objects.filter(owner=request.user).only(*NAME_FIELDS, "introduced_by")
    # Who introduced them and whom they introduced, in one query.
    people = list(mine.filter(Q(introduced_by=contact) | Q(pk=contact.introduced_by_id)))
    # The latest few, each row carrying how many there are in all (COUNT(*) OVER ()).
    timeline = list(
        contact.interactions.only(*TIMELINE_FIELDS).annotate(
            total=Window(Count("pk")), captured=was_captured()
        )[:TIMELINE_SIZE]
    )
    # The others who were there: a row whose sole contact is this one has none, so only the
    # group rows (usually none of the latest) cost the prefetch's query.
    groups = [i for i in timeline if i.sole_contact_id != contact.pk]
    prefetch_related_objects(
        groups, Prefetch("contacts", queryset=mine.exclude(pk=contact.pk), to_attr="others")
    )
    for interaction in timeline:
        if interaction.sole_contact_id == contact.pk:
            interaction.others = []
    context = {
        "contact": contact,
        "status": contact.checkin_status(today),
        "emails": list(contact.emails.all()),
        "phones": list(contact.phones.all()),
        "tags": list(contact.tags.filter(owner=request.user).only("name")),
        "introducer": next((p for p in people if p.pk == contact.introduced_by_id), None),
        "introduced": [p for p in people if p.introduced_by_id == contact.pk],
        "breakdown": strength.explain(contact, today=today),
        "weights": strength.WEIGHTS,
        "timeline": timeline,
        "timeline_size": TIMELINE_SIZE,
        "timeline_total": timeline[0].total if timeline else 0,
    }
    return render(request, "contacts/contact_detail.html", context)


@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    contact = get_contact_for(request.user, pk) if pk else Contact(owner=request.user)
    form = ContactForm(request.POST or None, instance=contact, owner=request.user)
    if request.method == "POST" and form.is_valid():
        contact = contact_save(
            contact=form.save(commit=False),
            emails=form.cleaned_data["emails"],
            phones=form.cleaned_data["phones"],
            tag_names=form.cleaned_data["tag_names"],
            birthday=form.cleaned_data["birthday"],
            today=local_today(request.user),
        )
        messages.success(request, f"{contact.name} is saved.")
        return redirect("contacts:detail", pk=contact.pk)
    return render(
        request,
        "contacts/contact_form.html",
        {"form": form, "contact": contact, "duplicates": form.duplicates},
    )


@require_http_methods(["GET", "POST"])
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for(request.user, pk)
    # Interactions with this contact alone go with it; shared ones stay with the others.
    only_theirs = contact.interactions.exclude(
        Exists(
            Interaction.contacts.through.objects.filter(interaction=OuterRef("pk")).exclude(
                contact=contact
            )
        )
    )
    if request.method == "POST":
        name = contact.name
        interaction_ids = list(only_theirs.values_list("pk", flat=True))
        Interaction.objects.filter(pk__in=interaction_ids).delete()
        contact.delete()
        deleted = ngettext(
            "%(name)s and %(count)d interaction are deleted.",
            "%(name)s and %(count)d interactions are deleted.",
            len(interaction_ids),
        )
        messages.success(request, deleted % {"name": name, "count": len(interaction_ids)})
        return redirect("contacts:list")
    context = {
        "contact": contact,
        "only_theirs": only_theirs.count(),
        "shared": contact.interactions.count() - only_theirs.count(),
    }
    return render(request, "contacts/contact_confirm_delete.html", context)


def _contact_param(request: HttpRequest, name: str) -> Contact | None:
    value = (request.POST if request.method == "POST" else request.GET).get(name, "").strip()
    return get_contact_for(request.user, int(value)) if value.isdigit() else None


@require_http_methods(["GET", "POST"])
def contact_merge(request: HttpRequest) -> HttpResponse:
    """Merge two contacts: pick the other one, see what will happen, confirm. The contact
    kept is the one the page was opened from, unless the user swaps them."""
    contact = _contact_param(request, "contact")
    if contact is None:
        raise Http404("Which contact?")
    other = _contact_param(request, "with")
    if other is not None and other.pk == contact.pk:
        other = None
    if request.method == "POST" and other is not None:
        survivor, duplicate = (
            (other, contact)
            if request.POST.get("keep") == "with"
            else (
                contact,
                other,
            )
        )
        name = duplicate.name
        survivor = contacts_merge(
            survivor=survivor, duplicate=duplicate, today=local_today(request.user)
        )
        messages.success(request, f"{name} is merged into {survivor.name}.")
        return redirect("contacts:detail", pk=survivor.pk)
    query = request.GET.get("q", "").strip()
    found = [c for c in contacts_matching(request.user, query) if c.pk != contact.pk]
    context = {"contact": contact, "other": other, "query": query, "found": found}
    if other is not None:
        context["sides"] = [("contact", contact), ("with", other)]
        context["moves"] = {
            "interactions": other.interactions.count(),
            "followups": other.followups.count(),
            "tags": other.tags.count(),
            "introduced": other.introduced.count(),
        }
    return render(request, "contacts/contact_merge.html", context)


@require_POST
def contact_bulk(request: HttpRequest) -> HttpResponse:
    form = BulkForm(request.POST, owner=request.user)
    if form.is_valid():
        count = contacts_bulk_update(
            owner=request.user,
            contacts=form.cleaned_data["ids"],
            action=form.cleaned_data["action"],
            today=local_today(request.user),
            tag_name=form.cleaned_data["tag_name"].strip(),
            circle=form.cleaned_data["circle"],
            context=form.cleaned_data["context"],
        )
        updated = ngettext("%(count)d contact updated.", "%(count)d contacts updated.", count)
        messages.success(request, updated % {"count": count})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    # Back to the list with its filters: a query string, re-encoded whatever was sent.
    back = QueryDict(request.POST.get("query", "")).urlencode()
    return redirect(reverse("contacts:list") + (f"?{back}" if back else ""))


@require_http_methods(["GET", "POST"])
def interaction_new(request: HttpRequest) -> HttpResponse:
    """The quick log: a full page, or a modal's body when asked by htmx."""
    today = local_today(request.user)
    initial = {}
    if (contact_id := request.GET.get("contact", "").strip()).isdigit():
        initial["contacts"] = [get_contact_for(request.user, int(contact_id)).pk]
    if (community_id := request.GET.get("community", "").strip()).isdigit():
        initial["community"] = get_community_for(request.user, int(community_id)).pk
    form = InteractionForm(request.POST or None, owner=request.user, today=today, initial=initial)
    if request.method == "POST" and form.is_valid():
        skip = ("contacts", *FOLLOW_UP_FIELDS)
        fields = {k: v for k, v in form.cleaned_data.items() if k not in skip}
        chosen = list(form.cleaned_data["contacts"])
        follow_up_on, follow_up_about = form.follow_up()
        _interaction, followup = interaction_log_with_followup(
            owner=request.user,
            contacts=chosen,
            today=today,
            follow_up_on=follow_up_on,
            follow_up_about=follow_up_about,
            **fields,
        )
        names = ", ".join(c.name for c in chosen[:3]) + ("…" if len(chosen) > 3 else "")
        said = f"Logged: {Kind(fields['kind']).label.lower()} with {names}."
        if followup is not None:
            said += f" Follow up by {date_format(followup.due_on)}."
        messages.success(request, said)
        target = next_url(request, "contacts:detail", chosen[0].pk)
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
    template = (
        "contacts/_interaction_form.html" if request.htmx else "contacts/interaction_form.html"
    )
    # Back to where the modal was opened from (htmx says which page that was).
    back = safe_next(request) or (request.htmx.current_url_abs_path if request.htmx else "")
    return render(request, template, {"form": form, "interaction": None, "next": back or ""})


@require_http_methods(["GET", "POST"])
def interaction_edit(request: HttpRequest, pk: int) -> HttpResponse:
    interaction = get_interaction_for(request.user, pk)
    today = local_today(request.user)
    form = InteractionForm(
        request.POST or None, instance=interaction, owner=request.user, today=today
    )
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "contacts"}
        interaction_update(
            interaction=interaction,
            contacts=list(form.cleaned_data["contacts"]),
            today=today,
            **fields,
        )
        messages.success(request, "The interaction is updated.")
        return redirect("contacts:interactions")
    return render(
        request, "contacts/interaction_form.html", {"form": form, "interaction": interaction}
    )


@require_http_methods(["GET", "POST"])
def interaction_remove(request: HttpRequest, pk: int) -> HttpResponse:
    interaction = get_interaction_for(request.user, pk)
    if request.method == "POST":
        interaction_delete(interaction=interaction, today=local_today(request.user))
        messages.success(request, "The interaction is deleted; check-in dates are updated.")
        return redirect("contacts:interactions")
    return render(request, "contacts/interaction_confirm_delete.html", {"interaction": interaction})


def interaction_list(request: HttpRequest) -> HttpResponse:
    interactions = (
        interactions_for(request.user)
        .annotate(captured=was_captured())
        .prefetch_related(
            Prefetch(
                "contacts",
                queryset=Contact.objects.only("pk", "first_name", "last_name", "display_name"),
            )
        )
    )
    kind = request.GET.get("kind", "")
    if kind in Kind.values:
        interactions = interactions.filter(kind=kind)
    channel = request.GET.get("channel", "")
    if channel:
        interactions = interactions.filter(channel=channel)
    if (contact_id := request.GET.get("contact", "")).isdigit():
        interactions = interactions.filter(contacts=get_contact_for(request.user, int(contact_id)))
    page = Paginator(interactions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "contacts/interaction_list.html",
        {"page": page, "kinds": Kind.choices, "kind": kind, "channel": channel},
    )


def contact_picker(request: HttpRequest) -> HttpResponse:
    """Up to ten of the user's contacts matching what was typed, as checkboxes to add."""
    query = request.GET.get("q", "").strip()
    found = contacts_matching(request.user, query)
    return render(request, "contacts/_picker.html", {"found": found, "query": query})


def strength_help(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "contacts/strength_help.html",
        {"weights": strength.WEIGHTS, "statuses": CheckinStatus.choices},
    )
