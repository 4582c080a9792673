"""The content log: what you shared, the engagement it drew, and which topics and platforms
bring conversations. Every page reads a bounded number of rows."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import local_today
from contacts.models import Contact, Interaction
from content.forms import PieceForm
from content.models import ENGAGEMENT, Piece, Platform
from content.scoping import get_piece_for, pieces_for
from content.services import piece_delete, piece_save

PAGE_SIZE = 20


def _what_works(user: Any) -> dict[str, list[dict[str, Any]]]:
    """Pieces, engagement, engagement per piece and conversations (people you know who
    engaged, each a social interaction) by platform and by topic: four grouped queries."""
    labels = dict(Platform.choices)
    talked = Interaction.objects.filter(owner=user, piece__isnull=False).order_by()
    by_platform = {
        row["piece__platform"]: row["n"]
        for row in talked.values("piece__platform").annotate(n=Count("pk"))
    }
    platforms = [
        {
            "name": labels.get(row["platform"], row["platform"]),
            "pieces": row["pieces"],
            "engagement": row["engagement"] or 0,
            "per_piece": round((row["engagement"] or 0) / row["pieces"], 1),
            "followers": row["followers"] or 0,
            "conversations": by_platform.get(row["platform"], 0),
        }
        for row in pieces_for(user)
        .order_by()
        .values("platform")
        .annotate(pieces=Count("pk"), engagement=Sum(ENGAGEMENT), followers=Sum("new_followers"))
    ]
    Tagged = Piece.topics.through
    by_topic = {
        row["piece__topics__name"]: row["n"]
        for row in talked.filter(piece__topics__isnull=False)
        .values("piece__topics__name")
        .annotate(n=Count("pk"))
    }
    topics = [
        {
            "name": row["topic__name"],
            "pieces": row["pieces"],
            "engagement": row["engagement"] or 0,
            "per_piece": round((row["engagement"] or 0) / row["pieces"], 1),
            "followers": row["followers"] or 0,
            "conversations": by_topic.get(row["topic__name"], 0),
        }
        for row in Tagged.objects.filter(piece__owner=user)
        .order_by()
        .values("topic__name")
        .annotate(
            pieces=Count("piece"),
            engagement=Sum(F("piece__reactions") + F("piece__comments") + F("piece__shares")),
            followers=Sum("piece__new_followers"),
        )
    ]
    order = {"key": lambda r: (-r["conversations"], -r["per_piece"], r["name"].lower())}
    return {"platforms": sorted(platforms, **order), "topics": sorted(topics, **order)}


def piece_list(request: HttpRequest) -> HttpResponse:
    pieces = (
        pieces_for(request.user)
        .select_related("community")
        .prefetch_related(
            "topics",
            Prefetch(
                "engaged", queryset=Contact.objects.only("first_name", "last_name", "display_name")
            ),
        )
    )
    page = Paginator(pieces, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "content/piece_list.html", {"page": page, **_what_works(request.user)})


@require_http_methods(["GET", "POST"])
def piece_create(request: HttpRequest) -> HttpResponse:
    piece = Piece(owner=request.user, published_on=local_today(request.user))
    return _piece_form(request, piece)


@require_http_methods(["GET", "POST"])
def piece_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _piece_form(request, get_piece_for(request.user, pk))


def _piece_form(request: HttpRequest, piece: Piece) -> HttpResponse:
    form = PieceForm(request.POST or None, instance=piece, owner=request.user)
    if request.method == "POST" and form.is_valid():
        engaged = list(form.cleaned_data["engaged"])
        piece = piece_save(
            piece=form.save(commit=False),
            topic_names=form.cleaned_data["topic_names"],
            engaged=engaged,
            today=local_today(request.user),
        )
        said = f"Saved “{piece.title}”."
        if engaged:
            said += f" {len(engaged)} {'person' if len(engaged) == 1 else 'people'} engaged."
        messages.success(request, said)
        return redirect("content:list")
    return render(request, "content/piece_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def piece_remove(request: HttpRequest, pk: int) -> HttpResponse:
    piece = get_piece_for(request.user, pk)
    if request.method == "POST":
        piece_delete(piece=piece, today=local_today(request.user))
        messages.success(request, f"Deleted “{piece.title}” and the interactions it gave.")
        return redirect("content:list")
    return render(request, "content/piece_confirm_delete.html", {"piece": piece})
