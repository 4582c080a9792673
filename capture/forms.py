from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from capture.models import CaptureSettings, IgnoreRule, RuleKind
from capture.services import rule_value_normalised

# A host name: labels of letters, digits and hyphens, with at least one dot.
DOMAIN_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"


class CaptureSettingsForm(forms.ModelForm):
    class Meta:
        model = CaptureSettings
        fields = ["forward_enabled", "only_known", "keep_snippet"]


class IgnoreRuleForm(forms.Form):
    kind = forms.ChoiceField(label="Ignore", choices=RuleKind.choices)
    value = forms.CharField(
        label="What",
        max_length=254,
        help_text="A domain (example.com, its subdomains too), an address, or a calendar's name.",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, value = data.get("kind"), data.get("value")
        if not kind or not value:
            return data
        value = rule_value_normalised(kind, value)
        if kind == RuleKind.DOMAIN:
            if not re.fullmatch(rf"{DOMAIN_LABEL}(\.{DOMAIN_LABEL})+", value):
                raise ValidationError({"value": "Enter a domain such as example.com."})
        elif kind == RuleKind.ADDRESS:
            try:
                validate_email(value)
            except ValidationError:
                raise ValidationError(
                    {"value": "Enter an e-mail address such as name@example.com."}
                ) from None
        if IgnoreRule.objects.filter(user=self.user, kind=kind, value=value).exists():
            raise ValidationError({"value": "You already ignore this."})
        data["value"] = value
        return data
