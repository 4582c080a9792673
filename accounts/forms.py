from __future__ import annotations

import logging
from functools import cache
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as BasePasswordResetForm

from accounts.models import Profile, User, timezone_names
from networkcrm.mail import templated_email

logger = logging.getLogger(__name__)


# The regions of the IANA names, as groups of the time zone list; every other name (older
# or by country: US/Eastern, Etc/GMT+5, Japan) is in the last group.
TIMEZONE_REGIONS = {
    "Africa": "Africa",
    "America": "America",
    "Antarctica": "Antarctica",
    "Arctic": "Arctic",
    "Asia": "Asia",
    "Atlantic": "Atlantic",
    "Australia": "Australia",
    "Europe": "Europe",
    "Indian": "Indian Ocean",
    "Pacific": "Pacific",
}
OTHER_TIMEZONES = "Other names"
NAME_HELP = "Up to 150 characters. Left empty, you are shown by your e-mail address."


@cache
def timezone_choices() -> list[tuple[str, Any]]:
    """UTC, then every zone grouped by region (an optgroup each) and labelled by its place
    ("Paris" under Europe), so that typing a city's first letters in the list finds it."""
    groups: dict[str, list[tuple[str, str]]] = {title: [] for title in TIMEZONE_REGIONS.values()}
    groups[OTHER_TIMEZONES] = []
    for name in timezone_names():
        region, _, place = name.partition("/")
        if name == "UTC":
            continue
        if region in TIMEZONE_REGIONS and place:
            groups[TIMEZONE_REGIONS[region]].append(
                (name, place.replace("_", " ").replace("/", " / "))
            )
        else:
            groups[OTHER_TIMEZONES].append((name, name.replace("_", " ")))
    return [("UTC", "UTC"), *((title, zones) for title, zones in groups.items() if zones)]


def digest_hour_choices() -> list[tuple[int, str]]:
    return [(hour, f"{hour:02d}:00") for hour in range(24)]


class TimezoneField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", timezone_choices)
        kwargs.setdefault("initial", "UTC")
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": "%(value)s is not a time zone we know. Pick one from the list."},
        )
        super().__init__(**kwargs)


class SignUpForm(forms.Form):
    email = forms.EmailField(label="E-mail", widget=forms.EmailInput(attrs={"autofocus": True}))
    name = forms.CharField(label="Your name", max_length=150, required=False, help_text=NAME_HELP)
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters; not only digits, not a common password.",
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    timezone = TimezoneField(
        label="Time zone",
        help_text="Reminders arrive at your local hour. We preselect your browser's zone.",
        # static/js/app.js fills this from the browser when the form is first shown.
        widget=forms.Select(attrs={"data-browser-timezone": "true"}),
    )
    coach = forms.BooleanField(
        label="I am a coach",
        required=False,
        help_text="Clients who invite you appear on your caseload in the admin panel.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this e-mail already exists. Log in, or reset your password."
            )
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords are not the same.")
        elif password1:
            candidate = User(email=cleaned.get("email", ""), name=cleaned.get("name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class LoginForm(AuthenticationForm):
    username = forms.EmailField(label="E-mail", widget=forms.EmailInput(attrs={"autofocus": True}))

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That e-mail and password do not match an account. Both are case-sensitive"
        " except the e-mail.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class PasswordResetForm(BasePasswordResetForm):
    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Through the one e-mail helper, like every other e-mail (plain-text subject and text
        part); the templates are the `password-reset` triplet the view names."""
        try:
            templated_email("password-reset", context, to=[to_email]).send()
        except Exception:  # as Django's own: the page says the same whether it went or not
            logger.exception("Failed to send password reset email to %s", context["user"].pk)


class SettingsForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=150, required=False, help_text=NAME_HELP)
    timezone = TimezoneField(label="Time zone")
    digest_hour = forms.TypedChoiceField(
        label="Daily digest at",
        choices=digest_hour_choices,
        coerce=int,
        help_text="Local time, in your time zone, at which the daily digest e-mail is sent.",
        error_messages={"invalid_choice": "Pick an hour from the list (00:00 to 23:00)."},
    )
    digest_enabled = forms.BooleanField(
        label="Send me the daily digest",
        required=False,
        help_text="Each morning, who to check in with and which follow-ups are due.",
    )
    digest_when_empty = forms.BooleanField(
        label="Send it on days with nothing due too",
        required=False,
        help_text="Off: no e-mail on a day when nobody is due.",
    )
    weekly_summary_enabled = forms.BooleanField(
        label="Send me the weekly summary",
        required=False,
        help_text="Each Monday at the digest's hour: last week against the week before, your "
        "objectives, and three suggestions.",
    )
    focus = forms.ChoiceField(
        label="Count in my networking",
        choices=Profile._meta.get_field("focus").choices,
        required=False,
        help_text="Today, the daily digest, your KPIs and your plan's numbers count only these "
        "(and the contacts marked both). Your contact list always shows everyone.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class AccountDeleteForm(forms.Form):
    """Deleting an account asks for its password: a session left open is not enough."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Type your password to delete your account."},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password; nothing was deleted.")
        return password
