"""Settings → API tokens: create one (its secret shown once), see when each was last used,
revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import local_today
from api.forms import TokenForm
from api.models import ApiToken
from api.services import token_create
from api.services import token_revoke as revoke


@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, user=request.user, today=local_today(request.user))
    secret = ""
    created = None
    if request.method == "POST" and form.is_valid():
        created, secret = token_create(
            owner=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_at=form.expires_at(),
        )
        form = TokenForm(user=request.user, today=local_today(request.user))
    tokens = ApiToken.objects.filter(owner=request.user)
    context = {"form": form, "tokens": tokens, "secret": secret, "created": created}
    # The secret is in this one response only: never cached, never stored.
    response = render(request, "api/tokens.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, owner=request.user, pk=pk)
    if revoke(token=token):
        messages.success(request, f"“{token.name}” is revoked: it stops working now.")
    return redirect("api:tokens")
