"""The digest e-mail's one-click links: a GET shows what will happen, a POST does it, so a mail
scanner that follows every link changes nothing. The signed token is the credential; a
signed-in visitor who is someone else gets a 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.models import User, local_today
from contacts.models import Contact
from followups import services
from followups.digest import digest_turn_off, link_read, unsubscribe_read
from followups.models import FollowUp

SNOOZE = dt.timedelta(days=7)


def _broken(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    return render(request, "digest/link_broken.html", {"reason": reason}, status=status)


def _owner(request: HttpRequest, user_id: int) -> User:
    if request.user.is_authenticated and request.user.pk != user_id:
        raise Http404("This link belongs to someone else.")
    return get_object_or_404(User, pk=user_id, is_active=True)


def _target(owner: User, kind: str, pk: int) -> Any:
    if kind == "checkin":
        return get_object_or_404(Contact, pk=pk, owner=owner)
    if kind == "followup":
        return get_object_or_404(FollowUp, pk=pk, owner=owner)
    raise Http404("No such item.")


@login_not_required
@require_http_methods(["GET", "POST"])
def digest_action(request: HttpRequest, token: str) -> HttpResponse:
    try:
        payload = link_read(token)
    except signing.SignatureExpired:
        return _broken(request, "This link has expired. Open NetworkCRM to do it there.", 410)
    except signing.BadSignature:
        return _broken(request, "This link is damaged. Open NetworkCRM to do it there.", 400)
    if payload.get("a") not in ("done", "snooze"):
        return _broken(request, "This link is damaged. Open NetworkCRM to do it there.", 400)
    owner = _owner(request, payload["u"])
    target = _target(owner, payload["k"], payload["id"])
    action, today = payload["a"], local_today(owner)
    context = {"action": action, "kind": payload["k"], "target": target, "until": today + SNOOZE}
    if request.method == "GET":
        return render(request, "digest/confirm.html", context)
    if payload["k"] == "checkin":
        if action == "done":
            services.checkin_done(contact=target, today=today)
        else:
            services.checkin_snooze(contact=target, until=today + SNOOZE, today=today)
    elif action == "done":
        services.followup_done(followup=target, today=today)
    else:
        services.followup_snooze(followup=target, until=today + SNOOZE)
    return render(request, "digest/confirm.html", {**context, "finished": True})


@login_not_required
@csrf_exempt  # mail clients send the one-click unsubscribe (RFC 8058) without a CSRF token
@require_http_methods(["GET", "POST"])
def digest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        payload = unsubscribe_read(token)
    except signing.BadSignature:
        return _broken(request, "This link is damaged. Turn the digest off in your settings.", 400)
    owner = _owner(request, payload["u"])
    if request.method == "POST":
        digest_turn_off(user_id=owner.pk)
        return render(request, "digest/unsubscribe.html", {"finished": True})
    return render(request, "digest/unsubscribe.html", {"finished": False})
