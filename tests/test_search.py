"""The search indexes and the pre-compressed files, as the build writes them (no browser).

tests/browser/test_search.py types a query; tests/test_publish.py serves the
.gz files with nginx. Here: what is indexed, one index per board, which
boards a build indexes again, the index-only words of table cells, and that
search and compression can be turned off.
"""

from __future__ import annotations

import gzip
import json
import re

import brotli
from conftest import copy_site
from gongkai import search
from gongkai.compress import precompress
from hypothesis import given
from hypothesis import strategies as st

BOARDS = ("township", "nanwan")  # the minimal site's boards, both with notices


def test_only_notice_bodies_are_indexed_with_board_and_category(minimal_built):
    output = minimal_built.output
    assert (output / "pagefind" / "nanwan" / "pagefind-entry.json").is_file()
    assert (output / "search" / "index.html").is_file()
    notice = minimal_built.soup("nanwan/finance/2026-q3.html")
    body = notice.select("[data-pagefind-body]")
    assert len(body) == 1 and body[0].name == "article"
    assert {m["data-pagefind-meta"]: m.get_text() for m in body[0].select("[data-pagefind-meta]")} == {
        "公开栏": "南湾村", "栏目": "财务公开"}
    assert body[0].select_one("footer[data-pagefind-ignore]")  # print hint and links are not content
    for page in ("index.html", "nanwan/index.html", "status/index.html", "search/index.html"):
        assert not minimal_built.soup(page).select("[data-pagefind-body]"), page
    nav = minimal_built.soup("index.html").select_one("nav.gk-nav")
    assert [a["href"] for a in nav.select("a") if a.get_text() == "搜索"] == ["./search/index.html"]
    # Precompression is off by default.
    assert not list(output.rglob("*.gz"))


def test_search_off_means_no_index_no_page_and_no_link(minimal):
    conf = minimal.root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "\nGONGKAI_SEARCH = False\n", encoding="utf-8")
    output = minimal.build()
    assert not (output / "pagefind").exists() and not (output / "search").exists()
    assert "搜索" not in minimal.soup("index.html").select_one("nav.gk-nav").get_text()


def test_precompressed_copies_are_reproducible_and_only_of_text_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "page.html").write_text("<p>村务公开</p>" * 50, encoding="utf-8")
    (tmp_path / "data.json").write_text('{"notices": []}')
    (tmp_path / "photo.png").write_bytes(b"\x89PNG not text")
    assert precompress(tmp_path) == 2
    first = {p.name: p.read_bytes() for p in tmp_path.rglob("*.*") if p.suffix in (".gz", ".br")}
    assert sorted(first) == ["data.json.br", "data.json.gz", "page.html.br", "page.html.gz"]
    assert gzip.decompress(first["page.html.gz"]) == (tmp_path / "a" / "page.html").read_bytes()
    assert brotli.decompress(first["data.json.br"]) == b'{"notices": []}'
    # A second run neither compresses its own output nor files whose copies are newer than they are.
    assert precompress(tmp_path) == 0
    assert {p.name: p.read_bytes() for p in tmp_path.rglob("*.*") if p.suffix in (".gz", ".br")} == first


def _bundle_times(output) -> dict[str, int]:
    """When each board's index was last written (its entry file is written with every index)."""
    return {slug: (output / "pagefind" / slug / "pagefind-entry.json").stat().st_mtime_ns for slug in BOARDS}


def test_one_index_per_board_and_the_search_page_merges_them_all(minimal_built):
    output = minimal_built.output
    assert sorted(p.name for p in (output / "pagefind").iterdir()) == sorted(BOARDS)
    for slug in BOARDS:
        bundle = output / "pagefind" / slug
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert entry["languages"] and all(lang["page_count"] > 0 for lang in entry["languages"].values())
        assert (bundle / "pagefind.js").is_file() and list((bundle / "fragment").iterdir())
        assert not list(bundle.glob("pagefind-*ui*")), "Pagefind's ready-made interfaces are not published"
    # The township's notices are in its index only: a board's index is made from its own pages.
    assert json.loads((output / "pagefind" / "township" / "pagefind-entry.json").read_text())["languages"]["zh-cn"][
        "page_count"] == len([p for p in (output / "township").glob("*/*.html") if p.name != "index.html"])
    form = minimal_built.soup("search/index.html").select_one("form#gk-search-form")
    assert form["data-bundles"].split() == ["../pagefind/township/", "../pagefind/nanwan/"]
    assert json.loads((output / "status.json").read_text(encoding="utf-8"))["site"]["search"] == [
        "pagefind/township/", "pagefind/nanwan/"]
    # Pagefind's script is on the search page only.
    assert minimal_built.soup("search/index.html").select('script[src$="theme/search.js"]')
    for page in ("index.html", "nanwan/index.html", "nanwan/finance/2026-q3.html", "status/index.html"):
        assert not minimal_built.soup(page).select('script[src*="search"], script[src*="pagefind"]'), page


