"""Forms of the mailbox and calendar pages: they check and tidy what is typed, and say what is
wrong in sentences. Secrets (the app password, the calendar's address) are never sent back to
the browser: an empty field on an edit keeps the saved one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import URLValidator

from capture.calendars import CalendarError, parse_calendar
from capture.fetch import feed_url_normalise
from capture.models import CalendarFeed, Mailbox
from contacts.forms import NoFormTagMixin

HTTP = URLValidator(schemes=["http", "https"])
ICS_MAX_BYTES = 5 * 1024 * 1024
LOOKBACK = {
    "min_value": "Look back at least one day.",
    "max_value": "Look back at most 365 days.",
    "invalid": "Enter a number of days.",
    "required": "Say how many days to look back.",
}


class MailboxForm(NoFormTagMixin, forms.ModelForm):
    password = forms.CharField(
        label="App password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="An app password made for NetworkCRM in your mail provider's security "
        "settings. It is kept encrypted.",
    )

    class Meta:
        model = Mailbox
        fields = [
            "host",
            "port",
            "tls",
            "username",
            "sent_folder",
            "inbox_folder",
            "lookback_days",
            "enabled",
        ]
        labels = {"enabled": "Sync this mailbox"}
        help_texts = {
            "host": "For example imap.example.com.",
            "sent_folder": "The folder of what you send: “Sent”, “Sent Items”, "
            "“[Gmail]/Sent Mail”… Empty: not read.",
            "inbox_folder": "Empty: not read.",
        }
        error_messages = {
            "host": {"required": "Enter the mail server's name, for example imap.example.com."},
            "username": {"required": "Enter the user name you sign in to the mail server with."},
            "port": {"invalid": "Enter a port number, for example 993."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lookback_days"].min_value = 1
        self.fields["lookback_days"].error_messages.update(LOOKBACK)
        if self.instance.pk:
            self.fields["password"].help_text = "Leave empty to keep the saved one."

    def clean_host(self) -> str:
        host = self.cleaned_data["host"].strip().lower()
        for prefix in ("imaps://", "imap://"):
            host = host.removeprefix(prefix)
        host = host.rstrip("/")
        if not host or any(c in host for c in " /:@"):
            raise forms.ValidationError(
                "Enter only the server's name, for example imap.example.com (the port goes below)."
            )
        return host

    def clean_port(self) -> int:
        port = self.cleaned_data["port"]
        if not 1 <= port <= 65535:
            raise forms.ValidationError("A port is a number from 1 to 65535; IMAP uses 993.")
        return port

    def clean_lookback_days(self) -> int:
        return _lookback(self.cleaned_data["lookback_days"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.instance.pk and not data.get("password"):
            self.add_error("password", "Enter the app password.")
        if (
            not (data.get("sent_folder") or "").strip()
            and not (data.get("inbox_folder") or "").strip()
        ):
            self.add_error("sent_folder", "Name at least one folder to read.")
        taken = Mailbox.objects.filter(
            user=self.instance.user, host=data.get("host"), username=data.get("username")
        ).exclude(pk=self.instance.pk)
        if data.get("host") and data.get("username") and taken.exists():
            self.add_error("username", "You have already added this mailbox.")
        return data


def _lookback(days: int) -> int:
    if not 1 <= days <= 365:
        raise forms.ValidationError("Look back between 1 and 365 days.")
    return days


class FeedForm(NoFormTagMixin, forms.ModelForm):
    url = forms.CharField(
        label="Secret iCal address",
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="The private address your calendar gives for other apps (in Google Calendar: "
        "Settings, your calendar, “Secret address in iCal format”). It is kept encrypted and "
        "never shown again.",
    )

    class Meta:
        model = CalendarFeed
        fields = ["name", "lookback_days", "enabled"]
        labels = {"enabled": "Sync this calendar"}
        error_messages = {"name": {"required": "Give the calendar a name, such as “Work”."}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lookback_days"].error_messages.update(LOOKBACK)
        if self.instance.pk:
            self.fields["url"].help_text = (
                f"Saved: {self.instance.url_hint} Paste a new address to replace it; leave "
                "empty to keep it."
            )
        if self.instance.uploaded:
            del self.fields["url"]

    def clean_url(self) -> str:
        url = feed_url_normalise(self.cleaned_data["url"])
        if not url:
            if not self.instance.pk:
                raise forms.ValidationError("Paste the calendar's secret iCal address.")
            return ""
        try:
            HTTP(url)
        except forms.ValidationError as error:
            raise forms.ValidationError(
                "Paste the whole address, starting with https:// or webcal://."
            ) from error
        return url

    def clean_lookback_days(self) -> int:
        return _lookback(self.cleaned_data["lookback_days"])


class FeedUploadForm(NoFormTagMixin, forms.Form):
    name = forms.CharField(
        max_length=100, error_messages={"required": "Give the calendar a name, such as “Work”."}
    )
    file = forms.FileField(
        label=".ics file",
        help_text="Exported from your calendar; read once. Up to 5 MB.",
        error_messages={"required": "Choose an .ics file.", "empty": "The file is empty."},
    )
    lookback_days = forms.IntegerField(
        label="Look back (days)",
        initial=90,
        error_messages=LOOKBACK,
        help_text="Meetings that ended this many days ago or less are logged.",
    )

    def clean_lookback_days(self) -> int:
        return _lookback(self.cleaned_data["lookback_days"])

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > ICS_MAX_BYTES:
            raise forms.ValidationError("This file is larger than 5 MB.")
        data = upload.read()
        try:
            parse_calendar(data)
        except CalendarError as error:
            raise forms.ValidationError(str(error)) from error
        return data
