"""The schema's shared parts: every operation may answer a problem (RFC 9457)."""

from __future__ import annotations

from typing import Any

from api.problems import PROBLEM_TYPE

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details. `errors` maps a field to the messages the web "
    "form gives for it.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["type", "title", "status"],
}

ANSWERS = {
    "400": "The request has errors (see `errors`).",
    "401": "No token, or a token that is not valid, revoked or expired.",
    "403": "Not allowed, e.g. a read token asked to write.",
    "404": "Not found among yours.",
    "429": "Too many requests: wait `Retry-After` seconds.",
}


def add_problem_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    ref = {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, description in ANSWERS.items():
                responses.setdefault(code, {"description": description, "content": ref})
            if "200" in responses and operation.get("operationId", "").endswith(
                ("_list", "_retrieve", "today_retrieve")
            ):
                responses.setdefault("304", {"description": "Not modified (If-None-Match)."})
    return result
