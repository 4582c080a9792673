from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import (
    AccountDeleteForm,
    LoginForm,
    PasswordResetForm,
    SettingsForm,
    SignUpForm,
)
from accounts.models import Profile, is_coach
from accounts.services import account_delete, profile_update, user_sign_up
from coaching.services import make_coach
from followups.digest import TestDigestTooSoon, test_digest_request
from networkcrm.redirects import next_url, safe_next


def coach_lands_on_caseload(user: object) -> bool:
    """A coach (not an operator, who has the whole admin) starts from the caseload."""
    return is_coach(user) and not getattr(user, "is_superuser", False)


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("today")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_sign_up(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            name=form.cleaned_data["name"],
            timezone=form.cleaned_data["timezone"],
        )
        if form.cleaned_data.get("coach"):
            make_coach(user)
        login(request, user, backend="accounts.backends.ProfileBackend")
        messages.success(request, "Welcome to NetworkCRM. Your account is ready.")
        return redirect(next_url(request))
    return render(request, "accounts/signup.html", {"form": form, "next": safe_next(request)})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        # A coach's own Today page is empty: their work is the caseload. An explicit safe
        # `next` still wins (Django asks `get_redirect_url` first).
        if coach_lands_on_caseload(self.request.user):
            return reverse("admin:coaching_client_changelist")
        return super().get_default_redirect_url()


class LogoutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    subject_template_name = "emails/password-reset-subject.txt"
    email_template_name = "emails/password-reset-body.txt"
    html_email_template_name = "emails/password-reset-body.html"
    success_url = reverse_lazy("accounts:password_reset_sent")


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    profile, _ = Profile.objects.get_or_create(user=request.user)
    initial = {
        "name": request.user.name,
        "timezone": profile.timezone,
        "digest_hour": profile.digest_hour,
        "digest_enabled": profile.digest_enabled,
        "digest_when_empty": profile.digest_when_empty,
        "weekly_summary_enabled": profile.weekly_summary_enabled,
        "focus": profile.focus,
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, "Your settings are saved.")
        return redirect("accounts:settings")
    calendar_url = ""
    if profile.calendar_token:
        path = reverse("followups:calendar", args=[profile.calendar_token])
        calendar_url = request.build_absolute_uri(path)
    return render(
        request,
        "accounts/settings.html",
        {"form": form, "profile": profile, "calendar_url": calendar_url},
    )


@require_POST
def test_digest(request: HttpRequest) -> HttpResponse:
    """Today's digest now, marked as a test, through the digest's own engine."""
    try:
        test_digest_request(user=request.user)
    except TestDigestTooSoon as too_soon:
        messages.warning(request, str(too_soon))
    else:
        messages.success(
            request, f"A test digest is on its way to {request.user.email}. It may take a minute."
        )
    return redirect(reverse("accounts:settings") + "#test-digest")


@require_http_methods(["GET", "POST"])
def account_delete_page(request: HttpRequest) -> HttpResponse:
    """Delete my account: asks for the password, removes everything, sends nothing after."""
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        account_delete(user=request.user)
        logout(request)
        messages.success(request, "Your account and everything in it are deleted. Goodbye.")
        return redirect("accounts:login")
    return render(request, "accounts/delete.html", {"form": form})
