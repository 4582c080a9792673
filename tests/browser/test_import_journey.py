"""Upload LinkedIn's Connections.csv, watch the progress bar finish, open the report.

The import runs on a real Celery worker process (the `start` fixture), fed through an isolated
Redis: the page's progress bar then polls a job another process is working on, as in
production, rather than one that finished before the page was drawn. The worker reads uploads
where the settings keep them (var/media), so the test removes its files at the end.
"""

from __future__ import annotations

import re
from contextlib import suppress
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from playwright.sync_api import expect

from contacts.models import Contact
from imports.models import ImportJob
from imports.tasks import import_run
from networkcrm.celery import app
from tests.browser.conftest import open_page, screenshot
from tests.followups.conftest import isolated_redis, start  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]

ROWS = 3000
FIRST = ["Ada", "Ben", "Chloé", "Dev", "Elif", "Femi", "Gaia", "Hugo", "Ines", "Jun", "Kofi"]
LAST = [f"{a}{b}" for a in ("Alder", "Birch", "Cedar", "Dahl", "Frost") for b in ("son", "lund")]


def connections_csv() -> bytes:
    lines = [
        "Notes:",
        '"When exporting your connection data, you may notice that some of the email '
        'addresses are missing."',
        "",
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
    ]
    for i in range(ROWS):
        email = f"person{i}@example.com" if i % 3 == 0 else ""
        first, last = FIRST[i % len(FIRST)], f"{LAST[i // len(FIRST) % len(LAST)]}-{i}"
        lines.append(
            f"{first},{last},https://www.linkedin.com/in/person-{i},{email},"
            f"Company {i % 40},Role {i % 7},{1 + i % 28:02d} Mar 2024"
        )
    lines.append("Broken,Row,https://www.linkedin.com/in/broken,not-an-email,Acme,CEO,01 Feb 2024")
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.fixture
def worker_queue(start, isolated_redis, monkeypatch):  # noqa: F811
    """A worker on an isolated Redis; the web process queues imports there."""
    start("worker", "--pool=solo", "--hostname=import-journey@%h")
    broker = app.connection_for_write(isolated_redis)

    def delay_on_commit(job_id: int) -> None:
        transaction.on_commit(lambda: import_run.apply_async((job_id,), connection=broker))

    monkeypatch.setattr(import_run, "delay_on_commit", delay_on_commit)
    yield
    broker.release()
    for job in ImportJob.objects.all():
        folder = Path(job.file.path).parent
        job.file.storage.delete(job.file.name)
        with suppress(OSError):
            folder.rmdir()


@pytest.fixture
def page(browser_context, live_server, alice):
    client = Client()
    client.force_login(alice)
    page = open_page(browser_context, viewport={"width": 1200, "height": 900})
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def test_a_user_imports_linkedin_and_reads_the_report(
    page, live_server, alice, worker_queue, tmp_path
):
    upload = tmp_path / "Connections.csv"
    upload.write_bytes(connections_csv())
    page.goto(f"{live_server.url}/import/")
    expect(page.get_by_role("link", name="Import", exact=True)).to_have_class(re.compile("active"))
    page.set_input_files("input[name=file]", str(upload))
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url(re.compile(r"/import/\d+/$"))

    # The bar fills as the worker goes, then the page shows the result by itself.
    bar = page.get_by_role("progressbar", name="Import progress")
    expect(bar).to_be_visible()
    expect(page.get_by_test_id("job")).to_have_attribute("data-status", "done", timeout=60_000)
    expect(bar).to_have_attribute("aria-valuenow", "100")
    assert page.locator("[data-progress='100']").evaluate("bar => bar.style.width") == "100%"
    expect(page.get_by_test_id("count-created")).to_have_text(str(ROWS))
    expect(page.get_by_test_id("count-errors")).to_have_text("1")
    screenshot(page, "import-report")

    errors = page.get_by_test_id("errors")
    expect(errors).to_contain_text(f"{ROWS + 5}")  # the bad row's line in the file
    expect(errors).to_contain_text("“not-an-email” is not an e-mail address.")
    with page.expect_download() as download:
        page.get_by_test_id("errors-csv").click()
    report = download.value.path().read_text(encoding="utf-8-sig")
    assert report.splitlines()[1].startswith(f"{ROWS + 5},")

    assert Contact.objects.filter(owner=alice).count() == ROWS
    assert Contact.objects.get(owner=alice, last_name__endswith="-7").company == "Company 7"
    assert page.console_errors == [], "the page logged errors (a blocked script or style?)"
