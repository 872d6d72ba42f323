"""The real Pelican build of a small site: URLs, contract attributes, feeds, sitemap."""

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import GONGKAI, TODAY, run_gongkai

ATOM = "{http://www.w3.org/2005/Atom}"
PUBLISHED = ["nanwan/finance/2026-q1.html", "nanwan/finance/2026-q2.html", "nanwan/finance/2026-q3.html",
             "township/major-matters/2026-11-01-road.html", "township/major-matters/2026-05-withdrawn.html"]


def test_every_url_of_the_contract_exists(minimal_built):
    out = minimal_built.output
    for rel in ["index.html", "status/index.html", "status.json", "404.html",
                "feeds/all.atom.xml", "theme/screen.css", *PUBLISHED]:
        assert (out / rel).is_file(), rel
    for board, categories in {"township": ["finance", "major-matters", "service-guides"],
                              "nanwan": ["finance", "subsidies", "low-income-aid", "major-matters"]}.items():
        assert (out / board / "index.html").is_file()
        for category in categories:
            assert (out / board / category / "index.html").is_file()


def test_drafts_and_future_notices_are_not_published(minimal_built):
    out = minimal_built.output
    assert not (out / "nanwan/finance/2026-q4-draft.html").exists()
    assert not (out / "township/major-matters/2026-12-future.html").exists()
    everything = " ".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert "草稿不会发布" not in everything and "预定于十二月发布的公告" not in everything


def test_board_sections_carry_status_and_deadline(minimal_built):
    report = json.loads((minimal_built.output / "status.json").read_text(encoding="utf-8"))
    for board in ("township", "nanwan"):
        soup = minimal_built.soup(f"{board}/index.html")
        found = {el["data-section"]: el for el in soup.select("[data-section]")}
        expected = {f"{s['board']}/{s['category']}": s for s in report["sections"] if s["board"] == board}
        assert set(found) == set(expected)
        for key, section in expected.items():
            assert found[key]["data-status"] == section["status"]
            assert found[key].get("data-deadline") == section["next_deadline"]


def test_status_json_is_the_check_report_as_of_the_build(minimal_built):
    built = json.loads((minimal_built.output / "status.json").read_text(encoding="utf-8"))
    checked = minimal_built.check_json()
    assert built["site"].pop("built_at") and checked["site"].pop("built_at") is None  # check builds nothing
    assert built == checked
    assert built["today"] == TODAY


def test_home_lists_every_board(minimal_built):
    soup = minimal_built.soup("index.html")
    links = {a["href"] for a in soup.find_all("a", href=True)}
    assert "./township/index.html" in links and "./nanwan/index.html" in links  # relative: opens from disk too
    assert "南湾村" in soup.get_text() and "东大地乡人民政府" in soup.get_text()


def test_section_archive_newest_first_grouped_by_year(minimal_built):
    soup = minimal_built.soup("nanwan/finance/index.html")
    hrefs = [a["href"] for a in soup.select("main a[href$='.html']") if "/finance/2026-q" in "/finance/" + a["href"]]
    order = [h.rsplit("/", 1)[-1] for h in hrefs if h.rsplit("/", 1)[-1].startswith("2026-q")]
    assert order[:3] == ["2026-q3.html", "2026-q2.html", "2026-q1.html"]
    assert "2026年" in soup.get_text()


def test_notice_page_says_period_dates_and_corrections(minimal_built):
    soup = minimal_built.soup("nanwan/finance/2026-q3.html")
    text = soup.get_text(" ", strip=True)
    assert soup.h1.get_text(strip=True) == "南湾村2026年第三季度财务收支公开"
    assert "2026年第三季度" in text
    assert "2026年10月9日" in text  # published
    assert "2026年10月20日" in text and "更正支出第2行金额" in text  # last corrected, with the note
    totals = [tr.get_text(" ", strip=True) for tr in soup.select("div.gk-table tr.gk-total")]
    assert "合计 3,500.00" in totals
    assert soup.select_one("div.gk-table table th[scope=col]") is not None


def test_withdrawn_notice_stays_visible_and_marked(minimal_built):
    soup = minimal_built.soup("township/major-matters/2026-05-withdrawn.html")
    assert "已撤回" in soup.get_text()
    assert "2026-05-withdrawn.html" in (minimal_built.output / "township/major-matters/index.html").read_text(
        encoding="utf-8")


def test_pages_with_statuses_say_as_of_when_and_the_others_do_not_change_with_the_day(minimal_built):
    """A status is true on a day, so the pages that show one say which; a notice page shows none,
    and so stays the same bytes from day to day (a daily build rewrites only what changed)."""
    dated = ["index.html", "status/index.html", "township/index.html", "nanwan/finance/index.html"]
    for name in dated:
        footer = minimal_built.soup(name).select_one(".gk-footer__built")
        assert footer is not None and "2026年11月22日" in footer.get_text(), name
        assert footer.select("time[datetime]")[-1]["datetime"] == built_day(minimal_built), name
    for name in PUBLISHED:
        assert minimal_built.soup(name).select_one(".gk-footer__built") is None, name


def built_day(site) -> str:
    return json.loads((site.output / "status.json").read_text(encoding="utf-8"))["site"]["built_at"]


