"""The API's docs page renders in Chromium under the site's CSP, from local files only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import open_page, screenshot


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_draws_the_docs_from_local_files(browser_context, live_server, alice_client):
    page = open_page(browser_context)
    cookie = alice_client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda r: not r.url.startswith(live_server.url) and elsewhere.append(r.url),
    )
    page.goto(f"{live_server.url}{reverse('api:docs')}")
    page.locator(".opblock-summary-path").first.wait_for(timeout=15_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/contacts/" in paths
    assert page.locator(".info .title").inner_text().startswith("NetworkCRM API")
    screenshot(page, "api-docs")
    assert elsewhere == []
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []
