"""The relationship map (placeholder until the map is built)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def contact_map(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "coming_soon.html",
        {"title": "Map", "summary": "Your relationship map.", "section": "map"},
    )


def map_data(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"nodes": [], "edges": []})
