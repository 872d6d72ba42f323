"""Nil returns, notices that would vanish quietly, and placeholders that must never go live.

A nil return (``nil: true``) covers its period, or counts as an event
section's latest notice; the board says so in words (本期无财务收支). A
notice dated after today or filed before its period ended says so. A blank
（待填写）/（请填写…）, a placeholder contact and an empty or example SITEURL
are warnings for ``check`` and errors for ``publish``.
"""

from __future__ import annotations

import datetime as dt

from conftest import copy_site, run_gongkai
from gongkai.config import load
from gongkai.pipeline import read_site
from gongkai.reports import yearly_report

NIL_MONTH = """---
title: 东大地乡人民政府{label}财务收支公开
board: township
category: finance
date: {date}
period: {period}
nil: {value}
---
本月没有发生财务收支，特此说明。
"""

PUBLISHCONF = '''\
import os, sys
sys.path.append(os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *  # noqa
SITEURL = "https://gongkai.dongdadi.gov.cn"
RELATIVE_URLS = False
'''


def _nil_months(site, months=range(1, 11), value="true"):
    """Nil returns for township finance (monthly, 10 days' grace), each filed on the 5th of the next month."""
    for m in months:
        site.write(f"township/finance/2026-{m:02d}.md",
                   NIL_MONTH.format(label=f"2026年{m}月", date=f"2026-{m + 1:02d}-05", period=f"2026-{m:02d}", value=value))


def _problems(report, code):
    return [p for p in report["problems"] if p["code"] == code]


# -- nil returns -------------------------------------------------------------------------------------------------------

def test_a_section_of_nil_returns_stays_current_and_is_on_time(minimal):
    before = {s["category"]: s for s in minimal.check_json()["sections"] if s["board"] == "township"}
    assert before["finance"]["status"] == "overdue"  # nothing filed since January
    _nil_months(minimal, value="是")  # as a clerk may write it
    report = minimal.check_json()
    section = next(s for s in report["sections"] if (s["board"], s["category"]) == ("township", "finance"))
    assert section["status"] == "current" and section["missing_periods"] == []
    assert section["latest_period"] == "2026-10"
    assert [p for p in report["problems"] if p["file"].startswith("content/township/finance")] == []

    _, config = load(minimal.root / "pelicanconf.py", today="2026-11-22")
    township = read_site(config).township
    year = yearly_report(township, 2026)
    finance = next(s for b in year.boards if b.board.slug == "township" for s in b.sections if s.section.category.slug == "finance")
    assert (finance.owed, finance.on_time, finance.late_count, finance.missing_count) == (10, 10, 0, 0)

    out = minimal.build()
    board = minimal.soup("township/index.html")
    card = board.select_one('[data-section="township/finance"]')
    assert card["data-status"] == "current"
    assert "本期无财务收支" in card.get_text()
    page = minimal.soup("township/finance/2026-10.html")
    assert "本期无财务收支" in page.select_one(".gk-banner").get_text()
    assert "2026年10月没有需要公开的此类事项" in page.get_text()
    printed = (out / "print" / "township.html").read_text(encoding="utf-8")
    assert "本期无财务收支" in printed


def test_a_nil_return_counts_as_the_latest_notice_of_an_event_section(minimal):
    def status():
        return next(s for s in minimal.check_json()["sections"] if (s["board"], s["category"]) == ("nanwan", "major-matters"))

    assert status()["status"] == "overdue"  # no major matter since the site started
    minimal.write("nanwan/major-matters/2026-10-08-none.md",
                  "---\ntitle: 南湾村第三季度重大事项情况说明\nboard: nanwan\ncategory: major-matters\n"
                  "date: 2026-10-08\nnil: true\n---\n本季度没有需经村民代表会议决定的重大事项。\n")
    now = status()
    assert now["status"] == "current" and now["latest_date"] == "2026-10-08"
    assert now["next_deadline"] == (dt.date(2026, 10, 8) + dt.timedelta(days=92)).isoformat()
    minimal.build()
    card = minimal.soup("nanwan/index.html").select_one('[data-section="nanwan/major-matters"]')
    assert "本季度无重大事项" in card.get_text()


