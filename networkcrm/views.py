"""Project-level pages: the Today dashboard and operator status."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_celery_beat.models import PeriodicTask

from accounts.models import local_today
from accounts.views import coach_lands_on_caseload
from coaching.today import coach_messages
from contacts.models import Circle
from events.scoping import events_for
from followups.agenda import agenda_for
from followups.forms import FollowUpForm
from followups.models import Heartbeat
from followups.views import snooze_days

# Of each list: a morning's worth, closest circles first; the rest are counted and linked.
TODAY_LIMIT = 20


def today(request: HttpRequest) -> HttpResponse:
    if coach_lands_on_caseload(request.user):
        return redirect("admin:coaching_client_changelist")
    day = local_today(request.user)
    agenda = agenda_for(request.user, today=day, limit=TODAY_LIMIT)
    circles = [(label, agenda.circles.get(value, 0)) for value, label in Circle.choices]
    context = {
        "agenda": agenda,
        "plan_review_due": agenda.plan_review_due(timezone.now()),
        "circles": circles,
        "total": sum(agenda.circles.values()),
        "logged": agenda.logged,
        **snooze_days(day),
        "yesterday": day - timedelta(days=1),
        "followup_form": FollowUpForm(owner=request.user, today=day),
        **coach_messages(request.user),
        "events_to_log": list(
            events_for(request.user)
            .to_log(today=day, zone=request.user.profile.zone)
            .order_by("-starts_at")
        ),
    }
    return render(request, "today.html", context)


@never_cache
def status(request: HttpRequest) -> HttpResponse:
    """For operators: is the pipe from beat through the broker to a worker alive?"""
    # Operators are superusers: staff alone is a coach's role (their door to the admin).
    if not request.user.is_superuser:
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
