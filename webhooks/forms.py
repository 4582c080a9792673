from __future__ import annotations

from django import forms

from webhooks.models import SUBSCRIBABLE, WebhookEndpoint
from webhooks.targets import TargetRefused, target_check


class EndpointForm(forms.ModelForm):
    url = forms.URLField(
        label="URL",
        max_length=2000,
        assume_scheme="https",
        help_text="Where each event is POSTed as JSON, signed with this endpoint's secret.",
        error_messages={"invalid": "Enter a full URL, such as https://…"},
    )
    events = forms.MultipleChoiceField(
        choices=SUBSCRIBABLE,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event to send."},
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "enabled"]
        labels = {"enabled": "Send deliveries to this endpoint"}
        help_texts = {"description": "For you: what it feeds."}

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            target_check(url)
        except TargetRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        return url
