# The browser journeys' Chromium, for the weekly summary's HTML part (test_summary_html).
from tests.browser.conftest import browser_context  # noqa: F401
