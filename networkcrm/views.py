"""Project-level pages: the Today dashboard, placeholders, and operator status."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django_celery_beat.models import PeriodicTask

from contacts.models import Circle
from contacts.scoping import contacts_for
from followups.models import Heartbeat

# Sections whose issue has not landed yet: a page that says so instead of a dead link.
COMING_SOON = {
    "goals": ("Goals", "Your goal plan: purpose, objectives, priorities and tactics."),
    "kpis": ("KPIs", "Weekly measures of whether your networking works, against your targets."),
    "import": ("Import", "Bring in contacts from LinkedIn, vCard and CSV files."),
}


def today(request: HttpRequest) -> HttpResponse:
    contacts = contacts_for(request.user).active()
    by_circle = dict(
        contacts.order_by().values_list("circle").annotate(n=Count("pk")).values_list("circle", "n")
    )
    circles = [(label, by_circle.get(value, 0)) for value, label in Circle.choices]
    recent = contacts.order_by("-created_at", "-pk")[:5]
    return render(
        request,
        "today.html",
        {"circles": circles, "total": sum(by_circle.values()), "recent": recent},
    )


def coming_soon(request: HttpRequest, section: str) -> HttpResponse:
    if section not in COMING_SOON:
        raise Http404("No such section.")
    title, summary = COMING_SOON[section]
    return render(
        request, "coming_soon.html", {"section": section, "title": title, "summary": summary}
    )


@never_cache
def status(request: HttpRequest) -> HttpResponse:
    """For operators: is the pipe from beat through the broker to a worker alive?"""
    if not request.user.is_staff:
        raise PermissionDenied("The status page is for operators.")
    interval = timedelta(seconds=settings.HEARTBEAT_INTERVAL)
    beat = Heartbeat.objects.filter(name="heartbeat").first()
    context = {
        "heartbeat": beat,
        "fresh": beat is not None and beat.is_fresh(interval * 3),
        "interval": interval,
        "periodic_tasks": PeriodicTask.objects.select_related("interval", "crontab").order_by(
            "name"
        ),
        "broker": settings.CELERY_BROKER_URL.split("://", 1)[0],
        "database": connection.vendor,
        "email_backend": settings.EMAIL_BACKEND.rsplit(".", 1)[-1],
    }
    return render(request, "status.html", context)


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and container health checks: the web process and its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
