"""Capture's pages: the settings (the forwarding address, the rules, each source's status),
the review inbox, and the last captured items with their undo."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import local_today
from capture.forms import CaptureSettingsForm, IgnoreRuleForm
from capture.models import CapturedPerson, ReviewStatus
from capture.scoping import (
    entries_for,
    get_entry_for,
    get_item_for,
    get_rule_for,
    items_for,
    rules_for,
)
from capture.services import (
    capture_undo,
    forward_token_regenerate,
    ignore_rule_add,
    ignore_rule_remove,
    review_add,
    review_always_ignore,
    review_ignore,
    settings_for,
)
from capture.sources import sources_for
from contacts.models import Contact

REVIEW_PAGE_SIZE = 50
ITEMS_SHOWN = 100


def _settings_page(
    request: HttpRequest,
    *,
    form: CaptureSettingsForm | None = None,
    rule_form: IgnoreRuleForm | None = None,
    status: int = 200,
) -> HttpResponse:
    prefs = settings_for(request.user)
    context = {
        "prefs": prefs,
        "form": form or CaptureSettingsForm(instance=prefs),
        "rule_form": rule_form or IgnoreRuleForm(user=request.user),
        "rules": list(rules_for(request.user)),
        "sources": sources_for(request.user, prefs),
        "pending": entries_for(request.user).pending().count(),
    }
    return render(request, "capture/settings.html", context, status=status)


@require_http_methods(["GET", "POST"])
def capture_settings(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _settings_page(request)
    form = CaptureSettingsForm(request.POST, instance=settings_for(request.user))
    if not form.is_valid():
        return _settings_page(request, form=form, status=400)
    form.save()
    messages.success(request, "Saved your capture settings.")
    return redirect("capture:settings")


@require_POST
def forward_renew(request: HttpRequest) -> HttpResponse:
    forward_token_regenerate(user=request.user)
    messages.success(
        request, "Your forwarding address is new: the old one refuses mail from now on."
    )
    return redirect("capture:settings")


@require_POST
def rule_add(request: HttpRequest) -> HttpResponse:
    form = IgnoreRuleForm(request.POST, user=request.user)
    if not form.is_valid():
        return _settings_page(request, rule_form=form, status=400)
    rule = ignore_rule_add(
        user=request.user, kind=form.cleaned_data["kind"], value=form.cleaned_data["value"]
    )
    messages.success(request, f"Ignoring {rule.value} from now on.")
    return redirect("capture:settings")


def _post_only(request: HttpRequest) -> HttpResponse | None:
    """For the views on one of the user's things: they look the thing up first, so another
    user's is a 404 whatever the method, and only then refuse anything but POST."""
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_rule_for(request.user, pk)
    if refused := _post_only(request):
        return refused
    ignore_rule_remove(user=request.user, rule=rule)
    messages.success(request, f"No longer ignoring {rule.value}.")
    return redirect("capture:settings")


def review(request: HttpRequest) -> HttpResponse:
    pending = entries_for(request.user).pending().order_by("-last_seen", "pk")
    page = Paginator(pending, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "capture/review.html", {"page": page})


def review_act(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_entry_for(request.user, pk)
    if refused := _post_only(request):
        return refused
    action = request.POST.get("action")
    if entry.status != ReviewStatus.PENDING:
        messages.info(request, f"{entry.email} was already dealt with.")
    elif action == "add":
        contact = review_add(user=request.user, entry=entry, today=local_today(request.user))
        logged = contact.interactions.count()
        messages.success(
            request,
            f"Added {contact.name} as a contact, with {logged} captured "
            f"interaction{'' if logged == 1 else 's'}.",
        )
    elif action == "ignore":
        review_ignore(user=request.user, entry=entry)
        messages.success(request, f"Ignored {entry.email} this time.")
    elif action == "always":
        review_always_ignore(user=request.user, entry=entry)
        messages.success(request, f"{entry.email} is always ignored from now on.")
    else:
        messages.error(request, "Choose add, ignore or always ignore.")
    return redirect("capture:review")


def items(request: HttpRequest) -> HttpResponse:
    names = Contact.objects.only("first_name", "last_name", "display_name")
    recent = (
        items_for(request.user)
        .select_related("interaction")
        .prefetch_related(
            Prefetch("interaction__contacts", queryset=names),
            Prefetch("people", queryset=CapturedPerson.objects.order_by("pk")),
        )
        .order_by("-created_at", "-pk")[:ITEMS_SHOWN]
    )
    return render(request, "capture/items.html", {"items": recent, "shown": ITEMS_SHOWN})


def item_undo(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request.user, pk)
    if refused := _post_only(request):
        return refused
    if item.undone_at is not None:
        messages.info(request, "That was undone already.")
    else:
        capture_undo(user=request.user, item=item, today=local_today(request.user))
        messages.success(
            request, f"Undone: “{item.summary or item.external_id}” is no longer logged."
        )
    return redirect("capture:items")
