"""theme/static/deadline.js: a site nobody rebuilt still shows what has become overdue.

The demo is built as of 2026-11-08. Township finance is then "due", with its
October statement owed by 2026-11-10 (``data-deadline="2026-11-10"``). The
browser's clock is set before the page loads; what the reader sees must
follow the date in Beijing, whatever the device's time zone. With JavaScript
off the page shows the status as built, and says as of which day.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package").expect

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "theme" / "static" / "deadline.js"
BOARD = "/township/index.html"
SECTION_PAGE = "/township/finance/index.html"
FINANCE = '[data-section="township/finance"]'
BUILT_ON = "2026年11月8日"


def finance(tab):
    return tab.page.locator(FINANCE)


def badge(tab):
    """The status badge the reader sees on township finance."""
    return finance(tab).locator(".gk-badge").filter(visible=True)


def open_at(page, path: str, now: str, **options):
    tab = page(360, now=now, **options)
    response = tab.goto(path)
    assert response.status == 200
    # The script is deferred: by "load" it has run. Give anything it might
    # schedule a frame to act, so "still due" is not just "not yet run".
    tab.page.evaluate("new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)))")
    assert [u for u in tab.requests if u.endswith("/theme/deadline.js")], "the page does not load deadline.js"
    assert tab.bad_responses == [] and tab.console_errors == [], (tab.bad_responses, tab.console_errors)
    return tab


def assert_due(tab):
    expect(finance(tab)).to_have_attribute("data-status", "due")
    expect(badge(tab)).to_have_count(1)
    expect(badge(tab)).to_have_text(re.compile(r"待公开"), use_inner_text=True)
    expect(badge(tab)).not_to_contain_text("逾期", use_inner_text=True)


def assert_overdue(tab):
    expect(finance(tab)).to_have_attribute("data-status", "overdue")
    expect(badge(tab)).to_have_count(1)
    expect(badge(tab)).to_contain_text("逾期", use_inner_text=True)
    expect(badge(tab)).not_to_contain_text("待公开", use_inner_text=True)


def test_the_day_before_the_deadline_it_stays_due(page):
    tab = open_at(page, BOARD, "2026-11-09T12:00:00+08:00")
    assert_due(tab)


def test_late_on_the_deadline_day_it_is_still_due(page):
    tab = open_at(page, BOARD, "2026-11-10T23:00:00+08:00")
    assert_due(tab)


@pytest.mark.parametrize("path", [BOARD, SECTION_PAGE], ids=["board", "section"])
def test_the_morning_after_the_deadline_it_shows_overdue(page, path):
    tab = open_at(page, path, "2026-11-11T09:00:00+08:00")
    assert_overdue(tab)
    tab.screenshot("board-overdue" if path == BOARD else "section-overdue")


def test_the_script_leaves_sections_with_later_deadlines_alone(page):
    tab = open_at(page, BOARD, "2026-11-11T09:00:00+08:00")
    later = tab.page.locator('[data-section="township/major-matters"]')  # due 2027-01-20
    expect(later).to_have_attribute("data-status", "current")
    expect(later.locator(".gk-badge").filter(visible=True)).to_have_text(re.compile("按期公开"))


@pytest.mark.parametrize(
    ("timezone", "now", "expected"),
    [
        # 17:00 UTC on the 10th is 01:00 on the 11th in Beijing: the deadline has passed,
        # though a phone set to UTC still says the 10th.
        ("UTC", "2026-11-10T17:00:00Z", "overdue"),
        # 23:30 on the 10th in Beijing, already the 11th on a phone set to Tokyo time: not yet late.
        ("Asia/Tokyo", "2026-11-10T15:30:00Z", "due"),
    ],
    ids=["utc-phone-after-beijing-midnight", "tokyo-phone-before-beijing-midnight"],
)
def test_deadlines_follow_the_date_in_beijing(page, timezone, now, expected):
    tab = open_at(page, BOARD, now, timezone_id=timezone)
    if expected == "overdue":
        assert_overdue(tab)
    else:
        assert_due(tab)


@pytest.mark.parametrize("width", [360, 1280])
def test_without_javascript_the_page_shows_the_built_status_and_its_date(page, width):
    tab = page(width, java_script_enabled=False)
    assert tab.goto(BOARD).status == 200
    tab.screenshot("board-nojs")
    assert_due(tab)
    expect(finance(tab)).to_contain_text("2026年11月10日")  # the deadline is stated
    expect(tab.page.locator("body")).to_contain_text(BUILT_ON)  # and as of which day the status holds
    assert tab.console_errors == [] and tab.bad_responses == []


def test_the_script_is_small():
    """What a phone downloads: the script as the server sends it (gzip, as `gongkai build` pre-compresses it)."""
    size, sent = SCRIPT.stat().st_size, len(gzip.compress(SCRIPT.read_bytes(), mtime=0))
    assert sent < 2048 and size < 6144, f"{SCRIPT.relative_to(ROOT)} is {size} bytes ({sent} gzipped); villagers pay for every byte"


def test_the_served_script_is_the_theme_script(page):
    tab = page(360)
    response = tab.page.request.get(tab.url("/theme/deadline.js"))
    assert response.ok
    assert response.body() == SCRIPT.read_bytes()


def test_the_script_makes_no_requests(page):
    """Everything fetched with JavaScript on is fetched with it off, except the script itself."""
    seen = {}
    for enabled in (True, False):
        tab = page(360, java_script_enabled=enabled, now="2026-11-11T09:00:00+08:00")
        tab.goto(BOARD, wait_until="networkidle")
        seen[enabled] = set(tab.requests)
    script = {u for u in seen[True] if u.endswith("/theme/deadline.js")}
    assert script, "deadline.js was not loaded"
    assert seen[True] - seen[False] - script == set()
