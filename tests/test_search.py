"""The search index and the pre-compressed files, as the build writes them (no browser).

tests/browser/test_search.py types a query; tests/test_publish.py serves the
.gz files with nginx. Here: what is indexed, and that both can be turned off.
"""

from __future__ import annotations

import gzip

import brotli
from gongkai.compress import precompress


def test_only_notice_bodies_are_indexed_with_board_and_category(minimal_built):
    output = minimal_built.output
    assert (output / "pagefind" / "pagefind-ui.js").is_file()
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
    assert precompress(tmp_path) == 2  # a second run does not compress its own output
    assert {p.name: p.read_bytes() for p in tmp_path.rglob("*.*") if p.suffix in (".gz", ".br")} == first