def test_source_date_epoch_fixes_the_build_day(minimal):
    """Reproducible builds: with SOURCE_DATE_EPOCH the pages and status.json say that day, not the clock's."""
    env = {**os.environ, "GONGKAI_TODAY": TODAY, "SOURCE_DATE_EPOCH": "1795000000"}  # 2026-11-18 19:06 in Beijing
    done = subprocess.run([GONGKAI, "build"], cwd=minimal.root, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    footer = minimal.soup("index.html").select(".gk-footer__built time")[-1]
    assert footer["datetime"] == "2026-11-18" == built_day(minimal)
    assert footer.get_text() == "2026年11月18日"


def test_feeds_for_site_board_category_and_section(minimal_built):
    out = minimal_built.output

    def entries(rel):
        return [e.find(f"{ATOM}title").text for e in ET.parse(out / rel).getroot().iter(f"{ATOM}entry")]

    assert len(entries("feeds/all.atom.xml")) == len(PUBLISHED)
    assert len(entries("feeds/nanwan.atom.xml")) == 3
    assert len(entries("feeds/category/finance.atom.xml")) == 3
    assert len(entries("feeds/nanwan/finance.atom.xml")) == 3
    assert any(t.startswith("【已撤回】") for t in entries("feeds/township.atom.xml"))


def test_sitemap_lists_every_published_page_by_its_full_address(minimal):
    """Every page of the output, gongkai's and Pelican's (content/pages), and nothing else."""
    minimal.write("pages/about.md", "---\ntitle: 关于本站\nslug: about\ndate: 2026-03-04\n---\n本站是公开栏的网上版本。\n")
    with (minimal.root / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write('SITEURL = "https://gongkai.example.gov.cn/"\n')
    out = minimal.build()
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    entries = {e.find(f"{ns}loc").text: e.find(f"{ns}lastmod").text
               for e in ET.parse(out / "sitemap.xml").getroot().iter(f"{ns}url")}
    base = "https://gongkai.example.gov.cn/"
    assert all(loc.startswith(base) for loc in entries)
    pages = {p.relative_to(out).as_posix() for p in out.rglob("*.html")} - {"404.html"}
    pages = {"" if rel == "index.html" else rel for rel in pages if not rel.startswith("pagefind/")}
    assert {loc.removeprefix(base) for loc in entries} == pages
    assert {"pages/about.html", "catalog/index.html", "print/nanwan.html", "reports/2026.html", *PUBLISHED} <= pages
    assert entries[base + "pages/about.html"] == "2026-03-04"
    assert entries[base + "township/major-matters/2026-11-01-road.html"] == "2026-11-16"  # its date


def test_without_siteurl_the_sitemap_is_left_out_with_a_warning(minimal):
    result = run_gongkai("build", cwd=minimal.root, today=TODAY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (minimal.output / "sitemap.xml").exists()
    assert (minimal.output / "index.html").is_file()
    assert "sitemap.xml" in result.stderr and "SITEURL" in result.stderr and "publishconf.py" in result.stderr


def test_only_the_notice_body_is_unescaped(minimal):
    minimal.write("township/major-matters/title.md", "---\ntitle: <b>粗体</b>标题\nboard: township\n"
                  "category: major-matters\ndate: 2026-11-02\n---\n正文里的 **加粗**。\n")
    out = minimal.build()
    html = (out / "township/major-matters/title.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;粗体&lt;/b&gt;标题" in html
    assert "<strong>加粗</strong>" in html


def test_statuses_are_fresh_with_content_cache_on(minimal):
    conf = minimal.root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "\nCACHE_CONTENT = True\nLOAD_CONTENT_CACHE = True\n",
                    encoding="utf-8")
    first = json.loads((minimal.build(today="2026-01-05") / "status.json").read_text(encoding="utf-8"))
    assert (minimal.root / "cache").is_dir()
    second = json.loads((minimal.build(today="2026-11-22") / "status.json").read_text(encoding="utf-8"))
    assert {s["status"] for s in first["sections"]} == {"current"}
    assert "overdue" in {s["status"] for s in second["sections"]}
    board = minimal.soup("township/index.html")
    assert board.select_one("[data-section='township/finance']")["data-status"] == "overdue"


def test_pelican_fatal_errors_fails_with_the_same_messages(minimal):
    conf = minimal.root / "pelicanconf.py"
    theme = Path(__file__).resolve().parent.parent / "theme"
    conf.write_text(conf.read_text(encoding="utf-8") + f'\nPLUGINS = ["gongkai"]\nTHEME = {str(theme)!r}\n',
                    encoding="utf-8")
    minimal.write("nanwan/finance/bad.md", "---\ntitle: x\nboard: nanwn\ncategory: finance\ndate: 2026-11-05\n---\n")
    pelican = str(Path(sys.executable).with_name("pelican"))
    ok = subprocess.run([pelican, "-s", "pelicanconf.py", "--fatal", "errors"], cwd=minimal.root,
                        capture_output=True, text=True, env={"GONGKAI_TODAY": TODAY, "PATH": "/usr/bin:/bin",
                                                            "COLUMNS": "400"})
    assert ok.returncode == 1
    expected = [line for line in minimal.check().stdout.splitlines() if " error " in line]
    assert expected
    for line in expected:
        assert line.split(": error ")[0] in ok.stdout + ok.stderr
    built = run_gongkai("build", cwd=minimal.root)
    assert built.returncode == 1
    assert all(line in built.stderr for line in expected)
