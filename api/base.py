"""What every API view shares: no login redirect (the API answers 401 in problem details),
ETag and If-None-Match on reads, and the web's forms as the one source of validation."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import QueryDict
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from rest_framework import serializers
from rest_framework.pagination import CursorPagination


class ApiViewMixin:
    @classmethod
    def as_view(cls, *args: Any, **kwargs: Any) -> Any:
        # LoginRequiredMiddleware would redirect to the login page; DRF authenticates instead.
        return login_not_required(super().as_view(*args, **kwargs))  # type: ignore[misc]

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        # One person's data: no shared cache keeps it, and the token decides the answer.
        patch_cache_control(response, private=True)
        patch_vary_headers(response, ["Authorization"])
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            # A strong validator of what would be sent: the same body, the same ETag.
            response.render()
            set_response_etag(response)
            return get_conditional_response(
                request, etag=response.headers.get("ETag"), response=response
            )
        return response


class Cursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-pk"


def form_data(values: dict[str, Any]) -> QueryDict:
    """JSON values as the web form would post them: lists as repeated keys, booleans as the
    checkbox's "true"/"false", nothing for None."""
    data = QueryDict(mutable=True)
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            data.setlist(key, [str(getattr(v, "pk", v)) for v in value])
        elif isinstance(value, bool):
            data[key] = "true" if value else "false"
        else:
            data[key] = str(getattr(value, "pk", value))
    return data


def form_errors(form: Any, renames: dict[str, str] | None = None) -> serializers.ValidationError:
    """A form's errors, word for word, under the API's field names."""
    renames = {"__all__": "non_field_errors", **(renames or {})}
    return serializers.ValidationError(
        {renames.get(field, field): list(errors) for field, errors in form.errors.items()}
    )
