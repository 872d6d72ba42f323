"""A county's search finds the notices of every township, each on its own web server.

Two township sites are built with their search indexes and served by two
servers on 127.0.0.1 (two origins, as two townships' sites are), which allow
the county's origin to read them (CORS, as docs/county.md tells the townships
to set). A county site over them is built and served by a third server. A
reader on a phone types a word that only one township's notice holds, then one
that both hold, and narrows the results to one township.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from pathlib import Path

import pytest
from conftest import Site, copy_site, run_gongkai
from playwright.sync_api import expect

from .conftest import _open_tab

UNIQUE = """---
title: 西山镇石桥村防汛物资储备公示
board: nanwan
category: major-matters
date: 2026-11-18
---
防汛物资：编织袋 2,000 条，救生衣 60 件，储备于石桥仓库。
"""


class _Township(http.server.SimpleHTTPRequestHandler):
    """A township's web server: its files, readable by the county's pages (docs/county.md, CORS)."""

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def log_message(self, *args) -> None:
        pass


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _serve(root: Path, handler) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def county_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("county-search")
    servers, townships = [], []
    try:
        for slug, name in (("dongdadi", "东大地乡"), ("xishan", "西山镇")):
            site = copy_site("minimal", tmp)
            shutil.move(site.root, tmp / slug)
            site = Site(tmp / slug)
            if slug == "xishan":
                site.write("nanwan/major-matters/2026-11-18-flood.md", UNIQUE)
            site.build()
            server = _serve(site.output, _Township)
            servers.append(server)
            townships.append({"slug": slug, "name": name,
                              "status": f"http://127.0.0.1:{server.server_address[1]}/status.json"})
        county = tmp / "county"
        county.mkdir()
        (county / "pelicanconf.py").write_text(f'SITENAME = "示范县政务公开"\nGONGKAI_TOWNSHIPS = {townships!r}\n',
                                               encoding="utf-8")
        result = run_gongkai("build", cwd=county)
        assert result.returncode == 0, result.stdout + result.stderr
        server = _serve(county / "output", _Quiet)
        servers.append(server)
        yield f"http://127.0.0.1:{server.server_address[1]}", townships
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def _search(tab, query: str) -> list[str]:
    box = tab.page.locator(".pagefind-ui__search-input")
    box.fill(query)
    message = tab.page.locator(".pagefind-ui__message")
    expect(message).to_contain_text(re.compile("找到.*" + re.escape(query)), timeout=10_000)  # this query's, when done
    total = int(re.search(r"\d+", message.inner_text() + " 0").group())
    expect(tab.page.locator(".pagefind-ui__result-link")).to_have_count(min(total, 10), timeout=10_000)  # pageSize 10
    return [a.get_attribute("href") for a in tab.page.locator(".pagefind-ui__result-link").all()]


def test_one_search_finds_notices_on_every_townships_own_site(browser, county_url):
    base, townships = county_url
    xishan = townships[1]["status"].removesuffix("status.json")
    tab = _open_tab(browser, base, 360)
    try:
        tab.goto("/search/index.html")
        expect(tab.page.locator("#search-nojs")).to_be_hidden()
        found = _search(tab, "防汛物资")
        assert found and found[0] == f"{xishan}nanwan/major-matters/2026-11-18-flood.html"
        both = _search(tab, "道路")  # the same notice on both townships' sites
        origins = {href.split("/")[2] for href in both}
        assert len(origins) >= 2, both
        # The township filter narrows the results to one township's site.
        tab.page.locator("summary.pagefind-ui__filter-name", has_text="乡镇").click()
        tab.page.locator("label", has_text="西山镇").click()
        expect(tab.page.locator(".pagefind-ui__result-link").first).to_have_attribute("href", re.compile("^" + re.escape(xishan)))
        only = [a.get_attribute("href") for a in tab.page.locator(".pagefind-ui__result-link").all()]
        assert only and all(h.startswith(xishan) for h in only), only
        tab.screenshot("county-search")
        assert tab.console_errors == [] and tab.bad_responses == []
    finally:
        tab.close()