def test_a_nil_return_with_a_table_or_amounts_is_an_error(minimal):
    head = "---\ntitle: 2026年{m}月财务\nboard: township\ncategory: finance\ndate: 2026-{n:02d}-05\nperiod: 2026-{m:02d}\nnil: true\n"
    cases = {
        1: head + "---\n本月无收支。\n\n| 项目 | 金额（元） |\n|---|---:|\n| 办公费 | 200.00 |\n",
        2: head + "balance: {{opening: 1000.00, income: 0, expense: 0, closing: 1000.00}}\n---\n本月无收支。\n",
        3: head + "---\n本月无收支，只支付了办公费 200 元。\n",
        4: head + "---\n本月无收支。\n收入\t支出\t余额\n0\t0\t1,000.00\n",
        5: head + "---\n2026.05.31 前本村没有发生收支，特此说明（第 3 次说明）。\n",  # dates and counts are no amounts
    }
    for m, text in cases.items():
        minimal.write(f"township/finance/2026-{m:02d}.md", text.format(m=m, n=m + 1))
    minimal.write("township/finance/2026-06.md", NIL_MONTH.format(label="2026年6月", date="2026-07-05",
                                                                  period="2026-06", value="maybe"))
    report = minimal.check_json()
    nil = {p["file"].rsplit("/", 1)[1]: p for p in _problems(report, "nil.content")}
    assert set(nil) == {"2026-01.md", "2026-02.md", "2026-03.md", "2026-04.md"}
    assert all(p["severity"] == "error" and "本期无财务收支" in p["message"] for p in nil.values())
    assert nil["2026-01.md"]["line"] == 11 and "表格" in nil["2026-01.md"]["message"]
    assert nil["2026-02.md"]["line"] == 8 and "balance" in nil["2026-02.md"]["message"]
    assert "200 元" in nil["2026-03.md"]["message"]
    invalid = [p for p in _problems(report, "field.invalid") if p["file"].endswith("2026-06.md")]
    assert invalid and "nil: true" in invalid[0]["message"]
    section = next(s for s in report["sections"] if (s["board"], s["category"]) == ("township", "finance"))
    assert "2026-01" in section["missing_periods"] and "2026-05" not in section["missing_periods"]


def test_the_demo_event_section_is_current_because_nothing_happened(demo):
    card = demo.soup("liujiazhuang/index.html").select_one('[data-section="liujiazhuang/major-matters"]')
    assert card["data-status"] == "current"
    assert "本季度无重大事项" in card.get_text()


# -- nothing vanishes quietly ------------------------------------------------------------------------------------------

def test_a_notice_dated_after_today_says_when_it_will_appear(minimal):
    minimal.write("township/major-matters/2027-11-01-typo.md",
                  "---\ntitle: 关于修路的公示\nboard: township\ncategory: major-matters\ndate: 2027-11-01\n---\n正文。\n")
    future = {p["file"].rsplit("/", 1)[1]: p for p in _problems(minimal.check_json(), "future")}
    assert future["2026-12-future.md"]["severity"] == "warning" and future["2026-12-future.md"]["line"] == 5
    assert "将于 2026-12-01 在网站上公开" in future["2026-12-future.md"]["message"]
    assert "年份" not in future["2026-12-future.md"]["message"]
    assert "是否把年份或月份写错了" in future["2027-11-01-typo.md"]["message"]
    assert "2026-12-future.md" not in {p["file"] for p in _problems(minimal.check_json(today="2026-12-01"), "future")}


def test_a_notice_for_a_period_not_yet_ended_is_warned(minimal):
    minimal.write("nanwan/finance/2026-q4.md",
                  "---\ntitle: 南湾村2026年第四季度财务收支公开\nboard: nanwan\ncategory: finance\ndate: 2026-11-22\n"
                  "period: 2026-Q4\nbalance: {opening: 13399.50, income: 0, expense: 0, closing: 13399.50}\n---\n正文。\n")
    found = _problems(minimal.check_json(), "period.unended")
    assert [(p["file"], p["line"], p["severity"]) for p in found] == [("content/nanwan/finance/2026-q4.md", 6, "warning")]
    assert "2026-12-31 才结束" in found[0]["message"] and "period: 2026-Q3" in found[0]["message"]


def test_new_offers_the_latest_ended_period_not_yet_published(minimal):
    on_first_of_december = run_gongkai("new", "finance", "--board", "township", cwd=minimal.root, today="2026-12-01")
    assert on_first_of_december.returncode == 0, on_first_of_december.stderr
    lines = on_first_of_december.stdout.splitlines()
    assert lines[0] == "content/township/finance/2026-11.md"  # November, not the running December
    assert any("还有更早的期间没有公开" in line and "等 10 期" in line and "--period 2026-01" in line for line in lines)
    explicit = run_gongkai("new", "finance", "--board", "township", "--period", "2026-12", cwd=minimal.root,
                           today="2026-12-01")
    assert explicit.returncode == 0 and "2026年12月要到 2026-12-31 才结束" in explicit.stdout
    # A published notice dated after today is on its way: not offered again.
    (minimal.root / lines[0]).unlink()
    minimal.write("township/finance/2026-11.md", NIL_MONTH.format(label="2026年11月", date="2026-12-05",
                                                                  period="2026-11", value="true"))
    again = run_gongkai("new", "finance", "--board", "township", cwd=minimal.root, today="2026-12-01")
    assert again.stdout.splitlines()[0] == "content/township/finance/2026-10.md"
    # Every ended period published: the running one, saying it has not ended.
    running = run_gongkai("new", "finance", "--board", "nanwan", cwd=minimal.root)
    assert running.stdout.splitlines()[0] == "content/nanwan/finance/2026-q4.md"
    assert "2026-12-31 才结束" in running.stdout


# -- placeholders never go live ----------------------------------------------------------------------------------------

def _publishable(site, conf=PUBLISHCONF):
    (site.root / "publishconf.py").write_text(conf, encoding="utf-8")
    return site


