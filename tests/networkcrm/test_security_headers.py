import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_sends_a_content_security_policy_without_unsafe_inline(alice_client):
    header = alice_client.get(reverse("today"))["Content-Security-Policy"]
    policy = dict(part.strip().split(" ", 1) for part in header.split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"].split()[0] == "'self'"
    assert all(source.startswith("'nonce-") for source in policy["script-src"].split()[1:])
    assert "unsafe-inline" not in header
    assert policy["frame-ancestors"] == "'none'"


def test_it_forbids_framing(alice_client):
    assert alice_client.get(reverse("today"))["X-Frame-Options"] == "DENY"


def test_its_pages_have_no_inline_script(client):
    body = client.get(reverse("accounts:signup")).content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", body, re.S)
    assert scripts, "the page loads its scripts"
    for attributes, content in scripts:
        assert "src=" in attributes
        assert not content.strip()


def test_it_loads_assets_from_its_own_origin_only(client):
    body = client.get(reverse("accounts:login")).content.decode()
    for url in re.findall(r'(?:src|href)="([^"]+)"', body):
        assert not url.startswith(("http://", "https://", "//")), url
