from __future__ import annotations

from typing import Any

from django import forms

from webhooks.models import SUBSCRIBABLE, WebhookEndpoint
from webhooks.targets import TargetRefused, target_check


class EndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=SUBSCRIBABLE,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event to send."},
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "enabled"]
        labels = {"enabled": "Send deliveries to this endpoint"}
        help_texts = {
            "url": "Where each event is POSTed as JSON, signed with this endpoint's secret.",
            "description": "For you: what it feeds.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["url"].error_messages["invalid"] = "Enter a full URL, such as https://…"

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            target_check(url)
        except TargetRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        return url
