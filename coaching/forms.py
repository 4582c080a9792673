from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from accounts.models import CoachScope


class ScopeField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", CoachScope.choices)
        kwargs.setdefault("initial", CoachScope.PLAN)
        kwargs.setdefault("label", "What they may see")
        kwargs.setdefault(
            "error_messages", {"invalid_choice": "Pick one of the three scopes in the list."}
        )
        super().__init__(**kwargs)


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Your coach's e-mail",
        error_messages={"invalid": "Enter an e-mail address, such as coach@example.com."},
    )
    scope = ScopeField(
        help_text="Never your private notes or private interactions, whatever you pick. You can "
        "change it or end it at any moment."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ScopeForm(forms.Form):
    scope = ScopeField()
