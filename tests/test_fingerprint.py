"""The fingerprint (核对码) that ties paper to web: on every notice page, on the printed PDF, in manifest.json.

The site is the minimal one as a git repository whose 2026-Q3 finance notice was
published on 10-08 and corrected on 10-20 (tests/test_history.py), with SITEURL and
PDF boards: the printed board's text (pdftotext) must carry the same code as the
notice's page, and the manifest the code of the version the correction replaced.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from conftest import Site, copy_site
from test_history import PATH, URL, commit, git, text

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
SITEURL = "https://dongdadi.gov.cn"
CODE = re.compile(r"\b([0-9a-f]{4}) ([0-9a-f]{4})\b")


def corrected_site(root) -> Site:
    """The minimal site in git, its Q3 finance notice corrected once; SITEURL and ``pdf`` as given."""
    site = copy_site("minimal", root)
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + f"\nSITEURL = {SITEURL!r}\nGONGKAI_SEARCH = False\n", encoding="utf-8")
    git(site.root, "init", "-q")
    git(site.root, "add", "-A")
    git(site.root, "commit", "-q", "-m", "开始", date="2026-01-05T09:00:00+08:00")
    commit(site, PATH, text("600.00"), "2026-10-08T09:00:00+08:00", "公开第三季度财务")
    commit(site, PATH, text("500.00", "corrections: [{date: 2026-10-20, note: 更正道路维修金额，合计随之更正}]\n"),
           "2026-10-20T10:00:00+08:00", "更正道路维修金额")
    return site


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Site:
    site = corrected_site(tmp_path_factory.mktemp("fingerprint"))
    if shutil.which("pdftotext") is not None:
        conf = site.root / "pelicanconf.py"
        conf.write_text(conf.read_text(encoding="utf-8") + "GONGKAI_PDF = True\n", encoding="utf-8")
    site.build()
    return site


def _manifest(site: Site) -> dict[str, dict]:
    return {e["url"]: e for e in json.loads((site.output / "manifest.json").read_text(encoding="utf-8"))["notices"]}


def _page_code(site: Site, url: str) -> str:
    return site.soup(url).select_one(".gk-notice__meta [data-fingerprint]").get_text(strip=True)


def test_every_notice_page_shows_its_manifest_code(built: Site):
    entries = _manifest(built)
    assert len(entries) >= 4
    for url, entry in entries.items():
        assert _page_code(built, url) == f"{entry['sha256'][:4]} {entry['sha256'][4:8]}", url


def test_the_printed_pdf_carries_the_same_code_as_the_web_page(built: Site):
    pdf = built.output / "print" / "nanwan.pdf"
    if not pdf.exists():
        pytest.skip("needs WeasyPrint and poppler-utils for the PDF board")
    printed = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    code = _page_code(built, URL)
    assert CODE.fullmatch(code)
    assert f"核对码：{code}" in printed.replace("\n", "")
    assert f"{SITEURL}/verify/" in printed.replace("\n", "")
    html = built.soup("print/nanwan.html").select_one("#finance [data-fingerprint]").get_text(strip=True)
    assert html == code


def test_the_manifest_keeps_the_code_of_the_version_a_correction_replaced(built: Site):
    entry = _manifest(built)[URL]
    assert entry["title"] == "南湾村2026年第三季度财务收支公开"
    earlier = entry["earlier"]
    assert [(e["version"], e["replaced"]) for e in earlier] == [(1, "2026-10-20")]
    assert "更正道路维修金额" in earlier[0]["note"]
    first = subprocess.run(["git", "show", f"HEAD~1:content/{PATH}"], cwd=built.root, capture_output=True, check=True).stdout
    from gongkai.notices import parse_source

    assert earlier[0]["sha256"] == parse_source(first, PATH).digest != entry["sha256"]


def test_a_withdrawn_notice_says_when(built: Site):
    withdrawn = [e for e in _manifest(built).values() if e["status"] == "withdrawn"]
    assert withdrawn and all(re.fullmatch(r"\d{4}-\d\d-\d\d", e["withdrawn"]) for e in withdrawn)


def test_the_verify_page_explains_the_check_by_hand(built: Site):
    soup = built.soup("verify/index.html")
    form = soup.find("form", id="gk-verify")
    assert form.has_attr("hidden")  # shown by verify.js; without it only the way by hand
    assert "本页的自动核对需要浏览器开启 JavaScript" in soup.find(id="gk-verify-nojs").get_text()
    steps = soup.select_one(".gk-verify__steps").get_text()
    assert "核对码" in steps and "更正记录" in steps
    assert soup.find("script", src=lambda s: s and s.endswith("theme/verify.js"))
    assert (built.output / "theme" / "verify.js").exists()


def test_the_sitemap_lists_the_verify_page_and_the_annual_reports(built: Site):
    sitemap = (built.output / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{SITEURL}/verify/index.html</loc>" in sitemap
    assert f"<loc>{SITEURL}/reports/annual-2026.html</loc>" in sitemap
