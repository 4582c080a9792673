"""The schema is checked in (api/schema.yaml) and changes only with a version note."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer

API = Path(settings.BASE_DIR) / "api"
REGENERATE = "python manage.py spectacular --file api/schema.yaml --validate"
ENTRY = re.compile(r"^## (\S+) — schema ([0-9a-f]{64})$", re.MULTILINE)


def live_schema() -> bytes:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return OpenApiYamlRenderer().render(schema, renderer_context={})


def test_the_committed_schema_is_the_live_one():
    committed = (API / "schema.yaml").read_bytes()
    assert yaml.safe_load(live_schema()) == yaml.safe_load(committed), (
        f"The API changed: run `{REGENERATE}`, bump SPECTACULAR_SETTINGS['VERSION'] and add an "
        "entry to api/CHANGELOG.md"
    )


def test_the_schema_has_its_version_note():
    committed = (API / "schema.yaml").read_bytes()
    entries = ENTRY.findall((API / "CHANGELOG.md").read_text())
    assert entries, "api/CHANGELOG.md has no entry"
    version, digest = entries[0]
    assert (
        version
        == settings.SPECTACULAR_SETTINGS["VERSION"]
        == yaml.safe_load(committed)["info"]["version"]
    ), "the newest CHANGELOG entry names the schema's version"
    assert digest == hashlib.sha256(committed).hexdigest(), (
        "api/schema.yaml changed without a version note: bump the version and add an entry "
        "with its SHA-256 to api/CHANGELOG.md"
    )
    versions = [v for v, _ in entries]
    assert len(set(versions)) == len(versions), "each version has one entry"
