"""Errors as RFC 9457 problem details (application/problem+json), with the field messages the
web's forms give under `errors`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_TYPE = "application/problem+json"

TITLES = {
    400: "Your request has errors",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    415: "Unsupported media type",
    429: "Too many requests",
}


class ProblemJSONRenderer(JSONRenderer):
    media_type = PROBLEM_TYPE


def _flatten(detail: Any) -> dict[str, list[str]]:
    """DRF's nested error detail as {"field": ["message", …]}; nested keys joined by dots."""
    found: dict[str, list[str]] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                if isinstance(inner, (dict, list)):
                    walk(f"{prefix}.{index}", inner)
                else:
                    found.setdefault(prefix or "non_field_errors", []).append(str(inner))
        else:
            found.setdefault(prefix or "non_field_errors", []).append(str(value))

    walk("", detail)
    return found


def problem_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = response.status_code
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(code, "Error"),
        "status": code,
    }
    if isinstance(exc, exceptions.ValidationError):
        body["detail"] = "Some fields need attention: see errors."
        body["errors"] = _flatten(exc.detail)
    elif isinstance(exc, exceptions.APIException):
        body["detail"] = str(exc.detail)
    if code == status.HTTP_429_TOO_MANY_REQUESTS and "Retry-After" not in response:
        response["Retry-After"] = "1"
    response.data = body
    response.content_type = PROBLEM_TYPE
    return response
