"""The demo township on a phone-sized and a desktop-sized window.

Each page is opened once per width (and photographed to
tests/artifacts/screenshots/<page>-<width>.png); the tests below then each
check one thing a reader would notice.
"""

from __future__ import annotations

import pytest

PAGES = {
    "home": "/index.html",
    "board": "/township/index.html",
    "section": "/hexi/finance/index.html",
    "notice": "/nanwan/finance/2026-q2.html",  # balance table and two wide tables
    "status": "/status/index.html",
    "about": "/pages/about.html",
    "print": "/print/township.html",  # the board as printed, seen on screen
}
WIDTHS = (360, 1280)
CASES = [pytest.param(name, width, id=f"{name}-{width}") for name in PAGES for width in WIDTHS]

# Everything the tests need, measured in one pass once the page has loaded.
MEASURE = """() => {
  const width = window.innerWidth;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map((c) => '.' + c).join('');
  const scrolls = (el) => getComputedStyle(el).overflowX !== 'visible';
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) if (scrolls(a)) return true;
    return false;
  };
  const sticking = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1 && !clipped(el)) sticking.add(el);
  }
  const outermost = [...sticking].filter((el) => !sticking.has(el.parentElement))
    .map((el) => `${describe(el)} (right edge ${Math.round(el.getBoundingClientRect().right)}px)`);
  const h1 = [...document.querySelectorAll('h1')];
  return {
    lang: document.documentElement.getAttribute('lang'),
    h1: h1.filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
      .map((el) => el.innerText.trim()),
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: width,
    sticking: outermost.slice(0, 8),
    fontSize: parseFloat(getComputedStyle(document.body).fontSize),
    tables: [...document.querySelectorAll('table')].map((table) => {
      const wrapper = table.closest('.gk-table');
      return {
        wrapped: !!wrapper,
        overflowX: wrapper ? getComputedStyle(wrapper).overflowX : null,
        right: Math.round((wrapper || table).getBoundingClientRect().right),
        caption: (table.caption ? table.caption.innerText : table.innerText).trim().slice(0, 30),
      };
    }),
  };
}"""


@pytest.fixture(scope="module")
def visit(new_tab):
    """``visit(name, width)``: open the page once, photograph it, return what was seen.

    One window per width, reused from page to page, as a reader clicks through.
    """
    tabs = {}
    seen: dict[tuple[str, int], dict] = {}

    def _visit(name: str, width: int) -> dict:
        if (name, width) not in seen:
            if width not in tabs:
                tabs[width] = new_tab(width)
            tab = tabs[width]
            tab.forget()
            response = tab.goto(PAGES[name])
            tab.page.evaluate("document.fonts.ready.then(() => true)")
            tab.screenshot(name)
            seen[name, width] = {
                "status": response.status,
                **tab.page.evaluate(MEASURE),
                "console_errors": list(tab.console_errors),
                "bad_responses": list(tab.bad_responses),
                "foreign": tab.foreign_requests(),
            }
        return seen[name, width]

    yield _visit
    for tab in tabs.values():
        tab.close()


@pytest.mark.parametrize(("name", "width"), CASES)
def test_page_is_chinese_and_has_a_heading(visit, name, width):
    seen = visit(name, width)
    assert seen["status"] == 200, f"{PAGES[name]} answered HTTP {seen['status']}"
    assert seen["lang"] == "zh-CN", f'<html lang="{seen["lang"]}">: screen readers would not read it as Chinese'
    assert seen["h1"], "no visible <h1> on the page"
    assert all(seen["h1"]), f"an empty <h1>: {seen['h1']}"


