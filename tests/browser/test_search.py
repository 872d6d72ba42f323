"""Searching the demo township in Chinese, with Pagefind's index built into the site.

The demo is built with its own settings, where GONGKAI_SEARCH is on by
default, so ``pagefind/`` sits beside the pages the test server serves. A
villager types 低保 and finds the low-income-aid notices; nothing is fetched
from anywhere but the site itself; without JavaScript the page says what to
do instead.
"""

from __future__ import annotations

from playwright.sync_api import expect


def test_a_chinese_query_finds_the_matching_notices(page):
    tab = page(360)
    tab.goto("/search/index.html")
    box = tab.page.get_by_role("textbox")
    box.fill("低保")
    results = tab.page.locator(".pagefind-ui__result-link")
    expect(results.first).to_be_visible(timeout=10_000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert hrefs and all("/low-income-aid/" in h or "低保" in results.nth(i).inner_text()
                         for i, h in enumerate(hrefs)), hrefs
    # Results are tagged with where the notice hangs.
    expect(tab.page.locator(".pagefind-ui__result-tag").first).to_contain_text("公开栏")
    expect(tab.page.locator(".pagefind-ui__message")).to_contain_text("低保")
    expect(tab.page.get_by_text("搜索需要浏览器开启 JavaScript")).to_be_hidden()
    tab.screenshot("search")

    results.first.click()
    tab.page.wait_for_load_state()
    assert "/low-income-aid/" in tab.page.url
    expect(tab.page.locator("h1")).to_contain_text("低保")

    assert tab.foreign_requests() == []
    assert tab.bad_responses == [] and tab.console_errors == []


def test_search_is_in_the_navigation_of_every_page(page):
    tab = page(1280)
    tab.goto("/nanwan/index.html")
    link = tab.page.get_by_role("navigation", name="网站导航").get_by_role("link", name="搜索")
    link.click()
    tab.page.wait_for_load_state()
    assert tab.page.url.endswith("/search/index.html")
    expect(tab.page.get_by_role("link", name="搜索", exact=True)).to_have_attribute("aria-current", "page")


def test_without_javascript_the_search_page_says_so_and_offers_the_boards(page):
    tab = page(360, java_script_enabled=False)
    tab.goto("/search/index.html")
    expect(tab.page.get_by_text("搜索需要浏览器开启 JavaScript")).to_be_visible()
    # (with JavaScript the same words are hidden once the search box is there)
    main = tab.page.locator("main")
    expect(main.get_by_role("link", name="各栏目公开状态")).to_be_visible()
    expect(main.get_by_role("link", name="南湾村村务公开栏")).to_be_visible()
    assert tab.page.locator(".pagefind-ui__search-input").count() == 0
