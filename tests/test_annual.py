"""The annual report (政府信息公开工作年度报告): a fixture year whose tables are computed by hand.

tests/sites/annual is a township with four normative documents (one from 2024, three
issued in 2025 of which one was withdrawn in 2025), two permits in 2025, and a 2025
request log of six requests:

| received | applicant | result | answered |
|---|---|---|---|
| 2024-12-20 | 自然人 | 予以公开 | 2025-01-08 (上年结转) |
| 2025-02-03 | 自然人 | 部分公开 | 2025-02-20 |
| 2025-03-03 | 商业企业 | 不掌握 | 2025-03-10 |
| 2025-06-02 | 法律服务机构 | 重复申请 | 2025-06-05 |
| 2025-07-01 | 自然人 | 予以公开 | 2025-08-20 (36 working days: late) |
| 2025-12-22 | 社会公益组织 | — | — (结转下年度) |

Its report text is dated 2026-04-10, after the 31 March deadline, and its part 五 is
word for word last year's.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import Site, copy_site, run_gongkai
from gongkai import annual
from gongkai.config import load
from hypothesis import given
from hypothesis import strategies as st

# Columns: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计
EXPECTED_TABLE3 = {
    "一、本年新收政府信息公开申请数量": (2, 1, 0, 1, 1, 0, 5),
    "二、上年结转政府信息公开申请数量": (1, 0, 0, 0, 0, 0, 1),
    "（一）予以公开": (2, 0, 0, 0, 0, 0, 2),
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": (1, 0, 0, 0, 0, 0, 1),
    "1.本机关不掌握相关政府信息": (0, 1, 0, 0, 0, 0, 1),
    "2.重复申请": (0, 0, 0, 0, 1, 0, 1),
    "（七）总计": (3, 1, 0, 0, 1, 0, 5),
    "四、结转下年度继续办理": (0, 0, 0, 1, 0, 0, 1),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Site:
    site = copy_site("annual", tmp_path_factory.mktemp("annual"))
    site.build()
    return site


def _cells(row) -> list[str]:
    return [c.get_text(strip=True) for c in row.find_all("td")]


def test_table_two_counts_issued_repealed_and_in_force_from_the_notices(built: Site):
    table = built.soup("reports/annual-2025.html").find("table", attrs={"data-table": "二"})
    rows = {r["data-row"]: _cells(r) for r in table.find_all("tr", attrs={"data-row": True})}
    assert rows["规章"] == ["0", "0", "0"]
    assert rows["行政规范性文件"] == ["3", "1", "3"]  # issued b, c, d; c withdrawn in 2025; in force a, b, d
    assert rows["行政许可"] == ["2"]
    assert rows["行政处罚"] == rows["行政强制"] == ["0"]
    assert rows["行政事业性收费"] == ["1.50"]


def test_table_three_has_every_row_and_the_hand_computed_figures(built: Site):
    table = built.soup("reports/annual-2025.html").find("table", attrs={"data-table": "三"})
    rows = table.find_all("tr", attrs={"data-row": True})
    assert len(rows) == 2 + 21 + 1 + 1  # 一, 二, the 21 result rows, (七) 总计, 四
    by_label = {r.find_all("th")[-1].get_text(strip=True): tuple(int(c) for c in _cells(r)) for r in rows}
    for label, counts in EXPECTED_TABLE3.items():
        assert by_label[label] == counts, label
    assert sum(1 for counts in by_label.values() if any(counts)) == len(EXPECTED_TABLE3)
    header = table.get_text()
    for column in ("自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"):
        assert column in header


def test_table_four_and_the_office_words(built: Site):
    soup = built.soup("reports/annual-2025.html")
    row = soup.find("table", attrs={"data-table": "四"}).find("tr", attrs={"data-row": True})
    assert [int(c) for c in _cells(row)] == [1, 0, 0, 1, 2] + [0] * 10
    text = soup.get_text()
    assert "西岭乡人民政府2025年政府信息公开工作年度报告" in text
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                    "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        assert heading in text
    assert "办理依申请公开6件" in text
    assert "晚于" in soup.select_one(".gk-annual__status").get_text()  # published after the deadline


def test_the_self_check_report_links_to_it(built: Site):
    link = built.soup("reports/2025.html").find("a", href=lambda h: h and h.endswith("reports/annual-2025.html"))
    assert link is not None and "政府信息公开工作年度报告" in link.get_text()


def test_check_reports_the_late_reply_the_late_report_and_the_copied_part(built: Site):
    problems = built.check_json()["problems"]
    found = {(p["file"], p["code"], p["severity"]) for p in problems}
    assert ("content/requests/2025.yaml", "requests.late", "warning") in found
    assert ("content/requests/2025.md", "annual.late", "warning") in found  # published, but after 2026-03-31
    assert ("content/requests/2025.md", "annual.copied", "warning") in found
    assert not [p for p in problems if p["code"] == "requests.balance"]
    late = next(p for p in problems if p["code"] == "requests.late")
    assert late["line"] == 7 and "2025-07-01" in late["message"] and "36 个工作日" in late["message"]
    copied = next(p for p in problems if p["code"] == "annual.copied")
    assert "五、存在的主要问题及改进情况" in copied["message"] and copied["line"] == 10


def test_a_failing_identity_is_an_error_naming_the_columns_and_figures(tmp_path):
    site = copy_site("annual", tmp_path)
    site.write("requests/2025.yaml", "totals:\n  本年新收: {自然人: 3}\n  予以公开: {自然人: 2}\n")
    assert site.check().returncode == 1
    run_gongkai("build", cwd=site.root)
    page = (site.output / "reports" / "annual-2025.html").read_text(encoding="utf-8")
    assert "002X" not in page and "西岭乡人民政府2025年政府信息公开工作年度报告" in page
    problems = site.check_json()["problems"]
    balance = [p for p in problems if p["code"] == "requests.balance"]
    assert len(balance) == 1 and balance[0]["severity"] == "error" and balance[0]["line"] == 1
    assert balance[0]["file"] == "content/requests/2025.yaml"
    assert "自然人：本年新收 3 + 上年结转 0 = 3，而办理结果总计 2 + 结转下年度 0 = 2" in balance[0]["message"]
    table = annual.table3(annual.request_rows(annual.read_log(load(site.root / "pelicanconf.py")[1], 2025), 2025, None))
    assert table[1] is False and table[2] == ["自然人", "总计"]


def test_the_deadline_warns_from_january_and_fails_after_it(tmp_path):
    site = copy_site("annual", tmp_path)
    (site.root / "content" / "requests" / "2025.md").unlink()
    due = [p for p in site.check_json(today="2026-02-01")["problems"] if p["code"].startswith("annual.")]
    assert [(p["code"], p["severity"]) for p in due] == [("annual.due", "warning")]
    assert "2026-03-31" in due[0]["message"]
    result = site.check(today="2026-04-01")
    assert result.returncode == 1
    assert "content/requests/2025.md:1: error annual.late" in result.stdout
    # A department's deadline (31 January) by setting:
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + 'GONGKAI_ANNUAL_DUE = "01-31"\n', encoding="utf-8")
    assert "annual.late" in site.check(today="2026-02-01").stdout


def test_a_badly_written_log_is_named_by_file_and_line(tmp_path):
    site = copy_site("annual", tmp_path)
    site.write("requests/2025.yaml", "requests:\n  - {received: 2025-02-03, applicant: 个人, result: 予以公开, answered: 2025-02-20}\n"
                                     "  - {received: 2025-02-03, applicant: 自然人, result: 同意, answered: 2025-02-20}\n"
                                     "  - {received: 2025年3月1日, applicant: 自然人}\n")
    problems = [p for p in site.check_json()["problems"] if p["file"] == "content/requests/2025.yaml"]
    assert [(p["line"], p["code"]) for p in problems] == [(2, "field.invalid"), (3, "field.invalid")]
    assert "自然人、商业企业" in problems[0]["message"] and "予以公开、部分公开" in problems[1]["message"]
    result = run_gongkai("build", cwd=site.root)  # fails on the errors, and still writes the rest
    assert result.returncode == 1 and "content/requests/2025.yaml:2: error field.invalid" in result.stdout + result.stderr
    rows = site.soup("reports/annual-2025.html").find("table", attrs={"data-table": "三"}).find_all("tr", attrs={"data-row": True})
    assert [c.get_text() for c in rows[0].find_all("td")] == ["1", "0", "0", "0", "0", "0", "1"]  # the one request it could read


def test_without_a_requests_folder_nothing_is_owed_and_the_pages_still_build(tmp_path):
    site = copy_site("annual", tmp_path)
    for path in sorted((site.root / "content" / "requests").iterdir()):
        path.unlink()
    (site.root / "content" / "requests").rmdir()
    problems = site.check_json()["problems"]
    assert not [p for p in problems if p["code"].startswith(("annual.", "requests."))]
    out = site.build()
    table = site.soup("reports/annual-2025.html").find("table", attrs={"data-table": "三"})
    assert all(c.get_text() == "0" for c in table.find_all("td"))
    assert (out / "reports" / "annual-2024.html").exists()


def test_a_personal_number_in_the_report_text_is_an_error_and_not_published(tmp_path):
    site = copy_site("annual", tmp_path)
    path = site.root / "content" / "requests" / "2025.md"
    path.write_text(path.read_text(encoding="utf-8").replace("办理依申请公开6件。", "办理依申请公开6件，申请人11010519491231002X。"),
                    encoding="utf-8")
    problems = site.check_json()["problems"]
    assert [(p["line"], p["code"]) for p in problems if p["file"] == "content/requests/2025.md"
            and p["code"].startswith("privacy")] == [(8, "privacy.id-number")]
    assert site.check().returncode == 1
    run_gongkai("build", cwd=site.root)
    page = (site.output / "reports" / "annual-2025.html").read_text(encoding="utf-8")
    assert "002X" not in page and "西岭乡人民政府2025年政府信息公开工作年度报告" in page


def test_a_log_saved_under_another_name_is_named(tmp_path):
    site = copy_site("annual", tmp_path)
    site.write("requests/2026.yml", "requests: []\n")
    skipped = [p for p in site.check_json()["problems"] if p["code"] == "file.skipped"]
    assert [(p["file"], p["severity"]) for p in skipped] == [("content/requests/2026.yml", "warning")]
    assert "2026.yaml" in skipped[0]["message"]


_DAY = st.dates(dt.date(2024, 12, 1), dt.date(2026, 1, 31))


@given(st.lists(st.tuples(_DAY, st.sampled_from(annual.APPLICANTS), st.sampled_from((None, *annual.RESULT_KEYS)),
                          st.integers(0, 60)), max_size=30))
def test_a_log_of_single_requests_always_balances(entries):
    """Whatever requests a log lists, counting them one by one keeps 一 + 二 = 三(七) + 四 in every column."""
    log = annual.RequestLog("content/requests/2025.yaml", found=True)
    for i, (received, applicant, result, days) in enumerate(entries):
        answered = received + dt.timedelta(days=days) if result else None
        log.requests.append(annual.Request(i + 1, received, applicant, result, answered))
    table, balanced, failing = annual.table3(annual.request_rows(log, 2025, None))
    assert balanced and failing == []
    assert table[0].counts[-1] == sum(1 for r in log.requests if r.received.year == 2025
                                      and not (r.answered and r.answered.year < 2025))
