"""The yearly self-check report and the catalogue, hand-computed and as built."""

import datetime as dt
import json

from gongkai.config import Config
from gongkai.model import build_township
from gongkai.notices import Correction, Notice
from gongkai.periods import parse_period
from gongkai.reports import catalog_rows, yearly_report

D = dt.date.fromisoformat
SETTINGS = {
    "GONGKAI_START": "2026-01-01", "GONGKAI_TODAY": "2026-11-22",
    "GONGKAI_CATEGORIES": {
        "finance": {"name": "财务公开", "cycle": "monthly", "grace_days": 10, "basis": "组织法"},
        "major-matters": {"name": "重大事项", "cycle": "event", "max_interval_days": 92},
    },
    "GONGKAI_BOARDS": [{"slug": "nanwan", "name": "南湾村", "categories": ["finance", "major-matters"]}],
}


def finance(month, published, corrections=()):
    return Notice(path=f"f{month}.md", slug=f"f{month}", title="财务", board="nanwan", category="finance",
                  date=D(published), body="", body_line=1, period=parse_period(f"2026-{month:02d}"),
                  corrections=tuple(Correction(D(c), "更正") for c in corrections))


def test_year_report_counts_on_time_late_and_missing(tmp_path):
    config = Config.from_settings(SETTINGS, tmp_path)
    notices = [finance(m, f"2026-{m + 1:02d}-05") for m in (1, 2, 4, 6, 7, 8, 9)]
    notices.append(finance(3, "2026-04-15", corrections=("2026-04-20", "2026-05-02")))  # deadline 04-10
    notices.append(Notice(path="m.md", slug="m", title="事项", board="nanwan", category="major-matters",
                          date=D("2026-06-01"), body="", body_line=1))
    report = yearly_report(build_township(config, notices), 2026)
    section = report.boards[0].sections[0]
    assert section.owed == 10  # January to October: October ended and its deadline passed
    assert section.on_time == 7
    assert [(str(r.period), r.days_late) for r in section.late] == [("2026-03", 5)]
    assert [str(r.period) for r in section.missing] == ["2026-05", "2026-10"]
    assert section.rate == 0.7
    assert (section.notices, section.corrections) == (8, 2)
    event = report.boards[0].sections[1]
    assert (event.owed, event.rate, event.notices) == (0, None, 1)
    assert (report.owed, report.on_time, report.late_count, report.missing_count) == (10, 7, 1, 2)
    assert not report.complete


def test_quarter_covered_by_monthly_notices_is_published_when_its_last_month_is(tmp_path):
    settings = dict(SETTINGS, GONGKAI_CATEGORIES={"finance": {"name": "财务", "cycle": "quarterly",
                                                              "grace_days": 15}},
                    GONGKAI_BOARDS=[{"slug": "nanwan", "name": "南湾村", "categories": ["finance"]}])
    config = Config.from_settings(settings, tmp_path)
    notices = [finance(1, "2026-02-05"), finance(2, "2026-03-05"), finance(3, "2026-04-20")]
    record = yearly_report(build_township(config, notices), 2026).boards[0].sections[0].records[0]
    assert (str(record.period), record.published, record.deadline, record.days_late) == (
        "2026-Q1", D("2026-04-20"), D("2026-04-15"), 5)


def test_report_years_are_those_with_notices(tmp_path):
    config = Config.from_settings(SETTINGS, tmp_path)
    township = build_township(config, [finance(12, "2026-01-05"), finance(1, "2026-02-05")])
    assert township.report_years == [2026]


def test_catalog_has_a_row_per_category_naming_its_boards(tmp_path):
    rows = catalog_rows(Config.from_settings(SETTINGS, tmp_path))
    assert [(r.category.slug, [b.slug for b in r.boards]) for r in rows] == [
        ("finance", ["nanwan"]), ("major-matters", ["nanwan"])]
    assert rows[0].time_limit == "每月结束后 10 日内"
    assert rows[1].time_limit == "事项发生后及时公开，两次公开间隔不超过 92 日"
    assert (rows[0].level, rows[0].category.basis, rows[0].responsible) == ("村级", "组织法", "南湾村村民委员会")
    assert rows[0].exceptions == []


def test_catalog_of_many_villages_is_one_row_per_category_with_its_exceptions(tmp_path):
    """30 villages: five rows, not 30 tables; a board with its own cycle is named under the time limit."""
    villages = [{"slug": f"v{i}", "name": f"第{i}村", "categories": ["finance"]} for i in range(1, 31)]
    villages[4]["cycles"] = villages[9]["cycles"] = {"finance": "quarterly"}
    settings = {**SETTINGS, "GONGKAI_BOARDS": [
        {"slug": "township", "name": "东大地乡人民政府", "kind": "township", "categories": ["finance", "major-matters"]},
        *villages]}
    rows = catalog_rows(Config.from_settings(settings, tmp_path))
    assert [r.category.slug for r in rows] == ["finance", "major-matters"]
    finance_row, matters = rows
    assert finance_row.responsible == "东大地乡人民政府；全部 30 个村的村民委员会"
    assert finance_row.level == "乡镇级、村级"
    assert [e.text for e in finance_row.exceptions] == ["第5村、第10村：每季度结束后 10 日内"]
    assert (matters.responsible, matters.level) == ("东大地乡人民政府", "乡镇级")


def test_demo_report_and_catalog_pages(demo):
    soup = demo.soup("reports/2025.html")
    assert soup.h1.get_text(strip=True) == "2025年度公开工作自查报告"
    chart = soup.select_one("svg[role=img]")
    assert chart is not None and chart.find("title").get_text() == "2025年各公开栏按期公开率"
    assert "92%" in chart.get_text() and "北山村" in chart.get_text()
    rows = {tr["data-section"]: tr.get_text(" ", strip=True) for tr in soup.select("tr[data-section]")}
    assert "2025年第二季度（晚 8 天）" in rows["hexi/finance"]
    assert (demo.output / "reports" / "2026.html").is_file()
    catalog = demo.soup("catalog/index.html")
    assert len(catalog.select("table")) == 1
    assert [tr["data-category"] for tr in catalog.select("tr[data-category]")] == [
        "finance", "subsidies", "low-income-aid", "major-matters", "service-guides"]
    assert "《社会救助暂行办法》" in catalog.get_text()
    # Every cell names its column for the phone layout, from the header row.
    headers = [th.get_text(strip=True) for th in catalog.select("thead th")][1:]
    assert [td["data-label"] for td in catalog.select("tr[data-category] td")][:len(headers)] == headers


def test_demo_report_states_the_status_of_sections_the_rate_leaves_out(demo):
    """A board's rate counts periods only; an overdue event or review section is named beside it."""
    soup = demo.soup("reports/2026.html")
    township = soup.select_one("#report-township").find_next_sibling("p").get_text(" ", strip=True)
    assert "逾期未公开" in township and "办事指南已逾期" in township
    status = {s["board"] + "/" + s["category"]: s["status"] for s in json.loads(
        (demo.output / "status.json").read_text(encoding="utf-8"))["sections"]}
    for tr in soup.select("tr[data-section]"):
        badge = tr.select_one('td[data-label="当前状态"] .gk-badge')["class"][1]
        assert badge == f"gk-badge--{status[tr['data-section']]}", tr["data-section"]