@pytest.mark.parametrize(("name", "width"), CASES)
def test_page_fits_the_window(visit, name, width):
    """No sideways scrolling of the page: wide tables scroll inside their own wrapper."""
    seen = visit(name, width)
    assert seen["scrollWidth"] <= seen["innerWidth"] + 1, (
        f"page is {seen['scrollWidth']}px wide in a {seen['innerWidth']}px window; "
        f"sticking out: {seen['sticking']}")
    for table in seen["tables"]:
        assert table["wrapped"], f"table {table['caption']!r} is not inside a .gk-table wrapper"
        assert table["overflowX"] in ("auto", "scroll"), (
            f"the .gk-table wrapper of {table['caption']!r} does not scroll sideways "
            f"(overflow-x: {table['overflowX']})")
        assert table["right"] <= seen["innerWidth"] + 1, f"table {table['caption']!r} runs off the window"


def test_notice_page_has_tables_to_check(visit):
    """The notice chosen above really has tables, so the check on them means something."""
    assert len(visit("notice", 360)["tables"]) >= 2


@pytest.mark.parametrize(("name", "width"), CASES)
def test_text_is_large(visit, name, width):
    """Many readers are elderly: body text at least 18px."""
    assert visit(name, width)["fontSize"] >= 18


@pytest.mark.parametrize(("name", "width"), CASES)
def test_no_console_errors(visit, name, width):
    seen = visit(name, width)
    assert seen["console_errors"] == [], f"console errors (failed responses: {seen['bad_responses']})"
    assert seen["bad_responses"] == []


@pytest.mark.parametrize(("name", "width"), CASES)
def test_nothing_is_fetched_from_elsewhere(visit, name, width):
    """Slow village networks and readers' privacy: no fonts, scripts or trackers from other hosts."""
    assert visit(name, width)["foreign"] == []


WIDE_TABLE = "/nanwan/subsidies/2026-q2.html"  # a subsidy list: far wider than a phone


def test_a_wide_table_is_a_labelled_block_per_row_on_a_phone(page):
    """On a phone nothing hides off-screen: each row stacks, each value beside its column's name."""
    tab = page(360)
    assert tab.goto(WIDE_TABLE).status == 200
    seen = tab.page.evaluate("""() => {
      const wrapper = [...document.querySelectorAll('.gk-table')].filter((w) => w.querySelector('table')).pop();
      const cells = [...wrapper.querySelectorAll('td')];
      return {scroll: wrapper.scrollWidth, client: wrapper.clientWidth, cells: cells.length,
              outside: cells.filter((td) => td.getBoundingClientRect().right > wrapper.getBoundingClientRect().right + 1).length,
              labels: cells.map((td) => getComputedStyle(td, '::before').content)};
    }""")
    assert seen["cells"] > 20 and seen["outside"] == 0 and seen["scroll"] <= seen["client"], seen
    assert all(label not in ("none", "normal", '""') for label in seen["labels"]), seen["labels"][:6]


def test_a_wide_table_scrolls_inside_its_wrapper_not_the_page(page):
    """A table wider than a tablet in large type (大字) scrolls sideways; the page itself stays put."""
    tab = page(800)
    tab.page.add_init_script("localStorage.setItem('gk-large', '1')")
    assert tab.goto(WIDE_TABLE).status == 200
    wrapper = tab.page.locator(".gk-table").filter(has=tab.page.locator("table")).last
    size = wrapper.evaluate("(w) => ({scroll: w.scrollWidth, client: w.clientWidth})")
    assert size["scroll"] > size["client"], f"the table fits ({size}): pick a wider one for this test"
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= 801

    wrapper.scroll_into_view_if_needed()
    wrapper.hover()
    tab.page.mouse.wheel(200, 0)
    tab.page.wait_for_function("(w) => w.scrollLeft > 0", arg=wrapper.element_handle(), timeout=2_000)
    assert tab.page.evaluate("window.scrollX") == 0

    # Keyboard readers can scroll it too: the wrapper takes focus and answers the arrow keys.
    wrapper.evaluate("(w) => { w.scrollLeft = 0; }")
    wrapper.focus()
    tab.page.keyboard.press("ArrowRight")
    tab.page.wait_for_function("(w) => w.scrollLeft > 0", arg=wrapper.element_handle(), timeout=2_000)
    tab.screenshot("notice-wide-table")
