"""Searching the demo township in Chinese, as a villager does, on every board's index at once.

The demo is built with its own settings, where GONGKAI_SEARCH is on by
default, so ``pagefind/<board>/`` sits beside the pages the test server
serves. What a search must find is read from the built pages themselves:
every notice whose table has a cell containing the name. Nothing is fetched
from anywhere but the site itself; without JavaScript the page says what to
do instead.
"""

from __future__ import annotations

import html
import re

import pytest
from playwright.sync_api import expect

from .test_accessibility import AXE, BLOCKING, describe

CELL = re.compile(r"<td\b[^>]*>(.*?)</td>", re.S)


def holding(demo, name: str) -> set[str]:
    """The notice pages (site paths) with a table cell that contains ``name``, read from the built HTML."""
    found = set()
    for page in demo.output.glob("*/*/*.html"):
        text = page.read_text(encoding="utf-8")
        if page.name == "index.html" or "data-pagefind-body" not in text:
            continue
        if any(name in html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in CELL.findall(text)):
            found.add("/" + page.relative_to(demo.output).as_posix())
    return found


def search(tab, query: str, **filters: str) -> list[str]:
    """Type the query (and choose filters) as a reader does; every result's address, in order, all pages of them."""
    if filters:
        tab.page.get_by_text("缩小范围").click()
        for label, value in filters.items():
            tab.page.get_by_label(label).select_option(value)
    box = tab.page.get_by_role("searchbox", name="要找的内容")
    box.fill(query)
    box.press("Enter")
    status = tab.page.locator("#gk-search-status")
    expect(status).to_contain_text(re.compile("找到|没有找到"), timeout=10_000)
    more = tab.page.get_by_role("button", name=re.compile("显示更多结果"))
    while more.is_visible():
        shown = tab.page.locator(".gk-result").count()
        more.click()
        expect(tab.page.locator(".gk-result")).not_to_have_count(shown)
    links = tab.page.locator(".gk-result__title")
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


@pytest.mark.parametrize("name", [
    "王长顺",    # the name: segmentation split it, so no 低保 list was found
    "王德才",    # three characters
    "长顺",      # two characters, the end of a name
    "王德",      # the start of other names (王德才, 王德胜 …): finds every one
    "刘家庄村",  # four characters, the start of longer cells (刘家庄村北环路 …)
    "低洼地",    # a place inside a cell
])
def test_a_name_in_a_table_finds_every_notice_that_holds_it_first(page, demo, name):
    expected = holding(demo, name)
    assert expected, f"the demo has no table cell with {name}"
    tab = page(360)
    tab.goto("/search/index.html")
    found = search(tab, name)
    assert expected <= set(found), sorted(expected - set(found))
    partial = [li.locator(".gk-result__partial").count() > 0 for li in tab.page.locator(".gk-result").all()]
    # The first 40 are read in full (search.js SORTED): those holding the whole name come first.
    assert partial[:40] == sorted(partial[:40]), "the notices that hold the whole name come before those with some of it"
    assert expected <= {href for href, part in zip(found, partial, strict=True) if not part}
    first = tab.page.locator(".gk-result").first
    expect(first.locator("mark").first).to_have_text(name)
    expect(first.locator(".gk-result__partial")).to_have_count(0)
    assert tab.bad_responses == [] and tab.console_errors == [] and tab.foreign_requests() == []


def test_excerpts_start_at_a_word_and_never_show_the_index_only_characters(page):
    tab = page(360)
    tab.goto("/search/index.html")
    found = search(tab, "2026年第一季度")
    assert found
    excerpts = tab.page.locator(".gk-result__excerpt").all_inner_texts()
    for text in excerpts:
        assert not re.match(r"…?年", text), text  # not "年第一季度…" without its "2026"
        assert "⁂" not in text and not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff] [\u4e00-\u9fff]", text), text
    marks = tab.page.locator(".gk-result__excerpt mark").all_inner_texts()
    assert marks and all(m == "2026年第一季度" for m in marks[:3]), marks
    # An excerpt around a name begins at the cell, not inside it.
    search(tab, "长顺")
    assert all("王长顺" in t or "长顺" not in t for t in tab.page.locator(".gk-result__excerpt").all_inner_texts())


