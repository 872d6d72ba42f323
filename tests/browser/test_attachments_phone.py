"""Attachments on a cheap 360 px phone: the voucher photo loads in a phone size, fits the screen, and leads
to the full original; the approval PDF opens. The attachments scenario (tests/test_attachments.py) is built
and served on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from test_attachments import SITEURL, build, scenario

from .conftest import serving


@pytest.fixture(scope="module")
def attachments_url(tmp_path_factory) -> Iterator[str]:
    site = scenario(tmp_path_factory.mktemp("phone"))
    conf = site.root / "pelicanconf.py"  # pages link relatively; the public address only makes QR codes
    conf.write_text(conf.read_text(encoding="utf-8").replace(f"SITEURL = {SITEURL!r}", ""), encoding="utf-8")
    build(site)
    with serving(site.output) as url:
        yield url


@pytest.fixture
def chromium(browser):
    """The session's chromium (tests/browser/conftest.py): one Playwright per test process."""
    return browser


def test_the_voucher_photo_loads_small_fits_the_phone_and_leads_to_its_original(chromium, attachments_url):
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", service_workers="block")
    page = context.new_page()
    failed: list[str] = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    try:
        page.goto(f"{attachments_url}/nanwan/finance/2026-q3.html", wait_until="networkidle")
        image = page.locator("img[alt='记账凭证']")
        image.scroll_into_view_if_needed()
        image.evaluate("img => img.decode()")
        loaded = image.evaluate("img => ({src: img.currentSrc, width: img.getBoundingClientRect().width})")
        assert loaded["src"].endswith("2026-q3-voucher.480w.jpg"), loaded  # 360 px at 1x: the smallest copy
        assert 0 < loaded["width"] <= 360
        assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
        assert not failed
        with page.expect_response(lambda r: r.url.endswith("/2026-q3-voucher.jpg")) as original:
            image.click()
        assert original.value.status == 200 and original.value.headers["content-type"] == "image/jpeg"
        page.goto(f"{attachments_url}/nanwan/finance/2026-q3.html")
        href = page.locator(".gk-attachments a", has_text="民主理财小组审核意见表").evaluate("a => a.href")
        response = page.request.get(href)
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    finally:
        context.close()
