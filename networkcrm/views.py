"""Project-level pages: the Today dashboard and operator status."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Exists, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django_celery_beat.models import PeriodicTask

from accounts.models import local_today, local_zone
from accounts.views import coach_lands_on_caseload
from capture.scoping import entries_for
from coaching.today import coach_messages, fresh_notes, pending_suggestions
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
    user = request.user
    day = local_today(user)
    agenda = agenda_for(user, today=day, limit=TODAY_LIMIT)
    circles = [(label, agenda.circles.get(value, 0)) for value, label in Circle.choices]
    events_to_log = events_for(user).to_log(today=day, zone=local_zone(user))
    # What else there may be to say, in one statement (most mornings there is nothing); the
    # lists are read only when there is something in them.
    pending = entries_for(user).pending().order_by().values("user").annotate(n=Count("pk"))
    waiting = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values(
            review_pending=Coalesce(Subquery(pending.values("n")), 0),
            has_notes=Exists(fresh_notes(user)),
            has_suggestions=Exists(pending_suggestions(user)),
            has_events=Exists(events_to_log),
        )
        .get()
    )
    context = {
        "agenda": agenda,
        "plan_review_due": agenda.plan_review_due(timezone.now()),
        "circles": circles,
        "total": sum(agenda.circles.values()),
        "logged": agenda.logged,
        **snooze_days(day),
        "yesterday": day - timedelta(days=1),
        "followup_form": FollowUpForm(owner=user, today=day),
        **coach_messages(user, notes=waiting["has_notes"], suggestions=waiting["has_suggestions"]),
        "review_pending": waiting["review_pending"],
        "events_to_log": list(events_to_log.order_by("-starts_at"))
        if waiting["has_events"]
        else [],
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
        "interval": every(interval.total_seconds()),
        "periodic_tasks": [
            (task, schedule_in_words(task))
            for task in PeriodicTask.objects.select_related(
                "interval", "crontab", "solar", "clocked"
            ).order_by("name")
        ],
        "broker": settings.CELERY_BROKER_URL.split("://", 1)[0],
        "database": connection.vendor,
        "email_backend": settings.EMAIL_BACKEND.rsplit(".", 1)[-1],
    }
    return render(request, "status.html", context)


# The largest unit that divides a period, as in "every 5 minutes" or "every 2 hours".
PERIOD_UNITS = [
    (86400, lambda n: ngettext("every day", "every %(count)d days", n)),
    (3600, lambda n: ngettext("every hour", "every %(count)d hours", n)),
    (60, lambda n: ngettext("every minute", "every %(count)d minutes", n)),
    (1, lambda n: ngettext("every second", "every %(count)d seconds", n)),
]


def every(seconds: float) -> str:
    """A period in words: 300 is "every 5 minutes", 86400 "every day", 90 "every 90
    seconds"."""
    whole = max(1, round(seconds))
    size, words = next((size, words) for size, words in PERIOD_UNITS if whole % size == 0)
    return words(whole // size) % {"count": whole // size}


def schedule_in_words(task: PeriodicTask) -> str:
    """When beat runs a task, in words rather than celery's repr ("<freq: 60.00 seconds>",
    "15 3 * * * (m/h/dM/MY/d)")."""
    if task.interval is not None:
        return every(task.interval.schedule.run_every.total_seconds())
    if task.crontab is not None:
        return task.crontab.human_readable
    if task.solar is not None:
        return str(task.solar)
    if task.clocked is not None:
        return f"once, at {formats.date_format(task.clocked.clocked_time, 'DATETIME_FORMAT')}"
    return "no schedule"


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and container health checks: the web process and its database."""
    # A round trip that reads no table: the ORM has no query without a model.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