def test_a_build_indexes_again_only_the_boards_whose_pages_changed(minimal):
    output = minimal.build()
    first = _bundle_times(output)
    minimal.build()
    assert _bundle_times(output) == first, "nothing changed: no board is indexed again"
    # The next day: statuses on every section and board page change; of the notices, only the township's
    # road works notice changes (its 公示期 ended on the 22nd), so only the township board is indexed again.
    minimal.build(today="2026-11-23")
    assert _bundle_times(output)["nanwan"] == first["nanwan"]
    assert _bundle_times(output)["township"] != first["township"]
    minimal.build()
    first = _bundle_times(output)

    notice = minimal.root / "content" / "nanwan" / "finance" / "2026-q3.md"
    notice.write_text(notice.read_text(encoding="utf-8").replace("本季度收支如下。", "本季度收支如下，王长顺核对。"),
                      encoding="utf-8")
    minimal.build()
    again = _bundle_times(output)
    assert again["nanwan"] != first["nanwan"] and again["township"] == first["township"]

    # A missing index is written again, though no page of its board changed.
    import shutil
    shutil.rmtree(output / "pagefind" / "township")
    minimal.build()
    assert (output / "pagefind" / "township" / "pagefind-entry.json").is_file()
    assert _bundle_times(output)["nanwan"] == again["nanwan"]


def test_a_board_without_notices_has_no_index_and_a_gone_board_loses_its_index(tmp_path):
    site = copy_site("minimal", tmp_path)
    output = site.build()
    (output / "pagefind" / "oldboard").mkdir()  # a board since removed from the settings
    (output / "pagefind" / "pagefind-ui.js").write_text("// the single index of older versions")
    import shutil
    shutil.rmtree(site.root / "content" / "nanwan")
    site.build()
    assert sorted(p.name for p in (output / "pagefind").iterdir()) == ["township"]
    assert site.soup("search/index.html").select_one("form#gk-search-form")["data-bundles"].split() == [
        "../pagefind/township/"]


def test_which_boards_are_stale():
    from pathlib import Path

    missing = Path("/nonexistent")
    assert search.stale_boards(missing, ["a", "b"], None, "1.5.2") == ["a", "b"]
    assert search.stale_boards(missing, ["a", "b"], {"b/x/1.html"}, "1.5.2") == ["a", "b"]  # no index yet


def test_index_terms_are_the_characters_of_table_cells():
    body = ('<p>正文里的王五不算</p><table><tr><th>户主姓名</th><th>金额</th></tr>'
            '<tr><td data-label="户主">王长顺</td><td>650.00</td></tr>'
            '<tr><td>王<b>长</b>顺德</td><td>&#29579;&#24503;</td></tr>'
            '<tr><td>A类</td><td>村南低洼地、鱼塘</td></tr>'
            '<tr><td>阿卜杜·热合曼</td><td>王长顺</td></tr></table>')
    terms = search.index_terms(body)
    cells = terms.split(" 丨 ")
    assert cells == ["户 主 姓 名", "金 额", "王 长 顺", "王 长 顺 德", "王 德", "村 南 低 洼 地 鱼 塘", "阿 卜 杜 热 合 曼"]
    assert "王 五" not in terms and not re.search(r"[0-9A-Za-z]", terms), "only Chinese, and no number of any kind"
    assert search.index_terms("<p>没有表格</p>") == ""


HAN_NAMES = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF, exclude_characters=search.SEPARATOR),
                    min_size=2, max_size=6)


@given(names=st.lists(HAN_NAMES, min_size=1, max_size=5), noise=st.sampled_from(["", "<b></b>", "&nbsp;", "<br>"]))
def test_every_name_in_a_cell_is_in_the_index_terms_as_a_phrase_of_its_characters(names, noise):
    body = "<table>" + "".join(f"<tr><td>{noise}{name}</td><td>1</td></tr>" for name in names) + "</table>"
    terms = search.index_terms(body)
    for name in names:
        assert " ".join(name) in terms.split(" 丨 ")
    assert len(terms.split(" 丨 ")) == len(set(names)), "each cell once"


def test_the_notice_page_carries_the_terms_hidden_after_a_marker(minimal_built):
    hidden = minimal_built.soup("nanwan/finance/2026-q3.html").select_one("article[data-pagefind-body] > .gk-search-terms")
    assert hidden is not None and hidden.has_attr("hidden")
    assert hidden.get_text().startswith(search.MARKER) and "土 地 承 包 费" in hidden.get_text()
