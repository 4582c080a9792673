"""The admin site: operators (superusers) see everything; coaches (staff in the Coaches group)
see their caseload and, within what each client allows, that client's data (`coaching.admin`).

Everything a coach may not reach is refused by the standard model permissions, which the
Coaches group does not hold. This site adds what those cannot express: a coach's home is the
caseload, the admin's "view on site" redirect is for operators only, and the admin has no login
page of its own (the app's, with its lockouts, is the one door)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, reverse

from accounts.models import is_coach
from networkcrm.redirects import next_url


class NetworkCRMAdminSite(admin.AdminSite):
    site_header = "NetworkCRM administration"
    site_title = "NetworkCRM admin"
    index_title = "Administration"

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        if is_coach(request.user) and not request.user.is_superuser:
            context["site_header"] = "NetworkCRM for coaches"
        return context

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        # A coach's menu is the coaching app: nothing else would show, and asking every
        # other model admin (and the permission tables) on each page costs queries.
        if is_coach(request.user) and not request.user.is_superuser:
            app_label = "coaching"
        return super().get_app_list(request, app_label)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if request.user.is_authenticated:
            # Signed in, yet not staff (a networker): the admin is not for them.
            raise PermissionDenied("The admin is for coaches and operators.")
        return redirect_to_login(next_url(request, "admin:index"), reverse("accounts:login"))

    def index(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if is_coach(request.user) and not request.user.is_superuser:
            return redirect("admin:coaching_client_changelist")
        return super().index(request, extra_context)

    def get_urls(self) -> list[Any]:
        urls = super().get_urls()
        for position, pattern in enumerate(urls):
            if isinstance(pattern, URLPattern) and pattern.name == "view_on_site":
                urls[position] = URLPattern(
                    pattern.pattern,
                    _operators_only(pattern.callback),
                    pattern.default_args,
                    pattern.name,
                )
        return urls


def _operators_only(view: Any) -> Any:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_superuser:
            raise Http404("Not available.")
        return view(request, *args, **kwargs)

    return wrapped