def test_filters_by_board_and_category_are_explained_and_narrow_the_results(page):
    tab = page(360)
    tab.goto("/search/index.html")
    expect(tab.page.get_by_text("缩小范围：只看一个村或一类公告")).to_be_visible()
    everywhere = search(tab, "低保")
    assert {h.split("/")[1] for h in everywhere} >= {"nanwan", "beishan", "hexi"}

    tab.goto("/search/index.html")
    expect(tab.page.get_by_text("可以只看一个村（公开栏），或只看一类公告（栏目）")).to_be_hidden()
    in_nanwan = search(tab, "低保", **{"只看哪个公开栏": "南湾村"})
    assert in_nanwan and all(h.startswith("/nanwan/") for h in in_nanwan), in_nanwan
    expect(tab.page.locator("#gk-search-status")).to_contain_text("只看南湾村")
    # The address keeps the search: shared or reloaded, it shows the same results.
    assert "board=" in tab.page.url and "q=" in tab.page.url
    tab.page.reload()
    expect(tab.page.locator(".gk-result").first).to_be_visible(timeout=10_000)
    expect(tab.page.get_by_label("只看哪个公开栏")).to_have_value("南湾村")

    tab.goto("/search/index.html")
    aid = search(tab, "王", **{"只看哪类公告（栏目）": "低保救助"})
    assert aid and all("/low-income-aid/" in h for h in aid), aid
    tab.screenshot("search-filters")


def test_a_chinese_query_finds_the_matching_notices_and_opens_one(page):
    tab = page(360)
    tab.goto("/search/index.html")
    found = search(tab, "王长顺")
    tab.page.evaluate("window.scrollTo(0, 0)")
    tab.screenshot("search")
    expect(tab.page.locator(".gk-result__source").first).to_contain_text("低保救助")
    expect(tab.page.get_by_text("搜索需要浏览器开启 JavaScript")).to_be_hidden()
    tab.page.locator(".gk-result__title").first.click()
    tab.page.wait_for_load_state()
    assert tab.page.url.endswith(found[0])
    expect(tab.page.locator("h1")).to_contain_text("低保")
    assert tab.foreign_requests() == []


def test_search_is_in_the_navigation_of_every_page(page):
    tab = page(1280)
    tab.goto("/nanwan/index.html")
    link = tab.page.get_by_role("navigation", name="网站导航").get_by_role("link", name="搜索")
    link.click()
    tab.page.wait_for_load_state()
    assert tab.page.url.endswith("/search/index.html")
    expect(tab.page.get_by_role("link", name="搜索", exact=True)).to_have_attribute("aria-current", "page")


def test_other_pages_do_not_load_pagefind(page):
    tab = page(360)
    for path in ("/index.html", "/nanwan/index.html", "/nanwan/low-income-aid/2026-q3.html"):
        tab.forget()
        tab.goto(path)
        assert not [u for u in tab.requests if "/pagefind/" in u or "search.js" in u], path


def test_without_javascript_the_search_page_says_so_and_offers_the_boards(page):
    tab = page(360, java_script_enabled=False)
    tab.goto("/search/index.html")
    expect(tab.page.get_by_text("搜索需要浏览器开启 JavaScript")).to_be_visible()
    main = tab.page.locator("main")
    expect(main.get_by_role("link", name="各栏目公开状态")).to_be_visible()
    expect(main.get_by_role("link", name="南湾村村务公开栏")).to_be_visible()
    assert tab.page.locator(".gk-result").count() == 0


@pytest.mark.parametrize("width", [360, 1280])
def test_the_search_page_with_results_and_filters_is_accessible_and_easy_to_tap(page, width):
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed ({AXE} is missing): run `npm ci --prefix tests/browser`")
    tab = page(width)
    tab.goto("/search/index.html?q=王德&category=低保救助")
    expect(tab.page.locator(".gk-result").first).to_be_visible(timeout=10_000)
    expect(tab.page.get_by_label("只看哪类公告（栏目）")).to_have_value("低保救助")  # the box opens for a filter given
    controls = tab.page.locator("#gk-search-form input, #gk-search-form button, #gk-search-form select, "
                                "#gk-search-form summary, .gk-result__title, #gk-search-more")
    for i in range(controls.count()):
        if controls.nth(i).is_visible():
            box = controls.nth(i).bounding_box()
            assert box["height"] >= 44, (controls.nth(i).evaluate("e => e.outerHTML.slice(0, 80)"), box)
    overflow = tab.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"
    tab.page.add_script_tag(path=str(AXE))
    violations = tab.page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
    blocking = [describe(v) for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], "\n".join(blocking)


def test_a_board_whose_index_cannot_be_read_does_not_take_the_others_away(page):
    tab = page(360)
    tab.page.route("**/pagefind/beishan/**", lambda route: route.fulfill(status=404, body="gone"))
    tab.goto("/search/index.html")
    found = search(tab, "王长顺")
    assert found and all(not h.startswith("/beishan/") for h in found)
    expect(tab.page.locator("#gk-search-status")).to_contain_text("有 1 个公开栏的搜索索引没能读取")
