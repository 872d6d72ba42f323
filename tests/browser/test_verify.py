"""/verify/ in Chromium: a villager types the 核对码 from a paper notice.

The site is tests/test_fingerprint.py's: the minimal township in git, its 2026-Q3
finance notice corrected on 2026-10-20, and a withdrawn notice. The page reads
manifest.json in the browser and must answer for the current version, the version
the correction replaced, a withdrawn notice and a code no notice has; typed with
spaces, full-width or capital letters; and say how to compare by hand without
JavaScript. Screenshots at 360 px go to tests/artifacts/screenshots/verify-*.png.
"""

from __future__ import annotations

import functools
import json
import shutil
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from .conftest import HOST, SCREENSHOTS, _open_tab, _QuietHandler, _QuietServer

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture(scope="module")
def verify_site(tmp_path_factory) -> Iterator[tuple[str, dict]]:
    """(base URL, manifest entries by URL) of the built site, served on 127.0.0.1."""
    from test_fingerprint import corrected_site

    site = corrected_site(tmp_path_factory.mktemp("verify"))
    site.build()
    entries = {e["url"]: e for e in json.loads((site.output / "manifest.json").read_text(encoding="utf-8"))["notices"]}
    server = _QuietServer((HOST, 0), functools.partial(_QuietHandler, directory=str(site.output)))
    thread = threading.Thread(target=server.serve_forever, name="verify-site", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}", entries
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def tab(browser, verify_site):
    opened = _open_tab(browser, verify_site[0], 360)
    yield opened
    opened.close()


def _ask(tab, code: str) -> str:
    tab.page.fill("#gk-verify-code", code)
    tab.page.get_by_role("button", name="核对").click()
    result = tab.page.locator("#gk-verify-result")
    expect(result).not_to_be_empty()
    assert tab.console_errors == [], tab.console_errors
    return result


def _code(sha: str) -> str:
    return f"{sha[:4]} {sha[4:8]}"


def test_the_current_version(tab, verify_site):
    entry = verify_site[1]["nanwan/finance/2026-q3.html"]
    tab.goto("/verify/index.html")
    expect(tab.page.locator("#gk-verify-nojs")).to_be_hidden()
    result = _ask(tab, _code(entry["sha256"]))
    expect(result).to_have_attribute("data-result", "current")
    expect(result).to_contain_text("一致：这是南湾村2026年第三季度财务收支公开网上现在的版本")
    expect(result).to_contain_text("已含全部 1 次更正")
    assert result.get_by_role("link").evaluate("a => a.href") == tab.url("/nanwan/finance/2026-q3.html")
    tab.page.screenshot(path=SCREENSHOTS / "verify-current-360.png", full_page=True)
    assert tab.console_errors == [] and tab.bad_responses == []


def test_the_version_a_correction_replaced(tab, verify_site):
    entry = verify_site[1]["nanwan/finance/2026-q3.html"]
    old = entry["earlier"][0]["sha256"]
    tab.goto("/verify/index.html")
    result = _ask(tab, old[:8].upper())  # typed in capitals without the space
    expect(result).to_have_attribute("data-result", "superseded")
    expect(result).to_contain_text("不是最新版本")
    expect(result).to_contain_text("第 1 版，已于 2026年10月20日 更正（更正道路维修金额，合计随之更正）")
    expect(result).to_contain_text(f"核对码 {_code(entry['sha256'])}")
    tab.page.screenshot(path=SCREENSHOTS / "verify-superseded-360.png", full_page=True)


def test_a_withdrawn_notice(tab, verify_site):
    entry = next(e for e in verify_site[1].values() if e["status"] == "withdrawn")
    tab.goto("/verify/index.html")
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in entry["sha256"][:8])  # typed with a Chinese input method
    result = _ask(tab, full_width)
    expect(result).to_have_attribute("data-result", "withdrawn")
    expect(result).to_contain_text("撤回，不再有效")


def test_an_unknown_code_and_a_mistyped_one(tab, verify_site):
    known = {e["sha256"][:8] for e in verify_site[1].values()} | {
        x["sha256"][:8] for e in verify_site[1].values() for x in e.get("earlier", [])}
    unknown = next(c for c in ("00000000", "deadbeef", "12345678") if c not in known)
    tab.goto("/verify/index.html")
    result = _ask(tab, _code(unknown))
    expect(result).to_have_attribute("data-result", "unknown")
    expect(result).to_contain_text(f"本站没有核对码为 {_code(unknown)} 的公告")
    result = _ask(tab, "a1b2 c3")
    expect(result).to_have_attribute("data-result", "invalid")


def test_a_code_in_the_address_is_checked_on_arrival(tab, verify_site):
    entry = verify_site[1]["nanwan/finance/2026-q3.html"]
    tab.goto(f"/verify/index.html?code={entry['sha256'][:8]}")
    expect(tab.page.locator("#gk-verify-result")).to_have_attribute("data-result", "current")


def test_without_javascript_the_page_says_how_to_compare_by_hand(browser, verify_site):
    tab = _open_tab(browser, verify_site[0], 360, java_script_enabled=False)
    try:
        tab.goto("/verify/index.html")
        expect(tab.page.locator("#gk-verify")).to_be_hidden()
        expect(tab.page.get_by_text("本页的自动核对需要浏览器开启 JavaScript")).to_be_visible()
        expect(tab.page.locator(".gk-verify__steps")).to_contain_text("与纸上印的核对码逐位比对")
        width = tab.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360
        tab.page.screenshot(path=SCREENSHOTS / "verify-nojs-360.png", full_page=True)
    finally:
        tab.close()
