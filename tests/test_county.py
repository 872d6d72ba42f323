"""A county site over real township sites served on 127.0.0.1.

Three township sites are built here (tests/sites/minimal, twice renamed) and
served by real HTTP servers; a county site lists them and one more township
that never answers. The county is built twice, as a county office would run
it on two days:

1. every township answers: the county home, the township pages, the overdue
   list (each row links to the township's own section page, which the test
   fetches), ``/county.json`` and the feed;
2. the first township has moved on to a later day (a section became overdue),
   the second returns an HTML error page instead of its status.json, the
   third is unreachable (its server stopped): both are shown from their last
   good copy with its age and reported with a code; the feed has the newly
   overdue section.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import re
import shutil
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.request import urlopen

import pytest
from bs4 import BeautifulSoup
from conftest import Site, copy_site, free_port, run_gongkai
from hypothesis import given, settings
from hypothesis import strategies as st

LATER = "2027-02-15"  # nanwan's Q4 finance (due 2027-01-10) is overdue by then
ATOM = "{http://www.w3.org/2005/Atom}"
SCORING = {"per_overdue_section": 3, "per_overdue_week": 0.5, "max_deduction": 30, "green": 95, "amber": 80}


class _Server:
    """A static file server on 127.0.0.1 in a thread, as a township's web server."""

    def __init__(self, root: Path):
        handler = functools.partial(_Quiet, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _township(tmp: Path, name: str, sitename: str) -> Site:
    site = copy_site("minimal", tmp)
    shutil.move(site.root, tmp / name)
    site = Site(tmp / name)
    settings = site.root / "pelicanconf.py"
    settings.write_text(settings.read_text(encoding="utf-8") + f"\nSITENAME = {sitename!r}\nGONGKAI_SEARCH = False\n",
                        encoding="utf-8")
    site.build()
    return site


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("county")
    towns = {name: _township(tmp, name, sitename) for name, sitename in
             (("dongdadi", "东大地乡信息公开"), ("xishan", "西山镇信息公开"), ("beihe", "北河乡信息公开"))}
    main = _Server(tmp)             # dongdadi and xishan
    beihe = _Server(towns["beihe"].output)  # beihe on its own server, stopped before the second build
    try:
        root = tmp / "county"
        root.mkdir()
        townships = [
            {"slug": "dongdadi", "name": "东大地乡", "status": f"{main.url}/dongdadi/output/status.json"},
            {"slug": "xishan", "name": "西山镇", "status": f"{main.url}/xishan/output/status.json"},
            {"slug": "beihe", "name": "北河乡", "status": f"{beihe.url}/status.json"},
            {"slug": "nanshan", "name": "南山乡", "status": f"http://127.0.0.1:{free_port()}/status.json"},
        ]
        (root / "pelicanconf.py").write_text(
            f'SITENAME = "示范县政务公开"\nTIMEZONE = "Asia/Shanghai"\nGONGKAI_TOWNSHIPS = {townships!r}\n'
            f"GONGKAI_COUNTY_SCORING = {SCORING!r}\nGONGKAI_SEARCH = False\n", encoding="utf-8")
        first = run_gongkai("build", cwd=root)
        snapshot = {p.relative_to(root / "output").as_posix(): p.read_bytes() for p in (root / "output").rglob("*")
                    if p.is_file()}
        # The second day: dongdadi rebuilt later, xishan broken, beihe gone.
        towns["dongdadi"].build(today=LATER)
        (towns["xishan"].output / "status.json").write_text("<!DOCTYPE html><html><body>502 Bad Gateway</body></html>",
                                                            encoding="utf-8")
        beihe.stop()
        second = run_gongkai("build", cwd=root, today=LATER)
        yield {"root": root, "first": first, "second": second, "snapshot": snapshot, "main": main, "towns": towns}
    finally:
        main.stop()
        if beihe.thread.is_alive():
            beihe.stop()


def _soup(root: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((root / "output" / rel).read_text(encoding="utf-8"), "html.parser")


def _first_soup(county: dict, rel: str) -> BeautifulSoup:
    return BeautifulSoup(county["snapshot"][rel].decode("utf-8"), "html.parser")


def test_township_status_json_says_what_a_county_needs(county):
    status = json.loads(urlopen(f"{county['main'].url}/dongdadi/output/status.json").read())
    assert status["site"]["name"] == "东大地乡信息公开" and status["site"]["built_at"]
    assert {b["slug"]: b["kind"] for b in status["boards"]} == {"township": "township", "nanwan": "village"}
    assert all(set(b) >= {"slug", "name", "kind", "status", "on_time"} for b in status["boards"])
    assert all(s["url"] == f"{s['board']}/{s['category']}/index.html" and s["name"] for s in status["sections"])
    assert {"today", "notices", "sections", "problems"} <= set(status)  # every key it had before


def test_first_build_shows_every_township_and_village(county):
    assert county["first"].returncode == 0, county["first"].stdout + county["first"].stderr
    assert "Traceback" not in county["first"].stderr
    home = _first_soup(county, "index.html")
    rows = {r["data-township"]: r for r in home.select("tr[data-township]")}
    assert list(rows) == ["dongdadi", "xishan", "beihe", "nanshan"]
    assert "红灯" in rows["dongdadi"].get_text()  # four overdue sections, some for months: vetoed
    assert "无数据" in rows["nanshan"].get_text()
    # Villages: each township's boards, with status and rate.
    villages = home.select("#villages-dongdadi tr[data-board]")
    assert {v["data-board"] for v in villages} == {"dongdadi/township", "dongdadi/nanwan"}
    # The rule sits beside the scores, with the county's own numbers.
    rule = home.select_one("#county-rule").get_text()
    assert "每个逾期栏目扣 3 分" in rule and "最多扣 30 分" in rule and "95 分及以上为绿灯" in rule
    working = rows["dongdadi"].select_one(".gk-light__working").get_text()
    assert re.search(r"逾期栏目 4 个 × 3 分 \+ 逾期 \d+ 周 × 0\.5 分 = 扣 [\d.]+ 分（封顶扣 30 分），得 70 分", working), working
    # The one township never read is a warning with its code, not a failure.
    assert "county.unreachable" in county["first"].stderr and "南山乡" in county["first"].stderr


def test_overdue_list_is_worst_first_and_links_to_each_township_section(county):
    page = _soup(county["root"], "overdue/index.html")
    rows = page.select("li[data-section]")
    days = [int(r.select_one(".gk-county__days").get_text()) for r in rows]
    assert days == sorted(days, reverse=True) and len(rows) >= 4
    main = county["main"].url
    for row in rows:
        link = row.select_one("a.gk-county__link")["href"]
        township, board, category = row["data-section"].split("/")
        if township == "dongdadi":
            assert link == f"{main}/dongdadi/output/{board}/{category}/index.html"
            assert urlopen(link).status == 200  # the township's own section page
        if township in ("xishan", "beihe"):  # from their last good copies, with the age shown
            assert "前的数据" in row.get_text()


def test_second_build_keeps_the_last_good_copy_with_its_age(county):
    result = county["second"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(r"warning county\.invalid: 西山镇（xishan）的公开状态读到的不是有效的 status\.json：.*像是网页", result.stderr)
    assert re.search(r"warning county\.unreachable: 北河乡（beihe）.*无法连接", result.stderr)
    assert re.search(r"暂用 .* 读取的上一份（\d+ 分钟前）", result.stderr)
    home = _soup(county["root"], "index.html")
    stale = home.select_one(".gk-county__stale").get_text()
    for name in ("西山镇", "北河乡", "南山乡"):
        assert name in stale
    assert "county.invalid" in stale and "county.unreachable" in stale
    rows = {r["data-township"]: r for r in home.select("tr[data-township]")}
    assert "分钟前" in rows["xishan"].get_text() and "分钟前" in rows["beihe"].get_text()
    assert rows["xishan"]["data-light"] != "unknown"  # not a blank: the last good copy is scored
    page = _soup(county["root"], "townships/xishan.html")
    assert "county.invalid" in page.get_text() and "分钟前" in page.get_text()
    assert page.select("li[data-status='overdue']")


def test_county_json(county):
    data = json.loads((county["root"] / "output" / "county.json").read_text(encoding="utf-8"))
    assert data["today"] == LATER
    by_slug = {t["slug"]: t for t in data["townships"]}
    assert by_slug["dongdadi"]["fresh"] and by_slug["dongdadi"]["problem"] is None
    assert by_slug["xishan"]["problem"]["code"] == "county.invalid" and not by_slug["xishan"]["fresh"]
    assert by_slug["beihe"]["problem"]["code"] == "county.unreachable" and by_slug["beihe"]["read_at"]
    assert by_slug["nanshan"]["read_at"] is None and by_slug["nanshan"]["score"] is None
    assert data["scoring"]["per_overdue_section"] == 3 and "每个逾期栏目扣 3 分" in data["scoring"]["rule"]
    days = [s["days_overdue"] for s in data["overdue"]]
    assert days == sorted(days, reverse=True)
    late = {(s["township"], s["board"], s["category"]): s["days_overdue"] for s in data["overdue"]}
    # As of the county's day: xishan's copy was made on the first day, when its Q4 finance was not yet due
    # (deadline 2027-01-10); by the second day it is 36 days late, as dongdadi's own status says.
    assert late[("dongdadi", "nanwan", "finance")] == late[("xishan", "nanwan", "finance")] == 36


def test_feed_has_the_sections_that_became_overdue_since_the_previous_build(county):
    feed = ET.parse(county["root"] / "output" / "feeds" / "overdue.atom.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    # New on the second day, first in the feed: dongdadi's, and the same section of the townships shown
    # from their last good copies (its deadline has passed by the county's day, whatever the copy said).
    assert set(titles[:3]) == {f"逾期：{t}·南湾村·财务公开" for t in ("东大地乡", "西山镇", "北河乡")}
    newest = entries[titles.index("逾期：东大地乡·南湾村·财务公开")]
    assert newest.find(f"{ATOM}link").get("href") == f"{county['main'].url}/dongdadi/output/nanwan/finance/index.html"
    assert newest.findtext(f"{ATOM}updated").startswith(LATER)
    assert "首次汇总" not in newest.findtext(f"{ATOM}summary")
    # Those overdue at the first build are there too, marked as such, once each.
    assert sum("首次汇总" in (e.findtext(f"{ATOM}summary") or "") for e in entries) >= 4
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == len(entries)
    first = ET.fromstring(county["snapshot"]["feeds/overdue.atom.xml"])
    assert "逾期：东大地乡·南湾村·财务公开" not in [e.findtext(f"{ATOM}title") for e in first.findall(f"{ATOM}entry")]


def test_a_bad_township_setting_is_a_settings_error(tmp_path):
    (tmp_path / "pelicanconf.py").write_text(
        'GONGKAI_TOWNSHIPS = [{"slug": "东大地", "name": "东大地乡", "status": "x.json"}]\n', encoding="utf-8")
    result = run_gongkai("build", cwd=tmp_path)
    assert result.returncode == 2 and "GONGKAI_TOWNSHIPS[0]['slug']" in result.stderr and "Traceback" not in result.stderr
    (tmp_path / "pelicanconf.py").write_text(
        'GONGKAI_TOWNSHIPS = [{"slug": "a", "name": "甲", "status": "a.json"}]\n'
        'GONGKAI_COUNTY_SCORING = {"per_overdue_sections": 2}\n', encoding="utf-8")
    result = run_gongkai("build", cwd=tmp_path)
    assert result.returncode == 2 and "GONGKAI_COUNTY_SCORING['per_overdue_sections']" in result.stderr


# -- every form a township's file can take -------------------------------------------------

_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                     max_leaves=10)
_DAY = st.one_of(st.none(), st.dates().map(dt.date.isoformat), _JSON)
_SECTION = st.fixed_dictionaries(
    {"board": st.one_of(st.text(min_size=1, max_size=10), _JSON), "category": st.text(min_size=1, max_size=10),
     "status": st.one_of(st.sampled_from(["current", "due", "overdue"]), _JSON)},
    optional={"days_overdue": st.one_of(st.integers(), _JSON), "latest_date": _DAY, "next_deadline": _DAY,
              "url": st.one_of(st.sampled_from(["javascript:alert(1)", "/a/b.html", "https://x.cn/a", "data:,x",
                                                "//evil.example/x", " https://x.cn/a b"]), _JSON),
              "name": _JSON, "missing_periods": _JSON, "latest_period": _JSON})
_BOARD = st.fixed_dictionaries({"slug": st.text(max_size=8), "name": st.text(max_size=8)},
                               optional={"kind": _JSON, "url": _JSON, "on_time": _JSON})
_STATUS = st.fixed_dictionaries(
    {"today": st.one_of(st.dates().map(dt.date.isoformat), _JSON), "sections": st.lists(_SECTION, max_size=4)},
    optional={"boards": st.one_of(st.lists(_BOARD, max_size=3), _JSON),
              "site": st.one_of(st.fixed_dictionaries({}, optional={"url": _JSON, "search": _JSON, "built_at": _JSON}),
                                _JSON)})


@settings(max_examples=300, deadline=None)
@given(data=st.one_of(_STATUS, _JSON), base=st.sampled_from([None, "https://t.example.cn"]))
def test_any_township_file_is_read_or_refused_never_a_crash(data, base):
    """Whatever a township publishes: a status the county models (every link http(s) or none), or county.invalid."""
    from gongkai.county import Reading, Scoring, TownshipSource, Unreadable, model_township, validate

    raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
    try:
        parsed = validate(raw)
    except Unreadable as exc:
        assert exc.code == "county.invalid"
        return
    source = TownshipSource("t", "甲乡", "status.json", base)
    now = dt.datetime(2026, 11, 22, 8, tzinfo=dt.UTC)
    township = model_township(Reading(source, parsed, now, True), Scoring(), dt.date(2026, 11, 22))
    links = [s.url for s in township.sections] + [b.url for b in township.boards] + list(township.search)
    assert all(link is None or link.startswith(("http://", "https://")) for link in links), links
    assert township.score is not None and 0 <= township.score.value <= 100


@given(raw=st.binary(max_size=200))
def test_any_bytes_are_read_or_refused(raw):
    from gongkai.county import Unreadable, validate

    try:
        validate(raw)
    except Unreadable as exc:
        assert exc.code == "county.invalid"


def test_the_veto_indicators_turn_the_light_red():
    from gongkai.county import CountySection, Scoring, score

    def section(status: str, latest: str | None, days: int = 0) -> CountySection:
        return CountySection("t", "nanwan", "finance", "财务公开", status, days, None, latest, None, (), None, "南湾村")

    rules = Scoring(home_idle_days=14, section_idle_days=180, empty_sections=2)
    today = dt.date(2026, 11, 22)
    fresh = [section("current", "2026-11-20"), section("current", "2026-11-01")]
    assert score(fresh, rules, today, township=True).light == "green"
    idle = [section("current", "2026-11-01")]  # 21 days since the township's newest disclosure
    assert score(idle, rules, today, township=True).vetoes == ("最新公开已 21 天（超过 14 天）",)
    assert score(idle, rules, today, township=False).light == "green"  # a village is not held to the home-page rule
    stale = [section("current", "2026-11-20"), section("overdue", "2026-04-01", days=10)]
    result = score(stale, rules, today, township=False)
    assert result.light == "red" and result.vetoes == ("南湾村·财务公开逾期且 235 天未更新（超过 180 天）",)
    empty = [section("current", "2026-11-20"), section("current", None), section("due", None)]
    assert score(empty, rules, today, township=False).vetoes == ("空白栏目 2 个（达到 2 个）",)
    late = [section("overdue", "2026-11-01", days=30)] * 3  # 3 × 2 + 12 weeks × 1 = 18 off
    result = score(late, rules, today, township=False)
    assert (result.value, result.light, result.deduction) == (82, "amber", 18)
    assert result.working(rules) == "逾期栏目 3 个 × 2 分 + 逾期 12 周 × 1 分 = 扣 18 分，得 82 分"


def test_a_county_publishes_like_any_site(county, tmp_path):
    root = county["root"]
    (root / "publishconf.py").write_text("import os, sys\nsys.path.append(os.path.dirname(os.path.abspath(__file__)))\n"
                                         "from pelicanconf import *  # noqa\nSITEURL = \"https://gongkai.shifan.gov.cn\"\n",
                                         encoding="utf-8")
    result = run_gongkai("publish", "--to", str(tmp_path / "www"), cwd=root, today=LATER)
    assert result.returncode == 0, result.stdout + result.stderr
    live = tmp_path / "www"
    assert live.is_symlink() and (live / "county.json").is_file() and (live / "overdue" / "index.html").is_file()


class _Dripping(http.server.BaseHTTPRequestHandler):
    """A server that answers at once and then sends a byte every 0.2 s: every read is quick, the whole never ends."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        try:
            for _ in range(100):
                self.wfile.write(b" ")
                self.wfile.flush()
                threading.Event().wait(0.2)
        except OSError:
            pass

    def log_message(self, *args) -> None:
        pass


def test_a_township_that_never_finishes_answering_is_unreachable_in_bounded_time(tmp_path):
    import time

    from gongkai.county import TownshipSource, read_township

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Dripping)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        source = TownshipSource("slow", "慢乡", f"http://127.0.0.1:{server.server_address[1]}/status.json")
        start = time.monotonic()
        reading = read_township(source, tmp_path, tmp_path / "cache", dt.datetime.now(dt.UTC), timeout=0.5, attempts=1)
        assert time.monotonic() - start < 5
        assert reading.data is None and reading.problem.code == "county.unreachable"
        assert "连接超时" in reading.problem.message
    finally:
        server.shutdown()
        server.server_close()


def test_a_path_on_the_county_machine_is_named_to_the_admin_not_on_the_public_pages(tmp_path):
    (tmp_path / "pelicanconf.py").write_text(
        'GONGKAI_TOWNSHIPS = [{"slug": "beihe", "name": "北河乡", "status": "shares/beihe-secret/status.json"}]\n'
        "GONGKAI_SEARCH = False\n", encoding="utf-8")
    result = run_gongkai("build", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "shares/beihe-secret/status.json" in result.stderr and "county.unreachable" in result.stderr
    published = " ".join(p.read_text(encoding="utf-8") for p in (tmp_path / "output").rglob("*")
                         if p.suffix in (".html", ".json", ".xml"))
    assert "beihe-secret" not in published
    data = json.loads((tmp_path / "output" / "county.json").read_text(encoding="utf-8"))
    assert data["townships"][0]["problem"] == {"severity": "warning", "code": "county.unreachable"}
    assert "暂无数据" in (tmp_path / "output" / "index.html").read_text(encoding="utf-8")  # never a blank county
