"""A township of 30 villages on a cheap phone (360×800) and a desktop (1280×900), in both type sizes.

The site is made as a clerk makes one: ``gongkai init`` with 30 villages,
the starter's dated examples replaced by notices written here (a 低保 list
copied from the demo into every village, an October finance statement in
every other one), then the real ``gongkai build`` as of 2026-11-05. Then:

- the header takes at most a quarter of the first screen, whatever the number of boards;
- a villager reaches their 低保 list from the home page in two taps, without JavaScript;
- no table cell is clipped (measured with the DOM), on a phone each cell is labelled with its column;
- tap targets are at least 44×44 px;
- axe-core finds no serious or critical violation, in normal and in large type (大字);
- 大字 is remembered from page to page, and works without JavaScript on the page it is on;
- screen readers still get tables (Chromium's own accessibility tree, read over CDP);
- after the in-browser re-check at a later clock, every count agrees with the rows.

With ``GONGKAI_UPDATE_SCREENSHOTS=1`` the photographs for docs/guide-zh.md
are written to docs/screenshots/ (look at them before committing).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from conftest import ROOT, run_gongkai

from .conftest import HOST, _QuietHandler, _QuietServer
from .test_accessibility import AXE, BLOCKING, describe

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package").expect

VILLAGES = ["南湾村", "北山村", "河西村", "刘家庄村", "王家营村", "李家沟村", "张庄村", "东岗村", "西岭村", "前进村",
            "后屯村", "石桥村", "杨树湾村", "柳林村", "马家河村", "小王庄村", "大赵庄村", "新兴村", "红旗村", "胜利村",
            "团结村", "和平村", "青山村", "绿水村", "桃园村", "杏花村", "梨树沟村", "枣林村", "黄土坡村", "白马寺村"]
QUARTERLY_FINANCE = ("李家沟村", "东岗村")  # without an October statement, so their rule is all that differs
BUILT_ON = "2026-11-05"  # October's finance statements are owed by 2026-11-10: due, not yet overdue
LATER = "2026-11-12T09:00:00+08:00"  # two days after that deadline, in Beijing
SCREENS = {360: 800, 1280: 900}
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"

# Interactive elements that stand alone (not a link inside a sentence, which WCAG 2.5.8 exempts).
TARGETS = (".gk-nav__link, .gk-picker__link, .gk-large__label, .gk-breadcrumbs__link, .gk-board-card__link, "
           ".gk-toc__link, .gk-section__more, .gk-notices__title, .gk-footer__link, .gk-print-button, .gk-skip")


def _low_income_body() -> str:
    """The demo's 低保 list (names, counts, amounts, categories), to be every village's."""
    text = (ROOT / "content" / "nanwan" / "low-income-aid" / "2026-q3.md").read_text(encoding="utf-8")
    return text.split("---", 2)[2].replace("南湾村", "{village}")


def _write_township(root: Path) -> dict[str, str]:
    """``gongkai init`` a township of 30 villages and give it dated notices; returns {village name: slug}."""
    result = run_gongkai("init", str(root), "--township", "东大地乡", "--village", " ".join(VILLAGES), cwd=root.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    settings = root / "pelicanconf.py"
    text = re.sub(r'GONGKAI_START = "[^"]*"', 'GONGKAI_START = "2026-10-01"', settings.read_text(encoding="utf-8"))
    for village in QUARTERLY_FINANCE:  # boards of their own rule: the catalogue names them
        text = text.replace(f'"name": "{village}", "kind": "village",', f'"name": "{village}", "kind": "village", '
                            '"cycles": {"finance": "quarterly"},')
    settings.write_text(text, encoding="utf-8")
    # The starter's examples are dated the day init runs: replace them with notices of fixed dates.
    for path in (root / "content").iterdir():
        if path.name != "pages":
            shutil.rmtree(path)
    slugs = dict(re.findall(r'"slug": "([a-z0-9-]+)", "name": "([^"]+村)"', text))
    slugs = {name: slug for slug, name in slugs.items()}
    assert len(slugs) == 30, slugs
    body = _low_income_body()
    for number, (name, slug) in enumerate(slugs.items()):
        folder = root / "content" / slug
        (folder / "low-income-aid").mkdir(parents=True)
        (folder / "low-income-aid" / "2026-q3.md").write_text(
            f"---\ntitle: {name}2026年第三季度城乡低保及特困供养对象公示\nboard: {slug}\ncategory: low-income-aid\n"
            f"date: 2026-10-14\nperiod: 2026-Q3\nwindow_days: 7\n---\n" + body.format(village=name), encoding="utf-8")
        if number % 2 == 0:
            (folder / "finance").mkdir()
            (folder / "finance" / "2026-10.md").write_text(
                f"---\ntitle: {name}2026年10月财务收支公开\nboard: {slug}\ncategory: finance\ndate: 2026-11-03\n"
                f"period: 2026-10\nbalance: {{opening: 5000.00, income: 12000.00, expense: 1250.50, closing: 15749.50}}\n"
                f"---\n| 收支项目 | 金额（元） |\n|---|---:|\n| 上级转移支付 | 12,000.00 |\n"
                f"| 办公费 | 1,250.50 |\n\n{name}村民委员会\n2026年11月3日\n", encoding="utf-8")
    return slugs


@pytest.fixture(scope="module")
def township(tmp_path_factory):
    """The built 30-village township: (base URL, output folder, {village name: slug})."""
    root = tmp_path_factory.mktemp("township30") / "dongdadi"
    slugs = _write_township(root)
    result = run_gongkai("build", cwd=root, today=BUILT_ON)
    assert result.returncode == 0, result.stdout + result.stderr
    output = root / "output"
    server = _QuietServer((HOST, 0), functools.partial(_QuietHandler, directory=str(output)))
    thread = threading.Thread(target=server.serve_forever, name="township30", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}", output, slugs
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def open_page(browser, township):
    """``open_page(path, width, large=False, js=True, now=None)``: a page of the township in a fresh window."""
    base = township[0]
    contexts = []

    def _open(path: str, width: int = 360, *, large: bool = False, js: bool = True, now: str | None = None):
        context = browser.new_context(viewport={"width": width, "height": SCREENS[width]}, locale="zh-CN",
                                      timezone_id="Asia/Shanghai", java_script_enabled=js, service_workers="block")
        contexts.append(context)
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                      else route.abort("blockedbyclient"))
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        if large:
            page.add_init_script("localStorage.setItem('gk-large', '1')")
        if now:
            page.clock.set_fixed_time(now)
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        page.evaluate("document.fonts.ready.then(() => true)")
        assert errors == [], errors
        return page

    yield _open
    for context in contexts:
        context.close()


def pages(slugs: dict[str, str]) -> dict[str, str]:
    last = slugs["白马寺村"]
    return {"home": "/index.html", "board": f"/{last}/index.html", "status": "/status/index.html",
            "catalog": "/catalog/index.html", "report": "/reports/2026.html",
            "low-income": f"/{last}/low-income-aid/2026-q3.html", "finance": f"/{slugs['南湾村']}/finance/2026-10.html",
            "section": f"/{slugs['南湾村']}/finance/index.html"}  # its balances table


PAGE_NAMES = ["home", "board", "status", "catalog", "report", "low-income", "finance", "section"]
MODES = [pytest.param(width, large, id=f"{width}{'-large' if large else ''}") for width in SCREENS for large in (False, True)]


# -- the header --------------------------------------------------------------


@pytest.mark.parametrize(("width", "large"), MODES)
@pytest.mark.parametrize("name", ["home", "board", "low-income", "status"])
def test_the_header_takes_at_most_a_quarter_of_the_first_screen(open_page, township, name, width, large):
    page = open_page(pages(township[2])[name], width, large=large)
    height = page.locator(".gk-header").bounding_box()["height"]
    print(f"header {name} {width}{' 大字' if large else ''}: {height:.0f}px of {SCREENS[width]}")
    assert height <= SCREENS[width] / 4, f"the header is {height:.0f}px of a {SCREENS[width]}px screen"


def test_the_catalog_is_one_row_per_category_with_its_exceptions(open_page, township):
    page = open_page("/catalog/index.html", 1280)
    expect(page.locator("main table")).to_have_count(1)
    expect(page.locator("tr[data-category]")).to_have_count(5)
    finance = page.locator('tr[data-category="finance"]')
    expect(finance.locator('td[data-label="公开主体"]')).to_have_text("东大地乡人民政府；全部 30 个村的村民委员会")
    expect(finance.locator(".gk-catalog__exceptions")).to_have_text("例外：李家沟村、东岗村：每季度结束后 10 日内")


def test_the_current_board_is_named_in_the_header(open_page, township):
    page = open_page(pages(township[2])["low-income"])
    expect(page.locator(".gk-picker__summary")).to_contain_text("白马寺村")
    expect(page.locator('.gk-picker__link[aria-current]')).to_have_text("白马寺村")


# -- two taps ------------------------------------------------------------------


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_any_village_reaches_its_low_income_list_in_two_taps(open_page, township, js):
    """From the home page: the village, then its 低保 list; from any other page: the picker, then the village."""
    slugs = township[2]
    for village in ("南湾村", "枣林村", "白马寺村"):
        page = open_page("/index.html", js=js)
        page.get_by_role("link", name=re.compile(village)).first.click()  # tap 1
        expect(page.locator("h1")).to_contain_text(village)
        page.locator(f'[data-section="{slugs[village]}/low-income-aid"] .gk-notices__title').first.click()  # tap 2
        expect(page.locator("h1")).to_contain_text(f"{village}2026年第三季度城乡低保")
    page = open_page(pages(slugs)["finance"], js=js)
    page.locator(".gk-picker__summary").click()  # tap 1
    page.get_by_role("link", name="白马寺村", exact=True).click()  # tap 2
    expect(page.locator("h1")).to_contain_text("白马寺村")
    expect(page.locator(".gk-breadcrumbs")).to_contain_text("首页")


# -- tables --------------------------------------------------------------------

CELLS = """() => {
  const vw = document.documentElement.clientWidth;
  const out = [];
  for (const cell of document.querySelectorAll('main td, main th')) {
    if (cell.closest('thead') && getComputedStyle(cell.closest('thead')).position === 'absolute') continue;  // visually hidden on purpose
    const box = cell.getBoundingClientRect();
    if (!box.width) continue;
    const wrapper = cell.closest('.gk-table');
    const frame = wrapper ? wrapper.getBoundingClientRect() : {left: 0, right: vw};
    const what = (cell.getAttribute('data-label') || cell.tagName) + ': ' + cell.innerText.trim().slice(0, 20);
    if (box.left < Math.max(0, frame.left) - 1 || box.right > Math.min(vw, frame.right) + 1) out.push('off-screen ' + what);
    else if (cell.scrollWidth > cell.clientWidth + 1) out.push('overflows ' + what);
  }
  const cells = document.querySelectorAll('main .gk-table--stack td').length;
  const labelled = [...document.querySelectorAll('main .gk-table--stack td[data-label]')]
    .filter((td) => getComputedStyle(td, '::before').content.includes(td.getAttribute('data-label'))).length;
  return {clipped: out, cells, labelled, pageWidth: document.documentElement.scrollWidth, vw};
}"""


@pytest.mark.parametrize(("width", "large"), MODES)
@pytest.mark.parametrize("name", ["status", "catalog", "report", "low-income", "finance", "section"])
def test_no_table_cell_is_clipped(open_page, township, name, width, large):
    page = open_page(pages(township[2])[name], width, large=large)
    seen = page.evaluate(CELLS)
    assert seen["pageWidth"] <= seen["vw"] + 1, f"the page scrolls sideways: {seen['pageWidth']}px"
    if width == 1280 and large:
        # Real tables in 24px type: a wide one may scroll inside its wrapper (focusable, labelled), never clipped.
        seen["clipped"] = [c for c in seen["clipped"] if not c.startswith("off-screen")]
    assert seen["clipped"] == [], seen["clipped"][:10]
    if width == 360:
        # Tables of three or more columns stack (the finance statement's item-and-amount tables stay tables).
        assert seen["labelled"] == seen["cells"], "on a phone every cell of a stacked table shows its column's name"
        assert (seen["cells"] > 0) == (name != "finance"), seen


def test_on_a_phone_the_status_page_shows_every_column_of_a_section(open_page, township):
    page = open_page("/status/index.html")
    row = page.locator(f'tr[data-section="{township[2]["白马寺村"]}/finance"]')
    for label in ("状态", "下次截止", "逾期天数", "未公开期间", "最近公开期间", "最近公开日期", "周期"):
        cell = row.locator(f'td[data-label="{label}"]')
        expect(cell).to_be_visible()
        assert cell.bounding_box()["x"] + cell.bounding_box()["width"] <= 361


def test_screen_readers_still_get_tables_on_a_phone(open_page, township):
    """The stacked layout changes only the look: Chromium's accessibility tree keeps table, headers and cells."""
    page = open_page(pages(township[2])["low-income"])
    session = page.context.new_cdp_session(page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    roles = [n.get("role", {}).get("value") for n in nodes if not n.get("ignored")]
    names = {n.get("name", {}).get("value") for n in nodes if n.get("role", {}).get("value") == "columnheader"}
    assert "table" in roles and "row" in roles and "cell" in roles, sorted(set(roles))
    assert {"户主姓名", "保障人数", "保障金额（元/月）", "类别"} <= names, names


def test_print_keeps_real_tables(open_page, township):
    page = open_page(pages(township[2])["low-income"])
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.gk-notice__body tbody tr')).display") == "table-row"
    assert page.evaluate("getComputedStyle(document.querySelector('.gk-notice__body thead')).position") != "absolute"


def test_signature_lines_stay_on_their_own_lines(open_page, township):
    page = open_page(pages(township[2])["finance"])
    signature = page.locator(".gk-notice__body p").filter(has_text="2026年11月3日").last
    assert signature.evaluate("(p) => p.innerText") == "南湾村村民委员会\n2026年11月3日"


# -- tap targets and accessibility ----------------------------------------------


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("name", ["home", "board", "low-income", "section"])
def test_tap_targets_are_at_least_44px(open_page, township, name, large):
    page = open_page(pages(township[2])[name], 360, large=large)
    page.locator(".gk-picker__summary").click()  # the picker's links count too
    small = page.evaluate("""(selector) => [...document.querySelectorAll(selector)]
      .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden' && !el.matches('.gk-skip:not(:focus)'))
      .map((el) => [el.getBoundingClientRect(), el.innerText.trim().slice(0, 16)])
      .filter(([box]) => box.height < 44 - 0.5 || box.width < 44 - 0.5)
      .map(([box, text]) => `${text}: ${Math.round(box.width)}×${Math.round(box.height)}`)""", TARGETS + ", .gk-picker__summary")
    assert small == [], small


@pytest.mark.parametrize(("width", "large"), MODES)
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_no_serious_accessibility_violation_in_either_type_size(open_page, township, name, width, large):
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed ({AXE} is missing): run `npm ci --prefix tests/browser`")
    page = open_page(pages(township[2])[name], width, large=large)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
    for violation in violations:
        if violation["impact"] not in BLOCKING:
            print(f"{name} @{width}px{' 大字' if large else ''} (not failing): {describe(violation)}")
    blocking = [describe(v) for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], "\n".join(blocking)


# -- 大字 ----------------------------------------------------------------------


def font_size(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def test_large_type_is_remembered_from_page_to_page(open_page, township):
    page = open_page("/index.html")
    normal = font_size(page)
    switch = page.get_by_role("switch", name="大字")
    expect(switch).not_to_be_checked()
    page.locator(".gk-large__label").click()
    expect(switch).to_be_checked()
    assert font_size(page) >= normal * 1.2
    page.get_by_role("link", name="公开状态", exact=True).click()
    expect(page.locator("h1")).to_have_text("公开状态")
    expect(page.get_by_role("switch", name="大字")).to_be_checked()
    assert font_size(page) >= normal * 1.2
    page.locator(".gk-large__label").click()  # and off again, for the next page too
    page.get_by_role("navigation", name="网站导航").get_by_role("link", name="首页").click()
    expect(page.get_by_role("switch", name="大字")).not_to_be_checked()
    assert font_size(page) == normal


def test_large_type_works_without_javascript_on_the_page(open_page, township):
    page = open_page(pages(township[2])["low-income"], js=False)
    normal = font_size(page)
    page.locator(".gk-large__label").click()
    assert font_size(page) >= normal * 1.2


# -- one story after the re-check --------------------------------------------------


def expected_overdue(output: Path, now: str) -> dict[str, set[str]]:
    """Per board, the sections overdue at `now` by status.json's deadlines: the oracle for the page."""
    today = now[:10]
    late: dict[str, set[str]] = {}
    for s in json.loads((output / "status.json").read_text(encoding="utf-8"))["sections"]:
        if s["status"] == "overdue" or (s["next_deadline"] and s["next_deadline"] < today):
            late.setdefault(s["board"], set()).add(s["category"])
    return late


def counts(page, box: str) -> dict[str, int]:
    return {key: int(page.locator(f'{box} [data-count="{key}"]').first.inner_text())
            for key in ("current", "due", "overdue") if page.locator(f'{box} [data-count="{key}"]').count()}


def test_after_the_recheck_every_count_agrees_with_the_rows(open_page, township):
    _, output, slugs = township
    late = expected_overdue(output, LATER)
    assert late and not expected_overdue(output, BUILT_ON + "T12:00"), "the moved clock must turn sections overdue"

    # The status page: rows, their 逾期天数, and the counts above them.
    page = open_page("/status/index.html", now=LATER)
    rows = page.locator("tr[data-section]")
    statuses = rows.evaluate_all("(rows) => rows.map((r) => [r.dataset.section, r.dataset.status, "
                                 "r.querySelector('[data-field=days-overdue]').innerText.trim(), "
                                 "r.querySelector('[data-field=missing]').innerText.trim()])")
    overdue_rows = {key for key, status, _, _ in statuses if status == "overdue"}
    assert overdue_rows == {f"{b}/{c}" for b, cs in late.items() for c in cs}
    for key, status, days, missing in statuses:
        if status == "overdue":
            assert int(days) > 0 and missing != "—", (key, days, missing)
    tally = {s: sum(1 for _, status, _, _ in statuses if status == s) for s in ("current", "due", "overdue")}
    assert counts(page, ".gk-counts") == tally
    expect(page.locator(".gk-counts [data-as-of]")).to_contain_text("2026年11月12日")

    # The home page: the counts and each village's card.
    page = open_page("/index.html", now=LATER)
    assert counts(page, ".gk-counts") == tally
    for name in ("南湾村", "北山村", "白马寺村"):
        card = page.locator(f'[data-board="{slugs[name]}"]')
        overdue = late.get(slugs[name], set())
        assert card.get_attribute("data-status") == ("overdue" if overdue else "current")
        if overdue:
            expect(card.locator('[data-count="overdue"]')).to_have_text(str(len(overdue)))
            expect(card.locator("[data-late-names]")).to_have_text("财务公开")
        else:
            expect(card.locator('[data-if="overdue"]')).to_be_hidden()

    # A board page: the summary line and the section's own deadline line.
    page = open_page(f"/{slugs['北山村']}/index.html", now=LATER)
    sections = page.locator(".gk-section[data-status]").evaluate_all("(s) => s.map((e) => e.dataset.status)")
    summary = counts(page, ".gk-board-summary")
    assert summary["overdue"] == sections.count("overdue") == 1 and summary["due"] == sections.count("due") == 0
    expect(page.locator(".gk-board-summary [data-if-none]")).to_be_hidden()
    line = page.locator(f'[data-section="{slugs["北山村"]}/finance"] .gk-deadline')
    expect(line).to_have_text(re.compile(r"已逾期 2 天，未公开：2026年10月"))


def test_without_javascript_the_built_counts_stand(open_page, township):
    page = open_page("/status/index.html", js=False, now=LATER)
    assert counts(page, ".gk-counts")["overdue"] == 0
    expect(page.locator(".gk-counts")).to_contain_text("2026年11月5日")


# -- photographs for the guide ----------------------------------------------------


@pytest.mark.skipif(not os.environ.get("GONGKAI_UPDATE_SCREENSHOTS"),
                    reason="set GONGKAI_UPDATE_SCREENSHOTS=1 to rewrite docs/screenshots/")
def test_update_the_guides_screenshots(open_page, township):
    slugs = township[2]
    DOCS_SCREENSHOTS.mkdir(exist_ok=True)
    page = open_page("/index.html", now=LATER)
    page.locator(".gk-picker__summary").click()
    page.screenshot(path=str(DOCS_SCREENSHOTS / "picker-360.png"))
    page = open_page(f"/{slugs['白马寺村']}/low-income-aid/2026-q3.html", now=LATER)
    page.evaluate("document.querySelector('.gk-notice__body .gk-table').scrollIntoView(); scrollBy(0, -150)")
    page.screenshot(path=str(DOCS_SCREENSHOTS / "low-income-360.png"))
    page = open_page(f"/{slugs['白马寺村']}/index.html", large=True, now=LATER)
    page.screenshot(path=str(DOCS_SCREENSHOTS / "large-type-360.png"))
    page = open_page("/status/index.html", now=LATER)
    page.locator(f'tr[data-section="{slugs["北山村"]}/finance"]').scroll_into_view_if_needed()
    page.screenshot(path=str(DOCS_SCREENSHOTS / "status-rows-360.png"))
    page = open_page("/catalog/index.html", 1280, now=LATER)
    page.screenshot(path=str(DOCS_SCREENSHOTS / "catalog-1280.png"), full_page=True)
