"""schemathesis against the live schema of a server this test starts, with a token of the
demo's owner: every operation, no 5xx, every response as the schema says. Examples are few
per operation (SCHEMATHESIS_EXAMPLES, 8 by default) so the suite stays fast; raise it to dig."""

from __future__ import annotations

import io
import os

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import User
from api.models import TokenScope
from api.services import token_create
from contacts.demo import DEMO_USERS
from contacts.models import Contact, Interaction, Tag
from followups.models import FollowUp

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))
CONFORMS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Data outside the schema: refused, never a crash, answered in a documented type.
REFUSES = [not_a_server_error, content_type_conformance]


@pytest.mark.django_db(transaction=True)
def test_every_operation_answers_as_its_schema_says(live_server, settings, monkeypatch, tmp_path):
    settings.API_RATE_LIMIT = ""  # the fuzzer sends hundreds of requests a minute
    settings.MEDIA_ROOT = tmp_path
    # Uploads queue their import; no worker runs here (tests/imports run the real one).
    from imports import tasks

    monkeypatch.setattr(tasks.import_run, "delay_on_commit", lambda pk: None)
    call_command("seed_demo", stdout=io.StringIO())
    owner = User.objects.get(email=DEMO_USERS["owner"][0])
    _token, secret = token_create(owner=owner, name="fuzz", scope=TokenScope.WRITE)
    auth = {"Authorization": f"Bearer {secret}"}
    # Real ids beside random ones, so reads and writes of existing rows are tried too.
    ids = {
        "contacts": list(Contact.objects.filter(owner=owner).values_list("pk", flat=True)[:20]),
        "interactions": list(
            Interaction.objects.filter(owner=owner).values_list("pk", flat=True)[:20]
        ),
        "followups": list(FollowUp.objects.filter(owner=owner).values_list("pk", flat=True)[:20]),
        "tags": list(Tag.objects.filter(owner=owner).values_list("pk", flat=True)[:20]),
    }
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/", headers=auth)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    tried = []
    for operation in operations:
        resource = operation.path.split("/")[3]
        real = st.sampled_from(ids.get(resource) or [1])
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz(operation, mode, real, live_server.url, auth)
        tried.append(f"{operation.method.upper()} {operation.path}")
    assert len(tried) == len(operations)


def fuzz(operation, mode, real, base_url, auth) -> None:
    checks = CONFORMS if mode == GenerationMode.POSITIVE else REFUSES

    @given(case=operation.as_strategy(generation_mode=mode), pk=real, use_real=st.booleans())
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case, pk, use_real):
        if use_real and case.path_parameters and "id" in case.path_parameters:
            case.path_parameters["id"] = pk
        response = case.call(base_url=base_url, headers=auth)
        case.validate_response(response, checks=checks, headers=auth)

    check()
