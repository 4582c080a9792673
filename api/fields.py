"""Write fields that leave the words to the web's forms: the API checks types, the form checks
meaning and says what is wrong exactly as the page does."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MAX_ID = 2**63 - 1


def choice(choices: Any, **kwargs: Any) -> serializers.ChoiceField:
    """A choice with the form's message for a value that is not one."""
    return serializers.ChoiceField(
        choices=choices,
        error_messages={
            "invalid_choice": "Select a valid choice. {input} is not one of the available choices."
        },
        **kwargs,
    )


def whole(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0, max_value=MAX_ID, error_messages={"invalid": "Enter a whole number."}, **kwargs
    )


def ids(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), **kwargs
    )


def text(**kwargs: Any) -> serializers.CharField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_blank", True)
    return serializers.CharField(trim_whitespace=False, **kwargs)


@extend_schema_field(OpenApiTypes.DATE)
class DayField(serializers.CharField):
    """A date written YYYY-MM-DD, read by the form's DayField (which says why 2026-02-30 is
    not a day)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return value.isoformat() if hasattr(value, "isoformat") else value
