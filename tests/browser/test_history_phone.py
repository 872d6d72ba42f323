"""A corrected notice on a 360 px phone, in the session's Chromium (tests/browser/conftest.py).

The site is the corrected git repository of ``tests/test_history.py``: a figure
published on 10-08 and corrected on 10-20.
"""

from __future__ import annotations

from test_history import URL, corrected, repo  # noqa: F401 - the fixtures this test builds on

from .conftest import serving


def test_on_a_360px_phone_the_versions_read_without_sideways_scrolling(browser, corrected):  # noqa: F811
    """The corrected cell shows the old figure struck through, nothing overflows, and the link to the
    first version opens it."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    with serving(corrected.build()) as base:
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
        try:
            page = context.new_page()
            page.goto(f"{base}/{URL}")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            was = page.locator(".gk-notice__body td.gk-changed del").first
            assert was.is_visible()
            assert "line-through" in was.evaluate("e => getComputedStyle(e).textDecorationLine")
            assert page.locator(".gk-history__item").count() == 2
            page.get_by_role("link", name="查看第 1 版原文").click()
            page.wait_for_url("**/2026-q3/v1.html")
            assert page.get_by_role("heading", name="这是第 1 版，已被更正").is_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
        finally:
            context.close()
