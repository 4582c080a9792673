"""An HTML e-mail opened in Chromium, as a phone or a desktop mail client would show it, and the
checks every styled e-mail must pass there (the digest's and the weekly summary's tests)."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import open_page, screenshot

PHONE, DESKTOP = 390, 1024
TAP_HEIGHT = 40  # px: a button a thumb can hit (Apple asks 44 pt, Material 48 dp with margins)


def html_of(message: Any) -> str:
    (content,) = [content for content, kind in message.alternatives if kind == "text/html"]
    return content


def email_page(browser: Any, html: str, *, width: int, name: str) -> Any:
    """`html` opened at `width` px (a phone is 390), screenshot as test-output/browser/<name>."""
    page = open_page(browser, viewport={"width": width, "height": 800})
    page.set_content(html)
    screenshot(page, f"{name}-{width}")
    return page


def scroll_width(page: Any) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def without_style_blocks(page: Any) -> None:
    """Drops every <style> block, as many mail clients do: what is left is the inline styles."""
    page.evaluate("document.querySelectorAll('style').forEach((block) => block.remove())")


def link_texts(page: Any, href: str) -> list[str]:
    return page.locator(f'a[href="{href}"]').all_inner_texts()


def heights(page: Any, name: str) -> list[float]:
    """The heights of the visible links called `name` (the Done and Snooze buttons)."""
    found = page.get_by_role("link", name=name, exact=True)
    assert found.count() > 0, f"no {name!r} link"
    boxes = []
    for at in range(found.count()):
        assert found.nth(at).is_visible(), f"{name!r} link {at} is hidden"
        boxes.append(found.nth(at).bounding_box()["height"])
    return boxes