def test_placeholders_in_a_notice_warn_in_check_and_are_held_back_by_publish(tmp_path):
    site = _publishable(copy_site("minimal", tmp_path))
    site.write("township/major-matters/2026-11-10-blank.md",
               "---\ntitle: 关于（请填写事项名称）的公示\nboard: township\ncategory: major-matters\ndate: 2026-11-10\n---\n"
               "经村民代表会议讨论，（待填写）。\n")
    checked = site.check("--format", "json")
    assert checked.returncode == 0  # warnings only
    mine = [p for p in _problems(__import__("json").loads(checked.stdout), "placeholder") if "blank" in p["file"]]
    assert [(p["line"], p["severity"]) for p in mine] == [(2, "warning"), (7, "warning")]
    assert "（请填写事项名称）" in mine[0]["message"] and "（待填写）" in mine[1]["message"]

    www = tmp_path / "www"
    done = run_gongkai("publish", "--to", str(www), cwd=site.root)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "2026-11-10-blank.md:2: error placeholder" in done.stdout
    assert (www / "index.html").is_file()  # the rest went live
    assert not (www / "township" / "major-matters" / "2026-11-10-blank.html").exists()
    assert "2026-11-10-blank" not in (www / "index.html").read_text(encoding="utf-8")


def test_publish_refuses_placeholder_settings(tmp_path):
    site = copy_site("minimal", tmp_path)
    settings = site.root / "pelicanconf.py"
    base = settings.read_text(encoding="utf-8")
    www = tmp_path / "www"
    cases = {
        "empty SITEURL": (base, "", "SITEURL（网站的正式地址）还没有填写"),
        "example SITEURL": (base, 'SITEURL = "https://gongkai.example.gov.cn"\n', "示例地址"),
        "placeholder contact": (base + 'GONGKAI_CONTACTS = {"监督电话": "（请填写乡纪委或政务公开办的办公电话）"}\n',
                                'SITEURL = "https://gongkai.dongdadi.gov.cn"\n', "“监督电话”还没有填写"),
    }
    for name, (pelicanconf, siteurl, words) in cases.items():
        settings.write_text(pelicanconf, encoding="utf-8")
        _publishable(site, PUBLISHCONF.replace('SITEURL = "https://gongkai.dongdadi.gov.cn"\n', siteurl))
        done = run_gongkai("publish", "--to", str(www), cwd=site.root)
        assert done.returncode == 1, name
        assert words in done.stderr and " error placeholder: " in done.stderr, name
        assert "没有发布" in done.stderr and not www.exists(), name
        checked = site.check("--format", "json")
        assert checked.returncode == 0, name  # for check, a warning
        found = _problems(__import__("json").loads(checked.stdout), "placeholder")
        assert found and {p["severity"] for p in found} == {"warning"}, name
    contact = next(p for p in found if "监督电话" in p["message"])
    assert contact["file"] == "pelicanconf.py" and contact["line"] == base.count("\n") + 1


def test_after_a_nil_month_new_opens_with_the_last_closing_balance(minimal):
    minimal.write("township/finance/2026-10.md",
                  "---\ntitle: 东大地乡人民政府2026年10月财务收支公开\nboard: township\ncategory: finance\ndate: 2026-11-05\n"
                  "period: 2026-10\nbalance: {opening: 4000.00, income: 1500.00, expense: 500.00, closing: 5000.00}\n---\n正文。\n")
    minimal.write("township/finance/2026-11.md", NIL_MONTH.format(label="2026年11月", date="2026-12-03",
                                                                  period="2026-11", value="true"))
    done = run_gongkai("new", "finance", "--board", "township", cwd=minimal.root, today="2027-01-02")
    assert done.returncode == 0, done.stderr
    path = done.stdout.splitlines()[0]
    assert path == "content/township/finance/2026-12.md"
    assert "opening: 5000.00" in (minimal.root / path).read_text(encoding="utf-8")


def test_a_blank_correction_note_or_withdrawal_reason_is_a_placeholder(minimal):
    minimal.write("township/major-matters/2026-11-05-fixed.md",
                  "---\ntitle: 关于修路的公示\nboard: township\ncategory: major-matters\ndate: 2026-11-05\n"
                  "corrections:\n  - {date: 2026-11-08, note: （请填写更正了什么）}\n---\n正文。\n")
    minimal.write("township/major-matters/2026-11-06-gone.md",
                  "---\ntitle: 关于修桥的公示\nboard: township\ncategory: major-matters\ndate: 2026-11-06\n"
                  "status: withdrawn\nwithdrawn: {date: 2026-11-09, reason: 待填写}\n---\n正文。\n")
    found = {p["file"].split("/")[-1]: p for p in _problems(minimal.check_json(), "placeholder")}
    assert found["2026-11-05-fixed.md"]["line"] == 6 and "更正说明还没有填写" in found["2026-11-05-fixed.md"]["message"]
    assert found["2026-11-06-gone.md"]["line"] == 7 and "撤回原因还没有填写" in found["2026-11-06-gone.md"]["message"]
